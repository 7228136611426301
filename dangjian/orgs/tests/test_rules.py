"""Regulations on organisations (dangjian.orgs.rules): terms, 换届 due dates, structural notices."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.orgs import rules

TODAY = dt.date(2026, 6, 15)


def notices(**kwargs):
    args = {
        "kind": "branch",
        "has_committee": False,
        "members": 10,
        "full_members": 5,
        "elected_on": dt.date(2025, 1, 1),
        "today": TODAY,
    } | kwargs
    return {n.code: n for n in rules.structural_notices(**args)}


@pytest.mark.parametrize(
    ("kind", "years"),
    [
        ("committee", 5),
        ("general_branch", 3),
        ("branch", 3),
        ("joint_branch", 3),
        ("temporary_committee", None),
        ("temporary_branch", None),
        ("group", None),
    ],
)
def test_term_length_follows_the_term_opinion(kind, years):
    assert rules.term_years(kind) == years


def test_election_due_is_the_election_date_plus_the_term():
    assert rules.election_due("branch", dt.date(2024, 1, 10)) == dt.date(2027, 1, 10)
    assert rules.election_due("committee", dt.date(2022, 3, 1)) == dt.date(2027, 3, 1)
    assert rules.election_due("general_branch", dt.date(2023, 12, 31)) == dt.date(2026, 12, 31)


def test_a_term_started_on_29_february_ends_on_28_february():
    assert rules.election_due("branch", dt.date(2024, 2, 29)) == dt.date(2027, 2, 28)
    assert rules.election_due("committee", dt.date(2020, 2, 29)) == dt.date(2025, 2, 28)


def test_a_term_started_on_29_february_ends_on_29_february_when_that_exists():
    assert rules.add_years(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)


def test_no_due_date_without_an_election_date_or_for_kinds_without_a_term():
    assert rules.election_due("branch", None) is None
    assert rules.election_due("temporary_branch", dt.date(2024, 1, 1)) is None
    assert rules.election_due("group", dt.date(2024, 1, 1)) is None


def test_add_months_clamps_to_the_end_of_a_shorter_month():
    assert rules.add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert rules.add_months(dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)
    assert rules.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert rules.add_months(dt.date(2026, 10, 15), 3) == dt.date(2027, 1, 15)


def test_a_branch_over_50_members_is_told_to_split_citing_article_4():
    found = notices(members=51)
    assert "支部条例第四条" in found["branch_too_large"].message and "51" in found["branch_too_large"].message
    assert "branch_too_large" not in notices(members=50)


def test_the_branch_size_limit_is_a_setting():
    assert "branch_too_large" in notices(members=41, max_members=40)


def test_seven_full_members_without_a_committee_need_one_citing_article_9():
    found = notices(full_members=7, members=9)
    assert found["committee_required"].message.endswith("（支部条例第九条）")
    assert "committee_required" not in notices(full_members=7, members=9, has_committee=True)
    assert "committee_required" not in notices(full_members=6, members=9)


def test_probationary_members_do_not_count_toward_the_committee_threshold():
    assert "committee_required" not in notices(members=12, full_members=6)


def test_fewer_than_three_full_members_is_flagged_citing_article_4():
    found = notices(full_members=2, members=4)
    assert "支部条例第四条" in found["too_few_full"].message
    assert "too_few_full" not in notices(full_members=3, members=3)


def test_a_temporary_branch_may_have_fewer_than_three_full_members():
    assert "too_few_full" not in notices(kind="temporary_branch", full_members=1, members=1)


def test_committees_get_no_branch_size_notices():
    assert (
        set(notices(kind="committee", members=300, full_members=1, elected_on=dt.date(2025, 1, 1))) == set()
    )


def test_an_overdue_election_is_flagged_as_danger_citing_the_term_opinion():
    found = notices(elected_on=dt.date(2023, 6, 14))  # due 2026-06-14, the day before TODAY
    overdue = found["election_overdue"]
    assert overdue.level == "danger" and overdue.needs_attention
    assert "2026-06-14" in overdue.message and "任期意见" in overdue.message


def test_the_last_day_of_the_term_is_not_yet_overdue():
    found = notices(elected_on=dt.date(2023, 6, 15))
    assert "election_overdue" not in found and "election_due_soon" in found


def test_an_election_due_within_three_months_is_a_reminder_not_a_breach():
    found = notices(elected_on=dt.date(2023, 9, 15))  # due 2026-09-15 = TODAY + 3 months
    assert found["election_due_soon"].level == "info" and not found["election_due_soon"].needs_attention
    assert "election_due_soon" not in notices(elected_on=dt.date(2023, 9, 16))
    assert "election_due_soon" in notices(elected_on=dt.date(2023, 10, 1), reminder_months=4)


def test_a_missing_election_date_is_reported_as_missing_data():
    found = notices(elected_on=None)
    assert found["election_unknown"].level == "secondary" and not found["election_unknown"].needs_attention
    assert "election_unknown" not in notices(kind="group", elected_on=None, full_members=0, members=0)
    assert "election_unknown" not in notices(kind="temporary_branch", elected_on=None)


def test_a_healthy_branch_has_no_notices():
    assert notices() == {}
