"""随手拍: a case from 受理 to 销号, visible to the reporter by receipt; the warning rule mailbox.overdue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.audit.models import AuditEntry
from dangjian.core.errors import BusinessError
from dangjian.mailbox import selectors, services
from dangjian.mailbox.models import CaseStatus, Letter, SnapshotReport
from dangjian.mailbox.tests.helpers import letter, report
from dangjian.supervision.registry import Context, all_rules


def test_a_case_goes_from_acceptance_to_closing_and_the_reporter_follows_it(world):
    item, code = report(world, location="三号仓库")
    assert item.files.count() == 1 and item.files.first().anonymous and item.files.first().encrypted
    due = timezone.localdate() + dt.timedelta(days=7)
    services.snapshot_advance(actor=world.secretary_a, report=item, to=CaseStatus.ACCEPTED)
    services.snapshot_advance(
        actor=world.secretary_a, report=item, to=CaseStatus.ASSIGNED, assignee=world.secretary_a, due_on=due
    )
    services.snapshot_advance(actor=world.secretary_a, report=item, to=CaseStatus.RECTIFYING, note="已清理")
    services.snapshot_advance(actor=world.secretary_a, report=item, to=CaseStatus.REVIEWING)
    services.snapshot_advance(actor=world.secretary_a, report=item, to=CaseStatus.CLOSED, note="复核通过")
    found = services.receipt_find(code)
    assert isinstance(found, SnapshotReport) and found.status == CaseStatus.CLOSED
    assert [s.status for s in found.steps.all()] == [
        "accepted",
        "assigned",
        "rectifying",
        "reviewing",
        "closed",
    ]
    assert AuditEntry.objects.filter(action="mailbox.snapshot.advance", target_id=str(item.pk)).count() == 5


def test_a_case_cannot_skip_a_step_and_nothing_changes(world, snapshot):
    item, _ = report(world)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.snapshot_advance(actor=world.secretary_a, report=item, to=CaseStatus.CLOSED)
    assert exc.value.code == "mailbox.bad_transition"
    assert snapshot() == before


def test_assignment_needs_a_handler_and_a_due_date(world, snapshot):
    item, _ = report(world)
    services.snapshot_advance(actor=world.secretary_a, report=item, to=CaseStatus.ACCEPTED)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.snapshot_advance(
            actor=world.secretary_a, report=item, to=CaseStatus.ASSIGNED, assignee=world.secretary_a
        )
    assert exc.value.code == "mailbox.due_required"
    with pytest.raises(BusinessError) as exc:
        services.snapshot_advance(
            actor=world.secretary_a,
            report=item,
            to=CaseStatus.ASSIGNED,
            assignee=world.member_user,
            due_on=timezone.localdate(),
        )
    assert exc.value.code == "mailbox.bad_assignee"
    assert snapshot() == before


def test_declining_or_sending_back_needs_a_reason(world):
    item, _ = report(world)
    with pytest.raises(BusinessError) as exc:
        services.snapshot_advance(actor=world.secretary_a, report=item, to=CaseStatus.DECLINED)
    assert exc.value.code == "mailbox.note_required"


def test_a_report_needs_a_photo_or_video(world, snapshot):
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.snapshot_submit(reporter=None, org=world.branch_a, description="问题", anonymous=True)
    assert exc.value.code == "mailbox.media_required"
    assert snapshot() == before


def test_cases_are_seen_only_by_the_handlers_of_the_organisation(world):
    item, _ = report(world)
    assert list(selectors.snapshot_list(user=world.secretary_a)) == [item]
    assert not selectors.snapshot_list(user=world.officer).exists()
    with pytest.raises(BusinessError):
        services.snapshot_open(actor=world.secretary_b, report=item)


def test_the_overdue_rule_finds_overdue_letters_and_cases_and_names_no_writer(world):
    today = timezone.localdate()
    late_letter, _ = letter(world)
    on_time, _ = letter(world, subject="建议", body="建议增设停车位")
    Letter.objects.filter(pk=late_letter.pk).update(due_on=today - dt.timedelta(days=20))
    Letter.objects.filter(pk=on_time.pk).update(due_on=today + dt.timedelta(days=3))
    case, _ = report(world)
    SnapshotReport.objects.filter(pk=case.pk).update(status="rectifying", due_on=today - dt.timedelta(days=2))
    check = all_rules()["mailbox.overdue"]
    findings = list(check.check(Context(today=today, params=check.params)))
    keys = {f.key: f for f in findings}
    assert set(keys) == {f"letter:{late_letter.pk.hex}", f"snapshot:{case.pk.hex}"}
    assert keys[f"letter:{late_letter.pk.hex}"].severity == "serious"
    assert keys[f"snapshot:{case.pk.hex}"].severity is None
    assert all(f.org_id == world.branch_a.pk for f in findings)
    # Limited to other organisations: nothing.
    assert not list(
        check.check(Context(today=today, params=check.params, org_ids=frozenset({world.branch_b.pk})))
    )


def test_letters_without_a_due_date_are_flagged_after_the_waiting_days(world):
    item, _ = letter(world)
    check = all_rules()["mailbox.overdue"]
    today = timezone.localdate()
    assert not list(check.check(Context(today=today, params=check.params)))
    later = today + dt.timedelta(days=16)
    [finding] = check.check(Context(today=later, params=check.params))
    assert finding.key == f"letter:{item.pk.hex}" and "未设办理期限" in finding.message


def test_the_rectification_hook_gives_what_a_task_needs_to_the_handler_only(world):
    item, _ = letter(world)
    source = selectors.rectification_source(user=world.secretary_a, source_type="letter", source_id=item.pk)
    assert source is not None and source.org == world.branch_a and "离岗" in source.description
    assert selectors.rectification_source(user=world.officer, source_type="letter", source_id=item.pk) is None
    case, _ = report(world)
    assert selectors.rectification_source(user=world.secretary_a, source_type="snapshot", source_id=case.pk)
