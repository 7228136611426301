"""Rules of 发展党员 as pure functions (DOMAIN.md §5). No ORM, no settings: configurable values ([C]) come in
as arguments with the DOMAIN default.

Sources (short names of DOMAIN.md): 党章 (2022); 发展细则 = 《中国共产党发展党员工作细则》(2014). The process
has 5 stages and 25 steps (DOMAIN.md §5, numbered ①–㉕ below and in the code as 1–25):

1. 申请入党: ① 递交入党申请书 (年满十八岁, 发展细则 第五条) ② 党组织派人谈话 (一个月内, 发展细则 第八条).
2. 入党积极分子: ③ 推荐和确定 ④ 上级党委备案 ⑤ 指定培养联系人 (一至两名正式党员) ⑥ 培养教育考察 (每半年一次).
3. 发展对象: ⑦ 确定发展对象 (一年以上培养考察) ⑧ 报上级党委备案 ⑨ 确定入党介绍人 (两名正式党员; 受留党察看处分
   尚未恢复党员权利的不能作介绍人) ⑩ 政治审查 (结论性材料) ⑪ 集中培训 (不少于三天或二十四学时).
4. 接收预备党员: ⑫ 支委会审查 ⑬ 上级党委预审 ⑭ 填写入党志愿书 ⑮ 支部大会讨论 (表决见 meetings.rules.tally)
   ⑯ 上级党委派人谈话 ⑰ 上级党委审批 (三个月内, 特殊情况可延长, 不超过六个月) ⑱ 再上一级组织部门备案.
5. 预备期与转正: ⑲ 编入党支部和党小组 ⑳ 入党宣誓 ㉑ 继续教育考察 ㉒ 提出转正申请 ㉓ 支部大会讨论 ㉔
上级党委审批
   (三个月内) ㉕ 材料归档. 预备期一年, 从支部大会通过之日算起; 期满按期转正、延长预备期 (一次, 6–12个月,
   DOMAIN.md
   §5; 党章 第七条: 不能超过一年) 或取消预备党员资格; 党龄从预备期满转为正式党员之日算起 (党章 第七条).

[C] local practice (DOMAIN.md §5): 公示 periods, ≥6 months from application to 积极分子, 政审 valid 1 year,
quarterly 思想汇报 — passed in as arguments by the callers (``development.models.LocalPractice``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from dangjian.meetings import rules as meeting_rules
from dangjian.members import rules as member_rules

# --------------------------------------------------------------------------------------------------------
# Stages and steps

APPLICANT = "applicant"  # 入党申请人
ACTIVIST = "activist"  # 入党积极分子
CANDIDATE = "candidate"  # 发展对象
PROBATIONARY = "probationary"  # 预备党员
FULL = "full"  # 正式党员 (转正后, 归档前后)

STAGES: tuple[str, ...] = (APPLICANT, ACTIVIST, CANDIDATE, PROBATIONARY, FULL)
STAGE_LABELS: dict[str, str] = {
    APPLICANT: "入党申请人",
    ACTIVIST: "入党积极分子",
    CANDIDATE: "发展对象",
    PROBATIONARY: "预备党员",
    FULL: "正式党员",
}
PHASE_LABELS: dict[int, str] = {
    1: "申请入党",
    2: "入党积极分子的确定和培养教育",
    3: "发展对象的确定和考察",
    4: "预备党员的接收",
    5: "预备党员的教育、考察和转正",
}

BRANCH, UPPER = "branch", "upper"  # who records the step: the branch (manage) or the 上级党委 (approve)


@dataclass(frozen=True)
class Step:
    number: int
    phase: int
    title: str
    by: str  # BRANCH or UPPER
    stage_after: str | None = None  # the stage the person reaches when this step is done

    @property
    def label(self) -> str:
        return f"{circled(self.number)} {self.title}"


def circled(n: int) -> str:
    """① … ㉕."""
    return chr(0x2460 + n - 1) if n <= 20 else chr(0x3251 + n - 21)


STEPS: tuple[Step, ...] = (
    Step(1, 1, "递交入党申请书", BRANCH),
    Step(2, 1, "党组织派人谈话", BRANCH),
    Step(3, 2, "推荐和确定入党积极分子", BRANCH, ACTIVIST),
    Step(4, 2, "上级党委备案", UPPER),
    Step(5, 2, "指定培养联系人", BRANCH),
    Step(6, 2, "培养教育考察", BRANCH),
    Step(7, 3, "确定发展对象", BRANCH, CANDIDATE),
    Step(8, 3, "报上级党委备案", UPPER),
    Step(9, 3, "确定入党介绍人", BRANCH),
    Step(10, 3, "进行政治审查", BRANCH),
    Step(11, 3, "开展集中培训", UPPER),
    Step(12, 4, "支部委员会审查", BRANCH),
    Step(13, 4, "上级党委预审", UPPER),
    Step(14, 4, "填写入党志愿书", BRANCH),
    Step(15, 4, "支部大会讨论", BRANCH),
    Step(16, 4, "上级党委派人谈话", UPPER),
    Step(17, 4, "上级党委审批", UPPER, PROBATIONARY),
    Step(18, 4, "再上一级党委组织部门备案", UPPER),
    Step(19, 5, "编入党支部和党小组", BRANCH),
    Step(20, 5, "入党宣誓", BRANCH),
    Step(21, 5, "继续教育考察", BRANCH),
    Step(22, 5, "提出转正申请", BRANCH),
    Step(23, 5, "支部大会讨论转正", BRANCH),
    Step(24, 5, "上级党委审批转正", UPPER, FULL),
    Step(25, 5, "材料归档", BRANCH),
)
STEP_BY_NUMBER: dict[int, Step] = {s.number: s for s in STEPS}
ADMISSION_VOTE_STEP, FULL_VOTE_STEP = 15, 23
ADMISSION_APPROVAL_STEP, FULL_APPROVAL_STEP = 17, 24
# Steps whose decision is made public first when the local 公示 period is configured (DOMAIN.md §5 [C]).
PUBLICITY_STEPS: dict[int, str] = {3: "入党积极分子", 7: "发展对象", 15: "拟接收预备党员", 23: "拟转正"}


def stage_of(done: Iterable[int]) -> str:
    """The stage reached once the steps ``done`` are recorded."""
    stage = APPLICANT
    for number in sorted(done):
        after = STEP_BY_NUMBER[number].stage_after
        if after:
            stage = after
    return stage


def next_step(done: Iterable[int]) -> int | None:
    """The first step not yet recorded (steps are recorded in order), or None when all 25 are done."""
    recorded = set(done)
    for s in STEPS:
        if s.number not in recorded:
            return s.number
    return None


# --------------------------------------------------------------------------------------------------------
# Dates


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the month's last day when the month is shorter (1月31日 + 1 =
    2月28/29日)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_on(birth: dt.date, day: dt.date) -> int:
    """Full years of age on ``day`` (a 2月29日 birthday counts on 3月1日 in common years)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


