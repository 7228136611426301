"""Demo content of 组织生活: zhibu1's branch has a realistic year so far (the plan generated from the rules,
every past meeting held and recorded with check-ins, one returned and several reviewed by erji1, this month's
主题党日 still to come); a few sibling branches have their plan with some meetings missing or held late, so
the committee's compliance table shows something.

Runs after ``seed_demo`` has created the organisations, members and demo accounts; deterministic from the
seed; no network. Meetings, plans, records and reviews go through ``meetings.services`` (audited, points for
attendees); check-in times are written in bulk, as the phones would have done during each meeting.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from dangjian.access.models import Grant
from dangjian.accounts.models import User
from dangjian.meetings import services
from dangjian.meetings.models import Attendance, Meeting, MeetingStatus
from dangjian.members.models import Member
from dangjian.orgs.models import Org
from dangjian.orgs.rules import BRANCH_KINDS

THEMES = [
    "重温入党誓词，学习新修订的党章",
    "学习全国两会精神，立足岗位作贡献",
    "学雷锋志愿服务：走进社区开展安全用电宣传",
    "清明祭英烈，传承红色基因",
    "安全生产月：党员身边无事故",
    "七一主题党日：重温入党初心，表彰优秀共产党员",
    "学习党纪学习教育读本，筑牢廉洁底线",
    "八一拥军：走访慰问退役军人职工",
    "科技创新党员攻关项目现场观摩",
    "国庆主题党日：我和我的祖国",
    "学习党的二十届四中全会精神专题研讨",
    "年终总结：党员承诺践诺情况交流",
]
LECTURES = [
    "书记讲党课：以高质量党建引领企业高质量发展",
    "党课：从党史中汲取奋进力量",
    "党课：深入学习贯彻中央八项规定精神",
    "党课：做新时代合格产业工人党员",
]
PLACES = ["三楼党员活动室", "一号会议室", "生产调度中心会议室", "项目部会议室"]
MINUTES = {
    "committee_meeting": (
        "一、通报上月工作完成情况：党员学习积分、党费收缴按期完成。\n"
        "二、研究本月工作安排：结合生产任务，落实党员责任区和先锋岗。\n"
        "三、确定本月主题党日：主题为“{theme}”，由组织委员负责筹备，宣传委员负责宣传报道。\n"
        "四、其他议题：讨论入党积极分子培养考察情况。\n五、分工落实：各支委按分工抓好落实。"
    ),
    "theme_day": (
        "一、全体党员面向党旗重温入党誓词。\n二、集中学习：{theme}，支部书记领学重点内容。\n"
        "三、主题活动：结合本单位实际开展交流讨论，党员代表发言。\n四、缴纳本月党费。\n"
        "五、支部书记小结，对下阶段工作提出要求。"
    ),
    "group_meeting": (
        "一、学习上级有关文件精神。\n二、传达党支部本月工作要求。\n"
        "三、党员逐一汇报思想、工作情况。\n四、讨论发言。\n五、组长小结。"
    ),
    "general_meeting": (
        "一、支部书记通报本季度支部工作情况。\n二、集中学习上级会议精神。\n"
        "三、审议事项：讨论通过下季度工作计划。\n四、党员发言。\n五、书记总结，布置下季度工作。"
    ),
    "lecture": (
        "一、授课人：支部书记。题目：{theme}。\n二、授课主要内容：结合企业改革发展实际，讲清理论要点和实践要求。\n"
        "三、交流研讨：党员结合岗位谈体会。\n四、学习体会：与会党员一致表示将学用结合。"
    ),
}
DECISIONS = {
    "committee_meeting": (
        "确定本月主题党日的主题、时间和分工；同意将两名入党积极分子列为发展对象人选，报上级党委备案。"
    ),
    "general_meeting": "通过下季度支部工作计划。",
}
START_HOUR = {
    "committee_meeting": 9,
    "theme_day": 14,
    "group_meeting": 16,
    "general_meeting": 14,
    "lecture": 15,
}


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
    """erji1 (or any committee officer) whose grant covers ``org``."""
    for grant in (
        Grant.objects.filter(role="committee_officer").select_related("org", "user").order_by("-org__depth")
    ):
        if grant.org is not None and org.path.startswith(grant.org.path):
            return grant.user
    return None


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


def _hold(
    meeting: Meeting,
    actor: User,
    rng: random.Random,
    today: dt.date,
    *,
    late_days: int = 0,
    points: bool = False,
) -> bool:
    """Schedule, check in and record a planned meeting that has taken place. With ``points`` the attendees
    are checked in before the record is completed, so they get their points; older history is checked in
    afterwards (the seed would otherwise spend most of its time awarding points nobody looks at)."""
    day = meeting.planned_on + dt.timedelta(days=late_days)
    starts = _at(day, START_HOUR.get(meeting.kind, 10))
    if starts > timezone.now() - dt.timedelta(hours=2) or day > today:
        return False
    members = list(
        Member.objects.active().filter(org=meeting.org).only("id", "user_id", "org_id").order_by("id")[:60]
    )
    host = next((m for m in members if m.user_id == actor.pk), members[0] if members else None)
    recorder = members[1] if len(members) > 1 else host
    # The schedule as the secretary entered it before the meeting, and the list drawn from the roster.
    meeting.starts_at, meeting.ends_at = starts, starts + dt.timedelta(minutes=90)
    meeting.place, meeting.host, meeting.recorder = rng.choice(PLACES), host, recorder
    meeting.save(update_fields=["starts_at", "ends_at", "place", "host", "recorder", "updated_at"])
    services._sync_attendees(meeting)
    rows = list(Attendance.objects.filter(meeting=meeting))
    present, leave = [], []
    for a in rows:
        roll = rng.random()
        if roll < 0.86:
            a.checked_in_at = starts + dt.timedelta(minutes=rng.randint(-15, 2) if rng.random() < 0.95 else 9)
            a.late = a.checked_in_at > starts
            a.check_in_method = rng.choice(["qr", "qr", "code"])
            present.append(a)
        elif roll < 0.96:
            a.leave_reason = rng.choice(["出差", "病假", "生产值班", "事假"])
            leave.append(a)
    Attendance.objects.bulk_update(leave, ["leave_reason"])
    if points:
        Attendance.objects.bulk_update(present, ["checked_in_at", "late", "check_in_method"])
    theme = meeting.topic.split("：", 1)[-1]
    text = MINUTES.get(meeting.kind, "{theme}").format(theme=theme)
    services.meeting_record(
        actor=actor, meeting=meeting, minutes=text, decisions=DECISIONS.get(meeting.kind, "")
    )
    if not points:
        Attendance.objects.bulk_update(present, ["checked_in_at", "late", "check_in_method"])
    return True


def _name_topics(meetings: list[Meeting]) -> None:
    """Give the generated plan the topics the 支委会 chose (a demo shortcut for editing each plan item)."""
    for m in meetings:
        theme = THEMES[m.planned_on.month - 1]
        if m.kind == "theme_day":
            m.topic = f"{m.planned_on.month}月主题党日：{theme}"
        elif m.kind == "lecture":
            m.topic = LECTURES[(m.planned_on.month - 1) // 3]
        elif m.kind == "committee_meeting":
            m.topic = f"{m.planned_on.month}月支委会：研究部署本月工作，确定“{theme}”主题党日"
    Meeting.objects.bulk_update(meetings, ["topic"])


def seed(*, seed: int) -> str:
    """Plans and held meetings for the demo branches; returns one summary line."""
    rng = random.Random(seed * 7919 + 5)
    today = timezone.localdate()
    found = _secretary_branch("zhibu1")
    if found is None:
        return "组织生活：未找到演示账号 zhibu1，跳过"
    secretary, branch = found
    reviewer = _officer_over(branch)
    held = 0
    with transaction.atomic():
        plan = services.plan_generate(actor=secretary, org=branch, year=today.year)
        planned_total = len(plan)
        _name_topics(plan)
        for m in Meeting.objects.filter(
            org=branch, planned_on__year=today.year, status=MeetingStatus.PLANNED
        ).order_by("planned_on", "id"):
            if m.planned_on < today and m.kind not in ("life_meeting", "appraisal", "heart_to_heart"):
                held += _hold(m, secretary, rng, today, points=(today - m.planned_on).days <= 45)
        recorded = list(
            Meeting.objects.filter(org=branch, status=MeetingStatus.HELD).order_by("planned_on", "id")
        )
        if reviewer is not None and recorded:
            for m in recorded[: max(len(recorded) - 6, 0)]:
                if m.kind in ("theme_day", "general_meeting", "lecture"):
                    services.meeting_review(
                        actor=reviewer, meeting=m, action="approve", comment="记录完整，同意。"
                    )
            last_theme = next((m for m in reversed(recorded) if m.kind == "theme_day"), None)
            if last_theme is not None:
                services.meeting_review(
                    actor=reviewer,
                    meeting=last_theme,
                    action="return",
                    comment="请补充党员交流发言的主要内容，并上传活动照片。",
                )

    # Sibling branches under the same committee: plans with some meetings missing or held late.
    siblings = list(
        Org.objects.filter(
            kind__in=BRANCH_KINDS, is_active=True, path__startswith=branch.path[: -Org.steplen]
        )
        .exclude(pk=branch.pk)
        .order_by("path")[:4]
    )
    other = _secretary_branch("zhibu2")
    others_held = 0
    for n, org in enumerate(siblings):
        actor = other[0] if other and other[1].pk == org.pk else reviewer
        if actor is None:
            continue
        diligence = (0.95, 0.8, 0.6, 0.9, 0.45, 0.85, 0.7, 1.0)[n % 8]
        with transaction.atomic():
            plan = services.plan_generate(actor=actor, org=org, year=today.year)
            _name_topics(plan)
            for m in plan:
                if m.planned_on >= today or m.kind not in (
                    "theme_day",
                    "committee_meeting",
                    "general_meeting",
                ):
                    continue
                roll = rng.random()
                if roll < diligence:
                    others_held += _hold(m, actor, rng, today)
                elif roll < diligence + 0.1:
                    others_held += _hold(m, actor, rng, today, late_days=rng.randint(12, 20))
    # The services keep the compliance summary as they go; recount it anyway so the demo is consistent
    # whatever else the seed wrote (a few thousand meetings at most: well under a second).
    services.compliance_rebuild()
    return (
        f"组织生活：{branch.label} 全年计划 {planned_total} 项，已召开并记录 {held} 次；"
        f"另 {len(siblings)} 个党支部已召开 {others_held} 次（含补开和缺项）"
    )
