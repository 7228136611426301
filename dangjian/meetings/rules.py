"""Regulations of 组织生活 as pure functions (DOMAIN.md §3 and §5). No ORM, no settings: configurable values
([C] in DOMAIN.md) come in as arguments, with the DOMAIN default.

Sources (short names of DOMAIN.md):
支部条例 = 《中国共产党支部工作条例（试行）》(2018);
发展细则 = 《中国共产党发展党员工作细则》(2014); 选举条例 = 《中国共产党基层组织选举工作条例》(2020).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

# --------------------------------------------------------------------------------------------------------
# Meeting kinds and their frequencies (DOMAIN.md §3)

GENERAL_MEETING = "general_meeting"  # 支部党员大会
COMMITTEE_MEETING = "committee_meeting"  # 支委会
GROUP_MEETING = "group_meeting"  # 党小组会
LECTURE = "lecture"  # 党课
THEME_DAY = "theme_day"  # 主题党日
LIFE_MEETING = "life_meeting"  # 组织生活会
APPRAISAL = "appraisal"  # 民主评议党员
HEART_TO_HEART = "heart_to_heart"  # 谈心谈话

KIND_LABELS: dict[str, str] = {
    GENERAL_MEETING: "支部党员大会",
    COMMITTEE_MEETING: "支委会",
    GROUP_MEETING: "党小组会",
    LECTURE: "党课",
    THEME_DAY: "主题党日",
    LIFE_MEETING: "组织生活会",
    APPRAISAL: "民主评议党员",
    HEART_TO_HEART: "谈心谈话",
}

MONTH, QUARTER, YEAR = "month", "quarter", "year"
PERIOD_LABELS = {MONTH: "每月", QUARTER: "每季度", YEAR: "每年"}
PERIOD_MONTHS = {MONTH: 1, QUARTER: 3, YEAR: 12}


@dataclass(frozen=True)
class Frequency:
    """How often a branch holds one kind of meeting: ``count`` per ``period``."""

    kind: str
    period: str  # month / quarter / year
    count: int
    national: bool  # [N] fixed by regulation; [C] a local default that may be configured
    source: str

    @property
    def label(self) -> str:
        times = "" if self.count == 1 else f"{self.count}次"
        return f"{PERIOD_LABELS[self.period]}{times or '1次'}"


# [N] 支部条例 第十一条: 党员大会 一般每季度召开1次. 第十二条: 支委会 一般每月召开1次.
# 第十三条: 党小组会 一般每月召开1次. 第十九条: 每月相对固定1天开展主题党日;
# 党课 (the 党委书记 ≥1 a year; the branch's frequency is local practice, [C] quarterly).
# 第二十条: 组织生活会 每年至少1次, 一般安排在第四季度. 第二十一条: 民主评议党员 一般每年1次.
# 第二十二条: 谈心谈话 每年一般不少于1次.
NATIONAL_FREQUENCIES: dict[str, Frequency] = {
    GENERAL_MEETING: Frequency(GENERAL_MEETING, QUARTER, 1, True, "支部条例 第十一条"),
    COMMITTEE_MEETING: Frequency(COMMITTEE_MEETING, MONTH, 1, True, "支部条例 第十二条"),
    GROUP_MEETING: Frequency(GROUP_MEETING, MONTH, 1, True, "支部条例 第十三条"),
    THEME_DAY: Frequency(THEME_DAY, MONTH, 1, True, "支部条例 第十九条"),
    LIFE_MEETING: Frequency(LIFE_MEETING, YEAR, 1, True, "支部条例 第二十条"),
    APPRAISAL: Frequency(APPRAISAL, YEAR, 1, True, "支部条例 第二十一条"),
    HEART_TO_HEART: Frequency(HEART_TO_HEART, YEAR, 1, True, "支部条例 第二十二条"),
}
# [C] local practice, configurable (settings.MEETINGS_LOCAL_FREQUENCIES), with the DOMAIN.md §3 default.
LOCAL_DEFAULTS: dict[str, Frequency] = {
    LECTURE: Frequency(LECTURE, QUARTER, 1, False, "支部条例 第十九条；频次为本单位规定（默认每季度1次）"),
}
KINDS: tuple[str, ...] = tuple(KIND_LABELS)


def frequencies(local: Mapping[str, tuple[str, int]] | None = None) -> dict[str, Frequency]:
    """Every kind's frequency: national ones fixed, local ones overridden by ``local`` (kind → (period,
    count)). An override of a national frequency is ignored: regulation is not configuration."""
    out = dict(NATIONAL_FREQUENCIES)
    for kind, freq in LOCAL_DEFAULTS.items():
        override = (local or {}).get(kind)
        if override is not None:
            period, count = override
            if period in PERIOD_MONTHS and count >= 0:
                freq = replace(freq, period=period, count=int(count))
        out[kind] = freq
    return {k: out[k] for k in KINDS}


# --------------------------------------------------------------------------------------------------------
# Periods


def period_bounds(period: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the month / quarter / year containing ``day``."""
    if period == MONTH:
        first_month = day.month
    elif period == QUARTER:
        first_month = (day.month - 1) // 3 * 3 + 1
    elif period == YEAR:
        first_month = 1
    else:
        raise ValueError(period)
    last_month = first_month + PERIOD_MONTHS[period] - 1
    last_day = calendar.monthrange(day.year, last_month)[1]
    return dt.date(day.year, first_month, 1), dt.date(day.year, last_month, last_day)


