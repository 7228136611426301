"""Leaving the platform's roll: a transfer to the national system or outside closed by its 回执 takes the
record off the roll (已转出, not 出党); a later letter bringing the same person back reactivates it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from dangjian.audit.models import AuditEntry
from dangjian.core.errors import BusinessError
from dangjian.members.models import ChangeKind, Member
from dangjian.orgs import selectors as org_selectors
from dangjian.supervision import registry
from dangjian.supervision.registry import Context
from dangjian.transfers import services
from dangjian.transfers.models import Transfer, TransferStatus

TODAY = timezone.localdate()
REPORTED = TODAY - dt.timedelta(days=3)


def _issued(world: Any, kind: str = "outside", member: Any = None) -> Transfer:
    t = services.transfer_request(
        actor=world.secretary_a,
        member=member or world.member,
        kind=kind,
        reason="job",
        to_org_name="中共某市某区委组织部",
        today=REPORTED - dt.timedelta(days=5),
    )
    return services.transfer_issue(
        actor=world.officer,
        transfer=t,
        system_ref="ZJ2026000001" if kind == "national" else "",
        today=REPORTED - dt.timedelta(days=5),
    )


def _closed(world: Any, kind: str = "outside", member: Any = None) -> Transfer:
    return services.transfer_receipt(
        actor=world.secretary_a,
        transfer=_issued(world, kind, member),
        on=TODAY,
        reported_on=REPORTED,
        today=TODAY,
    )


def _branch_total(world: Any) -> int:
    nodes = {n.org.pk: n for n in org_selectors.org_tree(user=world.officer)}
    return nodes[world.branch_a.pk].total.members


@pytest.mark.parametrize("kind", ["outside", "national"])
def test_the_receipt_of_a_transfer_out_of_the_platform_takes_the_member_off_the_roll(
    world: Any, kind: str
) -> None:
    before = _branch_total(world)
    t = _closed(world, kind)
    assert t.status == TransferStatus.COMPLETED
    m = Member.objects.get(pk=world.member.pk)
    assert (m.exit_kind, m.exited_on, m.org) == ("transferred_out", REPORTED, world.branch_a)
    assert m.is_transferred_out and not m.is_active
    assert not Member.objects.active().filter(pk=m.pk).exists()
    assert _branch_total(world) == before - 1
    out = m.history.get(kind=ChangeKind.TRANSFERRED_OUT)
    assert (
        out.effective_on == REPORTED
        and out.detail["transfer"] == t.pk
        and "中共某市某区委组织部" in out.reason
    )
    assert not m.history.filter(kind=ChangeKind.EXITED).exists()  # not 出党
    entry = AuditEntry.objects.get(action="members.member.transfer_out", target_id=str(m.pk))
    assert entry.changes["transfer"] == t.pk
    world.member_user.refresh_from_db()
    assert not world.member_user.is_active


def test_a_transfer_within_the_enterprise_still_moves_the_record(world: Any) -> None:
    t = services.transfer_request(
        actor=world.secretary_a, member=world.member, kind="internal", reason="job", to_org=world.branch_b
    )
    t = services.transfer_issue(actor=world.officer, transfer=t)
    t = services.transfer_accept(actor=world.officer, transfer=t)
    t = services.transfer_report(actor=world.member_user, transfer=t)
    services.transfer_receipt(actor=world.secretary_b, transfer=t)
    m = Member.objects.get(pk=world.member.pk)
    assert (m.exit_kind, m.org) == ("", world.branch_b)
    assert not m.history.filter(kind=ChangeKind.TRANSFERRED_OUT).exists()


def test_a_refused_receipt_leaves_the_member_on_the_roll(world: Any, snapshot: Any) -> None:
    t = _issued(world)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.transfer_receipt(
            actor=world.secretary_b, transfer=t, on=TODAY, reported_on=REPORTED, today=TODAY
        )
    assert exc.value.code == "transfers.forbidden"
    with pytest.raises(BusinessError) as exc:
        services.transfer_receipt(actor=world.secretary_a, transfer=t, on=TODAY, today=TODAY)
    assert exc.value.code == "transfers.reported_on_required"
    assert snapshot() == before
    assert Member.objects.get(pk=world.member.pk).exit_kind == ""


def test_a_member_transferred_out_gets_no_dues_bill(world: Any) -> None:
    from dangjian.dues import services as dues_services
    from dangjian.dues.models import DuesBill
    from dangjian.dues.tests.test_services import fix

    fix(world, world.member)
    month = TODAY.replace(day=1)
    last = (month - dt.timedelta(days=1)).replace(day=1)
    assert dues_services.bills_generate(actor=world.secretary_a, month=last, org=world.branch_a).created == 1
    _closed(world)
    result = dues_services.bills_generate(actor=world.secretary_a, month=month, org=world.branch_a)
    assert result.created == 0 and result.without_fixing == 2  # 李四 and 王五, still on the roll
    assert not DuesBill.objects.filter(member=world.member, month=month).exists()
    assert DuesBill.objects.filter(member=world.member, month=last).exists()  # the past stays


def test_the_mobile_registration_ends_and_the_warning_ignores_the_member(world: Any) -> None:
    started = TODAY - dt.timedelta(days=240)
    r = services.mobile_register(
        actor=world.secretary_a,
        member=world.member,
        destination="广东省深圳市",
        reason="work",
        started_on=started,
        expected_until=TODAY + dt.timedelta(days=60),
        today=TODAY,
    )
    rule = registry.all_rules()["transfers.mobile_should_transfer"]

    def flagged() -> list[Any]:
        return list(rule.check(Context(today=TODAY, params=rule.params, org_ids=None)))

    assert flagged()
    _closed(world)
    r.refresh_from_db()
    m = Member.objects.get(pk=world.member.pk)
    assert r.ended_on == REPORTED and r.end_note == "组织关系已转出"
    assert not m.mobile and m.history.filter(kind=ChangeKind.MOBILE_ENDED).exists()
    assert not flagged()


def test_a_member_transferred_out_cannot_transfer_again_or_be_registered_mobile(
    world: Any, snapshot: Any
) -> None:
    _closed(world)
    m = Member.objects.get(pk=world.member.pk)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.transfer_request(
            actor=world.secretary_a, member=m, kind="outside", reason="job", to_org_name="某单位"
        )
    assert exc.value.code == "transfers.member_transferred_out"
    with pytest.raises(BusinessError) as exc:
        services.mobile_register(
            actor=world.secretary_a,
            member=m,
            destination="上海",
            reason="work",
            started_on=TODAY,
            expected_until=TODAY + dt.timedelta(days=30),
        )
    assert exc.value.code == "transfers.member_transferred_out"
    assert snapshot() == before


def _incoming(world: Any, member_data: dict[str, Any], letter: str = "B-7") -> Transfer:
    return services.incoming_record(
        actor=world.secretary_b,
        to_org=world.branch_b,
        member_data=member_data,
        from_org_name="中共某市某区委组织部",
        letter_number=letter,
        issued_on=TODAY - dt.timedelta(days=1),
        valid_days=30,
        reported_on=TODAY,
        dues_paid_until=TODAY.replace(day=1),
    )


def test_a_member_coming_back_by_letter_reactivates_the_same_record(world: Any) -> None:
    _closed(world)
    old = Member.objects.get(pk=world.member.pk)
    count = Member.objects.count()
    t = _incoming(
        world,
        {
            "name": old.name,
            "id_number": old.id_number.lower(),
            "joined_on": old.joined_on,
            "full_on": old.full_on,
            "job_title": "项目经理",
        },
    )
    assert Member.objects.count() == count and t.member.pk == old.pk
    m = Member.objects.get(pk=old.pk)
    assert (m.exit_kind, m.exited_on, m.org, m.job_title) == ("", None, world.branch_b, "项目经理")
    assert m.dues_paid_until == TODAY.replace(day=1)
    kinds = list(m.history.order_by("effective_on", "id").values_list("kind", flat=True))
    assert kinds[-2:] == [ChangeKind.TRANSFERRED_OUT, ChangeKind.TRANSFERRED_BACK]
    entry = AuditEntry.objects.get(action="members.member.transfer_back", target_id=str(m.pk))
    assert entry.changes["corrected"] == ["job_title"]
    assert AuditEntry.objects.get(action="transfers.transfer.incoming", target_id=str(t.pk)).changes[
        "returned"
    ]
    world.member_user.refresh_from_db()
    assert world.member_user.is_active  # deactivated on the way out, so reactivated


def test_a_letter_for_someone_still_on_the_roll_or_exited_is_refused(world: Any, snapshot: Any) -> None:
    from dangjian.members import services as member_services

    member_services.member_exit(
        actor=world.secretary_a, member=world.probationary, kind="deceased", on=TODAY, reason="病故"
    )
    before = snapshot()
    for m in (world.member_b, Member.objects.get(pk=world.probationary.pk)):
        with pytest.raises(BusinessError) as exc:
            _incoming(world, {"name": m.name, "id_number": m.id_number, "joined_on": m.joined_on})
        assert exc.value.code == "members.duplicate_id"
    assert snapshot() == before
