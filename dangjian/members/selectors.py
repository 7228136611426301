"""Reads on member records, always through the scope filter."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from dangjian.access import scope
from dangjian.core import crypto, idcard
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
        number = idcard.normalize(q)
        cond = Q(name__contains=q)
        if len(number) == 18:
            cond |= Q(id_number_index=crypto.blind_index(number, purpose="member.id_number"))
        if q.isdigit() and len(q) >= 7:
            cond |= Q(phone_index=crypto.blind_index(q, purpose="member.phone"))
        qs = qs.filter(cond)
    return qs


def member_get_own(user: Any) -> Member | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.select_related("org").filter(user=user).first()