def periods_of_year(period: str, year: int) -> list[tuple[dt.date, dt.date]]:
    """The periods of ``period`` in ``year``, in order."""
    step = PERIOD_MONTHS[period]
    return [period_bounds(period, dt.date(year, m, 1)) for m in range(1, 13, step)]


def period_label(period: str, start: dt.date) -> str:
    if period == MONTH:
        return f"{start.year}年{start.month}月"
    if period == QUARTER:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    return f"{start.year}年"


# --------------------------------------------------------------------------------------------------------
# What a branch owes


@dataclass(frozen=True)
class BranchFacts:
    """What decides which meetings a branch owes (from ``orgs.Org``): 设支委会 and its 党小组."""

    has_committee: bool
    group_count: int = 0


@dataclass(frozen=True)
class Due:
    """``count`` meetings of ``kind`` owed in the period [start, end]."""

    kind: str
    start: dt.date
    end: dt.date
    count: int
    source: str

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


def owes(kind: str, facts: BranchFacts) -> int:
    """How many meetings of ``kind`` the branch owes per period of its frequency (0 = none owed).

    A branch without a 支委会 (fewer than 7 正式党员, 支部条例 第九条) holds no 支委会 meeting;
    a branch without 党小组 owes no 党小组会 (DOMAIN.md §3); each 党小组 holds its own 党小组会
    (支部条例 第十三条).
    """
    if kind == COMMITTEE_MEETING and not facts.has_committee:
        return 0
    if kind == GROUP_MEETING:
        return facts.group_count
    return 1


def dues_between(
    facts: BranchFacts,
    start: dt.date,
    end: dt.date,
    freqs: Mapping[str, Frequency] | None = None,
) -> list[Due]:
    """Every period of every kind that ends within [start, end] or contains ``end``, with the count owed.

    Periods are whole calendar months, quarters and years (a 'month' due is one per calendar month).
    """
    freqs = freqs or frequencies()
    out: list[Due] = []
    for kind in KINDS:
        freq = freqs[kind]
        per = owes(kind, facts) * freq.count
        if per <= 0:
            continue
        for year in range(start.year, end.year + 1):
            for p_start, p_end in periods_of_year(freq.period, year):
                if p_end < start or p_start > end:
                    continue
                out.append(Due(kind, p_start, p_end, per, freq.source))
    return out


# --------------------------------------------------------------------------------------------------------
# The plan: when each owed meeting is put in the calendar (the seed's pattern for 主题党日)


@dataclass(frozen=True)
class PlanDefaults:
    """[C] Local scheduling defaults for generated plans (configurable; DOMAIN.md §3 'the seed's pattern').

    The 支委会 meets at the start of the month and plans that month's 主题党日, which is held mid or late
    month on a relatively fixed day (支部条例 第十九条: 每月相对固定1天).
    """

    committee_day: int = 5
    theme_day: int = 20
    group_day: int = 10
    general_meeting_month_of_quarter: int = 3  # last month of the quarter
    lecture_month_of_quarter: int = 2
    heart_to_heart_month: int = 11  # before the 组织生活会
    life_meeting_month: int = 12  # 支部条例 第二十条: 一般安排在第四季度
    appraisal_month: int = 12  # may be held with the 组织生活会 (支部条例 第二十一条)
    general_meeting_day: int = 25
    lecture_day: int = 15
    yearly_day: int = 15


