"""The pure rules of 民主评议党员 and 谈心谈话 (DOMAIN.md §3, §8; 支部条例 第二十一条、第二十二条; 党章
第九条)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from dangjian.appraisal import rules
from dangjian.appraisal.rules import BASIC, EXCELLENT, QUALIFIED, UNQUALIFIED


@pytest.mark.parametrize(
    ("participants", "limit"), [(0, 0), (1, 0), (2, 0), (3, 1), (8, 2), (9, 3), (26, 8), (30, 10), (50, 16)]
)
def test_excellent_is_limited_to_a_third_of_participants_rounded_down(participants, limit):
    """DOMAIN.md §8: 优秀 generally ≤1/3 of the members appraised."""
    assert rules.excellent_limit(participants) == limit


def test_the_excellent_share_is_configurable():
    """[C] the share is local practice (APPRAISAL_EXCELLENT_SHARE)."""
    assert rules.excellent_limit(26, Fraction(1, 4)) == 6
    assert rules.excellent_limit(26, Fraction(3, 10)) == 7


def test_guard_passes_at_the_limit_and_asks_for_a_reason_above_it():
    at_limit = rules.check_excellent([EXCELLENT] * 3 + [QUALIFIED] * 6, 9)
    assert not at_limit.exceeded and at_limit.limit == 3
    above = rules.check_excellent([EXCELLENT] * 4 + [QUALIFIED] * 5, 9)
    assert above.exceeded and "三分之一" in above.message and "理由" in above.message


def test_a_ballot_must_rate_every_other_participant_exactly_once():
    assert rules.ballot_problems(1, [1, 2, 3], {2: EXCELLENT, 3: BASIC}) == []
    assert "还有1名党员未评定等次" in rules.ballot_problems(1, [1, 2, 3], {2: QUALIFIED})[0]
    assert any(
        "自己" in p for p in rules.ballot_problems(1, [1, 2, 3], {1: QUALIFIED, 2: QUALIFIED, 3: QUALIFIED})
    )
    assert any("不参加" in p for p in rules.ballot_problems(1, [1, 2], {2: QUALIFIED, 9: QUALIFIED}))
    assert any("只能是" in p for p in rules.ballot_problems(1, [1, 2], {2: "perfect"}))


def test_participation_rate_is_rounded_down_so_100_means_everyone():
    assert rules.participation_rate(25, 26) == 96
    assert rules.participation_rate(26, 26) == 100
    assert rules.participation_rate(0, 0) == 0


def test_the_suggested_grade_is_the_most_frequent_and_a_tie_never_suggests_an_extreme():
    assert rules.MemberTally({EXCELLENT: 5, QUALIFIED: 2}).suggested == EXCELLENT
    assert rules.MemberTally({EXCELLENT: 3, QUALIFIED: 3}).suggested == QUALIFIED
    assert rules.MemberTally({UNQUALIFIED: 2, BASIC: 2}).suggested == BASIC
    assert rules.MemberTally({}).suggested == ""
    assert rules.MemberTally({EXCELLENT: 1, QUALIFIED: 3}).share(EXCELLENT) == 25


def test_counts_are_shown_only_from_the_minimum_number_of_ballots():
    """[C] with one or two ballots the counts would be those ballots (default minimum 3)."""
    assert not rules.tally_visible(2)
    assert rules.tally_visible(3)
    assert rules.tally_visible(1, min_ballots=1)


@pytest.mark.parametrize(
    ("decided", "deadline", "ok"),
    [
        (dt.date(2026, 1, 15), dt.date(2026, 7, 15), True),
        (dt.date(2026, 1, 15), dt.date(2027, 1, 15), True),  # exactly one year
        (dt.date(2026, 1, 15), dt.date(2027, 1, 16), False),  # more than a year
        (dt.date(2026, 1, 15), dt.date(2026, 1, 15), False),  # not after the decision
        (dt.date(2024, 2, 29), dt.date(2025, 2, 28), True),  # leap day: one year later is 28 February
        (dt.date(2024, 2, 29), dt.date(2025, 3, 1), False),
    ],
)
def test_rectification_lasts_at_most_one_year(decided, deadline, ok):
    """DOMAIN.md §8: 不合格 → 限期改正 (≤1 year); 党章 第九条: 教育, 限期改正."""
    assert (rules.rectify_deadline_problem(decided, deadline) == "") is ok


def test_rectification_needs_a_deadline():
    assert "期限" in rules.rectify_deadline_problem(dt.date(2026, 1, 15), None)


def test_talk_coverage_requires_every_pair_of_committee_members_and_each_member_with_one_of_them():
    """支部条例 第二十一条: 支委之间、支委和党员之间 每年谈心谈话一般不少于1次."""
    committee, members = [1, 2, 3], [1, 2, 3, 4, 5]
    empty = rules.talk_coverage(committee, members, [])
    assert empty.committee_missing == ((1, 2), (1, 3), (2, 3)) and empty.members_missing == (4, 5)
    assert empty.required == 5 and empty.done == 0 and not empty.complete
    talks = [(2, 1), (3, 1), (2, 3), (4, 2), (1, 5)]  # direction does not matter
    full = rules.talk_coverage(committee, members, talks)
    assert full.complete and full.percent == 100


def test_talks_between_two_ordinary_members_do_not_cover_anyones_obligation():
    coverage = rules.talk_coverage([1], [1, 4, 5], [(4, 5)])
    assert coverage.members_missing == (4, 5)


def test_with_coverage_all_each_committee_member_must_talk_with_each_member():
    """[C] APPRAISAL_TALK_COVERAGE = "all"."""
    coverage = rules.talk_coverage([1, 2], [1, 2, 3], [(1, 2), (1, 3)], coverage="all")
    assert coverage.member_pairs_missing == ((2, 3),) and coverage.members_missing == (3,)
    assert coverage.required == 3 and coverage.done == 2
