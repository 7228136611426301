"""Reads of 组织关系转接 and 流动党员, always scoped.

A transfer belongs to both sides: the sending branch's side sees it (it stays responsible until the member
is received) and so does the receiving side, so the scope is the union over ``from_org`` and ``to_org``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from dangjian.access import scope
from dangjian.members.models import ChangeKind, Member, StatusChange
from dangjian.transfers import rules
from dangjian.transfers.models import MobileRegistration, Transfer, TransferKind, TransferStatus

_RELATED = ("member", "member__org", "from_org", "to_org", "issuing_org")


def side_q(user: Any, permission: str) -> Q | None:
    """Transfers whose sending or receiving branch lies in the user's scope for ``permission``; ``None`` means
    everywhere, ``Q(pk__in=[])`` nowhere."""
    s = scope.scope_for(user, permission)
    if s.everywhere:
        return None
    q = Q(pk__in=[])
    for field in ("from_org", "to_org"):
        for path in s.subtrees:
            q |= scope.subtree_q(f"{field}__path", path)
        if s.nodes:
            q |= Q(**{f"{field}__in": list(s.nodes)})
    return q


def transfer_list(*, user: Any, permission: str = "transfers.view") -> QuerySet[Transfer]:
    """The transfers the user may see through a grant, newest first."""
    qs = Transfer.objects.select_related(*_RELATED)
    if scope.is_admin(user):
        return qs.none()
    q = side_q(user, permission)
    return qs if q is None else qs.filter(q)


def transfer_own(*, user: Any) -> QuerySet[Transfer]:
    """The signed-in member's own transfers."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Transfer.objects.none()
    return Transfer.objects.select_related(*_RELATED).filter(member__user=user)


def transfer_visible(*, user: Any) -> QuerySet[Transfer]:
    """A transfer page: in scope through a grant, or one's own."""
    base = Transfer.objects.select_related(*_RELATED)
    if scope.is_admin(user) or not getattr(user, "is_authenticated", False):
        return base.none()
    q = side_q(user, "transfers.view")
    if q is None:
        return base
    return base.filter(q | Q(member__user=user))


def status_counts(qs: QuerySet[Transfer]) -> dict[str, int]:
    """How many transfers of ``qs`` are in each status (one grouped query)."""
    return {row["status"]: row["n"] for row in qs.order_by().values("status").annotate(n=Count("id"))}


@dataclass(frozen=True)
class Deadline:
    label: str
    due: dt.date
    overdue: bool


def deadline_of(transfer: Transfer, today: dt.date) -> Deadline | None:
    """The step the transfer waits for and its due date, if the step has one (letter validity while the
    member has not been received or reported; the 回执 afterwards)."""
    if transfer.status in (TransferStatus.ISSUED, TransferStatus.ACCEPTED) and transfer.expires_on:
        if transfer.kind in (TransferKind.NATIONAL, TransferKind.OUTSIDE):
            due = rules.external_receipt_due(transfer.expires_on)
            if transfer.expires_on >= today:
                return Deadline("介绍信有效期至", transfer.expires_on, False)
            return Deadline("回执应返回（最迟）", due, due < today)
        return Deadline("介绍信有效期至", transfer.expires_on, transfer.expires_on < today)
    if transfer.status == TransferStatus.REPORTED and transfer.receipt_due:
        return Deadline("回执应返回", transfer.receipt_due, transfer.receipt_due < today)
    return None


def mobile_list(*, user: Any, active_only: bool = False) -> QuerySet[MobileRegistration]:
    qs = scope.restrict(MobileRegistration.objects.select_related("member", "org"), user, "transfers.view")
    return qs.filter(ended_on__isnull=True) if active_only else qs


def mobile_visible(*, user: Any) -> QuerySet[MobileRegistration]:
    """A 流动党员 registration and its 活动证: in scope through a grant, or the member's own (the 三员 and the
    signed-out see none)."""
    base = MobileRegistration.objects.select_related("member", "org")
    if scope.is_admin(user) or not getattr(user, "is_authenticated", False) or not user.is_active:
        return base.none()
    return scope.restrict(base, user, "transfers.view") | base.filter(member__user=user)


def lost_contact_list(*, user: Any) -> QuerySet[Member]:
    """失联党员 in the user's scope (members still on the roll), oldest contact first."""
    qs = scope.restrict(Member.objects.select_related("org"), user, "transfers.view")
    return qs.filter(exit_kind="", lost_contact=True).order_by("lost_contact_on", "id")


def suspension_dates(member_ids: list[int]) -> dict[int, dt.date]:
    """The latest 停止党籍 date of each member (one query)."""
    out: dict[int, dt.date] = {}
    rows = (
        StatusChange.objects.filter(member_id__in=member_ids, kind=ChangeKind.SUSPENDED)
        .order_by("member_id", "effective_on")
        .values_list("member_id", "effective_on")
    )
    for member_id, day in rows:
        out[member_id] = day
    return out
