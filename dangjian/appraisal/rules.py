"""Rules of 组织生活会 preparation and 民主评议党员 as pure functions (DOMAIN.md §3 and §8). No ORM, no
settings:
configurable values ([C]) come in as arguments with the DOMAIN default.

Sources (short names of DOMAIN.md): 党章 (2022); 支部条例 = 《中国共产党支部工作条例（试行）》(2018).

- 支部条例 第二十条: 组织生活会 每年至少1次, 一般安排在第四季度.
- 支部条例 第二十一条: 党支部委员之间、党支部委员和党员之间、党员和党员之间, 每年谈心谈话一般不少于1次.
- 支部条例 第二十二条: 党支部一般每年开展1次民主评议党员: 对照合格党员标准和入党誓词, 进行自我评价和民主测评,
  党支部综合评定, 提出评议等次建议; 对不合格的党员, 稳妥慎重作出处置.
- DOMAIN.md §8: 个人自评 → 党员互评 → 民主测评 → 支委会 or 党员大会 proposes a grade; 优秀 / 合格 / 基本合格 /
  不合格; 优秀 generally ≤1/3; 不合格 → education, then 限期改正 (≤1 year) or 组织处置.
- 党章 第九条: 党组织对不符合党员条件的党员, 应当对他进行教育, 要求他限期改正; 经教育仍无转变的, 应当劝他退党.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations

# --------------------------------------------------------------------------------------------------------
# Grades (评议等次, DOMAIN.md §8)

EXCELLENT = "excellent"  # 优秀
QUALIFIED = "qualified"  # 合格
BASIC = "basic"  # 基本合格
UNQUALIFIED = "unqualified"  # 不合格

GRADES: tuple[str, ...] = (EXCELLENT, QUALIFIED, BASIC, UNQUALIFIED)
GRADE_LABELS: dict[str, str] = {
    EXCELLENT: "优秀",
    QUALIFIED: "合格",
    BASIC: "基本合格",
    UNQUALIFIED: "不合格",
}

# [C] the share of 优秀 the 支委会 may propose without a written reason (DOMAIN.md §8: generally ≤1/3).
DEFAULT_EXCELLENT_SHARE = Fraction(1, 3)
# [C] a tally is shown per member only when at least this many ballots were cast (with one or two ballots the
# counts would be those ballots, and the secretary knows who voted).
DEFAULT_MIN_BALLOTS = 3
# [C] how 支委 talks with members are covered: "any" (each member talks with at least one 支委, the usual
# division of work among the 支委) or "all" (each 支委 with each member).
DEFAULT_MEMBER_COVERAGE = "any"
# [N] 限期改正 lasts at most one year (DOMAIN.md §8).
RECTIFY_MAX_YEARS = 1


def excellent_limit(participants: int, share: Fraction = DEFAULT_EXCELLENT_SHARE) -> int:
    """The largest number of 优秀 within ``share`` of ``participants`` (rounded down).

    DOMAIN.md §8: 优秀 generally ≤1/3 of the members appraised. 26 participants → 8; 3 → 1; 2 → 0.
    """
    if participants <= 0:
        return 0
    return int(Fraction(participants) * Fraction(share))


@dataclass(frozen=True)
class ExcellentCheck:
    """The ≤1/3 guard on a proposal: how many 优秀, the limit, and whether a written reason is needed."""

    excellent: int
    participants: int
    limit: int
    share: Fraction

    @property
    def exceeded(self) -> bool:
        return self.excellent > self.limit

    @property
    def message(self) -> str:
        share = f"{self.share.numerator}/{self.share.denominator}"
        if not self.exceeded:
            return f"优秀{self.excellent}人，未超过参评党员{self.participants}人的{share}（{self.limit}人）"
        return (
            f"优秀{self.excellent}人，超过参评党员{self.participants}人的{share}（至多{self.limit}人）。"
            f"优秀等次一般不超过参评党员的{'三分之一' if self.share == Fraction(1, 3) else share}，"
            "确需超出须写明理由"
        )


def check_excellent(
    grades: Iterable[str], participants: int, share: Fraction = DEFAULT_EXCELLENT_SHARE
) -> ExcellentCheck:
    """Apply the ≤1/3 guard to the proposed ``grades`` of ``participants`` members (DOMAIN.md §8)."""
    excellent = sum(1 for g in grades if g == EXCELLENT)
    return ExcellentCheck(excellent, participants, excellent_limit(participants, share), Fraction(share))


# --------------------------------------------------------------------------------------------------------
# Ballots (民主测评)


def ballot_problems(rater: int, ratees: Sequence[int], ratings: Mapping[int, str]) -> list[str]:
    """What is wrong with one rater's ballot: every other participant rated exactly once with a known grade
    (党员互评和民主测评: each member rates every other participant); no rating of oneself or of anyone not
    taking part. An empty list means the ballot is valid."""
    problems: list[str] = []
    expected = {r for r in ratees if r != rater}
    given = set(ratings)
    if rater in given:
        problems.append("不能在民主测评中给自己评定等次（个人情况请在自评中填写）")
    unknown = given - expected - {rater}
    if unknown:
        problems.append("测评票包含不参加本次评议的人员")
    missing = expected - given
    if missing:
        problems.append(f"还有{len(missing)}名党员未评定等次，请逐一评定后再提交")
    if any(g not in GRADES for g in ratings.values()):
        problems.append("评定等次只能是优秀、合格、基本合格或不合格")
    return problems


def participation_rate(cast: int, eligible: int) -> int:
    """The share of eligible raters who cast a ballot, in whole percent (rounded down, so 100 means all)."""
    if eligible <= 0:
        return 0
    return cast * 100 // eligible


@dataclass(frozen=True)
class MemberTally:
    """The grades one member received from the others' ballots."""

    counts: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.get(g, 0) for g in GRADES)

    def share(self, grade: str) -> int:
        """The percentage of ballots giving ``grade`` (rounded to the nearest whole percent)."""
        return round(100 * self.counts.get(grade, 0) / self.total) if self.total else 0

    @property
    def suggested(self) -> str:
        """[C] The grade given most often, offered as the starting point of the 支委会's proposal (a tie
        goes to
        the grade listed first in ``SUGGESTION_ORDER``: 合格, 基本合格, 优秀, 不合格 — a suggestion never
        makes
        anyone 优秀 or 不合格 on a split vote). Empty without ballots."""
        if not self.total:
            return ""
        best = max(self.counts.get(g, 0) for g in GRADES)
        return next(g for g in SUGGESTION_ORDER if self.counts.get(g, 0) == best)


