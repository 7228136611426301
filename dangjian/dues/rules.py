"""National rules of 党费 (DOMAIN.md §4) as pure functions: no ORM, no settings.

Local practice ([C]: the 农民党员 amount, the rounding) comes in as arguments; ``dues.config`` reads it.

Sources: 党费规定 = 《关于中国共产党党费收缴、使用和管理的规定》(中组发〔2008〕3号), articles
第一、二条 cited where DOMAIN.md names them; 党费通知2017 = 《关于进一步规范党费工作的通知》
(组电明字〔2017〕5号); 党章 第九条.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

IN_SERVICE = "in_service"
RETIRED = "retired"
STUDENT = "student"
UNEMPLOYED = "unemployed"
RELIEF = "relief"
FARMER = "farmer"
CATEGORIES = (IN_SERVICE, RETIRED, STUDENT, UNEMPLOYED, RELIEF, FARMER)
CATEGORY_LABELS = {
    IN_SERVICE: "在职",
    RETIRED: "离退休",
    STUDENT: "学生",
    UNEMPLOYED: "下岗失业",
    RELIEF: "低保/抚恤/救济",
    FARMER: "农民",
}

# 党费规定 第一条: in-service members, on the whole base, each upper bound inclusive.
IN_SERVICE_BRACKETS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal("3000"), Decimal("0.005")),
    (Decimal("5000"), Decimal("0.01")),
    (Decimal("10000"), Decimal("0.015")),
    (None, Decimal("0.02")),
)
# 党费规定 第二条: retired members, basic pension, whole base.
RETIRED_BRACKETS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal("5000"), Decimal("0.005")),
    (None, Decimal("0.01")),
)
# 党费规定: students, 下岗失业, those living on 低保/抚恤/救济.
FIXED_AMOUNT = Decimal("0.20")
FIXED_CATEGORIES = (STUDENT, UNEMPLOYED, RELIEF)
# 党费规定: 农民党员 0.20–1.00 元 a month, set per province.
FARMER_MIN, FARMER_MAX = Decimal("0.20"), Decimal("1.00")
# 党费通知2017: the monthly amount is generally no more than 1000 元; more is voluntary.
MONTHLY_CAP = Decimal("1000.00")
# 党费规定: a one-off voluntary payment above 1000 元 is 大额党费, remitted in full to the Centre.
LARGE_VOLUNTARY_ABOVE = Decimal("1000.00")
# 党费规定 (DOMAIN.md §4): 补交 of arrears generally no more than 6 months back.
ARREARS_MAX_MONTHS = 6
# 党章 第九条: 6 consecutive months without dues and without good reason → treated as 自行脱党 (a case).
LAPSE_MONTHS = 6

ROUNDINGS = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN}
FEN = Decimal("0.01")


# ------------------------------------------------------------------------------------------------------------
# The monthly base


@dataclass(frozen=True)
class Item:
    """One salary item: counted in the base or not (党费通知2017 lists what is excluded)."""

    name: str
    amount: Decimal
    in_base: bool


def monthly_base(items: Iterable[Item]) -> Decimal:
    """The monthly base: the sum of the items marked in the base (党费规定 第一、二条; 党费通知2017 excludes
    个人所得税, the five insurances and 住房公积金, 年金, 改革性补贴 and irregular bonuses)."""
    total = sum((i.amount for i in items if i.in_base), Decimal("0"))
    return total.quantize(FEN)


# ------------------------------------------------------------------------------------------------------------
# The monthly amount


def round_fen(amount: Decimal, rounding: str = "half_up") -> Decimal:
    """Round to 分 ([C] default: half up to 0.01)."""
    if rounding not in ROUNDINGS:
        raise ValueError(f"unknown rounding {rounding!r}")
    return amount.quantize(FEN, rounding=ROUNDINGS[rounding])


def _bracket_label(brackets: tuple[tuple[Decimal | None, Decimal], ...], index: int) -> str:
    low = brackets[index - 1][0] if index else None
    high = brackets[index][0]
    if low is None and high is not None:
        return f"{high:.0f} 元以下（含）"
    if high is None:
        return f"{low:.0f} 元以上"
    return f"{low:.0f} 元以上至 {high:.0f} 元（含）"


def bracket(category: str, base: Decimal) -> tuple[Decimal, str]:
    """The rate for ``base`` and the label of its bracket; upper bounds are inclusive and the rate applies to
    the whole base (党费规定 第一条 for 在职, 第二条 for 离退休)."""
    if category == IN_SERVICE:
        brackets = IN_SERVICE_BRACKETS
    elif category == RETIRED:
        brackets = RETIRED_BRACKETS
    else:
        raise ValueError(f"category {category!r} has no brackets")
    for index, (upper, rate) in enumerate(brackets):
        if upper is None or base <= upper:
            return rate, _bracket_label(brackets, index)
    raise AssertionError("unreachable: the last bracket is open")


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}"


@dataclass(frozen=True)
class Step:
    label: str
    value: str


@dataclass(frozen=True)
class Computation:
    """The monthly amount and how it was reached, step by step (shown on the calculator and the fixing)."""

    category: str
    base: Decimal
    rate: Decimal | None
    amount: Decimal
    capped: bool
    steps: tuple[Step, ...] = field(default_factory=tuple)

    def steps_json(self) -> list[dict[str, str]]:
        return [{"label": s.label, "value": s.value} for s in self.steps]


def compute(
    category: str,
    base: Decimal,
    *,
    farmer_amount: Decimal = FIXED_AMOUNT,
    rounding: str = "half_up",
) -> Computation:
    """The monthly dues of a member of ``category`` with monthly ``base`` (DOMAIN.md §4).

    在职: the bracket rate on the whole base (党费规定 第一条); 离退休: 0.5% up to 5000 inclusive, 1% above
    (第二条); 学生, 下岗失业, 低保/抚恤/救济: 0.20 元 (党费规定); 农民: ``farmer_amount`` (0.20–1.00, set per
    province); rounded to 分 ([C]) and capped at 1000 元 a month (党费通知2017: more is voluntary).
    """
    label = CATEGORY_LABELS.get(category)
    if label is None:
        raise ValueError(f"unknown category {category!r}")
    steps = [Step("党费类别", label)]
    if category in FIXED_CATEGORIES:
        steps.append(
            Step(
                "按月交纳", f"{FIXED_AMOUNT:.2f} 元（党费规定：学生、下岗失业、依靠抚恤救济或低保生活的党员）"
            )
        )
        return Computation(category, Decimal("0.00"), None, FIXED_AMOUNT, False, tuple(steps))
    if category == FARMER:
        if not FARMER_MIN <= farmer_amount <= FARMER_MAX:
            raise ValueError("farmer amount must lie between 0.20 and 1.00")
        amount = round_fen(farmer_amount, rounding)
        steps.append(Step("按月交纳", f"{amount:.2f} 元（农民党员，按省级党委规定）"))
        return Computation(category, Decimal("0.00"), None, amount, False, tuple(steps))
    if base < 0:
        raise ValueError("base must not be negative")
    base = base.quantize(FEN)
    rate, bracket_label = bracket(category, base)
    article = "第一条" if category == IN_SERVICE else "第二条"
    steps.append(Step("月交纳基数", f"{base:.2f} 元"))
    steps.append(Step("所在档次", f"{bracket_label}，按 {_pct(rate)}% 交纳（党费规定{article}，全额计算）"))
    pct = _pct(rate)
    raw = base * rate
    steps.append(Step("计算", f"{base:.2f} × {pct}% = {raw.normalize():f} 元"))
    amount = round_fen(raw, rounding)
    steps.append(Step("保留到分", f"{amount:.2f} 元"))
    capped = amount > MONTHLY_CAP
    if capped:
        amount = MONTHLY_CAP
        steps.append(
            Step("封顶", f"每月一般不超过 {MONTHLY_CAP:.0f} 元，按 {MONTHLY_CAP:.2f} 元交纳；多交部分属自愿")
        )
    steps.append(Step("每月应交", f"{amount:.2f} 元"))
    return Computation(category, base, rate, amount, capped, tuple(steps))


# ------------------------------------------------------------------------------------------------------------
# Months, arrears, payments


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> int:
    """Whole months from ``first`` to ``last`` (both first days): 0 for the same month."""
    return (last.year - first.year) * 12 + last.month - first.month


def month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    return [add_months(first, i) for i in range(months_between(first, last) + 1)]


def arrears_allowed(month: dt.date, today: dt.date, max_months: int = ARREARS_MAX_MONTHS) -> bool:
    """Whether ``month`` may still be paid by 补交: generally no more than ``max_months`` back (党费规定)."""
    return months_between(month_start(month), month_start(today)) <= max_months


def payment_needs_branch_approval(kind: str) -> bool:
    """Quarterly payment needs the branch's agreement (党费规定: 按月交纳, 经党支部同意可按季交纳);
    the platform also asks it for 预交 (paying months ahead)."""
    return kind in ("quarterly", "advance")


def is_large_voluntary(amount: Decimal) -> bool:
    """A one-off voluntary payment above 1000 元 is 大额党费, remitted in full to the Centre (党费规定)."""
    return amount > LARGE_VOLUNTARY_ABOVE


def first_billable_month(joined_on: dt.date) -> dt.date:
    """预备党员 pay from the month of the 支部大会 resolution (党费规定)."""
    return month_start(joined_on)


def unpaid_months(paid_until: dt.date | None, today: dt.date) -> int | None:
    """Completed months since the month paid up to (the current month is still open); ``None`` when
    unknown."""
    if paid_until is None:
        return None
    return max(months_between(month_start(paid_until), month_start(today)) - 1, 0)


def reduction_decided_by_branch(*, retired: bool, hardship: bool) -> bool:
    """少交/免交: the 党支部 studies it and the 上一级党委 approves; for a retiree in hardship the 党支部
    alone
    decides (党费规定)."""
    return retired and hardship


def quarter_months(month: dt.date) -> list[dt.date]:
    first = dt.date(month.year, (month.month - 1) // 3 * 3 + 1, 1)
    return [add_months(first, i) for i in range(3)]
