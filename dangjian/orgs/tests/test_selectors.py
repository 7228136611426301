"""The scoped organisation tree with counts rolled up the subtree (dangjian.orgs.selectors)."""

from __future__ import annotations

import datetime as dt

from conftest import make_member
from dangjian.members import services as member_services
from dangjian.orgs import selectors
from dangjian.orgs.models import Position

TODAY = dt.date(2026, 6, 15)


def tree(user, **kw):
    return {n.org.pk: n for n in selectors.org_tree(user=user, today=TODAY, **kw)}


def test_the_tree_lists_the_scope_in_path_order_with_depths(world):
    nodes = selectors.org_tree(user=world.officer, today=TODAY)
    assert [n.org for n in nodes] == [world.committee, world.branch_a, world.group_a, world.branch_b]
    assert [n.depth for n in nodes] == [2, 3, 4, 3]


def test_member_counts_are_summed_up_the_subtree(world):
    nodes = tree(world.system_admin)
    a, b, c = nodes[world.branch_a.pk], nodes[world.branch_b.pk], nodes[world.branch_c.pk]
    assert (a.own.members, a.own.full, a.own.probationary) == (3, 2, 1)
    assert (a.total.members, a.total.full, a.total.probationary) == (3, 2, 1)
    committee = nodes[world.committee.pk]
    assert (committee.own.members, committee.total.members) == (0, 4)
    assert (committee.total.full, committee.total.probationary) == (3, 1)
    root = nodes[world.root.pk]
    assert (root.total.members, root.total.full, root.total.probationary) == (5, 4, 1)
    assert root.total.members == a.total.members + b.total.members + c.total.members


def test_counts_roll_up_only_within_the_users_view(world):
    nodes = tree(world.officer)
    assert world.root.pk not in nodes
    assert nodes[world.committee.pk].total.members == 4


def test_members_who_left_are_not_counted(world):
    member_services.member_exit(
        actor=world.officer,
        member=world.member_b,
        kind="withdrew",
        on=dt.date(2026, 1, 5),
        reason="本人申请，支部大会通过",
    )
    assert tree(world.officer)[world.committee.pk].total.members == 3


def test_the_tree_under_a_chosen_root(world):
    nodes = selectors.org_tree(user=world.officer, root=world.branch_a, today=TODAY)
    assert [n.org for n in nodes] == [world.branch_a, world.group_a]


def test_the_current_secretary_is_shown(world):
    Position.objects.create(
        org=world.branch_a, member=world.member, title="secretary", started_on=dt.date(2024, 1, 10)
    )
    Position.objects.create(
        org=world.branch_b,
        member=world.member_b,
        title="secretary",
        started_on=dt.date(2020, 1, 10),
        ended_on=dt.date(2023, 1, 9),
    )
    nodes = tree(world.officer)
    assert nodes[world.branch_a.pk].secretary == "党员甲"
    assert nodes[world.branch_b.pk].secretary == ""


def test_structural_notices_use_the_subtree_counts(world):
    nodes = tree(world.officer)
    assert [x.code for x in nodes[world.branch_a.pk].notices] == ["too_few_full"]  # 2 正式党员
    for i in range(6):
        make_member(world.branch_b, f"党员{i}")
    codes = [x.code for x in tree(world.officer)[world.branch_b.pk].notices]
    assert "committee_required" in codes and "too_few_full" not in codes


def test_an_empty_scope_gives_an_empty_tree(world):
    assert selectors.org_tree(user=world.member_user, today=TODAY) == []
    assert selectors.org_tree(user=world.audit_admin, today=TODAY) == []


def test_org_list_hides_merged_organisations_unless_asked(world):
    world.branch_b.is_active = False
    world.branch_b.save()
    assert world.branch_b not in selectors.org_list(user=world.officer)
    assert world.branch_b in selectors.org_list(user=world.officer, include_inactive=True)


def test_org_choices_can_be_limited_to_branches(world):
    choices = selectors.org_choices_for(world.officer, "members.change", kinds={"branch"})
    assert choices == [world.branch_a, world.branch_b]
