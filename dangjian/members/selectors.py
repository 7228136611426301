"""Reads on member records, always through the scope filter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from dangjian.access import scope
from dangjian.members.filters import member_search_q
from dangjian.members.models import DisciplinaryProbation, Member


def member_list(
    *,
    user: Any,
    permission: str = "members.view",
    filters: dict[str, Any] | None = None,
    include_exited: bool = False,
) -> QuerySet[Member]:
    """Members the user may see, filtered; exact identity-number and phone search go through blind indexes."""
    qs = scope.restrict(Member.objects.select_related("org"), user, permission)
    if not include_exited:
        qs = qs.filter(exit_kind="")
    f = filters or {}
    if q := str(f.get("q") or "").strip():
        qs = qs.filter(member_search_q(q))
    return qs


def member_get_own(user: Any) -> Member | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.select_related("org").filter(user=user).first()


def under_discipline_ids(member_ids: Iterable[int], on: dt.date) -> set[int]:
    """Which of ``member_ids`` are under 留党察看 on ``on`` (started, rights not yet restored; 党章 第四十条).
    A fact for the rules of other apps (introducers, votes), not a listing: callers have scoped the
    members."""
    return set(
        DisciplinaryProbation.objects.filter(member_id__in=list(member_ids), starts_on__lte=on)
        .filter(Q(restored_on__isnull=True) | Q(restored_on__gt=on))
        .values_list("member_id", flat=True)
    )


def disciplinary_probations(*, user: Any, member: Member) -> QuerySet[DisciplinaryProbation]:
    """The member's 留党察看 records for a user with ``members.view_sensitive`` there; none otherwise."""
    if not scope.org_in_scope(user, "members.view_sensitive", member.org):
        return DisciplinaryProbation.objects.none()
    return DisciplinaryProbation.objects.filter(member=member).select_related("recorded_by")
