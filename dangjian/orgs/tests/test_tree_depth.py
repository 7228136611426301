"""A tree built to a depth and the home page's notices agree with the whole tree (bench change 6)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from conftest import make_member
from dangjian.orgs import selectors


def test_a_tree_cut_at_a_depth_keeps_the_subtree_totals(world: SimpleNamespace) -> None:
    for i in range(3):
        make_member(world.branch_c, f"丙{i}")
    full = {n.org.pk: n for n in selectors.org_tree(user=world.officer)}
    cut = selectors.org_tree(user=world.officer, max_depth=world.committee.depth + 1)
    assert cut and all(n.depth <= world.committee.depth + 1 for n in cut)
    assert world.group_a.pk not in {n.org.pk for n in cut}
    for node in cut:
        assert node.total == full[node.org.pk].total, node.org.name
        assert [x.code for x in node.notices] == [x.code for x in full[node.org.pk].notices]
    whole = selectors.org_tree(user=world.system_admin, max_depth=1)
    assert [n.org for n in whole] == [world.root]
    assert whole[0].total.members == 8  # every active member of the enterprise (five in the world + three)


def test_the_home_page_notices_match_the_whole_tree(world: SimpleNamespace) -> None:
    today = dt.date(2026, 11, 23)
    for user in (world.officer, world.system_admin, world.secretary_a):
        tree = selectors.org_tree(user=user, today=today)
        expected = [n.org.pk for n in tree if any(x.needs_attention for x in n.notices)]
        count, flagged = selectors.flagged_orgs(user=user, today=today, limit=3)
        assert count == sum(1 for n in tree for x in n.notices if x.needs_attention)
        assert [n.org.pk for n in flagged] == expected[:3]
        assert all(n.org.label for n in flagged)
