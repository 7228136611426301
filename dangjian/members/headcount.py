"""Members on the roll per organisation (``OrgHeadcount``), kept with every roster change.

Counting a whole enterprise's roll (100,000 members) for the first page of its member list cost more than
the page itself (bench/RESULTS.md, issue 2). Each organisation's count is kept instead: directly
(``on_roll``, recounted from the members table in the transaction that changed it) and with its subtree
(``in_subtree``, the same change added along the organisation's ancestors). The roll of a scope is then one
row per granted subtree (plus the direct count of an organisation granted without its subtree).

``recount`` is exact by construction: it locks the rows of the organisations and of their ancestors first
(in id order, so two writers never deadlock), and counts afterwards, so on PostgreSQL a concurrent writer's
count waits for the lock and then sees the other transaction's members. Moving an organisation changes no
direct count but its ancestors' subtrees: ``resum`` adds them up again. ``rebuild`` recounts everything
(hourly, and ``manage.py members_recount``) and repairs any drift left by a write that bypassed the model (a
raw ``UPDATE``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count

from dangjian.access import scope as access_scope
from dangjian.members.models import Member, OrgHeadcount
from dangjian.orgs.models import Org

_CHUNK = 500
_STEP = Org.steplen


def _lineage(path: str) -> list[str]:
    """The paths of an organisation's ancestors and of itself, root first."""
    return [path[:end] for end in range(_STEP, len(path) + 1, _STEP)]