Level = Literal["block", "warn"]


@dataclass(frozen=True)
class Problem:
    """One failed check: ``block`` refuses the step, ``warn`` records it with the warning shown."""

    level: Level
    code: str
    message: str


def blocking(problems: Sequence[Problem]) -> list[Problem]:
    return [p for p in problems if p.level == "block"]


# --------------------------------------------------------------------------------------------------------
# ① ② 申请入党

MIN_AGE = 18
TALK_MONTHS = 1


def check_application(*, birth_date: dt.date, applied_on: dt.date, today: dt.date) -> list[Problem]:
    """① 年满十八岁的 … 可以申请加入中国共产党 (发展细则 第五条; 党章 第一条). The age counts on the day the
    application is handed in; a future date is refused."""
    out = []
    if applied_on > today:
        out.append(Problem("block", "future", "递交入党申请书的日期不能晚于今天"))
    age = age_on(birth_date, applied_on)
    if age < MIN_AGE:
        out.append(
            Problem(
                "block",
                "under_age",
                f"递交入党申请书时未满十八周岁（{age}周岁），不能申请入党（发展细则 第五条）",
            )
        )
    return out


def talk_deadline(applied_on: dt.date) -> dt.date:
    """② 党组织收到入党申请书后，应当在一个月内派人同入党申请人谈话 (发展细则 第八条)."""
    return add_months(applied_on, TALK_MONTHS)


