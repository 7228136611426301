"""Demo content of 党费: categories, salary items and confirmed amounts for the members of zhibu1's and
zhibu2's branches and a few more branches of erji1's committee; twelve months of bills for zhibu1's branch
(three for the others), most paid month by month, some members behind (one over six months: the 自行脱党 case
on the supervision board), dangyuan1 owing last month and this one; a 少交 request the branch studied,
waiting for erji1; an open campaign of erji1's committee; last year's publication.

Runs after ``seed_demo`` has created the organisations, members and demo accounts; deterministic from the
seed; every write goes through ``dues.services`` (the payments on their own dates, then dated back as they
happened).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dangjian.access.models import Grant
from dangjian.accounts.models import User
from dangjian.dues import rules, services
from dangjian.dues.models import DuesPayment, DuesProfile
from dangjian.members.models import Member
from dangjian.orgs.models import Org
from dangjian.orgs.rules import BRANCH_KINDS

OTHER_BRANCHES = 8


def _secretary_branch(username: str) -> tuple[User, Org] | None:
    user = User.objects.filter(username=username).first()
    grant = (
        Grant.objects.filter(user=user, role="branch_secretary").select_related("org").first()
        if user
        else None
    )
    if user is None or grant is None or grant.org is None:
        return None
    return user, grant.org


def _officer_over(org: Org) -> User | None:
    for grant in (
        Grant.objects.filter(role="committee_officer").select_related("org", "user").order_by("-org__depth")
    ):
        if grant.org is not None and org.path.startswith(grant.org.path):
            return grant.user
    return None


def _items(rng: random.Random, member: Member) -> tuple[str, list[dict[str, object]]]:
    age = (timezone.localdate() - member.birth_date).days // 365
    if age >= 60:
        pension = Decimal(rng.randrange(3200, 7200, 50))
        return "retired", [
            {"name": "基本退休费", "amount": pension, "in_base": True},
            {"name": "生活补贴", "amount": Decimal(rng.randrange(200, 600, 50)), "in_base": False},
        ]
    post = Decimal(rng.randrange(2600, 12600, 100))
    return "in_service", [
        {"name": "岗位工资", "amount": post, "in_base": True},
        {"name": "薪级工资", "amount": Decimal(rng.randrange(300, 1800, 50)), "in_base": True},
        {"name": "绩效工资（月度）", "amount": Decimal(rng.randrange(500, 3000, 100)), "in_base": True},
        {
            "name": "住房公积金（个人）",
            "amount": (post * Decimal("0.12")).quantize(Decimal("1")),
            "in_base": False,
        },
        {
            "name": "养老保险（个人）",
            "amount": (post * Decimal("0.08")).quantize(Decimal("1")),
            "in_base": False,
        },
        {"name": "交通补贴", "amount": Decimal(300), "in_base": False},
        {"name": "个人所得税", "amount": Decimal(rng.randrange(0, 600, 10)), "in_base": False},
    ]


def _fix(rng: random.Random, secretary: User, members: list[Member], since: dt.date) -> None:
    for m in members:
        if DuesProfile.objects.filter(member=m).exists():
            continue
        category, items = _items(rng, m)
        services.profile_set(actor=secretary, member=m, category=category, items=items)
        fixing = services.fixing_propose(
            actor=secretary,
            member=m,
            effective_from=max(since, rules.month_start(m.joined_on)),
            reason="年度核定",
        )
        services.fixing_confirm(actor=secretary, fixing=fixing)


def _pay(secretary: User, member: Member, month: dt.date) -> None:
    day = month.replace(day=min(5 + member.pk % 20, 28))
    payment = services.payment_create(
        actor=secretary, member=member, kind="monthly", months_from=month, today=day
    )
    services.payment_settle(payment=payment, actor=secretary, reference="线下")
    when = timezone.make_aware(dt.datetime(day.year, day.month, day.day, 10, 0))
    DuesPayment.objects.filter(pk=payment.pk).update(created_at=when, confirmed_at=when)


def seed(*, seed: int) -> str:
    """Returns one summary line."""
    rng = random.Random(seed * 7919 + 3)
    found = _secretary_branch("zhibu1")
    if found is None:
        return "党费：未找到演示账号 zhibu1，跳过"
    secretary, branch = found
    officer = _officer_over(branch)
    today = timezone.localdate()
    this = rules.month_start(today)
    first = rules.add_months(this, -11)
    if DuesProfile.objects.filter(member__org=branch).exists():
        return "党费：已有演示数据"
    committee_path = branch.path[: -Org.steplen]
    others = [
        o
        for o in Org.objects.filter(
            kind__in=BRANCH_KINDS, is_active=True, path__startswith=committee_path, depth=branch.depth
        )
        .exclude(pk=branch.pk)
        .order_by("path")[:OTHER_BRANCHES]
    ]
    second = _secretary_branch("zhibu2")
    if second is not None and second[1] not in others:
        others = [second[1], *others[: OTHER_BRANCHES - 1]]
    with transaction.atomic():
        members = list(Member.objects.active().filter(org=branch, standing="normal").order_by("id"))
        _fix(rng, secretary, members, first)
        for month in rules.month_range(first, this):
            services.bills_generate(actor=secretary, month=month, org=branch)
        dangyuan1 = next((m for m in members if m.user and m.user.username == "dangyuan1"), None)
        behind: dict[int, int] = {}
        for m in members:
            if m is dangyuan1:
                behind[m.pk] = 2
            else:
                behind[m.pk] = rng.choice([0, 0, 0, 0, 0, 1, 1, 2, 4]) if rng.random() > 0.04 else 7
        paid = 0
        for m in members:
            for month in rules.month_range(max(first, rules.month_start(m.joined_on)), this):
                if rules.months_between(month, this) >= behind[m.pk]:
                    _pay(secretary, m, month)
                    paid += 1
        # Other branches: three months of bills, most of them paid.
        for org in others:
            org_secretary = second[0] if second is not None and org == second[1] else officer
            if org_secretary is None:
                continue
            org_members = list(Member.objects.active().filter(org=org, standing="normal").order_by("id"))
            _fix(rng, org_secretary, org_members, rules.add_months(this, -2))
            for month in rules.month_range(rules.add_months(this, -2), rules.add_months(this, -1)):
                services.bills_generate(actor=org_secretary, month=month, org=org)
                for m in org_members:
                    # Nothing is due before the month a 预备党员 was admitted (党费规定).
                    if month >= rules.month_start(m.joined_on) and rng.random() < 0.85:
                        _pay(org_secretary, m, month)
            services.bills_generate(actor=org_secretary, month=this, org=org)
        # A 少交 request studied by the branch, waiting for erji1.
        candidate = next((m for m in members if m is not dangyuan1 and behind[m.pk] == 0), None)
        if candidate is not None:
            services.reduction_create(
                actor=secretary,
                member=candidate,
                kind="reduce",
                monthly_amount="5.00",
                months_from=rules.add_months(this, 1),
                months_to=rules.add_months(this, 6),
                reason="配偶重病长期住院，子女上学，家庭生活困难",
                studied_on=today - dt.timedelta(days=3),
                study_note="支委会研究，情况属实，同意每月少交至5元，报上级党委审批",
            )
        if officer is not None:
            committee = Org.objects.get(path=committee_path)
            services.campaign_create(
                actor=officer,
                org=committee,
                title="支援抗洪救灾自愿捐款",
                purpose="用于受灾地区群众生活救助和灾后重建，党员自愿交纳，不设数额要求",
                starts_on=today - dt.timedelta(days=5),
                ends_on=today + dt.timedelta(days=25),
            )
            last = today.year - 1
            collected, _ = services.year_collected(branch, last)
            services.publication_create(
                actor=secretary,
                org=branch,
                year=last,
                used=min(collected, Decimal("600.00")),
                usage="订阅《求是》《党建》等党报党刊；走访慰问生活困难党员2名；开展主题党日活动购置学习资料",
            )
    return f"党费：{len(members)}名党员已核定，账单12个月，已交{paid}笔，1件少交申请待审批"
