"""The national rules of transfers, 流动党员 and 失联党员 (DOMAIN.md §2, §6), table-driven."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.transfers import rules

D = dt.date


@pytest.mark.parametrize(
    ("days", "maximum", "problem"),
    [
        (30, 90, None),  # [C] default 30 days
        (90, 90, None),  # [C] maximum 90 days, inclusive
        (91, 90, "介绍信有效期不能超过90天"),
        (0, 90, "介绍信有效期至少1天"),
        (61, 60, "介绍信有效期不能超过60天"),  # a tenant's lower maximum
    ],
)
def test_validity_days_within_the_configured_maximum(days: int, maximum: int, problem: str | None) -> None:
    assert rules.check_valid_days(days, maximum=maximum) == problem


@pytest.mark.parametrize(
    ("issued", "days", "last"),
    [
        (D(2026, 3, 1), 30, D(2026, 3, 30)),
        (D(2026, 12, 15), 30, D(2027, 1, 13)),
        (D(2026, 1, 1), 1, D(2026, 1, 1)),
    ],
)
def test_a_letter_is_valid_for_its_days_counting_the_day_of_issue(
    issued: dt.date, days: int, last: dt.date
) -> None:
    assert rules.letter_expires_on(issued, days) == last


@pytest.mark.parametrize(
    ("reported", "due"),
    [(D(2026, 5, 10), D(2026, 6, 10)), (D(2026, 1, 31), D(2026, 2, 28)), (D(2026, 12, 5), D(2027, 1, 5))],
)
def test_the_receipt_is_due_one_month_after_the_report(reported: dt.date, due: dt.date) -> None:
    """DOMAIN.md §6 [N]: the 回执 goes back from the final receiver within 1 month."""
    assert rules.receipt_due(reported) == due


def test_an_external_letter_receipt_is_expected_a_month_after_its_validity() -> None:
    assert rules.external_receipt_due(D(2026, 6, 8)) == D(2026, 7, 8)


def test_probation_lasts_one_year_from_the_branch_resolution_and_a_transfer_keeps_it() -> None:
    """党章 第七条: 预备期为一年, counted from the 支部大会 resolution."""
    assert rules.probation_ends_on(D(2026, 3, 1)) == D(2027, 3, 1)
    assert rules.probation_ends_on(D(2024, 2, 29)) == D(2025, 2, 28)


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (D(1990, 5, 10), D(2026, 5, 9), 35),
        (D(1990, 5, 10), D(2026, 5, 10), 36),
        (D(2000, 2, 29), D(2026, 2, 28), 25),
    ],
)
def test_age_on_the_letter_is_in_completed_years(birth: dt.date, day: dt.date, age: int) -> None:
    assert rules.age_on(birth, day) == age


@pytest.mark.parametrize(
    ("since", "today", "expected"),
    [(D(2026, 1, 10), D(2026, 7, 9), False), (D(2026, 1, 10), D(2026, 7, 10), True)],
)
def test_away_six_months_at_a_fixed_place_should_transfer(
    since: dt.date, today: dt.date, expected: bool
) -> None:
    """教管条例 第二十五、三十二条 (DOMAIN.md §2, §6): ≥6 months."""
    assert rules.should_transfer(since, today) is expected


def test_lost_contact_six_months_then_two_years() -> None:
    """教管条例 第二十四条: 失联 ≥6 months → 停止党籍; 2 years later still unreachable → 除名 (自行脱党)."""
    assert rules.lost_contact_suspension_due(D(2025, 8, 31)) == D(2026, 2, 28)
    assert rules.lost_contact_removal_due(D(2024, 3, 1)) == D(2026, 3, 1)


def test_numbers_are_printed_with_year_and_sequence() -> None:
    assert rules.letter_number(2026, 7) == "2026-0007"
    assert rules.certificate_number(2026, 3) == "LD2026-003"
