"""党小组 rows show their own members without counting them twice up the tree."""

from __future__ import annotations

from dangjian.members.models import Member
from dangjian.orgs import selectors


def test_a_group_shows_its_members_and_the_branch_counts_them_once(world):
    Member.objects.filter(pk__in=[world.member.pk, world.probationary.pk]).update(group=world.group_a)
    nodes = {n.org.pk: n for n in selectors.org_tree(user=world.officer)}
    group, branch = nodes[world.group_a.pk], nodes[world.branch_a.pk]
    assert (group.total.members, group.total.full, group.total.probationary) == (2, 1, 1)
    assert branch.total.members == Member.objects.filter(org=world.branch_a, exit_kind="").count() == 3
    assert nodes[world.committee.pk].total.members == 4  # branch A's three and branch B's one
