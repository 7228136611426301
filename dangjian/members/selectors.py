"""Reads on member records, always through the scope filter."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from dangjian.access import scope
from dangjian.members.filters import member_search_q
from dangjian.members.models import Member


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
