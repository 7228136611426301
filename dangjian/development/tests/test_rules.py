"""Boundary tests of the 发展党员 rules (DOMAIN.md §5; 发展细则; 党章 第七条)."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.development import rules
from dangjian.meetings import rules as meeting_rules

D = dt.date


def codes(problems: list[rules.Problem]) -> list[str]:
    return [p.code for p in problems]


def test_twenty_five_steps_in_five_phases() -> None:
    assert [s.number for s in rules.STEPS] == list(range(1, 26))
    assert sorted({s.phase for s in rules.STEPS}) == [1, 2, 3, 4, 5]
    assert rules.circled(1) == "①" and rules.circled(20) == "⑳" and rules.circled(21) == "㉑"
    assert rules.circled(25) == "㉕"
    assert rules.stage_of({1, 2}) == rules.APPLICANT
    assert rules.stage_of(range(1, 8)) == rules.CANDIDATE
    assert rules.stage_of(range(1, 18)) == rules.PROBATIONARY
    assert rules.stage_of(range(1, 25)) == rules.FULL
    assert rules.next_step({1, 2, 3}) == 4 and rules.next_step(range(1, 26)) is None


def test_add_months_clips_to_month_end() -> None:
    assert rules.add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert rules.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert rules.add_months(D(2025, 11, 15), 3) == D(2026, 2, 15)


# ① 年满十八岁 (发展细则 第五条)
def test_age_eighteen_on_the_day_of_the_application() -> None:
    birth = D(2007, 5, 10)
    today = D(2026, 1, 1)
    assert rules.check_application(birth_date=birth, applied_on=D(2025, 5, 10), today=today) == []
    assert codes(rules.check_application(birth_date=birth, applied_on=D(2025, 5, 9), today=today)) == [
        "under_age"
    ]
    assert (
        "第五条"
        in rules.check_application(birth_date=birth, applied_on=D(2025, 5, 9), today=today)[0].message
    )
    # 2月29日 birthday: 18 on 3月1日 of a common year
    assert rules.check_application(birth_date=D(2004, 2, 29), applied_on=D(2022, 2, 28), today=today)
    assert rules.check_application(birth_date=D(2004, 2, 29), applied_on=D(2022, 3, 1), today=today) == []
    assert codes(rules.check_application(birth_date=birth, applied_on=D(2026, 1, 2), today=today)) == [
        "future"
    ]


# ② 一个月内谈话 (发展细则 第八条)
def test_talk_within_one_month() -> None:
    applied = D(2025, 1, 31)
    assert rules.talk_deadline(applied) == D(2025, 2, 28)
    assert rules.check_talk(applied_on=applied, talked_on=D(2025, 2, 28)) == []
    late = rules.check_talk(applied_on=applied, talked_on=D(2025, 3, 1))
    assert [(p.level, p.code) for p in late] == [("warn", "talk_late")] and "第八条" in late[0].message
    assert codes(rules.check_talk(applied_on=applied, talked_on=D(2025, 1, 30))) == ["before_application"]


def test_activist_after_configured_months() -> None:
    applied = D(2025, 3, 1)
    assert codes(rules.check_activist(applied_on=applied, decided_on=D(2025, 8, 31))) == ["too_early"]
    assert rules.check_activist(applied_on=applied, decided_on=D(2025, 9, 1)) == []
    assert rules.check_activist(applied_on=applied, decided_on=D(2025, 3, 2), min_months=0) == []


# ⑤ 一至两名正式党员作培养联系人
def test_mentors_one_or_two_full_members() -> None:
    full = rules.PersonFacts("甲", full=True)
    assert rules.check_mentors([full]) == []
    assert rules.check_mentors([full, rules.PersonFacts("乙", full=True)]) == []
    assert codes(rules.check_mentors([])) == ["mentor_count"]
    assert "mentor_count" in codes(rules.check_mentors([full] * 3))
    assert codes(rules.check_mentors([rules.PersonFacts("丙", full=False)])) == ["mentor_not_full"]


# ⑥ 每半年考察 ⑦ 一年以上
def test_candidate_after_one_year_with_half_yearly_evaluations() -> None:
    activist = D(2024, 3, 1)
    both = [D(2024, 8, 20), D(2025, 2, 20)]
    assert rules.check_candidate(activist_on=activist, decided_on=D(2025, 3, 1), evaluated=both) == []
    assert codes(rules.check_candidate(activist_on=activist, decided_on=D(2025, 2, 28), evaluated=both)) == [
        "activist_under_one_year"
    ]
    missing = rules.check_candidate(
        activist_on=activist, decided_on=D(2025, 3, 1), evaluated=[D(2024, 8, 20)]
    )
    assert codes(missing) == ["evaluation_missing"] and "2024.09.01–2025.02.28" in missing[0].message
    # an evaluation on the first day of the next half-year belongs to that half-year
    assert codes(
        rules.check_candidate(activist_on=activist, decided_on=D(2025, 3, 1), evaluated=[D(2024, 9, 1)])
    ) == ["evaluation_missing"]
    assert rules.next_evaluation_due(activist, [D(2024, 8, 20)]) == D(2025, 3, 1)
    assert rules.next_evaluation_due(activist, []) == D(2024, 9, 1)


# ⑨ 两名正式党员, 不受留党察看
def test_introducers() -> None:
    a, b = rules.PersonFacts("甲", full=True), rules.PersonFacts("乙", full=True)
    assert rules.check_introducers([a, b]) == []
    assert codes(rules.check_introducers([a])) == ["introducer_count"]
    assert codes(rules.check_introducers([a, a])) == ["introducer_count"]
    probationary = rules.PersonFacts("王五", full=False)
    refused = rules.check_introducers([a, probationary])
    assert codes(refused) == ["introducer_not_full"] and refused[0].message.startswith("王五不是正式党员")
    disciplined = rules.PersonFacts("赵六", full=True, under_discipline=True)
    assert codes(rules.check_introducers([a, disciplined])) == ["introducer_disciplined"]
    assert codes(rules.check_introducers([a, rules.PersonFacts("钱七", full=True, suspended=True)])) == [
        "introducer_not_full"
    ]


def test_political_review_needs_a_conclusion() -> None:
    assert codes(rules.check_political_review("  ")) == ["review_conclusion"]
    assert rules.check_political_review("政治合格") == []
    assert rules.review_valid(D(2025, 1, 10), D(2026, 1, 10))
    assert not rules.review_valid(D(2025, 1, 10), D(2026, 1, 11))
    assert rules.review_valid(D(2020, 1, 10), D(2026, 1, 11), months=0)


# ⑪ 不少于三天或二十四学时
@pytest.mark.parametrize(
    ("days", "hours", "ok"),
    [(3, 0, True), (2.5, 23.5, False), (0, 24, True), (2, 23, False), (2.9, 24, True)],
)
def test_training(days: float, hours: float, ok: bool) -> None:
    assert (rules.check_training(days=days, hours=hours) == []) is ok


def test_pre_review_warns_when_leaving_within_three_months() -> None:
    assert codes(rules.check_pre_review(reviewed_on=D(2025, 1, 10), leaving_on=D(2025, 4, 10))) == [
        "leaving_soon"
    ]
    assert rules.check_pre_review(reviewed_on=D(2025, 1, 10), leaving_on=D(2025, 4, 11)) == []
    assert rules.check_pre_review(reviewed_on=D(2025, 1, 10), leaving_on=None) == []


# ⑮ ㉓ the meetings tally, one person at a time
def test_votes_use_the_meetings_tally() -> None:
    ballots = [
        meeting_rules.Ballot(1, "甲", present=True, choice="yes"),
        meeting_rules.Ballot(2, "乙", present=True, choice="yes"),
        meeting_rules.Ballot(3, "丙", present=True, choice="no"),
        meeting_rules.Ballot(4, "丁", status="probationary", present=True, choice="no"),
    ]
    result = rules.admission_vote(ballots, subject="接收张三为预备党员", starts_at=None)
    assert result.kind == meeting_rules.ADMISSION and result.passed and result.expected == 3
    assert any("预备党员没有表决权" in i for i in result.ignored)
    fail = rules.full_membership_vote(
        ballots[:1] + ballots[2:3] + [meeting_rules.Ballot(5, "戊")], subject="x", starts_at=None
    )
    assert fail.kind == meeting_rules.FULL_MEMBERSHIP and not fail.passed


# ⑰ 三个月内, 延长不超过六个月
def test_approval_within_three_months_extendable_to_six() -> None:
    res = D(2025, 3, 31)
    assert rules.approval_deadline(res) == D(2025, 6, 30)
    assert rules.approval_deadline(res, extended=True) == D(2025, 9, 30)
    assert rules.check_approval(resolution_on=res, approved_on=D(2025, 6, 30)) == []
    assert codes(rules.check_approval(resolution_on=res, approved_on=D(2025, 7, 1))) == ["extension_reason"]
    assert (
        rules.check_approval(resolution_on=res, approved_on=D(2025, 9, 30), extension_reason="审批人出差")
        == []
    )
    assert codes(
        rules.check_approval(resolution_on=res, approved_on=D(2025, 10, 1), extension_reason="x")
    ) == ["approval_expired"]
    assert codes(rules.check_approval(resolution_on=res, approved_on=D(2025, 3, 30))) == ["before_resolution"]


# 预备期一年, 转正 options, 党龄 (党章 第七条)
def test_probation_and_full_membership() -> None:
    res = D(2024, 2, 29)
    assert rules.probation_end(res) == D(2025, 2, 28)
    assert rules.probation_end(D(2025, 7, 1)) == D(2026, 7, 1)
    assert rules.probation_end(D(2025, 7, 1), 6) == D(2027, 1, 1)
    assert codes(rules.check_full_discussion(probation_ends=D(2026, 7, 1), held_on=D(2026, 6, 30))) == [
        "probation_running"
    ]
    assert rules.check_full_discussion(probation_ends=D(2026, 7, 1), held_on=D(2026, 7, 1)) == []
    assert rules.check_outcome(outcome="on_time", extension_months=0, already_extended=False) == []
    assert rules.check_outcome(outcome="extend", extension_months=6, already_extended=False) == []
    assert rules.check_outcome(outcome="extend", extension_months=12, already_extended=False) == []
    assert codes(rules.check_outcome(outcome="extend", extension_months=5, already_extended=False)) == [
        "extension_months"
    ]
    assert codes(rules.check_outcome(outcome="extend", extension_months=13, already_extended=False)) == [
        "extension_months"
    ]
    assert codes(rules.check_outcome(outcome="extend", extension_months=6, already_extended=True)) == [
        "extended_twice"
    ]
    assert rules.check_outcome(outcome="cancel", extension_months=0, already_extended=True) == []
    assert codes(rules.check_outcome(outcome="", extension_months=0, already_extended=False)) == ["outcome"]
    assert rules.full_on(D(2025, 7, 1)) == D(2026, 7, 1)
    assert rules.party_years(D(2020, 7, 1), D(2026, 6, 30)) == 5
    assert rules.party_years(D(2020, 7, 1), D(2026, 7, 1)) == 6
    assert rules.party_years(D(2027, 1, 1), D(2026, 7, 1)) == 0


def test_full_approval_within_three_months() -> None:
    assert rules.check_full_approval(discussed_on=D(2026, 7, 5), approved_on=D(2026, 10, 5)) == []
    assert codes(rules.check_full_approval(discussed_on=D(2026, 7, 5), approved_on=D(2026, 10, 6))) == [
        "full_approval_late"
    ]


def test_publicity_and_thought_reports() -> None:
    assert codes(rules.check_publicity(step=3, started_on=None, decided_on=D(2025, 1, 10), days=5)) == [
        "publicity_missing"
    ]
    assert codes(
        rules.check_publicity(step=3, started_on=D(2025, 1, 5), decided_on=D(2025, 1, 9), days=5)
    ) == ["publicity_running"]
    assert rules.check_publicity(step=3, started_on=D(2025, 1, 5), decided_on=D(2025, 1, 10), days=5) == []
    assert rules.check_publicity(step=3, started_on=None, decided_on=D(2025, 1, 10), days=0) == []
    assert rules.check_publicity(step=2, started_on=None, decided_on=D(2025, 1, 10), days=5) == []
    assert rules.thought_report_due(D(2025, 1, 1), None) == D(2025, 4, 1)
    assert rules.thought_report_due(D(2025, 1, 1), D(2025, 3, 15), 6) == D(2025, 9, 15)
    assert rules.thought_report_due(D(2025, 1, 1), None, 0) is None


def test_deadlines_of_a_process() -> None:
    facts = rules.ProcessFacts(done=frozenset({1}), applied_on=D(2025, 1, 10), step_dates={1: D(2025, 1, 10)})
    assert [(d.code, d.due) for d in rules.deadlines(facts)] == [("talk", D(2025, 2, 10))]
    done = frozenset(range(1, 16))
    facts = rules.ProcessFacts(
        done=done,
        applied_on=D(2023, 1, 10),
        step_dates={3: D(2023, 8, 1), 15: D(2025, 3, 1)},
        resolution_on=D(2025, 3, 1),
        thought_reports=(D(2025, 2, 1),),
    )
    got = {d.code: d.due for d in rules.deadlines(facts)}
    assert got == {"approval": D(2025, 6, 1), "thought_report": D(2025, 5, 1)}
    facts = rules.ProcessFacts(
        done=frozenset(range(1, 18)),
        applied_on=D(2023, 1, 10),
        step_dates={3: D(2023, 8, 1)},
        resolution_on=D(2025, 3, 1),
        extension_months=6,
    )
    assert {d.code: d.due for d in rules.deadlines(facts, thought_report_months=0)} == {
        "probation_end": D(2026, 9, 1)
    }
    assert (
        rules.deadlines(
            rules.ProcessFacts(done=frozenset({1}), applied_on=D(2025, 1, 1), step_dates={}, closed=True)
        )
        == []
    )
