"""Rules of 组织生活 (DOMAIN.md §3, §5): frequencies, what a branch owes, plans, compliance, and vote tallies.
Each test names the article it checks."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.meetings import rules
from dangjian.meetings.rules import Ballot, BranchFacts

D = dt.date
START = dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC)


def full(i: int, **kw: object) -> Ballot:
    return Ballot(member_id=i, name=f"党员{i}", **kw)  # type: ignore[arg-type]


# --- frequencies (支部条例 第十一、十二、十三、十九、二十、二十一、二十二条) ---


@pytest.mark.parametrize(
    ("kind", "period", "source"),
    [
        ("general_meeting", "quarter", "支部条例 第十一条"),
        ("committee_meeting", "month", "支部条例 第十二条"),
        ("group_meeting", "month", "支部条例 第十三条"),
        ("theme_day", "month", "支部条例 第十九条"),
        ("life_meeting", "year", "支部条例 第二十条"),
        ("appraisal", "year", "支部条例 第二十一条"),
        ("heart_to_heart", "year", "支部条例 第二十二条"),
    ],
)
def test_national_frequencies_follow_the_branch_regulation(kind, period, source):
    freq = rules.frequencies()[kind]
    assert (freq.period, freq.count, freq.national, freq.source) == (period, 1, True, source)


def test_lecture_frequency_is_local_practice_quarterly_by_default_and_configurable():
    """DOMAIN.md §3: 党课 [C] quarterly."""
    assert (rules.frequencies()["lecture"].period, rules.frequencies()["lecture"].national) == (
        "quarter",
        False,
    )
    assert rules.frequencies({"lecture": ("month", 1)})["lecture"].period == "month"


def test_a_national_frequency_cannot_be_configured_away():
    assert rules.frequencies({"theme_day": ("year", 1)})["theme_day"].period == "month"  # type: ignore[dict-item]


# --- what a branch owes ---------------------------------------------------------------------------------


def test_branch_without_committee_owes_no_committee_meeting():
    """支部条例 第九条: fewer than 7 正式党员 → no 支委会, so no 支委会 meeting is due."""
    kinds = {d.kind for d in rules.dues_between(BranchFacts(False, 0), D(2026, 1, 1), D(2026, 12, 31))}
    assert "committee_meeting" not in kinds and "group_meeting" not in kinds
    assert "theme_day" in kinds


def test_each_group_owes_its_own_monthly_group_meeting():
    """支部条例 第十三条: 党小组会 一般每月召开1次 — per group; DOMAIN §3: a branch without groups
    owes none."""
    dues = rules.dues_between(BranchFacts(True, 3), D(2026, 3, 1), D(2026, 3, 31))
    assert {d.kind: d.count for d in dues}["group_meeting"] == 3


def test_dues_of_a_year_count_twelve_theme_days_four_general_meetings_one_life_meeting():
    dues = rules.dues_between(BranchFacts(True, 1), D(2026, 1, 1), D(2026, 12, 31))
    per_kind: dict[str, int] = {}
    for d in dues:
        per_kind[d.kind] = per_kind.get(d.kind, 0) + d.count
    assert per_kind == {
        "general_meeting": 4,
        "committee_meeting": 12,
        "group_meeting": 12,
        "lecture": 4,
        "theme_day": 12,
        "life_meeting": 1,
        "appraisal": 1,
        "heart_to_heart": 1,
    }


def test_period_bounds_of_month_quarter_and_year():
    assert rules.period_bounds("month", D(2024, 2, 10)) == (D(2024, 2, 1), D(2024, 2, 29))
    assert rules.period_bounds("quarter", D(2026, 5, 10)) == (D(2026, 4, 1), D(2026, 6, 30))
    assert rules.period_bounds("year", D(2026, 5, 10)) == (D(2026, 1, 1), D(2026, 12, 31))


# --- plans ----------------------------------------------------------------------------------------------


def test_plan_puts_the_committee_meeting_at_the_start_and_the_theme_day_mid_or_late_month():
    """The seed's pattern (支部条例 第十九条: 每月相对固定1天开展主题党日)."""
    slots = rules.plan_slots(BranchFacts(True, 0), 2026, months=[4])
    by_kind = {s.kind: s for s in slots}
    assert by_kind["committee_meeting"].planned_on == D(2026, 4, 5)
    assert by_kind["theme_day"].planned_on == D(2026, 4, 20)
    assert by_kind["committee_meeting"].planned_on < by_kind["theme_day"].planned_on
    assert "主题党日" in by_kind["committee_meeting"].topic


def test_plan_of_a_year_places_quarterly_and_yearly_meetings_in_the_right_months():
    slots = rules.plan_slots(BranchFacts(False, 2), 2026)
    months = {k: sorted(s.planned_on.month for s in slots if s.kind == k) for k in rules.KINDS}
    assert months["general_meeting"] == [3, 6, 9, 12]
    assert months["lecture"] == [2, 5, 8, 11]
    assert months["life_meeting"] == [12]  # 支部条例 第二十条: 第四季度
    assert months["committee_meeting"] == []
    assert len(months["group_meeting"]) == 24  # two groups × twelve months
    assert months["theme_day"] == list(range(1, 13))


