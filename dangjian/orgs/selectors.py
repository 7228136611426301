"""Reads on the organisation tree: the scoped tree with rolled-up counts and structural notices."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, QuerySet

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


def tree_shape(*, user: Any, root: Org | None = None) -> tuple[int, int]:
    """How many organisations the tree page would show, and the depth of the highest (one query)."""
    orgs = org_list(user=user)
    if root is not None:
        orgs = orgs.filter(scope.subtree_q("path", root.path))
    shape = orgs.aggregate(n=Count("pk"), top=Min("depth"))
    return int(shape["n"] or 0), int(shape["top"] or 1)


def _subtree_totals(orgs: QuerySet[Org], by_path: dict[str, TreeNode]) -> None:
    """Add the members of every organisation in ``orgs`` to the totals of itself and of each ancestor shown
    (``by_path``), from one grouped query. 党小组 are skipped: their members already count in their branch."""
    from dangjian.members.models import Member

    rows = (
        Member.objects.active()
        .filter(org__in=orgs.exclude(kind="group").values("pk"))
        .values("org__path", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        path, n = row["org__path"], row["n"]
        for length in range(Org.steplen, len(path) + 1, Org.steplen):
            anc = by_path.get(path[:length])
            if anc is not None:
                anc.total.members += n
                if row["status"] == "full":
                    anc.total.full += n
                else:
                    anc.total.probationary += n


def org_tree(
    *, user: Any, root: Org | None = None, today: dt.date | None = None, max_depth: int | None = None
) -> list[TreeNode]:
    """The organisations in the user's scope (under ``root`` if given), in tree order, with their own and
    subtree member counts, current 书记 and the structural notices of DOMAIN.md §1.

    ``max_depth`` limits the nodes built to that depth (a large tree's page shows three levels); the totals
    still cover the whole subtree, from one grouped query, so nothing below is instantiated.
    """
    today = today or dt.date.today()
    orgs = org_list(user=user)
    if root is not None:
        orgs = orgs.filter(scope.subtree_q("path", root.path))
    shown = orgs if max_depth is None else orgs.filter(depth__lte=max_depth)
    nodes = [TreeNode(org=o, depth=o.depth) for o in shown.order_by("path")]
    if not nodes:
        return []
    own = member_counts(shown)
    by_path = {n.org.path: n for n in nodes}
    if any(n.org.kind == "group" for n in nodes):
        # A 党小组's members already count in its branch: show them on the group, don't add them again.
        by_pk = {n.org.pk: n for n in nodes}
        for group_id, c in member_counts(shown.filter(kind="group"), by="group").items():
            if (node := by_pk.get(group_id)) is not None:
                node.own = node.total = OrgCounts(c.members, c.full, c.probationary)
    for node in nodes:
        if node.org.kind != "group":
            c = own.get(node.org.pk, OrgCounts())
            node.own = OrgCounts(c.members, c.full, c.probationary)
    _subtree_totals(orgs, {p: n for p, n in by_path.items() if n.org.kind != "group"})
    secretaries = dict(
        Position.objects.filter(
            org__in=shown.values("pk"), title="secretary", ended_on__isnull=True
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


def flagged_orgs(*, user: Any, today: dt.date | None = None, limit: int = 8) -> tuple[int, list[TreeNode]]:
    """The number of structural notices needing attention in the user's scope, and the first ``limit``
    organisations with one (in tree order), for the home page — without building the whole tree.

    The member rules of DOMAIN.md §1 concern branches, whose members are their own (a 党小组's members
    belong to its branch), so one grouped count per organisation is enough; other kinds only have terms.
    """
    from dangjian.members.models import Member

    today = today or dt.date.today()
    orgs = org_list(user=user)
    counts: dict[int, OrgCounts] = defaultdict(OrgCounts)
    rows = (
        Member.objects.active()
        .filter(org__in=orgs.filter(kind__in=rules.BRANCH_KINDS).values("pk"))
        .values("org_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        c = counts[row["org_id"]]
        c.members += row["n"]
        if row["status"] == "full":
            c.full += row["n"]
    reminder_months = getattr(settings, "ELECTION_REMINDER_MONTHS", 3)
    total = 0
    flagged: list[TreeNode] = []
    fields = ("pk", "kind", "has_committee", "elected_on", "name", "short_name", "depth")
    for pk, kind, has_committee, elected_on, name, short_name, depth in orgs.order_by("path").values_list(
        *fields
    ):
        c = counts.get(pk, OrgCounts())
        notices = rules.structural_notices(
            kind=kind,
            has_committee=has_committee,
            members=c.members,
            full_members=c.full,
            elected_on=elected_on,
            today=today,
            max_members=rules.BRANCH_MAX_MEMBERS,
            reminder_months=reminder_months,
        )
        attention = sum(1 for x in notices if x.needs_attention)
        total += attention
        if attention and len(flagged) < limit:
            # only the name and the address are shown: an unsaved stand-in saves a query
            org = Org(pk=pk, kind=kind, name=name, short_name=short_name, depth=depth)
            flagged.append(TreeNode(org=org, depth=depth, notices=notices))
    return total, flagged


def positions_of(org: Org, *, current_only: bool = True) -> QuerySet[Position]:
    qs = Position.objects.filter(org=org).select_related("member")
    return qs.filter(ended_on__isnull=True) if current_only else qs.order_by("-started_on")


def org_choices_for(user: Any, permission: str, *, kinds: set[str] | None = None) -> list[Org]:
    """Organisations a user may pick in a form (e.g. a member's branch), in tree order."""
    qs = org_list(user=user, permission=permission).order_by("path")
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return list(qs)
