"""Demo content of 组织关系转接 and 流动党员, for the demo accounts.

zhibu1's branch has a member's request waiting for the branch (and one waiting for erji1's approval), a
member received from a university with the 回执 still to send, a member received within the enterprise
months ago (completed, the record moved), and a 流动党员 away for seven months (so the 满6个月应转接 notice
shows). zhibu2's branch has a member coming in within the enterprise, accepted by erji1 and waiting to report,
and a letter issued to an organisation in the national system.

Runs after ``seed_demo`` has created the organisations, members and demo accounts; deterministic from the
seed; no network. Every step goes through ``transfers.services`` (audited) with the demo accounts, dated in
the past; a member's own request, which their phone would make, is written as the service would write it
(the demo members have no logins).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from dangjian.access.models import Grant
from dangjian.accounts.models import User
from dangjian.core import crypto, idcard
from dangjian.members.models import Member
from dangjian.orgs.models import Org
from dangjian.orgs.rules import BRANCH_KINDS, add_months
from dangjian.transfers import services
from dangjian.transfers.models import MobileRegistration, StartedBy, Transfer, TransferStatus

UNIVERSITIES = [
    "中共某理工大学机械工程学院委员会",
    "中共某师范大学计算机学院委员会",
    "中共某财经大学会计学院委员会",
]
GIVEN = ["思远", "雨桐", "嘉怡", "浩然", "子涵", "梓萱", "宇轩", "欣怡"]
SURNAMES = ["韩", "冯", "曹", "彭", "曾", "萧", "田", "董"]


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


def _plain_members(org: Org) -> list[Member]:
    """Members of the branch without a login (the demo accounts' own records stay untouched)."""
    return list(
        Member.objects.active()
        .filter(org=org, user__isnull=True, standing="normal", lost_contact=False, mobile=False)
        .exclude(transfers__status__in=[s for s in TransferStatus.values])
        .order_by("name", "id")
    )


def _new_id_number(rng: random.Random, birth: dt.date, gender: str) -> str:
    while True:
        number = idcard.make(f"{rng.randint(110101, 650000):06d}", birth, rng.randint(1, 998), gender)
        if not Member.objects.filter(
            id_number_index=crypto.blind_index(number, purpose="member.id_number")
        ).exists():
            return number


def _internal(
    member: Member, to: Org, sender: User, issuer: User, receiver: User, start: dt.date, reason: str = "job"
) -> Transfer:
    t = services.transfer_request(
        actor=sender, member=member, kind="internal", reason=reason, to_org=to, today=start
    )
    t = services.transfer_issue(actor=issuer, transfer=t, today=start + dt.timedelta(days=2))
    return services.transfer_accept(
        actor=receiver, transfer=t, on=start + dt.timedelta(days=4), today=start + dt.timedelta(days=4)
    )


def seed(*, seed: int) -> str:
    """The transfers and the 流动党员 above; returns one summary line."""
    rng = random.Random(seed * 6007 + 13)
    one, two = _secretary_branch("zhibu1"), _secretary_branch("zhibu2")
    if one is None or two is None:
        return "组织关系转接：未找到演示账号 zhibu1/zhibu2，跳过"
    if (
        Transfer.objects.filter(from_org__in=[one[1], two[1]]).exists()
        or Transfer.objects.filter(to_org__in=[one[1], two[1]]).exists()
    ):
        return "组织关系转接：演示数据已存在，未重复生成"
    (sec1, b1), (sec2, b2) = one, two
    officer1, officer2 = _officer_over(b1), _officer_over(b2)
    if officer1 is None or officer2 is None:
        return "组织关系转接：未找到上级党委组织干部账号，跳过"
    today = timezone.localdate()
    candidates = Org.objects.filter(kind__in=BRANCH_KINDS, is_active=True).exclude(pk__in=[b1.pk, b2.pk])
    others = [o for o in candidates.order_by("path")[:40] if _officer_over(o) and len(_plain_members(o)) >= 2]
    elsewhere = rng.choice(others) if others else None
    made: list[str] = []
    with transaction.atomic():
        ones, twos = _plain_members(b1), _plain_members(b2)
        # 1. A member's own request waiting for zhibu1's branch (as their phone would have written it).
        asking = ones.pop(rng.randrange(len(ones)))
        Transfer.objects.create(
            member=asking,
            kind="outside",
            started_by=StartedBy.MEMBER,
            reason="residence",
            reason_detail="随配偶落户外地，已在当地社区报到",
            from_org=b1,
            from_org_name=b1.name,
            to_org_name="中共某市某区某街道工作委员会",
            to_address="某市某区某街道党群服务中心",
            member_status=asking.status,
            probation_started_on=asking.joined_on if asking.status == "probationary" else None,
            dues_paid_until=asking.dues_paid_until,
            requested_on=today - dt.timedelta(days=2),
        )
        made.append(f"{asking.name}申请转出待支部审核")
        # 2. The branch's own transfer waiting for the committee's approval (erji1).
        waiting = ones.pop(rng.randrange(len(ones)))
        services.transfer_request(
            actor=sec1,
            member=waiting,
            kind="internal",
            reason="job",
            to_org=b2,
            today=today - dt.timedelta(days=3),
        )
        made.append(f"{waiting.name}待上级审批")
        # 3. Coming into zhibu2's branch within the enterprise: accepted, waiting to report.
        if elsewhere is not None:
            pool = _plain_members(elsewhere)
            mover = pool[rng.randrange(len(pool))]
            sender = _officer_over(elsewhere) or officer1
        else:
            mover, sender = ones.pop(rng.randrange(len(ones))), sec1
        _internal(
            mover, b2, sender, _officer_over(mover.org) or officer1, officer2, today - dt.timedelta(days=6)
        )
        made.append(f"{mover.name}转入第二支部待报到")
        # 4. Completed months ago: a member received into zhibu1's branch, record moved, 回执 returned.
        source4 = elsewhere or b2
        pool4 = [m for m in _plain_members(source4) if m.pk != mover.pk] or twos
        done_member = pool4[rng.randrange(len(pool4))]
        start = today - dt.timedelta(days=100)
        sender4 = _officer_over(source4) or officer2
        t = _internal(done_member, b1, sender4, sender4, officer1, start)
        t = services.transfer_report(
            actor=sec1, transfer=t, on=start + dt.timedelta(days=7), today=start + dt.timedelta(days=7)
        )
        services.transfer_receipt(
            actor=sec1, transfer=t, on=start + dt.timedelta(days=12), today=start + dt.timedelta(days=12)
        )
        made.append(f"{done_member.name}已办结转入")
        # 5. A graduate received from a university with a paper letter; the 回执 is still to send.
        gender = rng.choice(["male", "female"])
        birth = dt.date(today.year - 23, rng.randint(1, 12), rng.randint(1, 28))
        reported = today - dt.timedelta(days=9)
        joined = add_months(today, -5)
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        services.incoming_record(
            actor=sec1,
            to_org=b1,
            member_data={
                "name": name,
                "id_number": _new_id_number(rng, birth, gender),
                "gender": gender,
                "ethnicity": "汉族",
                "education": "bachelor",
                "category": "professional",
                "joined_on": joined,
                "job_title": "见习技术员",
            },
            from_org_name=rng.choice(UNIVERSITIES),
            letter_number=f"{today.year}-{rng.randint(100, 999)}",
            issued_on=reported - dt.timedelta(days=12),
            valid_days=60,
            reported_on=reported,
            dues_paid_until=add_months(today, -2).replace(day=1),
            reason="graduation",
            today=today,
        )
        made.append(f"{name}（预备党员）自高校转入待寄回执")
        # 6. A letter from zhibu2's branch to an organisation in the national system.
        if twos:
            national = twos[rng.randrange(len(twos))]
            t = services.transfer_request(
                actor=sec2,
                member=national,
                kind="national",
                reason="job",
                to_org_name="中共某省某市国有资产监督管理委员会委员会",
                today=today - dt.timedelta(days=12),
            )
            services.transfer_issue(
                actor=officer2,
                transfer=t,
                system_ref=f"QG{today:%Y%m}{rng.randint(10000, 99999)}",
                today=today - dt.timedelta(days=10),
            )
            made.append(f"{national.name}全国系统转出")
        # 7. A 流动党员 of zhibu1's branch, away for seven months.
        away = ones.pop(rng.randrange(len(ones)))
        started = add_months(today, -7)
        services.mobile_register(
            actor=sec1,
            member=away,
            destination="广东省深圳市南山区",
            destination_org="中共深圳某科技园区流动党员党支部",
            reason="assignment",
            started_on=started,
            expected_until=add_months(started, 12),
            contact="项目部驻地办公室",
            today=started,
        )
        made.append(f"流动党员{away.name}")
    count = Transfer.objects.count()
    mobiles = MobileRegistration.objects.count()
    return f"组织关系转接：{count}件（{'；'.join(made)}），流动党员{mobiles}名"