def check_talk(*, applied_on: dt.date, talked_on: dt.date) -> list[Problem]:
    """② The talk is on or after the application and on or before one month after it; a later talk is
    recorded with a warning (the deadline was missed and cannot be undone)."""
    if talked_on < applied_on:
        return [Problem("block", "before_application", "谈话日期不能早于递交入党申请书的日期")]
    deadline = talk_deadline(applied_on)
    if talked_on > deadline:
        return [
            Problem(
                "warn",
                "talk_late",
                f"谈话晚于规定期限（应在{deadline:%Y年%m月%d日}前，收到申请书后一个月内，发展细则 第八条）",
            )
        ]
    return []


# --------------------------------------------------------------------------------------------------------
# ③–⑥ 入党积极分子

DEFAULT_ACTIVIST_MIN_MONTHS = 6  # [C] ≥6 months from application to 积极分子 (DOMAIN.md §5)
EVALUATION_MONTHS = 6  # 党支部每半年对入党积极分子进行一次考察 (发展细则; DOMAIN.md §5 ⑥)


def check_activist(
    *, applied_on: dt.date, decided_on: dt.date, min_months: int = DEFAULT_ACTIVIST_MIN_MONTHS
) -> list[Problem]:
    """③ 确定入党积极分子: [C] not before ``min_months`` after the application (0 switches the check off)."""
    if decided_on < applied_on:
        return [Problem("block", "before_application", "确定入党积极分子的日期不能早于递交申请书的日期")]
    if min_months > 0 and decided_on < add_months(applied_on, min_months):
        earliest = add_months(applied_on, min_months)
        return [
            Problem(
                "block",
                "too_early",
                f"递交入党申请书后满{min_months}个月（{earliest:%Y年%m月%d日}起）方可确定为入党积极分子（本单位规定）",
            )
        ]
    return []


@dataclass(frozen=True)
class PersonFacts:
    """What a rule needs to know about a 党员 named as 培养联系人 or 入党介绍人."""

    name: str
    full: bool  # 正式党员
    suspended: bool = False  # 停止党籍
    under_discipline: bool = False  # 受留党察看处分、尚未恢复党员权利
    exited: bool = False


def check_mentors(people: Sequence[PersonFacts]) -> list[Problem]:
    """⑤ 党组织应当指定一至两名正式党员作入党积极分子的培养联系人 (发展细则; DOMAIN.md §5)."""
    out = []
    if not 1 <= len(people) <= 2:
        out.append(Problem("block", "mentor_count", "应当指定一至两名正式党员作培养联系人"))
    for p in people:
        if not p.full or p.exited or p.suspended:
            out.append(Problem("block", "mentor_not_full", f"{p.name}不是正式党员，不能作培养联系人"))
    return out


