"""Demo content of 发展党员: six people at different stages in zhibu1's branch, every step recorded through
``development.services`` (the rules run, the 支部大会 votes go through the meetings tally, the 上级党委's
steps
are recorded by the committee officer over the branch, admissions create member records through
``members.services``):

- 两名入党申请人: one applied 10 days ago (the talk is due soon), one 45 days ago without the talk (overdue);
- 一名入党积极分子 (7 months, one half-yearly evaluation), 一名发展对象 (filed with the 上级党委;
  the 入党介绍人 are named next);
- 一名预备党员 whose probation ends within a month (the board and the warnings show it);
- 一名已转正并归档 (按期转正, 党龄 from the end of probation).

Dates are relative to today; deterministic from the seed; no network.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from dangjian.access.models import Grant
from dangjian.accounts.models import User
from dangjian.core import idcard
from dangjian.development import rules, services
from dangjian.development.models import Development, RecordKind
from dangjian.members.choices import MemberStatus, Standing
from dangjian.members.models import Member
from dangjian.orgs.models import Org

PEOPLE = [
    ("陈思远", "male", "applicant_new"),
    ("林晓彤", "female", "applicant_overdue"),
    ("赵一鸣", "male", "activist"),
    ("黄嘉怡", "female", "candidate"),
    ("吴子涵", "male", "probationary"),
    ("周文博", "male", "archived"),
]
EVALUATION = "培养联系人和党支部考察：政治立场坚定，学习认真，工作积极，能够按时提交思想汇报。"
REPORT = "本季度认真学习党章和党的创新理论，对照党员标准查找差距，在本职工作中主动承担任务。"


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


class _Walker:
    """Records one person's steps in order through the services."""

    def __init__(self, dev: Development, secretary: User, officer: User, voters: list[Member]) -> None:
        self.dev, self.secretary, self.officer, self.voters = dev, secretary, officer, voters
        self.full = [m for m in voters if m.status == MemberStatus.FULL]

    def step(self, number: int, on: dt.date, **data: Any) -> None:
        actor = self.officer if rules.STEP_BY_NUMBER[number].by == rules.UPPER else self.secretary
        responsible = data.pop("responsible", "")
        services.step_record(
            actor=actor, development=self.dev, number=number, done_on=on, responsible=responsible, data=data
        )

    def record(self, kind: str, on: dt.date, summary: str) -> None:
        services.record_add(actor=self.secretary, development=self.dev, kind=kind, on=on, summary=summary)

    def vote(self, on: dt.date, outcome: str = "") -> None:
        present = [m.pk for m in self.voters]
        services.vote_record(
            actor=self.secretary,
            development=self.dev,
            held_on=on,
            present_ids=present,
            yes=len(self.full),
            outcome=outcome,
            publicity_started_on=on - dt.timedelta(days=7),
            note="支部党员大会，无记名投票",
        )

    def to_activist(self, applied: dt.date, activist: dt.date) -> None:
        self.step(2, applied + dt.timedelta(days=18), responsible="支部书记、组织委员")
        self.step(3, activist, publicity_started_on=activist - dt.timedelta(days=7))
        self.step(4, activist + dt.timedelta(days=5))
        self.step(5, activist + dt.timedelta(days=5), mentor_ids=[m.pk for m in self.full[:2]])

    def to_candidate(self, activist: dt.date, candidate: dt.date) -> None:
        for months in (5, 11):
            self.record(RecordKind.EVALUATION, rules.add_months(activist, months), EVALUATION)
        self.step(6, rules.add_months(activist, 11))
        self.step(7, candidate, publicity_started_on=candidate - dt.timedelta(days=7))
        self.step(8, candidate + dt.timedelta(days=5))

    def candidate_checks(self, candidate: dt.date) -> None:
        self.step(9, candidate + dt.timedelta(days=10), introducer_ids=[m.pk for m in self.full[:2]])
        self.step(
            10,
            candidate + dt.timedelta(days=20),
            conclusion="经函调和谈话，本人及主要社会关系政治历史清楚，政治审查合格",
        )
        self.step(11, candidate + dt.timedelta(days=30), days=3, hours=24)

    def to_probationary(self, candidate: dt.date, resolution: dt.date) -> None:
        self.candidate_checks(candidate)
        for n, days in ((12, 40), (13, 45), (14, 50)):
            self.step(n, candidate + dt.timedelta(days=days))
        self.vote(resolution)
        self.step(16, resolution + dt.timedelta(days=10))
        services.admission_approve(
            actor=self.officer, development=self.dev, approved_on=resolution + dt.timedelta(days=30)
        )
        groups = list(services.branch_groups(self.dev.org))
        self.step(18, resolution + dt.timedelta(days=40))
        # ⑲ 编入党小组: the member record gets the group (members.services.member_update)
        placed = {"group_id": groups[self.dev.pk % len(groups)].pk} if groups else {}
        self.step(19, resolution + dt.timedelta(days=45), **placed)
        self.step(20, resolution + dt.timedelta(days=50))
        self.record(RecordKind.PROBATION, rules.add_months(resolution, 6), EVALUATION)
        self.step(21, rules.add_months(resolution, 6))


