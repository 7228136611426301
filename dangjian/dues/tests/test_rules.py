"""The national rules of 党费 (DOMAIN.md §4), boundary by boundary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from dangjian.dues import rules


@pytest.mark.parametrize(
    ("base", "amount"),
    [
        # 党费规定 第一条: the whole base, upper bounds inclusive; DOMAIN.md's examples first.
        ("3000", "15.00"),
        ("3000.01", "30.00"),
        ("4900", "49.00"),
        ("5100", "76.50"),
        ("0", "0.00"),
        ("0.01", "0.00"),
        ("1", "0.01"),  # 0.005 rounds half up to 0.01
        ("2999.99", "15.00"),  # 14.99995 → 15.00
        ("5000", "50.00"),
        ("5000.01", "75.00"),  # 75.00015 → 75.00
        ("10000", "150.00"),
        ("10000.01", "200.00"),
        ("12345.67", "246.91"),  # 246.9134
        ("50000", "1000.00"),  # exactly the cap
        ("50000.01", "1000.00"),  # 1000.0002 → capped
        ("80000", "1000.00"),  # 党费通知2017: generally ≤ 1000 a month
    ],
)
def test_in_service_brackets_on_the_whole_base_with_inclusive_bounds(base: str, amount: str) -> None:
    assert rules.compute(rules.IN_SERVICE, D(base)).amount == D(amount)


@pytest.mark.parametrize(
    ("base", "amount"),
    [
        # 党费规定 第二条: 离退休, ≤5000 → 0.5%, >5000 → 1%, whole base.
        ("5000", "25.00"),
        ("5000.01", "50.00"),
        ("4000", "20.00"),
        ("3001", "15.01"),  # 15.005 → 15.01 (half up)
        ("6500", "65.00"),
        ("150000", "1000.00"),
    ],
)
def test_retired_brackets(base: str, amount: str) -> None:
    assert rules.compute(rules.RETIRED, D(base)).amount == D(amount)


@pytest.mark.parametrize("category", [rules.STUDENT, rules.UNEMPLOYED, rules.RELIEF])
def test_students_unemployed_and_relief_pay_twenty_fen_whatever_the_base(category: str) -> None:
    c = rules.compute(category, D("9000"))
    assert c.amount == D("0.20")
    assert c.rate is None


def test_farmers_pay_the_provincial_amount_between_twenty_fen_and_one_yuan() -> None:
    assert rules.compute(rules.FARMER, D("0")).amount == D("0.20")
    assert rules.compute(rules.FARMER, D("0"), farmer_amount=D("1.00")).amount == D("1.00")
    with pytest.raises(ValueError):
        rules.compute(rules.FARMER, D("0"), farmer_amount=D("1.01"))
    with pytest.raises(ValueError):
        rules.compute(rules.FARMER, D("0"), farmer_amount=D("0.19"))


def test_rounding_is_configurable() -> None:
    # 3001 × 0.5% = 15.005
    assert rules.compute(rules.RETIRED, D("3001"), rounding="half_up").amount == D("15.01")
    assert rules.compute(rules.RETIRED, D("3001"), rounding="half_even").amount == D("15.00")
    assert rules.compute(rules.RETIRED, D("3001"), rounding="down").amount == D("15.00")
    with pytest.raises(ValueError):
        rules.round_fen(D("1"), "banker")


def test_the_cap_is_shown_as_a_step_and_the_steps_explain_the_bracket() -> None:
    c = rules.compute(rules.IN_SERVICE, D("60000"))
    assert c.capped
    labels = [s.label for s in c.steps]
    assert labels == ["党费类别", "月交纳基数", "所在档次", "计算", "保留到分", "封顶", "每月应交"]
    assert "2%" in c.steps[2].value and "10000 元以上" in c.steps[2].value
    c = rules.compute(rules.IN_SERVICE, D("3000"))
    assert "3000 元以下（含）" in c.steps[2].value and "0.5%" in c.steps[2].value
    assert not c.capped


def test_the_base_sums_only_the_items_in_the_base() -> None:
    # 党费通知2017: tax, insurances, 公积金, 年金, 改革性补贴 and irregular bonuses are outside the base.
    items = [
        rules.Item("岗位工资", D("4200"), True),
        rules.Item("薪级工资", D("1300.50"), True),
        rules.Item("住房公积金（个人）", D("600"), False),
        rules.Item("交通补贴", D("300"), False),
        rules.Item("个人所得税", D("120"), False),
    ]
    assert rules.monthly_base(items) == D("5500.50")
    assert rules.compute(rules.IN_SERVICE, rules.monthly_base(items)).amount == D("82.51")  # 82.5075


def test_unknown_category_and_negative_base_are_refused() -> None:
    with pytest.raises(ValueError):
        rules.compute("soldier", D("1"))
    with pytest.raises(ValueError):
        rules.compute(rules.IN_SERVICE, D("-1"))


@pytest.mark.parametrize(
    ("month", "today", "allowed"),
    [
        (dt.date(2026, 5, 1), dt.date(2026, 11, 30), True),  # 6 months back
        (dt.date(2026, 4, 1), dt.date(2026, 11, 1), False),  # 7 months back
        (dt.date(2025, 12, 1), dt.date(2026, 6, 15), True),
        (dt.date(2025, 11, 1), dt.date(2026, 6, 15), False),
    ],
)
def test_arrears_reach_back_at_most_six_months(month: dt.date, today: dt.date, allowed: bool) -> None:
    assert rules.arrears_allowed(month, today) is allowed


def test_large_voluntary_is_strictly_above_one_thousand() -> None:
    assert not rules.is_large_voluntary(D("1000.00"))
    assert rules.is_large_voluntary(D("1000.01"))


def test_unpaid_months_count_completed_months_only() -> None:
    today = dt.date(2026, 11, 24)
    assert rules.unpaid_months(dt.date(2026, 10, 1), today) == 0
    assert rules.unpaid_months(dt.date(2026, 11, 1), today) == 0
    assert rules.unpaid_months(dt.date(2026, 8, 1), today) == 2
    assert rules.unpaid_months(dt.date(2026, 5, 1), today) == 5
    assert rules.unpaid_months(dt.date(2025, 12, 1), today) == 10
    assert rules.unpaid_months(None, today) is None


def test_quarters_months_and_reductions() -> None:
    assert rules.quarter_months(dt.date(2026, 5, 1)) == [
        dt.date(2026, 4, 1),
        dt.date(2026, 5, 1),
        dt.date(2026, 6, 1),
    ]
    assert rules.add_months(dt.date(2026, 11, 1), 3) == dt.date(2027, 2, 1)
    assert rules.add_months(dt.date(2026, 1, 1), -1) == dt.date(2025, 12, 1)
    assert rules.month_range(dt.date(2026, 11, 1), dt.date(2027, 1, 1))[-1] == dt.date(2027, 1, 1)
    assert rules.first_billable_month(dt.date(2026, 3, 17)) == dt.date(2026, 3, 1)
    assert rules.payment_needs_branch_approval("quarterly") and rules.payment_needs_branch_approval("advance")
    assert not rules.payment_needs_branch_approval("monthly")
    assert rules.reduction_decided_by_branch(retired=True, hardship=True)
    assert not rules.reduction_decided_by_branch(retired=False, hardship=True)
