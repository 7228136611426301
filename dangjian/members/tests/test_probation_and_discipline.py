"""延长预备期, 取消预备党员资格 and 留党察看 (党章 第七条、第四十条; DOMAIN.md §2, §5): the services with
their history and audit, the refusals (nothing changed), and the member page showing 留党察看 only to roles
that may see sensitive data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from conftest import make_member
from dangjian.audit.models import AuditEntry
from dangjian.core.errors import BusinessError
from dangjian.members import selectors, services
from dangjian.members.models import ChangeKind, DisciplinaryProbation, Member, StatusChange
from dangjian.members.selectors import member_list

D = dt.date
DECISION = "一公司纪委〔2026〕3号：违反组织纪律，给予留党察看一年处分"


def refused(snapshot, code, service, **kwargs):
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        service(**kwargs)
    assert exc.value.code == code, exc.value.message
    assert snapshot() == before
    return exc.value.message


@pytest.fixture
def probationer(world):
    """孙预备 became a 预备党员 on 2025-01-10: the probation year ended on 2026-01-10."""
    return make_member(
        world.branch_a, "孙预备", full_on=None, joined_on=D(2025, 1, 10), birth_date=D(1996, 5, 5)
    )


def fresh(member):
    return Member.objects.get(pk=member.pk)


# 延长预备期 -----------------------------------------------------------------------------------------------


def test_an_extension_is_recorded_with_the_new_end_once(world, probationer, snapshot):
    entry = services.member_extend_probation(
        actor=world.officer,
        member=probationer,
        months=6,
        resolved_on=D(2026, 2, 1),
        reason="一公司党委批准延长预备期六个月",
    )
    assert (entry.kind, entry.effective_on, entry.actor) == (
        ChangeKind.PROBATION_EXTENDED,
        D(2026, 2, 1),
        world.officer,
    )
    assert entry.detail == {"months": 6, "probation_ends": "2026-07-10"}
    assert fresh(probationer).status == "probationary"
    assert services.probation_extension(probationer) == entry
    audit = AuditEntry.objects.get(action="members.member.extend_probation", target_id=str(probationer.pk))
    assert audit.changes == {"months": 6, "probation_ends": "2026-07-10"}
    message = refused(
        snapshot,
        "members.bad_extension",
        services.member_extend_probation,
        actor=world.officer,
        member=probationer,
        months=6,
        resolved_on=D(2026, 7, 20),
        reason="再次延长",
    )
    assert "只能延长一次" in message


@pytest.mark.parametrize("months", [5, 13, "六"])
def test_an_extension_outside_six_to_twelve_months_is_refused(world, probationer, snapshot, months):
    message = refused(
        snapshot,
        "members.bad_extension",
        services.member_extend_probation,
        actor=world.officer,
        member=probationer,
        months=months,
        resolved_on=D(2026, 2, 1),
        reason="x",
    )
    assert message


def test_extension_refusals_change_nothing(world, probationer, snapshot):
    message = refused(
        snapshot,
        "members.probation_running",
        services.member_extend_probation,
        actor=world.officer,
        member=probationer,
        months=6,
        resolved_on=D(2026, 1, 9),
        reason="x",
    )
    assert "2026年01月10日" in message
    refused(
        snapshot,
        "members.reason_required",
        services.member_extend_probation,
        actor=world.officer,
        member=probationer,
        months=6,
        resolved_on=D(2026, 2, 1),
        reason=" ",
    )
    refused(
        snapshot,
        "members.not_probationary",
        services.member_extend_probation,
        actor=world.officer,
        member=world.member,
        months=6,
        resolved_on=D(2026, 2, 1),
        reason="x",
    )
    refused(
        snapshot,
        "members.forbidden",
        services.member_extend_probation,
        actor=world.secretary_b,
        member=probationer,
        months=6,
        resolved_on=D(2026, 2, 1),
        reason="x",
    )


# 取消预备党员资格 -----------------------------------------------------------------------------------------


def test_a_cancellation_takes_the_person_off_the_roster(world, probationer):
    probationer.user = world.outsider
    probationer.save(update_fields=["user"])
    services.member_cancel_probation(
        actor=world.officer, member=probationer, on=D(2026, 2, 1), reason="一公司党委批准取消预备党员资格"
    )
    member = fresh(probationer)
    assert (member.exit_kind, member.exited_on, member.is_active) == (
        "probation_cancelled",
        D(2026, 2, 1),
        False,
    )
    assert member.get_exit_kind_display() == "取消预备党员资格"
    change = StatusChange.objects.get(member=member, kind=ChangeKind.PROBATION_CANCELLED)
    assert (change.effective_on, change.actor) == (D(2026, 2, 1), world.officer)
    assert AuditEntry.objects.filter(
        action="members.member.cancel_probation", target_id=str(member.pk)
    ).exists()
    assert member not in member_list(user=world.officer)
    assert member in member_list(user=world.officer, include_exited=True)
    assert member not in Member.objects.active()
    world.outsider.refresh_from_db()
    assert world.outsider.is_active is False


def test_cancellation_refusals_change_nothing(world, probationer, snapshot):
    refused(
        snapshot,
        "members.not_probationary",
        services.member_cancel_probation,
        actor=world.officer,
        member=world.member,
        on=D(2026, 2, 1),
        reason="x",
    )
    refused(
        snapshot,
        "members.reason_required",
        services.member_cancel_probation,
        actor=world.officer,
        member=probationer,
        on=D(2026, 2, 1),
        reason="",
    )
    refused(
        snapshot,
        "members.bad_date",
        services.member_cancel_probation,
        actor=world.officer,
        member=probationer,
        on=probationer.joined_on,
        reason="x",
    )
    refused(
        snapshot,
        "members.forbidden",
        services.member_cancel_probation,
        actor=world.secretary_b,
        member=probationer,
        on=D(2026, 2, 1),
        reason="x",
    )
    # the general exit service does not record a cancellation: it has its own rules
    refused(
        snapshot,
        "members.use_cancellation",
        services.member_exit,
        actor=world.officer,
        member=probationer,
        kind="probation_cancelled",
        on=D(2026, 2, 1),
        reason="x",
    )
    services.member_cancel_probation(actor=world.officer, member=probationer, on=D(2026, 2, 1), reason="x")
    refused(
        snapshot,
        "members.already_exited",
        services.member_cancel_probation,
        actor=world.officer,
        member=probationer,
        on=D(2026, 2, 2),
        reason="x",
    )


# 留党察看 -------------------------------------------------------------------------------------------------


def test_discipline_is_recorded_then_the_rights_are_restored(world):
    record = services.member_discipline_record(
        actor=world.secretary_a, member=world.member, starts_on=D(2025, 3, 1), months=12, decision=DECISION
    )
    assert (record.starts_on, record.ends_on, record.decision, record.recorded_by) == (
        D(2025, 3, 1),
        D(2026, 3, 1),
        DECISION,
        world.secretary_a,
    )
    entry = AuditEntry.objects.get(action="members.discipline.record", target_id=str(world.member.pk))
    assert DECISION not in str(entry.changes)
    ids = [world.member.pk, world.probationary.pk]
    assert selectors.under_discipline_ids(ids, D(2025, 2, 28)) == set()
    assert selectors.under_discipline_ids(ids, D(2025, 3, 1)) == {world.member.pk}
    # 期满 alone does not restore the rights (党章 第四十条): a decision does
    assert selectors.under_discipline_ids(ids, D(2026, 4, 1)) == {world.member.pk}
    services.member_discipline_restore(
        actor=world.secretary_a, member=world.member, on=D(2026, 3, 5), decision="确已改正错误，恢复党员权利"
    )
    record.refresh_from_db()
    assert (record.restored_on, record.restore_decision) == (D(2026, 3, 5), "确已改正错误，恢复党员权利")
    assert selectors.under_discipline_ids(ids, D(2026, 3, 4)) == {world.member.pk}
    assert selectors.under_discipline_ids(ids, D(2026, 3, 5)) == set()
    assert AuditEntry.objects.filter(action="members.discipline.restore").count() == 1


def test_discipline_refusals_change_nothing(world, snapshot):
    base = {"actor": world.secretary_a, "member": world.member, "starts_on": D(2025, 3, 1)}
    message = refused(
        snapshot,
        "members.discipline_months",
        services.member_discipline_record,
        months=6,
        decision="x",
        **base,
    )
    assert "一年或二年" in message
    refused(
        snapshot,
        "members.reason_required",
        services.member_discipline_record,
        months=12,
        decision=" ",
        **base,
    )
    refused(
        snapshot,
        "members.discipline_probationary",
        services.member_discipline_record,
        actor=world.secretary_a,
        member=world.probationary,
        starts_on=D(2026, 6, 1),
        months=12,
        decision="x",
    )
    refused(
        snapshot,
        "members.forbidden",
        services.member_discipline_record,
        actor=world.secretary_b,
        member=world.member,
        starts_on=D(2025, 3, 1),
        months=12,
        decision="x",
    )
    refused(
        snapshot,
        "members.no_discipline",
        services.member_discipline_restore,
        actor=world.secretary_a,
        member=world.member,
        on=D(2026, 3, 5),
        decision="x",
    )
    services.member_discipline_record(months=24, decision=DECISION, **base)
    refused(
        snapshot,
        "members.discipline_open",
        services.member_discipline_record,
        months=12,
        decision="x",
        **base,
    )
    refused(
        snapshot,
        "members.bad_date",
        services.member_discipline_restore,
        actor=world.secretary_a,
        member=world.member,
        on=D(2025, 2, 1),
        decision="x",
    )


# the member page ------------------------------------------------------------------------------------------


def test_the_member_page_shows_discipline_only_to_roles_that_may_see_sensitive_data(world, client, login):
    services.member_discipline_record(
        actor=world.secretary_a, member=world.member, starts_on=D(2024, 3, 1), months=12, decision=DECISION
    )
    url = reverse("members:member_detail", args=[world.member.pk])
    page = login(world.secretary_a).get(url).content.decode()
    assert DECISION in page and "察看期间" not in page and "已期满" in page
    assert "恢复党员权利（留党察看）" in page  # the action offered while the record is open
    client.logout()
    own = login(world.member_user).get(url)
    assert own.status_code == 200
    assert DECISION not in own.content.decode() and 'id="disciplines"' not in own.content.decode()


def test_the_status_form_extends_and_cancels_a_probation(world, probationer, login):
    client = login(world.secretary_a)
    url = reverse("members:member_status", args=[probationer.pk, "extend_probation"])
    client.post(url, {"on": "2026-02-01", "months": "12", "reason": "一公司党委批准延长一年"})
    assert services.probation_extension(probationer).detail["probation_ends"] == "2027-01-10"
    page = client.get(reverse("members:member_detail", args=[probationer.pk])).content.decode()
    assert "2027-01-10（已延长12个月）" in page
    url = reverse("members:member_status", args=[probationer.pk, "cancel_probation"])
    client.post(url, {"on": "2027-01-20", "reason": "一公司党委批准取消预备党员资格"})
    assert fresh(probationer).exit_kind == "probation_cancelled"


def test_the_status_form_records_discipline(world, login):
    url = reverse("members:member_status", args=[world.member.pk, "discipline"])
    login(world.secretary_a).post(url, {"on": "2026-01-05", "discipline_months": "24", "reason": DECISION})
    record = DisciplinaryProbation.objects.get(member=world.member)
    assert (record.ends_on, record.decision) == (D(2028, 1, 5), DECISION)
