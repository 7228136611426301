"""Reads on the organisation tree: the scoped tree with rolled-up counts and structural notices."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet

from dangjian.access import scope
from dangjian.orgs import rules
from dangjian.orgs.models import Org, Position


@dataclass
class OrgCounts:
    members: int = 0
    full: int = 0
    probationary: int = 0


@dataclass
class TreeNode:
    org: Org
    depth: int
    own: OrgCounts = field(default_factory=OrgCounts)
    total: OrgCounts = field(default_factory=OrgCounts)
    secretary: str = ""
    notices: list[rules.Notice] = field(default_factory=list)


def org_list(*, user: Any, permission: str = "orgs.view", include_inactive: bool = False) -> QuerySet[Org]:
    qs = scope.restrict(Org.objects.all(), user, permission)
    return qs if include_inactive else qs.filter(is_active=True)


def member_counts(orgs: QuerySet[Org], *, by: str = "org") -> dict[int, OrgCounts]:
    """Active members per organisation, by status, in one grouped query. ``by="org"`` counts the members
    whose 组织关系 is there; ``by="group"`` counts the members of each 党小组 (a subset of its branch)."""
    from dangjian.members.models import Member

    counts: dict[int, OrgCounts] = defaultdict(OrgCounts)
    key = f"{by}_id"
    rows = (
        Member.objects.active()
        .filter(**{f"{by}__in": orgs.values("pk")})
        .values(key, "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        c = counts[row[key]]
        c.members += row["n"]
        if row["status"] == "full":
            c.full += row["n"]
        else:
            c.probationary += row["n"]
    return counts


def org_tree(*, user: Any, root: Org | None = None, today: dt.date | None = None) -> list[TreeNode]:
    """The organisations in the user's scope (under ``root`` if given), in tree order, with their own and
    subtree member counts, current 书记 and the structural notices of DOMAIN.md §1."""
    today = today or dt.date.today()
    orgs = org_list(user=user)
    if root is not None:
        orgs = orgs.filter(scope.subtree_q("path", root.path))
    nodes = [TreeNode(org=o, depth=o.depth) for o in orgs.order_by("path")]
    if not nodes:
        return []
    own = member_counts(orgs)
    by_path = {n.org.path: n for n in nodes}
    if any(n.org.kind == "group" for n in nodes):
        # A 党小组's members already count in its branch: show them on the group, don't add them again.
        by_pk = {n.org.pk: n for n in nodes}
        for group_id, c in member_counts(orgs.filter(kind="group"), by="group").items():
            if (node := by_pk.get(group_id)) is not None:
                node.own = node.total = OrgCounts(c.members, c.full, c.probationary)
    for node in nodes:
        if node.org.kind == "group":
            continue
        c = own.get(node.org.pk, OrgCounts())
        node.own = OrgCounts(c.members, c.full, c.probationary)
        # add to self and every ancestor present in the view
        for length in range(Org.steplen, len(node.org.path) + 1, Org.steplen):
            anc = by_path.get(node.org.path[:length])
            if anc is not None:
                anc.total.members += c.members
                anc.total.full += c.full
                anc.total.probationary += c.probationary
    secretaries = dict(
        Position.objects.filter(
            org__in=orgs.values("pk"), title="secretary", ended_on__isnull=True
        ).values_list("org_id", "member__name")
    )
    reminder_months = getattr(settings, "ELECTION_REMINDER_MONTHS", 3)
    for node in nodes:
        node.secretary = secretaries.get(node.org.pk, "")
        node.notices = rules.structural_notices(
            kind=node.org.kind,
            has_committee=node.org.has_committee,
            members=node.total.members,
            full_members=node.total.full,
            elected_on=node.org.elected_on,
            today=today,
            max_members=rules.BRANCH_MAX_MEMBERS,
            reminder_months=reminder_months,
        )
    return nodes


def positions_of(org: Org, *, current_only: bool = True) -> QuerySet[Position]:
    qs = Position.objects.filter(org=org).select_related("member")
    return qs.filter(ended_on__isnull=True) if current_only else qs.order_by("-started_on")


def org_choices_for(user: Any, permission: str, *, kinds: set[str] | None = None) -> list[Org]:
    """Organisations a user may pick in a form (e.g. a member's branch), in tree order."""
    qs = org_list(user=user, permission=permission).order_by("path")
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return list(qs)
