"""Demo content of 组织生活会 and 民主评议党员: zhibu1's branch has last year's appraisal completed
(self-assessments,
ballots, tally, the 支委会's grades within the 1/3 优秀 guard, the 党员大会's decision, filed by the committee
officer, one 不合格 with its 限期改正) and last year's 组织生活会 prepared in full; this year's appraisal is
open
(some members have self-assessed and voted — dangyuan1 has not, so the demo account can still rate) and this
year's 组织生活会 is being prepared (some talks and materials still missing).

Runs after ``seed_demo`` has created the organisations, members and demo accounts; deterministic from the
seed; no network. Openings, closing, proposals, decisions, filing, talks and follow-ups go through
``appraisal.services`` (audited). What members do on their phones (self-assessments, ballots, materials) is
written in bulk, as their phones would have done: the demo accounts are the only members with logins. The
ballots go straight into the counters and receipts, exactly what ``ballot_cast`` stores.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from django.db import transaction
from django.utils import timezone

from dangjian.access.models import Grant
from dangjian.accounts.models import User
from dangjian.appraisal import rules, services
from dangjian.appraisal.models import (
    Appraisal,
    BallotReceipt,
    ExaminationStatus,
    LifeMeeting,
    Participant,
    RatingTally,
    SelfExamination,
)
from dangjian.meetings.models import Meeting
from dangjian.members.models import Member
from dangjian.orgs.models import Org

SELF_TEXTS = [
    "一年来，我坚持学习党的创新理论，按时参加“三会一课”和主题党日，按月足额交纳党费。在本职岗位上带头攻坚，"
    "完成了{task}。不足是理论学习还不够系统，联系群众还不够经常，今后将加强学习、主动作为。",
    "对照合格党员标准和入党誓词，本人能够严守政治纪律和政治规矩，积极参加支部组织生活。工作中{task}，"
    "发挥了党员先锋模范作用。存在的问题是创新意识不强，批评与自我批评不够大胆，下一步将认真整改。",
    "本年度我认真学习党章党规，参加网络党校学习，学时达标。在{task}中主动承担急难险重任务。"
    "不足之处是对年轻同志传帮带不够，今后要在带队伍上多下功夫。",
]
TASKS = [
    "年度检修任务",
    "新产线调试",
    "安全生产专项整治",
    "客户服务质量提升",
    "项目结算审计",
    "科技攻关课题",
    "设备节能改造",
]
EXAM_TEXT = (
    "一、学习贯彻党的创新理论方面：学习的系统性、深入性不够，学用结合还有差距。\n"
    "二、履职尽责方面：面对急难险重任务，有时存在畏难情绪。\n"
    "三、作风纪律方面：深入一线调查研究不够经常。\n"
    "四、整改措施：制定个人学习计划，每月至少到生产一线两次，主动认领攻坚任务。"
)
TALK_TOPICS = [
    ("支委分工与履职情况", "交流了分管工作推进情况，互相指出了工作中的不足，约定在党员教育管理上加强配合。"),
    (
        "思想工作情况",
        "谈了近期的思想和工作状态，对支部工作提出了意见建议，表示将在组织生活会上认真开展批评和自我批评。",
    ),
    ("岗位履职与家庭困难", "了解了工作和家庭情况，鼓励其发挥党员作用；对反映的困难，支部将协调解决。"),
    ("征求对支委班子的意见", "就支部组织生活质量、党员作用发挥等听取意见，记录了三条改进建议。"),
]


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


def _at(day: dt.date, hour: int = 20) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


def _self_assess(rng: random.Random, people: list[Participant], day: dt.date) -> None:
    for p in people:
        p.self_assessment = rng.choice(SELF_TEXTS).format(task=rng.choice(TASKS))
        p.self_grade = "excellent" if rng.random() < 0.2 else "qualified"
        p.self_assessed_at = _at(day, rng.randint(8, 22))
    Participant.objects.bulk_update(people, ["self_assessment", "self_grade", "self_assessed_at"])


def _vote(
    rng: random.Random, appraisal: Appraisal, raters: list[Participant], quality: dict[int, str]
) -> None:
    """Cast the raters' ballots as the phones would: counters and receipts, no trace of who gave what."""
    ratees = list(Participant.objects.filter(appraisal=appraisal, excluded_reason="").select_related("tally"))
    counts: dict[int, Counter[str]] = {p.pk: Counter() for p in ratees}
    for rater in raters:
        for p in ratees:
            if p.pk == rater.pk:
                continue
            counts[p.pk][_grade_for(rng, quality.get(p.pk, "qualified"))] += 1
    tallies = []
    for p in ratees:
        t: RatingTally = p.tally
        for g in rules.GRADES:
            setattr(t, g, getattr(t, g) + counts[p.pk][g])
        tallies.append(t)
    RatingTally.objects.bulk_update(tallies, list(rules.GRADES))
    BallotReceipt.objects.bulk_create([BallotReceipt(appraisal=appraisal, rater=r) for r in raters])