@dataclass(frozen=True)
class PlannedSlot:
    """One meeting to put in a branch's plan."""

    kind: str
    planned_on: dt.date
    topic: str
    group_index: int | None = None  # which 党小组 (0-based) for a 党小组会


def _on(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def plan_slots(
    facts: BranchFacts,
    year: int,
    months: Iterable[int] = range(1, 13),
    freqs: Mapping[str, Frequency] | None = None,
    defaults: PlanDefaults = PlanDefaults(),
) -> list[PlannedSlot]:
    """The meetings a branch should plan for the given months of ``year``, by the frequencies and defaults.

    Monthly: 支委会 on ``committee_day`` (it plans the month's 主题党日), 党小组会 per group, 主题党日 on
    ``theme_day``. Quarterly: 党员大会 and 党课 in the configured month of each quarter. Yearly: 谈心谈话 in
    November, then 组织生活会 and 民主评议党员 in December (Q4, 支部条例 第二十条、第二十一条).
    """
    freqs = freqs or frequencies()
    wanted = set(months)
    slots: list[PlannedSlot] = []
    month_of_period = {
        GENERAL_MEETING: defaults.general_meeting_month_of_quarter,
        LECTURE: defaults.lecture_month_of_quarter,
        HEART_TO_HEART: defaults.heart_to_heart_month,
        LIFE_MEETING: defaults.life_meeting_month,
        APPRAISAL: defaults.appraisal_month,
    }
    day_of_kind = {
        COMMITTEE_MEETING: defaults.committee_day,
        GROUP_MEETING: defaults.group_day,
        THEME_DAY: defaults.theme_day,
        GENERAL_MEETING: defaults.general_meeting_day,
        LECTURE: defaults.lecture_day,
    }
    for kind in KINDS:
        freq = freqs[kind]
        owed = owes(kind, facts)
        if owed <= 0 or freq.count <= 0:
            continue
        for p_start, _p_end in periods_of_year(freq.period, year):
            span = PERIOD_MONTHS[freq.period]
            offset = month_of_period.get(kind, span) if span > 1 else 1
            month = p_start.month + min(max(offset, 1), span) - 1
            if month not in wanted:
                continue
            day = day_of_kind.get(kind, defaults.yearly_day)
            for n in range(freq.count):
                on = _on(year, month, day + n * 7) if span == 1 else _on(year, month, day)
                topic = _default_topic(kind, year, month)
                if kind == GROUP_MEETING:
                    slots.extend(PlannedSlot(kind, on, topic, g) for g in range(owed))
                else:
                    slots.append(PlannedSlot(kind, on, topic))
    slots.sort(key=lambda s: (s.planned_on, KINDS.index(s.kind), s.group_index or 0))
    return slots


def _default_topic(kind: str, year: int, month: int) -> str:
    if kind == COMMITTEE_MEETING:
        return f"{month}月支委会：研究部署本月工作，确定本月主题党日内容"
    if kind == THEME_DAY:
        return f"{month}月主题党日"
    if kind == GROUP_MEETING:
        return f"{month}月党小组会"
    if kind == GENERAL_MEETING:
        return f"{year}年第{(month - 1) // 3 + 1}季度支部党员大会"
    if kind == LECTURE:
        return f"{year}年第{(month - 1) // 3 + 1}季度党课"
    return f"{year}年度{KIND_LABELS[kind]}"


# --------------------------------------------------------------------------------------------------------
# Compliance of one period


@dataclass(frozen=True)
class PeriodCompliance:
    """What was due, held on time, held late and is missing for one kind in one period."""

    kind: str
    start: dt.date
    end: dt.date
    due: int
    held: int  # held within the period
    late: int  # belongs to the period but held after it ended (补开)
    open: bool  # the period has not ended yet: what is not held is still pending, not missing

    @property
    def missing(self) -> int:
        return 0 if self.open else max(self.due - self.held - self.late, 0)

    @property
    def pending(self) -> int:
        return max(self.due - self.held - self.late, 0) if self.open else 0

    @property
    def status(self) -> str:
        """done 已完成 / late 逾期补开 / missing 未召开 / pending 待召开."""
        if self.missing:
            return "missing"
        if self.pending:
            return "pending"
        if self.late:
            return "late"
        return "done"


STATUS_LABELS = {"done": "已完成", "late": "逾期补开", "missing": "未召开", "pending": "待召开"}


def classify_period(due: Due, held_dates: Sequence[dt.date], today: dt.date) -> PeriodCompliance:
    """Compliance of one owed period: meetings whose planned period is ``due``'s, held on ``held_dates``.

    A meeting held after its period ended counts as late (补开); a period that has not ended is open.
    """
    on_time = sum(1 for d in held_dates if d <= due.end)
    late = sum(1 for d in held_dates if d > due.end)
    return classify_counts(due, on_time, late, today)


def classify_counts(due: Due, on_time: int, late: int, today: dt.date) -> PeriodCompliance:
    """Compliance of one owed period from the number of its meetings held on time and held late (补开).

    Held meetings beyond what is owed do not make up for another period: held = min(on time, owed), late =
    min(late, owed − held). The period is open (still pending, not missing) until its last day has passed.
    """
    held = min(on_time, due.count)
    return PeriodCompliance(
        due.kind, due.start, due.end, due.count, held, min(late, due.count - held), due.end >= today
    )


# --------------------------------------------------------------------------------------------------------
# Check-in


def is_late(starts_at: dt.datetime, checked_in_at: dt.datetime, grace_minutes: int = 0) -> bool:
    """A check-in after the start plus ``grace_minutes`` ([C], default 0) is marked late (迟到)."""
    return checked_in_at > starts_at + dt.timedelta(minutes=grace_minutes)


# --------------------------------------------------------------------------------------------------------
# Votes (表决): DOMAIN.md §3 and §5

RESOLUTION = "resolution"  # 一般决议事项
ADMISSION = "admission"  # 接收预备党员
FULL_MEMBERSHIP = "full_membership"  # 预备党员转正
DISCIPLINE = "discipline"  # 党纪处分、组织处置
ELECTION = "election"  # 选举

VOTE_KIND_LABELS = {
    RESOLUTION: "决议",
    ADMISSION: "接收预备党员",
    FULL_MEMBERSHIP: "预备党员转正",
    DISCIPLINE: "党纪处分",
    ELECTION: "选举",
}
ONE_AT_A_TIME = frozenset({ADMISSION, FULL_MEMBERSHIP, DISCIPLINE, ELECTION})

YES, NO, ABSTAIN = "yes", "no", "abstain"


@dataclass(frozen=True)
class Ballot:
    """One member's situation and choice on one matter.

    ``status``: ``full`` 正式党员 / ``probationary`` 预备党员. ``suspended`` 停止党籍 and
    ``under_probation`` 留党察看 remove the right to vote. ``excluded_reason`` (DOMAIN.md §5) takes the member
    out of 应到会 — unless they attend, then they count as expected and present. ``written_at`` is when a
    written opinion (书面意见) was handed in for an absent member; ``choice`` is ``yes``/``no``/``abstain`` or
    ``""`` (no vote cast).
    """

    member_id: int
    name: str
    status: str = "full"
    suspended: bool = False
    under_probation: bool = False
    excluded_reason: str = ""
    present: bool = False
    choice: str = ""
    written_at: dt.datetime | None = None

    @property
    def has_vote(self) -> bool:
        """正式党员有表决权; 预备党员 and members under 留党察看 have none (党章 第七条、第四十条；选举条例);
        a member whose 党籍 is suspended takes no part."""
        return self.status == "full" and not self.suspended and not self.under_probation


@dataclass(frozen=True)
class VoteResult:
    """The outcome of one vote, with the figures and a Chinese explanation of why it passed or failed."""

    kind: str
    subject: str
    passed: bool
    quorum_met: bool
    expected: int  # 应到会有表决权的党员
    present: int  # 实到会有表决权的党员
    yes: int
    no: int
    abstain: int
    not_cast: int
    written_counted: int
    quorum_needed: int  # the smallest present count that makes the meeting valid
    yes_needed: int  # the smallest yes count that passes
    reasons: tuple[str, ...] = field(default_factory=tuple)
    ignored: tuple[str, ...] = field(default_factory=tuple)  # whose ballots did not count, and why

    @property
    def explanation(self) -> str:
        return "；".join(self.reasons) + "。"

    @property
    def verdict(self) -> str:
        return "通过" if self.passed else "未通过"


def more_than_half(n: int) -> int:
    """The smallest whole number strictly greater than half of ``n``."""
    return n // 2 + 1


def more_than_four_fifths(n: int) -> int:
    """The smallest whole number strictly greater than four fifths of ``n``."""
    return n * 4 // 5 + 1


def tally(
    ballots: Sequence[Ballot],
    *,
    kind: str = RESOLUTION,
    subject: str = "",
    starts_at: dt.datetime | None = None,
    candidates: int = 1,
) -> VoteResult:
    """Tally one vote of a 支部党员大会 on one matter.

    - Only members with a vote count: 正式党员, not under 留党察看, 党籍 not suspended (党章 第七条; 选举条例:
      预备党员 and members under 留党察看 have no vote). Other ballots are ignored and listed.
    - 应到会有表决权的党员: members with a vote, minus those excluded for a recorded reason (DOMAIN.md §5:
      long-term abroad, detained, bedridden, away ≥6 months without transfer…); an excluded member who
      attends counts as expected and present.
    - Quorum: 表决必须有半数以上有表决权的党员到会方可进行 (支部条例 第十一条): present voting members must
      be more than half of those expected. For an election the present voting members must be more than
      four fifths of those expected (选举条例: 有选举权的到会人数超过应到会人数的五分之四，会议有效).
      Written opinions do not count towards the quorum.
    - Passing: 赞成人数超过应到会有表决权的党员的半数 (支部条例 第十一条; 选举条例 for a candidate).
    - Written votes: an absent member with a vote who handed in a written opinion before the meeting has it
      counted (发展细则 第二十五条: 在支部大会召开前正式向党支部提出书面意见的，应当统计在票数内);
      one handed in after the start does not count.
    - One at a time: 接收预备党员、转正、处分 and each candidate of an election are voted on one by one
      (发展细则 第二十五条: 必须逐个讨论和表决); a tally over several candidates at once is refused.
    """
    label = VOTE_KIND_LABELS.get(kind, "表决")
    subject = subject or label
    ignored: list[str] = []
    expected = present = yes = no = abstain = not_cast = written = 0
    for b in ballots:
        if not b.has_vote:
            why = (
                "预备党员没有表决权"
                if b.status != "full"
                else ("受留党察看处分期间没有表决权" if b.under_probation else "停止党籍期间不参加表决")
            )
            if b.choice:
                ignored.append(f"{b.name}（{why}，其意见不计入票数）")
            continue
        if b.excluded_reason and not b.present:
            if b.choice:
                ignored.append(f"{b.name}（{b.excluded_reason}，不计入应到会人数，其意见不计入票数）")
            continue
        expected += 1
        choice = b.choice
        if b.present:
            present += 1
        elif choice:
            if b.written_at is not None and (starts_at is None or b.written_at < starts_at):
                written += 1
            else:
                why = "会议开始后提交的书面意见" if b.written_at is not None else "未到会且未提交书面意见"
                ignored.append(f"{b.name}（{why}，不计入票数）")
                choice = ""
        if choice == YES:
            yes += 1
        elif choice == NO:
            no += 1
        elif choice == ABSTAIN:
            abstain += 1
        elif b.present:
            not_cast += 1

    election = kind == ELECTION
    quorum_needed = more_than_four_fifths(expected) if election else more_than_half(expected)
    yes_needed = more_than_half(expected)
    reasons: list[str] = []
    if kind in ONE_AT_A_TIME and candidates != 1:
        reasons.append(
            f"{label}须逐个讨论和表决（发展细则 第二十五条），本次同时表决{candidates}人，表决无效"
        )
        return VoteResult(kind, subject, False, False, expected, present, 0, 0, 0, 0, 0, quorum_needed,
                          yes_needed, tuple(reasons), tuple(ignored))  # fmt: skip
    if expected == 0:
        reasons.append("没有应到会的有表决权党员，不能表决")
        return VoteResult(kind, subject, False, False, 0, present, yes, no, abstain, not_cast, written,
                          quorum_needed, yes_needed, tuple(reasons), tuple(ignored))  # fmt: skip

    fraction, article = ("五分之四", "选举条例") if election else ("半数", "支部条例 第十一条")
    quorum_met = present >= quorum_needed
    if quorum_met:
        reasons.append(
            f"应到会有表决权的党员{expected}人，实到{present}人，超过{fraction}（至少{quorum_needed}人），"
            f"会议有效（{article}）"
        )
    else:
        reasons.append(
            f"应到会有表决权的党员{expected}人，实到{present}人，未超过{fraction}（至少须{quorum_needed}人），"
            f"不能进行{'选举' if election else '表决'}（{article}）"
        )
    counted = f"赞成{yes}票，反对{no}票，弃权{abstain}票"
    if not_cast:
        counted += f"，到会未表态{not_cast}人"
    if written:
        counted += f"（含会前提交的书面意见{written}份，发展细则 第二十五条）"
    reasons.append(counted)
    passed = quorum_met and yes >= yes_needed
    majority_source = "选举条例" if election else "支部条例 第十一条"
    if quorum_met:
        if passed:
            reasons.append(
                f"赞成票{yes}票超过应到会有表决权党员{expected}人的半数（至少{yes_needed}票），"
                f"{'当选' if election else '通过'}（{majority_source}）"
            )
        else:
            reasons.append(
                f"赞成票{yes}票未超过应到会有表决权党员{expected}人的半数（至少须{yes_needed}票），"
                f"{'未当选' if election else '未通过'}（{majority_source}）"
            )
    if ignored:
        reasons.append("不计入的意见：" + "、".join(ignored))
    return VoteResult(kind, subject, passed, quorum_met, expected, present, yes, no, abstain, not_cast,
                      written, quorum_needed, yes_needed, tuple(reasons), tuple(ignored))  # fmt: skip


def committee_quorum(committee_size: int, present: int) -> bool:
    """支委会 须有半数以上委员到会方可进行 (支部条例 第十二条): present > half of the committee members."""
    return committee_size > 0 and present >= more_than_half(committee_size)


# --------------------------------------------------------------------------------------------------------
# Exclusions from 应到会 (DOMAIN.md §5) and minutes templates


EXCLUSION_REASONS: dict[str, str] = {
    "abroad": "长期出国（境）",
    "suspended": "停止党籍",
    "probation": "受留党察看处分",
    "detained": "被羁押或正在服刑",
    "bedridden": "年老体弱、卧床不起或长期生病",
    "away": "外出半年以上未转接组织关系",
    "incapable": "因病不能表达本人意志",
}

MINUTES_TEMPLATES: dict[str, str] = {
    GENERAL_MEETING: (
        "一、主持人宣布会议开始，通报应到、实到、请假人数\n二、传达学习（上级精神、文件）\n"
        "三、审议事项（逐项说明、讨论、表决）\n四、党员发言\n五、主持人总结，布置工作\n"
    ),
    COMMITTEE_MEETING: (
        "一、通报上月工作完成情况\n二、研究本月工作安排\n三、确定本月主题党日的主题、时间、地点和形式\n"
        "四、其他议题（逐项讨论，形成决定）\n五、分工落实\n"
    ),
    GROUP_MEETING: (
        "一、学习内容\n二、党支部工作要求传达\n三、党员汇报思想和工作\n四、讨论发言\n五、组长小结\n"
    ),
    LECTURE: "一、授课人、题目\n二、授课主要内容\n三、交流研讨\n四、学习体会\n",
    THEME_DAY: (
        "一、重温入党誓词\n二、集中学习（学习内容）\n三、主题活动（活动内容与形式）\n"
        "四、党员交流发言\n五、缴纳党费、志愿服务等\n六、支部书记小结\n"
    ),
    LIFE_MEETING: (
        "一、通报上年度组织生活会整改情况\n二、支部书记代表支委会作对照检查\n三、党员逐一对照检查、开展批评和自我批评\n"
        "四、形成整改措施\n"
    ),
    APPRAISAL: "一、个人自评\n二、党员互评\n三、民主测评\n四、组织评定（提出评定等次）\n",
    HEART_TO_HEART: "一、谈话双方\n二、谈话主要内容\n三、存在问题和意见建议\n四、改进措施\n",
}