# --- compliance -----------------------------------------------------------------------------------------


def _due() -> rules.Due:
    return rules.Due("theme_day", D(2026, 3, 1), D(2026, 3, 31), 1, "")


def test_a_period_held_on_time_is_done():
    assert rules.classify_period(_due(), [D(2026, 3, 20)], D(2026, 5, 1)).status == "done"


def test_a_meeting_held_after_its_period_is_late():
    c = rules.classify_period(_due(), [D(2026, 4, 2)], D(2026, 5, 1))
    assert (c.status, c.late, c.missing) == ("late", 1, 0)


def test_an_ended_period_without_meeting_is_missing_and_an_open_one_is_pending():
    assert rules.classify_period(_due(), [], D(2026, 5, 1)).status == "missing"
    assert rules.classify_period(_due(), [], D(2026, 3, 10)).status == "pending"


def test_extra_meetings_do_not_exceed_what_was_due():
    c = rules.classify_period(_due(), [D(2026, 3, 2), D(2026, 3, 20), D(2026, 4, 2)], D(2026, 5, 1))
    assert (c.held, c.late, c.missing) == (1, 0, 0)


def test_late_check_in_is_after_the_start_plus_grace():
    start = dt.datetime(2026, 3, 20, 9, 0)
    assert not rules.is_late(start, start)
    assert rules.is_late(start, start + dt.timedelta(minutes=1))
    assert not rules.is_late(start, start + dt.timedelta(minutes=5), grace_minutes=5)


# --- votes (支部条例 第十一条; 发展细则 第二十五条; 选举条例) -------------------------------


def test_resolution_passes_with_more_than_half_of_expected_voting_members_present_and_in_favour():
    """支部条例 第十一条: 10 expected, 6 present, 6 yes → valid and passed."""
    ballots = [full(i, present=True, choice="yes") for i in range(6)] + [full(i) for i in range(6, 10)]
    r = rules.tally(ballots, kind="admission", subject="接收张三为预备党员")
    assert (r.expected, r.present, r.yes, r.quorum_met, r.passed) == (10, 6, 6, True, True)
    assert "通过" in r.explanation and "支部条例 第十一条" in r.explanation


def test_exactly_half_present_is_not_a_quorum():
    """支部条例 第十一条: 半数以上 … 到会 — exactly half (5 of 10) is not enough."""
    ballots = [full(i, present=True, choice="yes") for i in range(5)] + [full(i) for i in range(5, 10)]
    r = rules.tally(ballots)
    assert (r.quorum_met, r.passed, r.quorum_needed) == (False, False, 6)
    assert "未超过半数" in r.explanation and "不能进行表决" in r.explanation


def test_exactly_half_yes_votes_of_the_expected_does_not_pass_even_if_a_majority_of_those_present():
    """支部条例 第十一条: 赞成人数超过应到会有表决权的党员的半数 — 5 yes of 10 expected fails, although 5 of
    8 present is a majority."""
    ballots = (
        [full(i, present=True, choice="yes") for i in range(5)]
        + [full(i, present=True, choice="no") for i in range(5, 8)]
        + [full(i) for i in range(8, 10)]
    )
    r = rules.tally(ballots)
    assert (r.quorum_met, r.yes, r.yes_needed, r.passed) == (True, 5, 6, False)
    assert "未超过应到会有表决权党员10人的半数" in r.explanation


def test_probationary_members_votes_are_ignored_and_they_are_not_expected():
    """发展细则 第二十五条 and 选举条例: 预备党员 have no vote; their presence neither makes a quorum
    nor a majority."""
    ballots = [full(i, present=True, choice="yes") for i in range(3)] + [
        full(3),
        full(4),
        full(5, status="probationary", present=True, choice="yes"),
        full(6, status="probationary", present=True, choice="yes"),
    ]
    r = rules.tally(ballots)
    assert (r.expected, r.present, r.yes, r.passed) == (5, 3, 3, True)
    assert "党员5（预备党员没有表决权" in r.explanation


def test_members_under_probation_discipline_or_suspended_have_no_vote():
    """选举条例: 受留党察看处分的党员在留党察看期间没有表决权; 停止党籍 takes no part."""
    ballots = [
        full(1, present=True, choice="yes"),
        full(2, present=True, choice="no", under_probation=True),
        full(3, present=True, choice="no", suspended=True),
    ]
    r = rules.tally(ballots)
    assert (r.expected, r.present, r.yes, r.no, r.passed) == (1, 1, 1, 0, True)
    assert len(r.ignored) == 2


