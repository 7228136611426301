"""The warning rules of 发展党员, called directly through the registry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangjian.development import selectors
from dangjian.development.models import Development, DevelopmentStep
from dangjian.development.tests.test_services import _admitted
from dangjian.supervision.registry import Context, all_rules

D = dt.date


def run(code: str, today: dt.date, org_ids: Any = None) -> list[Any]:
    r = all_rules()[code]
    return list(r.check(Context(today=today, params=dict(r.params), org_ids=org_ids)))


def test_talk_deadline_upcoming_then_missed(world: Any, applicant: Development) -> None:
    # applied 2023-09-01: the talk is due by 2023-10-01
    assert run("development.deadline", D(2023, 9, 10)) == []
    notice = [f for f in run("development.deadline", D(2023, 9, 20)) if "谈话" in f.message]
    assert [f.severity for f in notice] == ["notice"] and notice[0].due == D(2023, 10, 1)
    assert notice[0].org_id == world.branch_a.pk and notice[0].link == f"/development/{applicant.pk}/"
    missed = [f for f in run("development.deadline", D(2023, 10, 2)) if "谈话" in f.message]
    assert missed[0].severity == "warning" and "已逾期1天" in missed[0].message
    serious = [f for f in run("development.deadline", D(2023, 11, 15)) if "谈话" in f.message]
    assert serious[0].severity == "serious"
    assert run("development.deadline", D(2023, 10, 2), org_ids=frozenset({world.branch_b.pk})) == []
    DevelopmentStep.objects.create(development=applicant, number=2, done_on=D(2023, 9, 15))
    assert not [f for f in run("development.deadline", D(2023, 10, 2)) if "谈话" in f.message]


def test_approval_deadline_after_the_resolution(world: Any, people: Any, applicant: Development) -> None:
    for n in range(2, 16):
        DevelopmentStep.objects.create(development=applicant, number=n, done_on=D(2025, 1, 10))
    Development.objects.filter(pk=applicant.pk).update(resolution_on=D(2025, 1, 10))
    found = {f.key: f for f in run("development.deadline", D(2025, 4, 11))}
    approval = found[f"development:{applicant.pk}:approval"]
    assert approval.due == D(2025, 4, 10) and approval.severity == "warning"
    Development.objects.filter(pk=applicant.pk).update(approval_extension_reason="特殊情况")
    found = {f.key: f for f in run("development.deadline", D(2025, 4, 11))}
    assert f"development:{applicant.pk}:approval" not in found  # extended to 2025-07-10, beyond the notice


def test_probation_ending_without_discussion(world: Any, people: Any) -> None:
    dev = _admitted(world, people)  # 支部大会 2024-05-10: probation ends 2025-05-10
    assert run("development.probation_due", D(2025, 3, 1)) == []
    soon = run("development.probation_due", D(2025, 4, 20))
    assert [(f.severity, f.member_id) for f in soon] == [("notice", dev.member_id)]
    late = run("development.probation_due", D(2025, 5, 20))
    assert late[0].severity == "warning" and "尚未讨论转正" in late[0].message
    assert run("development.probation_due", D(2025, 12, 1))[0].severity == "serious"
    # once the 支部大会 has discussed it (㉓), the warning goes
    DevelopmentStep.objects.create(development=dev, number=22, done_on=D(2025, 5, 11))
    DevelopmentStep.objects.create(development=dev, number=23, done_on=D(2025, 5, 12))
    assert run("development.probation_due", D(2025, 5, 20)) == []


def test_board_counts_stages_and_overdue(world: Any, people: Any, applicant: Development) -> None:
    _admitted(world, people)
    board = selectors.board(user=world.officer, org=world.committee, today=D(2025, 6, 1))
    assert board.totals == {"applicant": 1, "probationary": 1}
    assert [r.org for r in board.rows] == [world.branch_a] and board.rows[0].overdue >= 1
    assert any(i.development == applicant and i.deadline.code == "talk" for i in board.overdue)
    other = selectors.board(user=world.secretary_b, org=world.branch_b, today=D(2025, 6, 1))
    assert other.total == 0