def _grade_for(rng: random.Random, quality: str) -> str:
    roll = rng.random()
    if quality == "excellent":
        return "excellent" if roll < 0.7 else "qualified"
    if quality == "basic":
        return "basic" if roll < 0.55 else "qualified"
    if quality == "unqualified":
        return "unqualified" if roll < 0.6 else ("basic" if roll < 0.85 else "qualified")
    return "excellent" if roll < 0.12 else ("qualified" if roll < 0.97 else "basic")


def _last_year(rng: random.Random, branch: Org, secretary: User, officer: User | None, year: int) -> str:
    appraisal = services.appraisal_open(
        actor=secretary, org=branch, year=year, title=f"{year}年度民主评议党员"
    )
    people = list(
        Participant.objects.filter(appraisal=appraisal, excluded_reason="").select_related("member")
    )
    _self_assess(rng, [p for p in people if rng.random() < 0.96], dt.date(year, 12, 8))
    quality = {p.pk: ("excellent" if rng.random() < 0.28 else "qualified") for p in people}
    if len(people) >= 10:
        quality[people[-2].pk], quality[people[-1].pk] = "basic", "unqualified"
    _vote(rng, appraisal, [p for p in people if rng.random() < 0.92], quality)
    services.rating_close(actor=secretary, appraisal=appraisal)
    Appraisal.objects.filter(pk=appraisal.pk).update(closed_at=_at(dt.date(year, 12, 15), 18))
    appraisal.refresh_from_db()
    rows = Participant.objects.filter(appraisal=appraisal, excluded_reason="").select_related("tally")
    tallies = {p.pk: rules.MemberTally(p.tally.counts) for p in rows}
    limit = rules.excellent_limit(len(people))
    by_votes = sorted(people, key=lambda p: -tallies[p.pk].counts.get("excellent", 0))
    excellent = {p.pk for p in by_votes[:limit] if tallies[p.pk].suggested == "excellent"}
    grades: dict[int, str] = {}
    notes: dict[int, str] = {}
    for p in people:
        if p.pk in excellent:
            grades[p.pk] = "excellent"
        else:
            grades[p.pk] = quality[p.pk] if quality[p.pk] in ("basic", "unqualified") else "qualified"
        if grades[p.pk] == "unqualified":
            notes[p.pk] = "全年无正当理由4次未参加组织生活，未按期交纳党费，经支部谈话提醒仍未改正"
        elif grades[p.pk] == "basic":
            notes[p.pk] = "学习积分偏低，组织生活参加不够经常"
    services.grades_propose(
        actor=secretary, appraisal=appraisal, grades=grades, notes=notes, proposed_on=dt.date(year, 12, 20)
    )
    services.grades_confirm(
        actor=secretary,
        appraisal=appraisal,
        confirmed_on=dt.date(year, 12, 28),
        decision=(
            f"支部党员大会应到{len(people)}人，实到{len(people) - 2}人。"
            "会议逐一审议支委会提出的评定等次建议，"
            "举手表决，全体到会党员一致同意。"
        ),
    )
    if officer is not None:
        services.appraisal_file(actor=officer, appraisal=appraisal, note="评议程序规范，同意备案。")
    unqualified = [p for p in people if grades[p.pk] == "unqualified"]
    for p in unqualified:
        deadline = dt.date(year + 1, 6, 30)
        follow_up = services.follow_up_create(
            actor=secretary,
            participant=p,
            kind="rectify",
            decided_on=dt.date(year, 12, 30),
            deadline=deadline,
            measures="支部书记与其谈心谈话，指定一名党员帮带；每月参加组织生活并向支部汇报思想。",
        )
        if deadline < timezone.localdate():
            services.follow_up_close(
                actor=secretary,
                follow_up=follow_up,
                outcome="经教育帮扶，按时参加组织生活、补交党费，改正期满经支委会研究认定已改正。",
                closed_on=deadline,
            )
    return f"{year}年度参评{len(people)}人，优秀{len(excellent)}人"


def _this_year(rng: random.Random, branch: Org, secretary: User, keep_open: set[int], today: dt.date) -> int:
    appraisal = services.appraisal_open(
        actor=secretary,
        org=branch,
        year=today.year,
        title=f"{today.year}年度民主评议党员",
        rating_until=today + dt.timedelta(days=14),
    )
    people = list(
        Participant.objects.filter(appraisal=appraisal, excluded_reason="").select_related("member")
    )
    done = [p for p in people if p.member_id not in keep_open and rng.random() < 0.6]
    _self_assess(rng, done, today)
    _vote(rng, appraisal, done, {})
    return len(done)