SUGGESTION_ORDER = (QUALIFIED, BASIC, EXCELLENT, UNQUALIFIED)


def tally_visible(cast: int, min_ballots: int = DEFAULT_MIN_BALLOTS) -> bool:
    """Whether per-member counts may be shown: with fewer than ``min_ballots`` ballots ([C], default 3) the
    counts would reveal the few ballots of raters the secretary can name."""
    return cast >= max(min_ballots, 1)


# --------------------------------------------------------------------------------------------------------
# Follow-up of 不合格 (限期改正 or 组织处置)


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus whole years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def rectify_deadline_problem(decided_on: dt.date, deadline: dt.date | None) -> str:
    """Why a 限期改正 deadline is refused, or ``""``: it must fall after the decision and at most one year
    after it (DOMAIN.md §8: 限期改正 ≤1 year; 党章 第九条: 教育, 限期改正)."""
    if deadline is None:
        return "限期改正须规定改正期限"
    if deadline <= decided_on:
        return "改正期限须晚于决定日期"
    limit = add_years(decided_on, RECTIFY_MAX_YEARS)
    if deadline > limit:
        return f"限期改正的期限一般不超过一年（至迟{limit:%Y-%m-%d}）"
    return ""


# --------------------------------------------------------------------------------------------------------
# 谈心谈话 coverage (支部条例 第二十一条)


def pair(a: int, b: int) -> tuple[int, int]:
    """A talk between two members as an unordered pair."""
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True)
class TalkCoverage:
    """Which required talks of a year are still missing.

    ``committee_missing``: pairs of 支委 (the secretary included) who have not talked with each other.
    ``members_missing``: members (not 支委) who have not yet talked with a 支委 ("any") or, with coverage
    "all",
    the (支委, member) pairs still missing. ``required`` and ``done`` count pairs for the completeness figure.
    """

    committee_missing: tuple[tuple[int, int], ...]
    members_missing: tuple[int, ...]
    member_pairs_missing: tuple[tuple[int, int], ...] = field(default_factory=tuple)
    required: int = 0
    done: int = 0

    @property
    def complete(self) -> bool:
        return not (self.committee_missing or self.members_missing or self.member_pairs_missing)

    @property
    def percent(self) -> int:
        return 100 if not self.required else self.done * 100 // self.required


def talk_coverage(
    committee: Sequence[int],
    members: Sequence[int],
    talks: Iterable[tuple[int, int]],
    coverage: str = DEFAULT_MEMBER_COVERAGE,
) -> TalkCoverage:
    """The talks still owed this year (支部条例 第二十一条: 党支部委员之间、党支部委员和党员之间 每年谈心谈话
    一般不少于1次; DOMAIN.md §3).

    Every pair of 支委 must have talked. Each other member must have talked with a 支委: with at least one
    ("any", [C] default: the 支委 divide the members among them) or with every 支委 ("all"). Talks between
    two ordinary members count for nobody's obligation (they are encouraged, not owed). A branch without a
    支委会 has only its secretary (and deputy) as ``committee``.
    """
    done = {pair(a, b) for a, b in talks if a != b}
    committee_set = set(committee)
    others = [m for m in members if m not in committee_set]
    committee_pairs = [pair(a, b) for a, b in combinations(sorted(committee_set), 2)]
    committee_missing = tuple(p for p in committee_pairs if p not in done)
    required = len(committee_pairs)
    finished = len(committee_pairs) - len(committee_missing)
    members_missing: list[int] = []
    pairs_missing: list[tuple[int, int]] = []
    if coverage == "all":
        for m in others:
            for c in sorted(committee_set):
                required += 1
                if pair(c, m) in done:
                    finished += 1
                else:
                    pairs_missing.append((c, m))
        members_missing = sorted({m for _, m in pairs_missing})
    else:
        for m in others:
            required += 1
            if any(pair(c, m) in done for c in committee_set):
                finished += 1
            else:
                members_missing.append(m)
    return TalkCoverage(committee_missing, tuple(members_missing), tuple(pairs_missing), required, finished)