def evaluation_windows(activist_on: dt.date, until: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The half-years [start, end) since ``activist_on`` that have fully elapsed by ``until``."""
    out: list[tuple[dt.date, dt.date]] = []
    k = 0
    while True:
        start, end = (
            add_months(activist_on, EVALUATION_MONTHS * k),
            add_months(activist_on, EVALUATION_MONTHS * (k + 1)),
        )
        if end > until:
            return out
        out.append((start, end))
        k += 1


def missing_evaluations(
    activist_on: dt.date, until: dt.date, evaluated: Iterable[dt.date]
) -> list[tuple[dt.date, dt.date]]:
    """⑥ 每半年一次考察: the elapsed half-years without an evaluation in them."""
    dates = sorted(evaluated)
    return [(s, e) for s, e in evaluation_windows(activist_on, until) if not any(s <= d < e for d in dates)]


def next_evaluation_due(activist_on: dt.date, evaluated: Iterable[dt.date]) -> dt.date:
    """The end of the first half-year (elapsed or current) that still has no evaluation."""
    dates = sorted(evaluated)
    k = 0
    while True:
        s, e = (
            add_months(activist_on, EVALUATION_MONTHS * k),
            add_months(activist_on, EVALUATION_MONTHS * (k + 1)),
        )
        if not any(s <= d < e for d in dates):
            return e
        k += 1


# --------------------------------------------------------------------------------------------------------
# ⑦–⑪ 发展对象

ACTIVIST_MIN_MONTHS = 12  # 经过一年以上培养教育和考察 (发展细则; DOMAIN.md §5 ⑦)
INTRODUCERS = 2
TRAINING_MIN_DAYS = 3
TRAINING_MIN_HOURS = 24
DEFAULT_REVIEW_VALID_MONTHS = 12  # [C] 政审 valid 1 year (DOMAIN.md §5)


def candidate_earliest(activist_on: dt.date) -> dt.date:
    return add_months(activist_on, ACTIVIST_MIN_MONTHS)


def check_candidate(
    *, activist_on: dt.date, decided_on: dt.date, evaluated: Iterable[dt.date]
) -> list[Problem]:
    """⑦ 对经过一年以上培养教育和考察、基本具备党员条件的入党积极分子 … 可列为发展对象; every elapsed
    half-year of that time needs its evaluation (⑥)."""
    out = []
    earliest = candidate_earliest(activist_on)
    if decided_on < earliest:
        out.append(
            Problem(
                "block",
                "activist_under_one_year",
                f"作为入党积极分子培养考察不满一年（{earliest:%Y年%m月%d日}方满一年），不能确定为发展对象"
                "（发展细则，DOMAIN.md §5 ⑦）",
            )
        )
    gaps = missing_evaluations(activist_on, decided_on, evaluated)
    if gaps:
        spans = "、".join(f"{s:%Y.%m.%d}–{add_months(s, 6) - dt.timedelta(days=1):%Y.%m.%d}" for s, _ in gaps)
        out.append(
            Problem(
                "block",
                "evaluation_missing",
                f"以下半年没有党支部的考察记录：{spans}（党支部每半年对入党积极分子进行一次考察）",
            )
        )
    return out


def check_introducers(people: Sequence[PersonFacts]) -> list[Problem]:
    """⑨ 发展对象应当有两名正式党员作入党介绍人; 受留党察看处分、尚未恢复党员权利的党员，不能作入党介绍人
    (发展细则; 党章 第五条)."""
    out = []
    if len(people) != INTRODUCERS or len({p.name for p in people}) != len(people):
        out.append(Problem("block", "introducer_count", "发展对象应当有两名正式党员作入党介绍人"))
    for p in people:
        if not p.full or p.exited or p.suspended:
            out.append(
                Problem(
                    "block", "introducer_not_full", f"{p.name}不是正式党员，不能作入党介绍人（党章 第五条）"
                )
            )
        elif p.under_discipline:
            out.append(
                Problem(
                    "block",
                    "introducer_disciplined",
                    f"{p.name}受留党察看处分、尚未恢复党员权利，不能作入党介绍人（发展细则）",
                )
            )
    return out


def check_political_review(conclusion: str) -> list[Problem]:
    """⑩ 政治审查 must end in a written conclusion (形成结论性材料)."""
    if not (conclusion or "").strip():
        return [Problem("block", "review_conclusion", "政治审查应当形成结论性材料，请填写审查结论")]
    return []


def check_training(*, days: float, hours: float) -> list[Problem]:
    """⑪ 集中培训 时间一般不少于三天（或不少于二十四个学时） (发展细则; DOMAIN.md §5)."""
    if days >= TRAINING_MIN_DAYS or hours >= TRAINING_MIN_HOURS:
        return []
    return [
        Problem(
            "block",
            "training_short",
            f"集中培训{days:g}天、{hours:g}学时，不足三天或二十四学时，不能视为完成培训（发展细则）",
        )
    ]


def review_valid(reviewed_on: dt.date, on: dt.date, months: int = DEFAULT_REVIEW_VALID_MONTHS) -> bool:
    """[C] 政审 stays valid ``months`` after its conclusion (DOMAIN.md §5: 1 year); 0 = no limit."""
    return months <= 0 or on <= add_months(reviewed_on, months)


# --------------------------------------------------------------------------------------------------------
# ⑫–⑱ 接收预备党员

APPROVAL_MONTHS = 3
APPROVAL_MAX_MONTHS = 6
LEAVING_MONTHS = 3  # ⑬ a 发展对象 leaving within 3 months is generally not processed


def check_pre_review(*, reviewed_on: dt.date, leaving_on: dt.date | None) -> list[Problem]:
    """⑬ 上级党委预审: 发展对象 who will leave within 3 months are generally not processed (DOMAIN.md §5)."""
    if leaving_on is not None and leaving_on <= add_months(reviewed_on, LEAVING_MONTHS):
        return [
            Problem(
                "warn",
                "leaving_soon",
                "发展对象将在三个月内离开工作、学习单位，一般不办理接收预备党员的手续（DOMAIN.md §5 ⑬）",
            )
        ]
    return []


def admission_vote(
    ballots: Sequence[meeting_rules.Ballot], *, subject: str, starts_at: dt.datetime | None
) -> meeting_rules.VoteResult:
    """⑮ 支部大会讨论接收预备党员: one candidate, secret ballot, quorum and majority of the voting 正式党员,
    written opinions handed in beforehand counted — the meetings tally (``meetings.rules.tally``)."""
    return meeting_rules.tally(ballots, kind=meeting_rules.ADMISSION, subject=subject, starts_at=starts_at)


def full_membership_vote(
    ballots: Sequence[meeting_rules.Ballot], *, subject: str, starts_at: dt.datetime | None
) -> meeting_rules.VoteResult:
    """㉓ 支部大会讨论预备党员转正: the same tally, one person at a time."""
    return meeting_rules.tally(
        ballots, kind=meeting_rules.FULL_MEMBERSHIP, subject=subject, starts_at=starts_at
    )


def approval_deadline(resolution_on: dt.date, *, extended: bool = False) -> dt.date:
    """⑰ 上级党委审批 within 3 months of the 支部大会 resolution, extendable for special reasons to ≤6."""
    return add_months(resolution_on, APPROVAL_MAX_MONTHS if extended else APPROVAL_MONTHS)


def check_approval(
    *, resolution_on: dt.date, approved_on: dt.date, extension_reason: str = ""
) -> list[Problem]:
    """⑰ Approval on or after the resolution; after 3 months only with a recorded special reason (延长审批);
    never after 6 months (DOMAIN.md §5: within 3 months, extendable to ≤6)."""
    if approved_on < resolution_on:
        return [Problem("block", "before_resolution", "审批日期不能早于支部大会通过的日期")]
    latest = approval_deadline(resolution_on, extended=True)
    if approved_on > latest:
        return [
            Problem(
                "block",
                "approval_expired",
                f"上级党委审批超过六个月（最迟{latest:%Y年%m月%d日}），不能再审批，应当重新履行接收程序",
            )
        ]
    if approved_on > approval_deadline(resolution_on) and not extension_reason.strip():
        return [
            Problem(
                "block",
                "extension_reason",
                f"已超过三个月审批期限（{approval_deadline(resolution_on):%Y年%m月%d日}），延长审批须说明特殊情况",
            )
        ]
    return []


# --------------------------------------------------------------------------------------------------------
# ⑲–㉕ 预备期与转正

PROBATION_MONTHS = 12
EXTENSION_MIN_MONTHS, EXTENSION_MAX_MONTHS = (
    member_rules.EXTENSION_MIN_MONTHS,
    member_rules.EXTENSION_MAX_MONTHS,
)
FULL_APPROVAL_MONTHS = 3
ON_TIME, EXTEND, CANCEL = "on_time", "extend", "cancel"
OUTCOME_LABELS = {ON_TIME: "按期转正", EXTEND: "延长预备期", CANCEL: "取消预备党员资格"}


def probation_end(resolution_on: dt.date, extension_months: int = 0) -> dt.date:
    """预备党员的预备期为一年，从支部大会通过之日算起 (党章 第七条); an extension adds its months."""
    return add_months(resolution_on, PROBATION_MONTHS + extension_months)


def check_full_discussion(*, probation_ends: dt.date, held_on: dt.date) -> list[Problem]:
    """㉓ 预备期满 the 支部大会 discusses 转正; not before the probation has ended."""
    if held_on < probation_ends:
        return [
            Problem(
                "block",
                "probation_running",
                f"预备期至{probation_ends:%Y年%m月%d日}期满，期满后方可讨论转正（党章 第七条）",
            )
        ]
    return []


def check_outcome(*, outcome: str, extension_months: int, already_extended: bool) -> list[Problem]:
    """㉓ 按期转正, 延长预备期 (only once, 6–12 months; 党章 第七条: 不能超过一年) or 取消预备党员资格."""
    if outcome not in OUTCOME_LABELS:
        return [Problem("block", "outcome", "请选择按期转正、延长预备期或取消预备党员资格")]
    if outcome == EXTEND:
        if already_extended:
            return [Problem("block", "extended_twice", "预备期只能延长一次（DOMAIN.md §5）")]
        if not EXTENSION_MIN_MONTHS <= extension_months <= EXTENSION_MAX_MONTHS:
            return [
                Problem(
                    "block",
                    "extension_months",
                    "延长预备期应为六个月至一年（DOMAIN.md §5；党章 第七条：不能超过一年）",
                )
            ]
    return []


def full_approval_deadline(discussed_on: dt.date) -> dt.date:
    """㉔ 上级党委审批转正 within 3 months of the 支部大会 discussion (DOMAIN.md §5)."""
    return add_months(discussed_on, FULL_APPROVAL_MONTHS)


def check_full_approval(*, discussed_on: dt.date, approved_on: dt.date) -> list[Problem]:
    if approved_on < discussed_on:
        return [Problem("block", "before_discussion", "审批日期不能早于支部大会讨论的日期")]
    if approved_on > full_approval_deadline(discussed_on):
        return [
            Problem(
                "block",
                "full_approval_late",
                f"上级党委应在支部大会讨论后三个月内审批转正（最迟{full_approval_deadline(discussed_on):%Y年%m月%d日}）",
            )
        ]
    return []


def full_on(resolution_on: dt.date, extension_months: int = 0) -> dt.date:
    """转正日期 = 预备期满之日; 党龄 counts from it (党章 第七条), whatever day the 上级党委 approves."""
    return probation_end(resolution_on, extension_months)


def party_years(full_date: dt.date, today: dt.date) -> int:
    """党龄 in full years from the end of probation (党章 第七条); 0 before it."""
    return max(age_on(full_date, today), 0)


# --------------------------------------------------------------------------------------------------------
# 公示 and 思想汇报 ([C] local practice)

DEFAULT_PUBLICITY_DAYS = 5
DEFAULT_THOUGHT_REPORT_MONTHS = 3  # [C] quarterly 思想汇报 (DOMAIN.md §5)


def check_publicity(
    *, step: int, started_on: dt.date | None, decided_on: dt.date, days: int = DEFAULT_PUBLICITY_DAYS
) -> list[Problem]:
    """[C] Where the local practice asks for a 公示 of ``days`` days before a decision (③ ⑦ ⑮ ㉓), the
    decision waits until the period has run (0 days switches it off)."""
    if days <= 0 or step not in PUBLICITY_STEPS:
        return []
    what = PUBLICITY_STEPS[step]
    if started_on is None:
        return [
            Problem(
                "block",
                "publicity_missing",
                f"请先对{what}进行公示（本单位规定公示{days}天），并填写公示开始日期",
            )
        ]
    ends = started_on + dt.timedelta(days=days)
    if decided_on < ends:
        return [
            Problem(
                "block",
                "publicity_running",
                f"{what}公示{days}天，{ends:%Y年%m月%d日}起方可作出决定（本单位规定）",
            )
        ]
    return []


def thought_report_due(
    since: dt.date, last_report: dt.date | None, months: int = DEFAULT_THOUGHT_REPORT_MONTHS
) -> dt.date | None:
    """[C] The next 思想汇报 is due ``months`` after the last one (or after ``since``); 0 = not required."""
    if months <= 0:
        return None
    return add_months(last_report or since, months)


# --------------------------------------------------------------------------------------------------------
# Deadlines of one person's process (the board and the warnings)


@dataclass(frozen=True)
class Deadline:
    code: str
    label: str
    due: dt.date
    source: str

    def overdue(self, today: dt.date) -> bool:
        return today > self.due


@dataclass(frozen=True)
class ProcessFacts:
    """The dates of one person's process that deadlines follow from."""

    done: frozenset[int]
    applied_on: dt.date
    step_dates: dict[int, dt.date]
    evaluations: tuple[dt.date, ...] = ()
    thought_reports: tuple[dt.date, ...] = ()
    resolution_on: dt.date | None = None
    extension_months: int = 0
    approval_extended: bool = False
    closed: bool = False


def deadlines(
    facts: ProcessFacts, *, thought_report_months: int = DEFAULT_THOUGHT_REPORT_MONTHS
) -> list[Deadline]:
    """The open deadlines of a process, earliest first: ② the talk; ⑥ the half-yearly evaluation; ⑰ the
    上级党委 approval (3 months, 6 when extended); 预备期满 → ㉓ the 转正 discussion; ㉔ the approval of 转正
    (3 months); the next 思想汇报 ([C])."""
    if facts.closed:
        return []
    done, dates = facts.done, facts.step_dates
    out: list[Deadline] = []
    if 2 not in done:
        out.append(Deadline("talk", "党组织派人谈话", talk_deadline(facts.applied_on), "发展细则 第八条"))
    if 3 in done and 7 not in done:
        out.append(
            Deadline(
                "evaluation",
                "半年考察",
                next_evaluation_due(dates[3], facts.evaluations),
                "发展细则（每半年考察一次）",
            )
        )
    if 15 in done and 17 not in done and facts.resolution_on is not None:
        out.append(
            Deadline(
                "approval",
                "上级党委审批接收预备党员",
                approval_deadline(facts.resolution_on, extended=facts.approval_extended),
                "发展细则（三个月内，最长六个月）",
            )
        )
    if 17 in done and 23 not in done and facts.resolution_on is not None:
        out.append(
            Deadline(
                "probation_end",
                "预备期满，支部大会讨论转正",
                probation_end(facts.resolution_on, facts.extension_months),
                "党章 第七条",
            )
        )
    if 23 in done and 24 not in done:
        out.append(
            Deadline(
                "full_approval", "上级党委审批转正", full_approval_deadline(dates[23]), "DOMAIN.md §5 ㉔"
            )
        )
    if 3 in done and 24 not in done:
        since = dates.get(3, facts.applied_on)
        due = thought_report_due(since, max(facts.thought_reports, default=None), thought_report_months)
        if due is not None:
            out.append(Deadline("thought_report", "提交思想汇报", due, "本单位规定（思想汇报）"))
    return sorted(out, key=lambda d: d.due)