def _chunks(values: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _lock(org_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Lock the kept rows of ``org_ids`` (created first where missing) in id order; their stored
    ``(on_roll, in_subtree)``."""
    stored: dict[int, tuple[int, int]] = {}
    for chunk in _chunks(sorted(org_ids)):
        OrgHeadcount.objects.bulk_create(
            [OrgHeadcount(org_id=pk) for pk in chunk], ignore_conflicts=True
        )  # the rows of organisations created since the last rebuild
    for chunk in _chunks(sorted(org_ids)):
        rows = (
            OrgHeadcount.objects.select_for_update()
            .filter(org_id__in=chunk)
            .order_by("org_id")
            .values_list("org_id", "on_roll", "in_subtree")
        )
        stored.update((pk, (direct, subtree)) for pk, direct, subtree in rows)
    return stored


def _counted(org_ids: list[int] | None) -> dict[int, int]:
    """Members on the roll per organisation, counted now (of ``org_ids``, or of every organisation)."""
    members = Member.objects.filter(exit_kind="")
    if org_ids is None:
        chunks: Iterable[Any] = [members]
    else:
        chunks = (members.filter(org_id__in=chunk) for chunk in _chunks(org_ids))
    counted: dict[int, int] = {}
    for rows in chunks:
        counted.update(rows.values("org_id").annotate(n=Count("id")).values_list("org_id", "n"))
    return counted


def subtree_sums(rows: Iterable[tuple[int, str, int]]) -> dict[int, int]:
    """``{organisation id: members on the roll in its subtree}`` from ``(id, path, on_roll)`` of every
    organisation."""
    rows = list(rows)
    pk_of = {path: pk for pk, path, _ in rows}
    sums = dict.fromkeys(pk_of.values(), 0)
    for _, path, direct in rows:
        if direct:
            for line in _lineage(path):
                if line in pk_of:
                    sums[pk_of[line]] += direct
    return sums


def recount(org_ids: Iterable[int]) -> None:
    """Recount the members on the roll directly in ``org_ids`` and carry each change up their ancestors'
    subtree counts (inside the caller's transaction)."""
    ids = sorted({int(pk) for pk in org_ids if pk})
    if not ids:
        return
    with transaction.atomic(savepoint=False):
        path_of: dict[int, str] = {}
        for chunk in _chunks(ids):
            path_of.update(Org.objects.filter(pk__in=chunk).values_list("pk", "path"))
        own = set(path_of.values())
        wanted = sorted({line for path in own for line in _lineage(path)} - own)  # the ancestors
        for chunk in _chunks(wanted):
            found = Org.objects.filter(path__in=chunk).values_list("path", "pk")
            path_of.update((pk, path) for path, pk in found)
        pk_of = {path: pk for pk, path in path_of.items()}
        # Lock every row the change touches, the ancestors' with them, in one id order: no deadlock between
        # two writers; the count below sees a concurrent writer's members once its lock is released.
        stored = _lock(list(path_of))
        counted = _counted([pk for pk in ids if pk in path_of])
        direct: dict[int, int] = {}
        carried: dict[int, int] = defaultdict(int)
        for pk in ids:
            if pk not in path_of:  # not an organisation (any more)
                continue
            change = counted.get(pk, 0) - stored[pk][0]
            if change:
                direct[pk] = counted.get(pk, 0)
                for line in _lineage(path_of[pk]):
                    carried[pk_of[line]] += change
        changed = [
            OrgHeadcount(
                org_id=pk,
                on_roll=direct.get(pk, stored[pk][0]),
                in_subtree=max(0, stored[pk][1] + carried.get(pk, 0)),
            )
            for pk in sorted(set(direct) | {pk for pk, n in carried.items() if n})
        ]
        for chunk in _chunks(changed):
            OrgHeadcount.objects.bulk_update(chunk, ["on_roll", "in_subtree"])


def _rewrite(recounted: bool, progress: Any = None) -> int:
    """Set every organisation's kept counts to what they should be: the direct counts recounted from the
    members (``recounted``) or as stored, and the subtree counts summed from them. How many rows changed."""
    with transaction.atomic():
        org_paths = list(Org.objects.order_by("pk").values_list("pk", "path"))
        stored = _lock([pk for pk, _ in org_paths])
        if recounted:
            counted = _counted(None)
            direct = {pk: counted.get(pk, 0) for pk, _ in org_paths}
        else:
            direct = {pk: stored[pk][0] for pk, _ in org_paths}
        sums = subtree_sums((pk, path, direct[pk]) for pk, path in org_paths)
        fixes = [
            OrgHeadcount(org_id=pk, on_roll=direct[pk], in_subtree=sums[pk])
            for pk, _ in org_paths
            if stored[pk] != (direct[pk], sums[pk])
        ]
        for start in range(0, len(fixes), _CHUNK):
            OrgHeadcount.objects.bulk_update(fixes[start : start + _CHUNK], ["on_roll", "in_subtree"])
            if progress is not None:
                progress(min(start + _CHUNK, len(fixes)), len(fixes))
    return len(fixes)


def rebuild(*, progress: Any = None) -> int:
    """Recount every organisation; returns how many organisations' counts were wrong (0 when nothing
    drifted). Locks every row first (in the order ``recount`` locks them), so no roster change commits
    between count and write."""
    return _rewrite(True, progress)


def resum() -> int:
    """Add the subtree counts up again from the direct ones, after organisations moved in the tree (the
    direct counts do not change, their ancestors' subtrees do)."""
    return _rewrite(False)


def on_roll_in_scope(user: Any, permission: str, *, under: Org | None = None) -> int | None:
    """The number of members on the roll that ``user`` sees with ``permission`` (optionally only under the
    organisation ``under``, subtree included), from the kept counts: one row per granted subtree — or
    ``None`` when the scope cannot be counted that way (the user's own record lies outside their grants, or
    a row is missing; the caller then counts the rows)."""
    scope = access_scope.scope_for(user, permission)
    if not scope.has_grant:
        return None
    if scope.owner_id_for(Member) is not None and access_scope.owner_rows_outside_grants(user, Member, scope):
        return None
    if scope.everywhere:
        if under is not None:
            return _subtree_totals([under.path]).get(under.path)
        rows = OrgHeadcount.objects.filter(org__depth=1).values_list("in_subtree", flat=True)
        return int(sum(rows))
    subtrees = list(scope.subtrees)
    if under is not None:
        if any(under.path.startswith(path) for path in subtrees):
            return _subtree_totals([under.path]).get(under.path)
        subtrees = [path for path in subtrees if path.startswith(under.path)]
    totals = _subtree_totals(subtrees)
    if len(totals) != len(subtrees):
        return None
    total = sum(totals.values())
    if scope.nodes:  # organisations granted without their subtree, unless a granted subtree holds them
        for path, direct in OrgHeadcount.objects.filter(org_id__in=scope.nodes).values_list(
            "org__path", "on_roll"
        ):
            inside = under is None or path.startswith(under.path)
            if inside and not any(path.startswith(p) for p in scope.subtrees):
                total += direct
    return int(total)


def _subtree_totals(paths: list[str]) -> dict[str, int]:
    if not paths:
        return {}
    return dict(OrgHeadcount.objects.filter(org__path__in=paths).values_list("org__path", "in_subtree"))