def test_excluded_members_are_out_of_the_expected_count_unless_they_attend():
    """DOMAIN.md §5: members excluded for a recorded reason do not count in 应到会; one who attends counts."""
    ballots = [full(i, present=True, choice="yes") for i in range(3)] + [
        full(3, excluded_reason="长期出国（境）"),
        full(4, excluded_reason="被羁押或正在服刑"),
        full(5, excluded_reason="年老体弱、卧床不起或长期生病", present=True, choice="no"),
        full(6),
    ]
    r = rules.tally(ballots)
    assert (r.expected, r.present, r.yes, r.no, r.passed) == (5, 4, 3, 1, True)


def test_written_votes_handed_in_before_the_meeting_count_but_not_towards_the_quorum():
    """发展细则 第二十五条: 在支部大会召开前正式向党支部提出书面意见的，应当统计在票数内."""
    before = START - dt.timedelta(days=1)
    ballots = (
        [full(i, present=True, choice="yes") for i in range(3)]
        + [full(i, present=True, choice="no") for i in range(3, 6)]
        + [full(i, choice="yes", written_at=before) for i in range(6, 9)]
        + [full(9)]
    )
    r = rules.tally(ballots, starts_at=START, kind="full_membership")
    assert (r.expected, r.present, r.yes, r.written_counted, r.passed) == (10, 6, 6, 3, True)
    assert "书面意见3份" in r.explanation


def test_written_votes_do_not_make_a_quorum():
    before = START - dt.timedelta(hours=2)
    ballots = [full(i, present=True, choice="yes") for i in range(2)] + [
        full(i, choice="yes", written_at=before) for i in range(2, 6)
    ]
    r = rules.tally(ballots, starts_at=START)
    assert (r.expected, r.present, r.quorum_met, r.passed) == (6, 2, False, False)


def test_a_written_vote_handed_in_after_the_start_is_not_counted():
    ballots = [full(i, present=True, choice="yes") for i in range(3)] + [
        full(3, present=True, choice="no"),
        full(4, choice="yes", written_at=START + dt.timedelta(minutes=10)),
        full(5, choice="yes"),  # absent, no written opinion: an absent member cannot vote
    ]
    r = rules.tally(ballots, starts_at=START)
    assert (r.expected, r.yes, r.written_counted, r.passed) == (6, 3, 0, False)
    assert "会议开始后提交的书面意见" in r.explanation
    assert "未到会且未提交书面意见" in r.explanation


def test_abstentions_and_present_members_who_do_not_vote_are_not_yes():
    ballots = [full(i, present=True, choice="yes") for i in range(3)] + [
        full(3, present=True, choice="abstain"),
        full(4, present=True),
    ]
    r = rules.tally(ballots)
    assert (r.yes, r.abstain, r.not_cast, r.passed) == (3, 1, 1, True)
    assert "到会未表态1人" in r.explanation


def test_admission_must_be_voted_one_candidate_at_a_time():
    """发展细则 第二十五条: 支部大会讨论两个以上的人入党时，必须逐个讨论和表决."""
    ballots = [full(i, present=True, choice="yes") for i in range(5)]
    r = rules.tally(ballots, kind="admission", candidates=2)
    assert not r.passed and "逐个讨论和表决" in r.explanation


def test_election_needs_more_than_four_fifths_present():
    """选举条例: 有选举权的到会人数超过应到会人数的五分之四，会议有效 — 8 of 10 is exactly 4/5: not valid;
    9 of 10 is."""
    eight = [full(i, present=True, choice="yes") for i in range(8)] + [full(8), full(9)]
    r = rules.tally(eight, kind="election", subject="选举李四为支部委员")
    assert (r.quorum_needed, r.quorum_met, r.passed) == (9, False, False)
    assert "五分之四" in r.explanation and "不能进行选举" in r.explanation
    nine = [full(i, present=True, choice="yes") for i in range(9)] + [full(9)]
    r = rules.tally(nine, kind="election")
    assert (r.quorum_met, r.passed) == (True, True) and "当选" in r.explanation


def test_election_candidate_needs_yes_votes_over_half_of_the_expected():
    ballots = [full(i, present=True, choice="yes") for i in range(5)] + [
        full(i, present=True, choice="no") for i in range(5, 10)
    ]
    r = rules.tally(ballots, kind="election")
    assert (r.quorum_met, r.passed) == (True, False) and "未当选" in r.explanation


def test_nobody_expected_cannot_vote():
    r = rules.tally([full(1, status="probationary", present=True, choice="yes")])
    assert (r.expected, r.passed) == (0, False)


@pytest.mark.parametrize(
    ("size", "present", "ok"), [(3, 1, False), (3, 2, True), (4, 2, False), (5, 3, True)]
)
def test_committee_meeting_quorum_is_more_than_half_of_the_members(size, present, ok):
    """支部条例 第十二条: 支委会 须有半数以上委员到会方可进行."""
    assert rules.committee_quorum(size, present) is ok
