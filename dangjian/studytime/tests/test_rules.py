"""Pure rules of study time and 学时."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dangjian.studytime import rules

T0 = dt.datetime(2026, 5, 4, 9, 0, 0, tzinfo=dt.UTC)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


class TestCreditSeconds:
    def test_the_first_beat_of_a_chain_credits_nothing(self) -> None:
        assert rules.credit_seconds(now=at(0), previous_beat=None, last_credit=None) == 0

    def test_a_beat_within_the_gap_credits_the_time_since_the_previous_one(self) -> None:
        assert rules.credit_seconds(now=at(15), previous_beat=at(0), last_credit=None) == 15

    def test_a_gap_longer_than_the_limit_credits_nothing(self) -> None:
        # an idle or hidden tab stops sending; its return proves nothing about the time away
        assert rules.credit_seconds(now=at(rules.MAX_GAP + 1), previous_beat=at(0), last_credit=None) == 0
        assert (
            rules.credit_seconds(now=at(rules.MAX_GAP), previous_beat=at(0), last_credit=None)
            == rules.MAX_GAP
        )

    def test_time_already_credited_on_another_content_is_not_credited_twice(self) -> None:
        # two tabs: the other tab's beat at 10 s was credited up to 10 s; this one earns only 10 → 15
        assert rules.credit_seconds(now=at(15), previous_beat=at(0), last_credit=at(10)) == 5
        assert rules.credit_seconds(now=at(15), previous_beat=at(0), last_credit=at(15)) == 0

    def test_a_clock_running_backwards_credits_nothing(self) -> None:
        assert rules.credit_seconds(now=at(0), previous_beat=at(15), last_credit=None) == 0


def test_a_video_earns_at_most_its_length_a_day() -> None:
    assert rules.clip_to_duration(credited=15, seconds_today=50, duration=60) == 10
    assert rules.clip_to_duration(credited=15, seconds_today=60, duration=60) == 0
    assert rules.clip_to_duration(credited=15, seconds_today=600, duration=None) == 15


@pytest.mark.parametrize(
    ("media", "state", "earns"),
    [
        (False, "visible", True),
        (False, "playing", True),
        (True, "playing", True),
        (True, "visible", False),  # an open but paused video earns nothing
        (True, "stop", True),
        (False, "stop", True),
    ],
)
def test_which_states_earn(media: bool, state: str, earns: bool) -> None:
    assert rules.credits_for(is_media=media, state=state) is earns


def test_dwell_blocks_count_whole_blocks_of_valid_minutes() -> None:
    # DOMAIN.md §7: 1 point per 4 minutes; 9 minutes → 2
    assert rules.dwell_blocks(seconds=9 * 60, unit_minutes=4) == 2
    assert rules.dwell_blocks(seconds=4 * 60 - 1, unit_minutes=4) == 0
    assert rules.dwell_blocks(seconds=600, unit_minutes=0) == 0


def test_the_yearly_requirement_is_32_hours_and_56_for_a_secretary() -> None:
    # 中国共产党党员教育管理工作条例 第二十条: ≥ 32 学时 a year; DOMAIN.md §2 [C] 56 for secretaries
    assert rules.required_hours(is_secretary=False) == 32
    assert rules.required_hours(is_secretary=True) == 56


def test_expected_hours_are_pro_rata_over_the_year() -> None:
    assert rules.expected_by(required=32, on=dt.date(2026, 12, 31)) == Decimal("32.0")
    assert rules.expected_by(required=32, on=dt.date(2026, 1, 1)) == Decimal("0.1")
    assert rules.expected_by(required=32, on=dt.date(2026, 7, 2)) == Decimal("16.0")  # day 183 of 365
    assert rules.is_behind(hours=Decimal("15.9"), required=32, on=dt.date(2026, 7, 2))
    assert not rules.is_behind(hours=Decimal("16"), required=32, on=dt.date(2026, 7, 2))
