"""The transfer services: the approval chain, the letter, the 回执, incoming letters, 流动党员."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dangjian.audit.models import AuditEntry
from dangjian.core.errors import BusinessError
from dangjian.members.models import ChangeKind, Member, StatusChange
from dangjian.transfers import services
from dangjian.transfers.models import MobileRegistration, Transfer, TransferStatus

TODAY = dt.date(2026, 5, 10)


def _audited(action: str, target: Any) -> AuditEntry:
    return AuditEntry.objects.get(action=action, target_id=str(target.pk))


def _internal(world: Any, member: Any = None, **kw: Any) -> Transfer:
    return services.transfer_request(
        actor=world.secretary_a,
        member=member or world.member,
        kind="internal",
        reason="job",
        to_org=world.branch_b,
        today=TODAY,
        **kw,
    )


def test_member_requests_and_branch_then_committee_approve_and_issue_the_letter(world: Any) -> None:
    t = services.transfer_request(
        actor=world.member_user,
        member=world.member,
        kind="internal",
        reason="job",
        to_org=world.branch_b,
        today=TODAY,
    )
    assert (t.status, t.started_by, t.from_org, t.to_org_name) == (
        "requested",
        "member",
        world.branch_a,
        world.branch_b.name,
    )
    assert _audited("transfers.transfer.request", t).org_path == world.branch_a.path
    t = services.transfer_branch_approve(actor=world.secretary_a, transfer=t, today=TODAY)
    assert t.status == TransferStatus.BRANCH_APPROVED and t.branch_approved_by == world.secretary_a
    t = services.transfer_issue(actor=world.officer, transfer=t, today=TODAY)
    assert t.status == TransferStatus.ISSUED
    assert (t.issuing_org, t.letter_number, t.valid_days) == (world.committee, "2026-0001", 30)
    assert t.expires_on == dt.date(2026, 6, 8)  # 30 days counting the day of issue
    assert _audited("transfers.transfer.issue", t).changes["letter_number"] == "2026-0001"


def test_the_branch_secretary_cannot_issue_the_letter_only_the_level_above(world: Any, snapshot: Any) -> None:
    t = _internal(world)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.transfer_issue(actor=world.secretary_a, transfer=t, today=TODAY)
    assert exc.value.code == "transfers.forbidden"
    assert snapshot() == before


def test_a_member_cannot_start_a_transfer_for_someone_else(world: Any, snapshot: Any) -> None:
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.transfer_request(
            actor=world.member_user, member=world.member_b, kind="outside", reason="job", to_org_name="某单位"
        )
    assert exc.value.code == "transfers.forbidden"
    assert snapshot() == before


def test_validity_above_the_configured_maximum_is_refused(world: Any, snapshot: Any, settings: Any) -> None:
    settings.TRANSFERS_LETTER_MAX_DAYS = 60
    t = _internal(world)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.transfer_issue(actor=world.officer, transfer=t, valid_days=61, today=TODAY)
    assert exc.value.code == "transfers.bad_validity" and "60" in exc.value.message
    assert snapshot() == before


def test_configured_default_validity_is_used(world: Any, settings: Any) -> None:
    settings.TRANSFERS_LETTER_VALID_DAYS = 45
    t = services.transfer_issue(actor=world.officer, transfer=_internal(world), today=TODAY)
    assert t.valid_days == 45


def test_letter_numbers_count_up_per_issuing_committee_and_year(world: Any) -> None:
    first = services.transfer_issue(actor=world.officer, transfer=_internal(world), today=TODAY)
    li = Member.objects.get(org=world.branch_a, name="李四")
    second = services.transfer_issue(actor=world.officer, transfer=_internal(world, member=li), today=TODAY)
    assert (first.letter_number, second.letter_number) == ("2026-0001", "2026-0002")


def test_a_second_open_transfer_for_the_same_member_is_refused(world: Any, snapshot: Any) -> None:
    _internal(world)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        _internal(world)
    assert exc.value.code == "transfers.already_open"
    assert snapshot() == before


def test_within_the_enterprise_the_record_moves_on_the_receipt_keeping_status_and_dues(world: Any) -> None:
    wang = world.probationary
    wang.dues_paid_until = dt.date(2026, 4, 1)
    wang.save(update_fields=["dues_paid_until"])
    t = _internal(world, member=wang)
    assert t.member_status == "probationary" and t.probation_started_on == wang.joined_on
    t = services.transfer_issue(actor=world.officer, transfer=t, today=TODAY)
    t = services.transfer_accept(actor=world.officer, transfer=t, on=TODAY, today=TODAY)
    t = services.transfer_report(actor=world.secretary_b, transfer=t, on=TODAY, today=TODAY)
    assert t.receipt_due == dt.date(2026, 6, 10)  # 1 month after the report
    wang.refresh_from_db()
    assert wang.org == world.branch_a  # not moved before the 回执
    t = services.transfer_receipt(actor=world.secretary_b, transfer=t, on=TODAY, today=TODAY)
    assert t.status == TransferStatus.COMPLETED
    wang.refresh_from_db()
    assert wang.org == world.branch_b
    assert (wang.status, wang.joined_on, wang.full_on) == ("probationary", dt.date(2026, 3, 1), None)
    assert wang.dues_paid_until == dt.date(2026, 4, 1)
    moved = StatusChange.objects.get(member=wang, kind=ChangeKind.MOVED)
    assert moved.detail["transfer"] == t.pk
    assert AuditEntry.objects.filter(action="members.member.move", target_id=str(wang.pk)).exists()
    assert _audited("transfers.transfer.receipt", t).actor == world.secretary_b


def test_the_member_reports_themselves_on_their_phone(world: Any) -> None:
    t = services.transfer_issue(actor=world.officer, transfer=_internal(world), today=TODAY)
    t = services.transfer_accept(actor=world.officer, transfer=t, today=TODAY)
    t = services.transfer_report(actor=world.member_user, transfer=t, today=TODAY)
    assert t.status == TransferStatus.REPORTED and t.reported_on == TODAY


def test_the_receipt_before_the_report_is_refused(world: Any, snapshot: Any) -> None:
    t = services.transfer_issue(actor=world.officer, transfer=_internal(world), today=TODAY)
    t = services.transfer_accept(actor=world.officer, transfer=t, today=TODAY)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.transfer_receipt(actor=world.secretary_b, transfer=t, today=TODAY)
    assert exc.value.code == "transfers.not_reported"
    assert snapshot() == before


def test_an_expired_letter_cannot_be_accepted_and_a_reissued_one_can(world: Any, snapshot: Any) -> None:
    t = services.transfer_issue(actor=world.officer, transfer=_internal(world), valid_days=10, today=TODAY)
    later = TODAY + dt.timedelta(days=20)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.transfer_accept(actor=world.officer, transfer=t, on=later, today=later)
    assert exc.value.code == "transfers.letter_expired"
    assert snapshot() == before
    t = services.transfer_reissue(actor=world.officer, transfer=t, today=later)
    assert t.letter_number == "2026-0002" and t.expires_on == later + dt.timedelta(days=29)
    t = services.transfer_accept(actor=world.officer, transfer=t, on=later, today=later)
    assert t.status == TransferStatus.ACCEPTED


def test_the_receiving_branch_secretary_cannot_accept_only_the_committee_above_it(
    world: Any, snapshot: Any
) -> None:
    t = services.transfer_issue(actor=world.officer, transfer=_internal(world), today=TODAY)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.transfer_accept(actor=world.secretary_b, transfer=t, today=TODAY)
    assert exc.value.code == "transfers.forbidden"
    assert snapshot() == before


def test_reject_needs_a_reason_and_is_shown(world: Any, snapshot: Any) -> None:
    t = services.transfer_request(
        actor=world.member_user,
        member=world.member,
        kind="outside",
        reason="residence",
        to_org_name="中共某县委组织部",
    )
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.transfer_reject(actor=world.secretary_a, transfer=t, note=" ")
    assert exc.value.code == "transfers.note_required"
    assert snapshot() == before
    t = services.transfer_reject(actor=world.secretary_a, transfer=t, note="请补充新单位接收证明")
    assert t.status == TransferStatus.REJECTED and t.decision_note == "请补充新单位接收证明"


def test_the_member_may_withdraw_their_own_request(world: Any) -> None:
    t = services.transfer_request(
        actor=world.member_user,
        member=world.member,
        kind="outside",
        reason="job",
        to_org_name="中共某公司委员会",
    )
    t = services.transfer_cancel(actor=world.member_user, transfer=t)
    assert t.status == TransferStatus.CANCELLED


def test_national_transfer_needs_the_system_reference_and_closes_with_the_receipt(
    world: Any, snapshot: Any
) -> None:
    t = services.transfer_request(
        actor=world.secretary_a,
        member=world.member,
        kind="national",
        reason="job",
        to_org_name="中共某市某区委组织部",
        today=TODAY,
    )
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.transfer_issue(actor=world.officer, transfer=t, today=TODAY)
    assert exc.value.code == "transfers.system_ref_required"
    assert snapshot() == before
    t = services.transfer_issue(actor=world.officer, transfer=t, system_ref="ZJ2026051000017", today=TODAY)
    assert t.system_ref == "ZJ2026051000017"
    with pytest.raises(BusinessError) as exc:
        services.transfer_receipt(actor=world.secretary_a, transfer=t, on=TODAY, today=TODAY)
    assert exc.value.code == "transfers.reported_on_required"
    t = services.transfer_receipt(
        actor=world.secretary_a, transfer=t, on=TODAY, reported_on=TODAY - dt.timedelta(days=0), today=TODAY
    )
    assert t.status == TransferStatus.COMPLETED and t.reported_on == TODAY


def test_a_suspended_member_cannot_transfer(world: Any, snapshot: Any) -> None:
    from dangjian.members import services as member_services

    member_services.member_suspend(
        actor=world.secretary_a, member=world.member, on=TODAY, reason="失联满6个月"
    )
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        _internal(world)
    assert exc.value.code == "transfers.member_suspended"
    assert snapshot() == before


def _incoming(world: Any, **kw: Any) -> Transfer:
    from conftest import make_id_number

    data: dict[str, Any] = {
        "actor": world.secretary_b,
        "to_org": world.branch_b,
        "member_data": {
            "name": "孙八",
            "id_number": make_id_number(dt.date(1995, 2, 3), "female"),
            "gender": "female",
            "ethnicity": "汉族",
            "joined_on": dt.date(2025, 12, 1),
            "full_on": None,
        },
        "from_org_name": "中共某大学计算机学院委员会",
        "letter_number": "0451",
        "issued_on": dt.date(2026, 5, 1),
        "valid_days": 30,
        "reported_on": dt.date(2026, 5, 8),
        "dues_paid_until": dt.date(2026, 4, 15),
        "today": TODAY,
    }
    data.update(kw)
    return services.incoming_record(**data)


def test_incoming_from_a_letter_creates_the_member_with_dues_and_probation_clock(world: Any) -> None:
    t = _incoming(world)
    m = t.member
    assert m.org == world.branch_b and m.status == "probationary" and m.joined_on == dt.date(2025, 12, 1)
    assert m.dues_paid_until == dt.date(2026, 4, 1)
    assert (t.status, t.receipt_due, t.expires_on) == ("reported", dt.date(2026, 6, 8), dt.date(2026, 5, 30))
    assert _audited("transfers.transfer.incoming", t).org_path == world.branch_b.path
    t = services.transfer_receipt(actor=world.secretary_b, transfer=t, on=TODAY, today=TODAY)
    assert t.status == TransferStatus.COMPLETED


def test_incoming_with_an_expired_letter_is_refused(world: Any, snapshot: Any) -> None:
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        _incoming(world, valid_days=5)
    assert exc.value.code == "transfers.letter_expired"
    assert snapshot() == before


def test_incoming_with_a_bad_identity_number_changes_nothing(world: Any, snapshot: Any) -> None:
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        _incoming(world, member_data={"name": "孙八", "id_number": "110101199502031234", "joined_on": TODAY})
    assert exc.value.code == "members.invalid"
    assert snapshot() == before


def test_mobile_registration_issues_a_certificate_and_marks_the_member(world: Any) -> None:
    r = services.mobile_register(
        actor=world.secretary_a,
        member=world.member,
        destination="广东省深圳市南山区",
        destination_org="中共深圳某园区委员会",
        reason="assignment",
        started_on=dt.date(2026, 5, 1),
        expected_until=dt.date(2026, 12, 31),
        today=TODAY,
    )
    world.member.refresh_from_db()
    assert world.member.mobile and world.member.mobile_destination == "广东省深圳市南山区"
    assert (r.certificate_number, r.certificate_valid_until) == ("LD2026-001", dt.date(2026, 12, 31))
    assert _audited("transfers.mobile.register", r).org_path == world.branch_a.path
    r = services.mobile_end(actor=world.secretary_a, registration=r, on=TODAY, note="已返回", today=TODAY)
    world.member.refresh_from_db()
    assert r.ended_on == TODAY and not world.member.mobile
    assert MobileRegistration.objects.count() == 1


def test_mobile_registration_outside_scope_is_refused(world: Any, snapshot: Any) -> None:
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.mobile_register(
            actor=world.secretary_b,
            member=world.member,
            destination="上海",
            reason="work",
            started_on=dt.date(2026, 5, 1),
            expected_until=dt.date(2026, 12, 31),
            today=TODAY,
        )
    assert exc.value.code == "transfers.forbidden"
    assert snapshot() == before
