"""Writes on the organisation tree and positions (dangjian.orgs.services): rules, scope, audit."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import make_user
from dangjian.access import services as access_services
from dangjian.audit.models import AuditEntry
from dangjian.core.errors import BusinessError
from dangjian.members.models import ChangeKind, Member, StatusChange
from dangjian.orgs import services
from dangjian.orgs.models import Org, Position


def refused(snapshot, code, service, **kwargs):
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        service(**kwargs)
    assert exc.value.code == code, exc.value.message
    assert snapshot() == before
    return exc.value


def fresh(org):
    return Org.objects.get(pk=org.pk)


@pytest.fixture
def group_officer(world):
    """A committee officer at the root: manages the whole tree."""
    user = make_user("group_officer")
    access_services.grant_create(
        actor=None, user=user, role="committee_officer", org=world.root, bootstrap=True
    )
    return user


# org_create ---------------------------------------------------------------------------------------------


def test_officer_creates_a_branch_under_the_committee(world):
    org = services.org_create(
        actor=world.officer,
        parent=world.committee,
        name="中共示例一公司第四支部委员会",
        kind="branch",
        short_name="第四党支部",
        elected_on=dt.date(2025, 1, 1),
    )
    assert Org.objects.get_parent(fresh(org)) == world.committee
    entry = AuditEntry.objects.get(action="orgs.org.create", target_id=str(org.pk))
    assert entry.actor == world.officer and entry.org_path == org.path
    assert entry.changes["kind"] == "branch" and entry.changes["elected_on"] == "2025-01-01"


def test_a_group_may_be_created_under_a_branch(world):
    group = services.org_create(actor=world.officer, parent=world.branch_b, name="第二党小组", kind="group")
    assert group.path.startswith(world.branch_b.path)


@pytest.mark.parametrize(
    ("parent", "kind"),
    [("committee", "group"), ("group_a", "group"), ("branch_a", "branch"), ("branch_a", "committee")],
)
def test_kinds_only_sit_where_the_rules_allow(parent, kind, world, snapshot):
    error = refused(
        snapshot,
        "orgs.bad_parent",
        services.org_create,
        actor=world.officer,
        parent=getattr(world, parent),
        name="新组织",
        kind=kind,
    )
    assert "之下不能设立" in error.message


def test_a_group_cannot_be_a_root(world, snapshot):
    refused(
        snapshot,
        "orgs.bad_parent",
        services.org_create,
        actor=None,
        parent=None,
        name="小组",
        kind="group",
        bootstrap=True,
    )


def test_org_create_refuses_bad_input(world, snapshot):
    refused(
        snapshot,
        "orgs.bad_kind",
        services.org_create,
        actor=world.officer,
        parent=world.committee,
        name="x",
        kind="party_group",
    )
    refused(
        snapshot,
        "orgs.name_required",
        services.org_create,
        actor=world.officer,
        parent=world.committee,
        name="  ",
        kind="branch",
    )
    refused(
        snapshot,
        "orgs.bad_field",
        services.org_create,
        actor=world.officer,
        parent=world.committee,
        name="x",
        kind="branch",
        path="0001",
    )


def test_only_an_organisation_manager_in_scope_may_create(world, snapshot):
    refused(
        snapshot,
        "orgs.forbidden",
        services.org_create,
        actor=world.secretary_a,
        parent=world.branch_a,
        name="第二党小组",
        kind="group",
    )
    refused(
        snapshot,
        "orgs.forbidden",
        services.org_create,
        actor=world.officer,
        parent=world.committee2,
        name="新支部",
        kind="branch",
    )
    refused(
        snapshot,
        "orgs.forbidden",
        services.org_create,
        actor=world.officer,
        parent=None,
        name="新党委",
        kind="committee",
    )


# org_update ---------------------------------------------------------------------------------------------


def test_secretary_updates_their_branch_with_an_audit_of_the_changed_fields(world):
    services.org_update(
        actor=world.secretary_a,
        org=world.branch_a,
        short_name="一支部",
        elected_on=dt.date(2025, 1, 10),
        contact_phone="010-12345678",
    )
    org = fresh(world.branch_a)
    assert (org.short_name, org.elected_on) == ("一支部", dt.date(2025, 1, 10))
    entry = AuditEntry.objects.get(action="orgs.org.update", target_id=str(org.pk))
    assert entry.changes["short_name"] == ["第一党支部", "一支部"]
    assert entry.changes["elected_on"] == ["2024-01-10", "2025-01-10"]


def test_an_update_that_changes_nothing_writes_no_audit_entry(world):
    services.org_update(actor=world.secretary_a, org=world.branch_a, short_name="第一党支部")
    assert not AuditEntry.objects.filter(action="orgs.org.update").exists()


def test_org_update_refuses_out_of_scope_and_unknown_fields(world, snapshot):
    refused(
        snapshot,
        "orgs.forbidden",
        services.org_update,
        actor=world.secretary_a,
        org=world.branch_b,
        short_name="改",
    )
    refused(
        snapshot,
        "orgs.forbidden",
        services.org_update,
        actor=world.system_admin,
        org=world.branch_b,
        short_name="改",
    )
    refused(
        snapshot,
        "orgs.bad_field",
        services.org_update,
        actor=world.secretary_a,
        org=world.branch_a,
        is_active=False,
    )


def test_a_kind_change_must_suit_the_parent_and_the_children(world, snapshot):
    refused(
        snapshot,
        "orgs.bad_kind",
        services.org_update,
        actor=world.officer,
        org=world.branch_a,
        kind="committee",
    )  # its 党小组 cannot sit under a committee
    refused(
        snapshot,
        "orgs.bad_parent",
        services.org_update,
        actor=world.officer,
        org=world.group_a,
        kind="branch",
    )
    services.org_update(actor=world.officer, org=world.branch_b, kind="joint_branch")
    assert fresh(world.branch_b).kind == "joint_branch"


# org_move -----------------------------------------------------------------------------------------------


def test_moving_an_organisation_moves_its_subtree_and_members(world):
    general = services.org_create(
        actor=world.officer, parent=world.committee, name="中共示例总支部委员会", kind="general_branch"
    )
    old_path = fresh(world.branch_a).path
    moved = services.org_move(actor=world.officer, org=world.branch_a, new_parent=general)
    general = fresh(general)
    assert moved.path.startswith(general.path) and Org.objects.get_parent(moved) == general
    assert fresh(world.group_a).path.startswith(moved.path)
    assert set(Member.objects.filter(org__path__startswith=moved.path).values_list("name", flat=True)) == {
        "党员甲",
        "李四",
        "王五",
    }
    entry = AuditEntry.objects.get(action="orgs.org.move", target_id=str(moved.pk))
    assert entry.changes["path"] == [old_path, moved.path]
    assert entry.changes["parent"] == ["一公司党委", str(general)]


def test_a_subtree_grant_follows_the_moved_organisation(world, group_officer):
    services.org_move(actor=group_officer, org=world.branch_c, new_parent=world.committee)
    from dangjian.access import scope

    scope.forget(world.officer)
    assert scope.org_in_scope(world.officer, "members.view", fresh(world.branch_c))


def test_an_organisation_cannot_move_into_its_own_subtree(world, group_officer, snapshot):
    refused(
        snapshot,
        "orgs.move_into_self",
        services.org_move,
        actor=group_officer,
        org=world.committee,
        new_parent=world.branch_a,
    )
    refused(
        snapshot,
        "orgs.move_into_self",
        services.org_move,
        actor=group_officer,
        org=world.committee,
        new_parent=world.committee,
    )


def test_an_organisation_cannot_move_to_a_destination_outside_scope(world, snapshot):
    refused(
        snapshot,
        "orgs.forbidden",
        services.org_move,
        actor=world.officer,
        org=world.branch_b,
        new_parent=world.committee2,
    )
    refused(
        snapshot,
        "orgs.forbidden",
        services.org_move,
        actor=world.officer,
        org=world.branch_c,
        new_parent=world.committee,
    )
    refused(
        snapshot,
        "orgs.forbidden",
        services.org_move,
        actor=world.secretary_a,
        org=world.group_a,
        new_parent=world.branch_a,
    )


def test_an_organisation_cannot_move_under_a_wrong_kind_or_a_merged_one(world, group_officer, snapshot):
    refused(
        snapshot,
        "orgs.bad_parent",
        services.org_move,
        actor=group_officer,
        org=world.branch_b,
        new_parent=world.branch_a,
    )
    Org.objects.filter(pk=world.committee2.pk).update(is_active=False)
    refused(
        snapshot,
        "orgs.inactive",
        services.org_move,
        actor=group_officer,
        org=world.branch_b,
        new_parent=world.committee2,
    )


# org_merge ----------------------------------------------------------------------------------------------


def test_merging_moves_members_records_history_ends_positions_and_keeps_the_source(world):
    on = dt.date(2026, 1, 5)
    position = Position.objects.create(
        org=world.branch_b, member=world.member_b, title="secretary", started_on=dt.date(2024, 1, 10)
    )
    target = services.org_merge(actor=world.officer, source=world.branch_b, target=world.branch_a, on=on)
    assert target == world.branch_a
    assert Member.objects.get(pk=world.member_b.pk).org == world.branch_a
    change = StatusChange.objects.get(member=world.member_b, kind=ChangeKind.MOVED)
    assert change.effective_on == on and change.actor == world.officer
    assert change.detail == {"from": world.branch_b.pk, "to": world.branch_a.pk}
    assert "并入" in change.reason
    assert Position.objects.get(pk=position.pk).ended_on == on
    source = fresh(world.branch_b)
    assert source.is_active is False and source.merged_into == world.branch_a
    entry = AuditEntry.objects.get(action="orgs.org.merge", target_id=str(source.pk))
    assert entry.changes["members_moved"] == 1 and entry.org_path == world.branch_a.path


def test_merging_a_committee_moves_its_branches(world, group_officer):
    services.org_merge(actor=group_officer, source=world.committee2, target=world.committee)
    assert Org.objects.get_parent(fresh(world.branch_c)) == world.committee
    assert not fresh(world.committee2).is_active


def test_merge_refusals_change_nothing(world, group_officer, snapshot):
    refused(
        snapshot,
        "orgs.merge_into_self",
        services.org_merge,
        actor=world.officer,
        source=world.branch_a,
        target=world.branch_a,
    )
    refused(
        snapshot,
        "orgs.merge_into_self",
        services.org_merge,
        actor=world.officer,
        source=world.committee,
        target=world.branch_a,
    )
    refused(
        snapshot,
        "orgs.merge_kind",
        services.org_merge,
        actor=group_officer,
        source=world.branch_c,
        target=world.committee,
    )
    refused(
        snapshot,
        "orgs.forbidden",
        services.org_merge,
        actor=world.officer,
        source=world.branch_b,
        target=world.branch_c,
    )
    refused(
        snapshot,
        "orgs.forbidden",
        services.org_merge,
        actor=world.secretary_a,
        source=world.branch_b,
        target=world.branch_a,
    )
    Org.objects.filter(pk=world.branch_b.pk).update(is_active=False)
    refused(
        snapshot,
        "orgs.inactive",
        services.org_merge,
        actor=world.officer,
        source=world.branch_b,
        target=world.branch_a,
    )


# positions ----------------------------------------------------------------------------------------------


def assign(world, title="secretary", org=None, member=None, started_on=dt.date(2024, 1, 10), actor=None):
    return services.position_assign(
        actor=actor or world.secretary_a,
        org=org or world.branch_a,
        member=member or world.member,
        title=title,
        started_on=started_on,
    )


def test_secretary_appoints_a_branch_secretary_with_an_audit_entry(world):
    position = assign(world)
    assert position.is_current
    entry = AuditEntry.objects.get(action="orgs.position.assign", target_id=str(position.pk))
    assert entry.changes == {"member": "党员甲", "title": "secretary", "started_on": "2024-01-10"}


def test_a_new_secretary_ends_the_previous_one_the_day_before(world):
    first = assign(world)
    li = Member.objects.get(name="李四")
    second = assign(world, member=li, started_on=dt.date(2026, 6, 1))
    assert Position.objects.get(pk=first.pk).ended_on == dt.date(2026, 5, 31)
    current = Position.objects.filter(org=world.branch_a, title="secretary", ended_on__isnull=True)
    assert list(current) == [second]


def test_a_branch_without_a_committee_has_only_secretary_and_deputy(world, snapshot):
    error = refused(
        snapshot,
        "orgs.no_committee",
        services.position_assign,
        actor=world.secretary_b,
        org=world.branch_b,
        member=world.member_b,
        title="organisation_member",
        started_on=dt.date(2024, 1, 10),
    )
    assert "支部条例第九条" in error.message
    assign(
        world, title="deputy_secretary", org=world.branch_b, member=world.member_b, actor=world.secretary_b
    )


def test_a_branch_with_a_committee_has_committee_members(world):
    position = assign(world, title="organisation_member")
    assert position.get_title_display() == "组织委员"


def test_a_group_has_only_a_group_leader(world, snapshot):
    refused(
        snapshot,
        "orgs.group_title",
        services.position_assign,
        actor=world.secretary_a,
        org=world.group_a,
        member=world.member,
        title="secretary",
        started_on=dt.date(2024, 1, 10),
    )
    refused(
        snapshot,
        "orgs.group_title",
        services.position_assign,
        actor=world.secretary_a,
        org=world.branch_a,
        member=world.member,
        title="group_leader",
        started_on=dt.date(2024, 1, 10),
    )
    assert assign(world, title="group_leader", org=world.group_a).org == world.group_a


def test_position_assign_refusals_change_nothing(world, snapshot):
    common = {"actor": world.secretary_a, "org": world.branch_a, "started_on": dt.date(2024, 1, 10)}
    refused(
        snapshot,
        "orgs.member_outside",
        services.position_assign,
        member=world.member_b,
        title="secretary",
        **common,
    )
    refused(
        snapshot, "orgs.bad_title", services.position_assign, member=world.member, title="chairman", **common
    )
    refused(
        snapshot,
        "orgs.forbidden",
        services.position_assign,
        actor=world.secretary_a,
        org=world.branch_b,
        member=world.member_b,
        title="secretary",
        started_on=dt.date(2024, 1, 10),
    )
    assign(world)
    refused(
        snapshot,
        "orgs.duplicate_position",
        services.position_assign,
        member=world.member,
        title="secretary",
        **common,
    )


def test_a_member_who_left_cannot_be_appointed(world, snapshot):
    Member.objects.filter(pk=world.member.pk).update(exit_kind="withdrew", exited_on=dt.date(2026, 1, 1))
    refused(
        snapshot,
        "orgs.member_exited",
        services.position_assign,
        actor=world.secretary_a,
        org=world.branch_a,
        member=Member.objects.get(pk=world.member.pk),
        title="secretary",
        started_on=dt.date(2026, 2, 1),
    )


def test_ending_a_position_records_the_date_and_an_audit_entry(world):
    position = assign(world)
    services.position_end(actor=world.officer, position=position, ended_on=dt.date(2026, 1, 5))
    assert Position.objects.get(pk=position.pk).ended_on == dt.date(2026, 1, 5)
    entry = AuditEntry.objects.get(action="orgs.position.end", target_id=str(position.pk))
    assert entry.actor == world.officer and entry.changes == {"ended_on": "2026-01-05"}


def test_position_end_refusals_change_nothing(world, snapshot):
    position = assign(world)
    refused(
        snapshot,
        "orgs.bad_date",
        services.position_end,
        actor=world.secretary_a,
        position=position,
        ended_on=dt.date(2023, 1, 1),
    )
    refused(
        snapshot,
        "orgs.forbidden",
        services.position_end,
        actor=world.secretary_b,
        position=position,
        ended_on=dt.date(2026, 1, 5),
    )
    services.position_end(actor=world.secretary_a, position=position, ended_on=dt.date(2026, 1, 5))
    refused(
        snapshot,
        "orgs.position_ended",
        services.position_end,
        actor=world.secretary_a,
        position=Position.objects.get(pk=position.pk),
        ended_on=dt.date(2026, 2, 5),
    )