def seed(*, seed: int) -> str:
    """Six people at different stages in zhibu1's branch; returns one summary line."""
    found = _secretary_branch("zhibu1")
    if found is None:
        return "发展党员：未找到演示账号 zhibu1，跳过"
    secretary, branch = found
    officer = _officer_over(branch)
    if officer is None:
        return "发展党员：未找到上级党委组织干部，跳过"
    if Development.objects.filter(org=branch).exists():
        return f"发展党员：{branch.label}已有发展党员流程，未重复生成"
    rng = random.Random(seed * 7919 + 5)
    today = timezone.localdate()
    voters = list(
        Member.objects.active()
        .filter(org=branch, standing=Standing.NORMAL)
        .exclude(
            pk__in=services.under_discipline_ids(
                Member.objects.filter(org=branch).values_list("pk", flat=True)
            )
        )
        .order_by("name", "id")
    )
    if len([m for m in voters if m.status == MemberStatus.FULL]) < 2:
        return f"发展党员：{branch.label}正式党员不足两名，跳过"
    with transaction.atomic():
        for i, (name, gender, where) in enumerate(PEOPLE):
            birth = dt.date(1996 + rng.randrange(6), 1 + rng.randrange(12), 1 + rng.randrange(28))
            number = _free_number(birth, 600 + 20 * i + rng.randrange(10), gender)
            applied, activist, candidate, resolution = _dates(where, today)
            dev = services.development_create(
                actor=secretary,
                org=branch,
                name=name,
                id_number=number,
                applied_on=applied,
                education="bachelor",
                category="professional",
                job_title=rng.choice(["技术员", "工程师", "调度员", "会计", "班组长"]),
                phone=f"139{rng.randrange(10**8):08d}",
                today=today,
            )
            walk = _Walker(dev, secretary, officer, voters)
            if where.startswith("applicant"):
                continue
            walk.to_activist(applied, activist)
            if where == "activist":
                walk.record(RecordKind.EVALUATION, rules.add_months(activist, 5), EVALUATION)
                walk.step(6, rules.add_months(activist, 5))
            else:
                walk.to_candidate(activist, candidate)
                if where != "candidate":
                    walk.to_probationary(candidate, resolution)
                if where == "archived":
                    end = rules.probation_end(resolution)
                    walk.step(22, end - dt.timedelta(days=10))
                    walk.vote(end + dt.timedelta(days=10), outcome=rules.ON_TIME)
                    services.full_approve(
                        actor=officer, development=dev, approved_on=end + dt.timedelta(days=30)
                    )
                    walk.step(25, end + dt.timedelta(days=40))
            if where != "archived":
                walk.record(RecordKind.THOUGHT_REPORT, today - dt.timedelta(days=20), REPORT)
    return (
        f"发展党员：{branch.label} 6人"
        "（申请人2名其中1名谈话逾期、积极分子、发展对象、预备党员、已转正归档各1名）"
    )


def _free_number(birth: dt.date, sequence: int, gender: str) -> str:
    """A valid identity number nobody in the roster has (the demo roster draws from many regions)."""
    from dangjian.members.services import id_index

    for step in range(0, 400, 2):
        number = idcard.make("110108", birth, sequence + step, gender)
        if not Member.objects.filter(id_number_index=id_index(number)).exists():
            return number
    raise RuntimeError("无法生成不重复的公民身份号码")


def _dates(where: str, today: dt.date) -> tuple[dt.date, dt.date, dt.date, dt.date]:
    """(applied, activist, candidate, resolution) for each demo stage, relative to today."""
    if where == "applicant_new":
        return today - dt.timedelta(days=10), today, today, today
    if where == "applicant_overdue":
        return today - dt.timedelta(days=45), today, today, today
    if where == "activist":
        activist = rules.add_months(today, -7)
        return rules.add_months(activist, -7), activist, today, today
    if where == "candidate":
        candidate = rules.add_months(today, -2)
    elif where == "probationary":
        candidate = rules.add_months(today, -13)  # resolution 11 months ago: probation ends within a month
    else:
        candidate = rules.add_months(today, -18)  # resolution 16 months ago: probation ended 4 months ago
    activist = rules.add_months(candidate, -12) - dt.timedelta(days=5)
    return rules.add_months(activist, -7), activist, candidate, rules.add_months(candidate, 2)
