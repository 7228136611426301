"""Members on the roll per organisation (``OrgHeadcount``), kept with every roster change.

Counting a whole enterprise's roll (100,000 members) for the first page of its member list cost more than
the page itself (bench/RESULTS.md, issue 2). Each organisation's direct count is kept instead, recounted
from the members table in the transaction that changed it; the roll of a scope is then the sum over the
scope's organisations (one indexed range on the organisations' paths, a few thousand small rows at most).

``recount`` is exact by construction: it locks the organisations' rows first and counts afterwards, so on
PostgreSQL a concurrent writer's count waits for the lock and then sees the other transaction's members.
``rebuild`` recounts everything (hourly, and ``manage.py members_recount``) and repairs any drift left by a
write that bypassed the model (a raw ``UPDATE``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, Sum

from dangjian.access import scope as access_scope
from dangjian.members.models import Member, OrgHeadcount
from dangjian.orgs.models import Org

_CHUNK = 500


def recount(org_ids: Iterable[int]) -> None:
    """Recount the members on the roll directly in ``org_ids`` (inside the caller's transaction)."""
    ids = sorted({int(pk) for pk in org_ids if pk})
    if not ids:
        return
    with transaction.atomic(savepoint=False):
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            OrgHeadcount.objects.bulk_create(
                [OrgHeadcount(org_id=pk) for pk in chunk], ignore_conflicts=True
            )  # the rows of organisations created since the last rebuild
            # Lock in id order (no deadlock between two writers), then count: a concurrent writer's members
            # are visible to the count once its lock is released.
            stored = dict(
                OrgHeadcount.objects.select_for_update()
                .filter(org_id__in=chunk)
                .order_by("org_id")
                .values_list("org_id", "on_roll")
            )
            changed = _corrections(chunk, stored, Member.objects.filter(org_id__in=chunk))
            if changed:
                OrgHeadcount.objects.bulk_update(changed, ["on_roll"])


def _corrections(org_ids: list[int], stored: dict[int, int], members: Any) -> list[OrgHeadcount]:
    """The rows of ``org_ids`` whose stored count differs from the members on the roll counted now."""
    counted = dict(
        members.filter(exit_kind="").values("org_id").annotate(n=Count("id")).values_list("org_id", "n")
    )
    return [
        OrgHeadcount(org_id=pk, on_roll=counted.get(pk, 0))
        for pk in org_ids
        if pk in stored and stored[pk] != counted.get(pk, 0)
    ]


def rebuild(*, progress: Any = None) -> int:
    """Recount every organisation; returns how many counts were wrong (0 when nothing drifted). Locks every
    row first (in the order ``recount`` locks them), so no roster change commits between count and write."""
    with transaction.atomic():
        org_ids = list(Org.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(org_ids), _CHUNK):
            OrgHeadcount.objects.bulk_create(
                [OrgHeadcount(org_id=pk) for pk in org_ids[start : start + _CHUNK]], ignore_conflicts=True
            )
        stored = dict(
            OrgHeadcount.objects.select_for_update().order_by("org_id").values_list("org_id", "on_roll")
        )
        fixes = _corrections(org_ids, stored, Member.objects.all())
        for start in range(0, len(fixes), _CHUNK):
            OrgHeadcount.objects.bulk_update(fixes[start : start + _CHUNK], ["on_roll"])
            if progress is not None:
                progress(min(start + _CHUNK, len(fixes)), len(fixes))
    return len(fixes)


def on_roll_in_scope(user: Any, permission: str, *, under: Org | None = None) -> int | None:
    """The number of members on the roll that ``user`` sees with ``permission`` (optionally only under the
    organisation ``under``, subtree included), from the kept counts — or ``None`` when the scope cannot be
    summed that way (the user's own record lies outside their grants; the caller then counts the rows)."""
    scope = access_scope.scope_for(user, permission)
    if not scope.has_grant:
        return None
    if scope.owner_id_for(Member) is not None and access_scope._owner_rows_outside_grants(
        user, Member, scope
    ):
        return None
    rows = OrgHeadcount.objects.all()
    grant_q = access_scope.scope_q(OrgHeadcount, scope, include_owner=False)
    if grant_q is not None:
        rows = rows.filter(grant_q)
    if under is not None:
        rows = rows.filter(access_scope.subtree_q("org__path", under.path))
    return int(rows.aggregate(n=Sum("on_roll"))["n"] or 0)
