"""督办整改 and 监督责任清单: the services' rules, refusals that change nothing, escalation when overdue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.access import services as access_services
from dangjian.audit.models import AuditEntry
from dangjian.core.errors import BusinessError
from dangjian.supervision import rules, services
from dangjian.supervision.models import Rectification, RectificationStep, Warning

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _evidence() -> SimpleUploadedFile:
    return SimpleUploadedFile("说明.txt", "整改说明".encode(), content_type="text/plain")


def _task(world: Any, **kw: Any) -> Rectification:
    args = {
        "title": "台账不规范",
        "description": "检查发现台账缺项",
        "deadline": TODAY + dt.timedelta(days=5),
        "evidence_required": "规范后的台账",
        "source_kind": "inspection",
    } | kw
    return services.rectification_create(actor=world.officer, org=world.branch_a, **args)


def test_the_officer_assigns_a_task_supervised_by_his_committee_and_it_is_audited(world: Any) -> None:
    task = _task(world, source_ref="检查通报1号")
    assert task.supervisor == world.committee and task.status == "assigned"
    entry = AuditEntry.objects.get(action="supervision.rectification.create")
    assert entry.target_id == str(task.pk) and entry.org_path == world.branch_a.path
    assert list(task.steps.values_list("kind", flat=True)) == ["create"]


def test_a_secretary_cannot_assign_tasks_and_nothing_changes(world: Any, snapshot: Any) -> None:
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.rectification_create(
            actor=world.secretary_a,
            org=world.branch_a,
            title="x",
            description="y",
            deadline=TODAY + dt.timedelta(days=3),
            evidence_required="z",
            source_kind="inspection",
        )
    assert exc.value.code == "supervision.out_of_scope"
    assert snapshot() == before


def test_submitting_needs_evidence_and_the_branch_cannot_accept_its_own(world: Any, snapshot: Any) -> None:
    task = _task(world)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.rectification_report(actor=world.secretary_a, task=task, note="已整改", submit=True)
    assert exc.value.code == "supervision.evidence_required"
    assert snapshot() == before
    services.rectification_report(
        actor=world.secretary_a, task=task, note="已整改", upload=_evidence(), submit=True
    )
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.rectification_check(actor=world.secretary_a, task=task, accept=True, note="")
    assert exc.value.code == "supervision.out_of_scope"
    assert snapshot() == before


def test_a_returned_task_is_reported_again_and_accepted(world: Any) -> None:
    task = _task(world)
    services.rectification_report(
        actor=world.secretary_a, task=task, note="初步整改", upload=_evidence(), submit=True
    )
    with pytest.raises(BusinessError):
        services.rectification_check(actor=world.officer, task=task, accept=False, note="")  # reason required
    services.rectification_check(actor=world.officer, task=task, accept=False, note="台账仍缺签字")
    assert task.status == "returned"
    services.rectification_report(
        actor=world.secretary_a, task=task, note="已补签", submit=True
    )  # file earlier
    services.rectification_check(actor=world.officer, task=task, accept=True, note="同意销号")
    assert task.status == "accepted" and task.accepted_at is not None
    kinds = list(task.steps.values_list("kind", flat=True))
    assert kinds == ["create", "submit", "return", "submit", "accept"]
    actions = set(AuditEntry.objects.filter(target_id=str(task.pk)).values_list("action", flat=True))
    assert {
        "supervision.rectification.submit",
        "supervision.rectification.return",
        "supervision.rectification.accept",
    } <= actions


def test_an_overdue_task_escalates_one_level_up_then_again_after_the_interval(
    world: Any, settings: Any
) -> None:
    settings.SUPERVISION_ESCALATE_DAYS = 7
    task = _task(world)
    Rectification.objects.filter(pk=task.pk).update(deadline=TODAY - dt.timedelta(days=2))
    assert services.rectification_escalate_overdue(today=TODAY) == 1
    task.refresh_from_db()
    assert task.escalated_to == world.root and task.escalation_level == 1
    step = RectificationStep.objects.get(task=task, kind="escalate")
    assert step.actor is None and "逾期 2 天" in step.note
    entry = AuditEntry.objects.get(action="supervision.rectification.escalate")
    assert entry.actor_id is None and entry.changes["escalated_to"] == world.root.pk
    # Not again the same week; at the root there is nowhere further to go.
    assert services.rectification_escalate_overdue(today=TODAY) == 0
    assert services.rectification_escalate_overdue(today=TODAY + dt.timedelta(days=8)) == 0
    # The level it escalated to may now check it.
    access_services.grant_create(
        actor=None, user=world.outsider, role="discipline_officer", org=world.root, bootstrap=True
    )
    task.refresh_from_db()
    assert services.may_check(world.outsider, task)


def test_a_task_waiting_for_acceptance_or_accepted_never_escalates(world: Any) -> None:
    task = _task(world)
    services.rectification_report(
        actor=world.secretary_a, task=task, note="完成", upload=_evidence(), submit=True
    )
    Rectification.objects.filter(pk=task.pk).update(deadline=TODAY - dt.timedelta(days=30))
    assert services.rectification_escalate_overdue(today=TODAY) == 0


def test_a_warning_becomes_one_task_only_and_closes_itself_when_fixed(world: Any) -> None:
    world.branch_b.elected_on = None
    world.branch_b.save()
    services.scan_run(today=TODAY)
    warning = Warning.objects.get(rule__code="orgs.election", org=world.branch_b, status="open")
    task = services.warning_to_task(
        actor=world.officer,
        warning=warning,
        deadline=TODAY + dt.timedelta(days=9),
        evidence_required="选举结果",
    )
    assert task.source_kind == "warning" and task.warning == warning and task.org == world.branch_b
    with pytest.raises(BusinessError) as exc:
        services.warning_to_task(
            actor=world.officer, warning=warning, deadline=TODAY + dt.timedelta(days=9), evidence_required="x"
        )
    assert exc.value.code == "supervision.already_tasked"
    world.branch_b.elected_on = TODAY - dt.timedelta(days=10)
    world.branch_b.save()
    services.scan_run(today=TODAY)
    warning.refresh_from_db()
    assert warning.status == "closed"


def test_responsibility_periods_are_recorded_once_with_evidence_and_overdue_ones_are_flagged(
    world: Any, snapshot: Any
) -> None:
    year = TODAY.year
    item = services.responsibility_create(
        actor=world.officer,
        org=world.committee,
        duty="supervisory",
        year=year,
        title="每月廉政谈话",
        holder_title="纪委书记",
        period="month",
        evidence_required="谈话记录",
    )
    jan = dt.date(year, 1, 1)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.responsibility_record(
            actor=world.officer, item=item, period_start=jan, done_on=jan, note="谈话"
        )
    assert exc.value.code == "supervision.evidence_required"
    assert snapshot() == before
    services.responsibility_record(
        actor=world.officer, item=item, period_start=jan, done_on=jan, note="谈话", upload=_evidence()
    )
    with pytest.raises(BusinessError) as exc:
        services.responsibility_record(
            actor=world.officer, item=item, period_start=jan, done_on=jan, note="再记", upload=_evidence()
        )
    assert exc.value.code == "supervision.already_recorded"
    with pytest.raises(BusinessError):
        services.responsibility_record(
            actor=world.secretary_b, item=item, period_start=jan, done_on=jan, note="x", upload=_evidence()
        )
    c = rules.completion("month", year, {jan}, TODAY)
    assert c.done == 1 and len(c.overdue) == c.ended - 1


@pytest.mark.parametrize(
    ("period", "today", "ended", "overdue"),
    [
        ("quarter", dt.date(2026, 11, 20), 3, 2),  # Q1 done; Q2, Q3 overdue; Q4 running
        ("year", dt.date(2026, 11, 20), 0, 0),  # the year has not ended: no data yet, not 0 %
        ("half", dt.date(2027, 1, 2), 2, 1),
    ],
)
def test_completion_counts_only_ended_periods(period: str, today: dt.date, ended: int, overdue: int) -> None:
    c = rules.completion(period, 2026, {dt.date(2026, 1, 1)}, today)
    assert (c.ended, len(c.overdue)) == (ended, overdue)
    assert c.rate is None if ended == 0 else c.rate is not None


def test_escalation_target_is_the_level_above_the_current_supervisor() -> None:
    assert rules.escalation_target("00010002", None, 4) == "0001"
    assert rules.escalation_target("00010002", "0001", 4) is None
    assert rules.next_status("accept", "in_progress") is None
    assert rules.next_status("submit", "returned") == "submitted"