def _talks(
    rng: random.Random, item: LifeMeeting, secretary: User, committee: list[int], members: list[Member],
    share: float, first: dt.date, last: dt.date,
) -> int:  # fmt: skip
    by_id = {m.pk: m for m in members}
    pairs = [(a, b) for i, a in enumerate(committee) for b in committee[i + 1 :]]
    others = [m for m in members if m.pk not in committee]
    pairs += [(committee[n % len(committee)], m.pk) for n, m in enumerate(others)] if committee else []
    span = max((last - first).days, 0)
    made = 0
    for a, b in pairs:
        if rng.random() >= share or a not in by_id or b not in by_id:
            continue
        topics, summary = rng.choice(TALK_TOPICS)
        services.talk_record(
            actor=secretary, life_meeting=item, initiator=by_id[a], partner=by_id[b],
            talked_on=first + dt.timedelta(days=rng.randint(0, span)), topics=topics, summary=summary,
        )  # fmt: skip
        made += 1
    return made


def _materials(
    rng: random.Random, item: LifeMeeting, members: list[Member], share: float, day: dt.date
) -> None:
    rows = []
    for m in members:
        if rng.random() >= share:
            continue
        status = (
            ExaminationStatus.ACCEPTED if share >= 1 or rng.random() < 0.5 else ExaminationStatus.SUBMITTED
        )
        rows.append(
            SelfExamination(
                life_meeting=item,
                member=m,
                text=EXAM_TEXT,
                status=status,
                submitted_at=_at(day, rng.randint(8, 22)),
            )
        )
    if rows and share < 1:
        rows[0].status, rows[0].review_note = (
            ExaminationStatus.RETURNED,
            "请结合本人岗位查摆问题，整改措施要具体",
        )
    SelfExamination.objects.bulk_create(rows)


def seed(*, seed: int) -> str:
    """Last year's completed appraisal and 组织生活会, this year's in progress; returns one summary line."""
    rng = random.Random(seed * 104729 + 11)
    found = _secretary_branch("zhibu1")
    if found is None:
        return "民主评议：未找到演示账号 zhibu1，跳过"
    secretary, branch = found
    officer = _officer_over(branch)
    today = timezone.localdate()
    last = today.year - 1
    keep_open = set(
        Member.objects.filter(user__username__in=["dangyuan1", "zhibu1"]).values_list("pk", flat=True)
    )
    members = list(
        Member.objects.active().filter(org=branch).exclude(standing="suspended").order_by("name", "id")
    )
    committee = [m for m in services.committee_ids(branch) if m in {x.pk for x in members}]
    parts = []
    with transaction.atomic():
        if not Appraisal.objects.filter(org=branch, year=last).exists():
            parts.append(_last_year(rng, branch, secretary, officer, last))
        if not Appraisal.objects.filter(org=branch, year=today.year).exists():
            voted = _this_year(rng, branch, secretary, keep_open, today)
            parts.append(f"{today.year}年度测评进行中（已投票{voted}人）")
        if not LifeMeeting.objects.filter(org=branch, year=last).exists():
            item = services.life_meeting_create(
                actor=secretary, org=branch, year=last, topic=f"{last}年度组织生活会",
                material_due=dt.date(last, 12, 15),
            )  # fmt: skip
            _talks(rng, item, secretary, committee, members, 1.0, dt.date(last, 11, 1), dt.date(last, 12, 10))
            _materials(rng, item, members, 1.0, dt.date(last, 12, 12))
        if not LifeMeeting.objects.filter(org=branch, year=today.year).exists():
            meeting = Meeting.objects.filter(
                org=branch, kind="life_meeting", planned_on__year=today.year
            ).first()
            item = services.life_meeting_create(
                actor=secretary, org=branch, year=today.year, meeting=meeting,
                topic="学习贯彻党的二十届四中全会精神专题组织生活会",
                material_due=max(today + dt.timedelta(days=20), dt.date(today.year, 12, 15)),
            )  # fmt: skip
            first = max(dt.date(today.year, 1, 1), today - dt.timedelta(days=40))
            talks = _talks(rng, item, secretary, committee, members, 0.55, first, today)
            _materials(rng, item, [m for m in members if m.pk not in keep_open], 0.4, today)
            parts.append(f"组织生活会准备中（谈心谈话{talks}次）")
    return f"民主评议：{branch.label} " + ("；".join(parts) if parts else "已有数据，未重复生成")
