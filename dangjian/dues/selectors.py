"""Reads of 党费, always scoped: bills, payments, 少交/免交, fixings, statistics, a member's own page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from dangjian.access import scope
from dangjian.dues import rules
from dangjian.dues.models import (
    BillStatus,
    DuesBill,
    DuesCampaign,
    DuesFixing,
    DuesPayment,
    DuesProfile,
    DuesPublication,
    DuesReconciliation,
    DuesReduction,
    FixingStatus,
    PaymentStatus,
    ReductionStatus,
    SalaryItem,
)
from dangjian.members.models import Member
from dangjian.orgs.models import Org
from dangjian.orgs.rules import BRANCH_KINDS


def member_of(user: Any) -> Member | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.select_related("org").filter(user=user).first()


def org_list(*, user: Any, permission: str = "dues.view") -> QuerySet[Org]:
    """Active organisations in scope (not 党小组), in tree order."""
    return scope.restrict(
        Org.objects.filter(is_active=True).exclude(kind="group"), user, permission
    ).order_by("path")


def branch_list(*, user: Any, permission: str = "dues.view", under: Org | None = None) -> QuerySet[Org]:
    qs = scope.restrict(Org.objects.filter(kind__in=BRANCH_KINDS, is_active=True), user, permission)
    if under is not None:
        qs = qs.filter(scope.subtree_q("path", under.path))
    return qs.order_by("path")


def bill_list(*, user: Any, permission: str = "dues.view") -> QuerySet[DuesBill]:
    return scope.restrict(DuesBill.objects.select_related("member", "org"), user, permission).order_by(
        "-month", "org__path", "member__name", "id"
    )


def payment_list(*, user: Any, permission: str = "dues.view") -> QuerySet[DuesPayment]:
    return scope.restrict(
        DuesPayment.objects.select_related("member", "org", "campaign"), user, permission
    ).order_by("-created_at", "-id")


def reduction_list(*, user: Any, permission: str = "dues.view") -> QuerySet[DuesReduction]:
    return scope.restrict(DuesReduction.objects.select_related("member", "org"), user, permission).order_by(
        "-created_at", "-id"
    )


def reductions_to_decide(*, user: Any) -> QuerySet[DuesReduction]:
    """Requests the user decides as the level above: studied, of branches strictly below a ``dues.approve``
    grant."""
    s = scope.scope_for(user, "dues.approve")
    if not s.has_grant:
        return DuesReduction.objects.none()
    qs = DuesReduction.objects.select_related("member", "org").filter(status=ReductionStatus.STUDIED)
    if s.everywhere:
        return qs.order_by("created_at")
    q = Q()
    for path in s.subtrees:
        q |= Q(org__path__startswith=path) & ~Q(org__path=path)
    if not q:
        return DuesReduction.objects.none()  # a grant on a node alone covers no branch below it
    return qs.filter(q).order_by("created_at")


def campaign_list(*, user: Any) -> QuerySet[DuesCampaign]:
    return scope.restrict(DuesCampaign.objects.select_related("org"), user, "dues.view").order_by(
        "-starts_on"
    )


def campaigns_open_for(member: Member, today: dt.date) -> list[DuesCampaign]:
    """Open campaigns of the organisations above the member's branch."""
    path = member.org.path
    ancestors = [path[:i] for i in range(4, len(path), 4)]
    return list(
        DuesCampaign.objects.filter(
            org__path__in=ancestors, starts_on__lte=today, ends_on__gte=today
        ).select_related("org")
    )


def publications_for(member: Member) -> list[DuesPublication]:
    path = member.org.path
    ancestors = [path[:i] for i in range(4, len(path) + 1, 4)]
    return list(
        DuesPublication.objects.filter(org__path__in=ancestors).select_related("org").order_by("-year")
    )


def profile_of(member: Member) -> DuesProfile | None:
    return DuesProfile.objects.filter(member=member).first()


def items_of(member: Member) -> list[SalaryItem]:
    return list(SalaryItem.objects.filter(member=member))


def current_fixing(member: Member) -> DuesFixing | None:
    return DuesFixing.objects.filter(member=member, status=FixingStatus.CONFIRMED).first()


def proposed_fixing(member: Member) -> DuesFixing | None:
    return DuesFixing.objects.filter(member=member, status=FixingStatus.PROPOSED).first()


@dataclass
class MyDues:
    member: Member
    fixing: DuesFixing | None
    unpaid: list[DuesBill]
    owed: Decimal
    bills: list[DuesBill]
    payments: list[DuesPayment]
    reductions: list[DuesReduction]


def my_dues(member: Member) -> MyDues:
    """A member's own page: the amount fixed, what is owed, the history."""
    bills = list(DuesBill.objects.filter(member=member).order_by("-month")[:36])
    unpaid = list(DuesBill.objects.filter(member=member, status=BillStatus.UNPAID).order_by("month"))
    return MyDues(
        member=member,
        fixing=current_fixing(member),
        unpaid=unpaid,
        owed=sum((b.amount for b in unpaid), Decimal("0")),
        bills=bills,
        payments=list(
            DuesPayment.objects.filter(member=member).select_related("campaign").order_by("-created_at")[:50]
        ),
        reductions=list(DuesReduction.objects.filter(member=member).order_by("-created_at")[:10]),
    )


@dataclass
class OrgStats:
    org: Org
    members: int
    fixed: int
    billed: int
    billed_amount: Decimal
    paid: int
    paid_amount: Decimal
    exempt: int
    unpaid: int
    unpaid_amount: Decimal
    pending_payments: int

    @property
    def rate(self) -> int:
        due = self.billed - self.exempt
        return round(100 * self.paid / due) if due else 100


def stats(orgs: list[Org], month: dt.date) -> list[OrgStats]:
    """Per organisation (its whole subtree): members, fixed, bills of ``month`` by status, payments waiting.
    One grouped query per measure over the listed subtrees' branches (no query per organisation)."""
    if not orgs:
        return []
    q = Q()
    for o in orgs:
        q |= Q(org__path__startswith=o.path)
    by_branch_bills: dict[str, dict[str, Any]] = {}
    for r in (
        DuesBill.objects.filter(q, month=month)
        .values("org__path", "status")
        .annotate(n=Count("id"), s=Sum("amount"))
    ):
        by_branch_bills.setdefault(r["org__path"], {})[r["status"]] = r
    members = dict(
        Member.objects.active()
        .filter(q)
        .values("org__path")
        .annotate(n=Count("id"))
        .values_list("org__path", "n")
    )
    fixed = dict(
        DuesFixing.objects.filter(status=FixingStatus.CONFIRMED, member__exit_kind="")
        .filter(_member_q(orgs))
        .values("member__org__path")
        .annotate(n=Count("id"))
        .values_list("member__org__path", "n")
    )
    pending = dict(
        DuesPayment.objects.filter(q, status__in=(PaymentStatus.PENDING, PaymentStatus.AWAITING_APPROVAL))
        .values("org__path")
        .annotate(n=Count("id"))
        .values_list("org__path", "n")
    )
    out = []
    zero = Decimal("0")
    for o in orgs:

        def under(d: dict[str, Any], o: Org = o) -> list[Any]:
            return [v for k, v in d.items() if k.startswith(o.path)]

        def n(status: str, o: Org = o) -> int:
            return sum(int(d.get(status, {}).get("n") or 0) for d in under(by_branch_bills, o))

        def s(status: str, o: Org = o) -> Decimal:
            return sum((Decimal(d.get(status, {}).get("s") or 0) for d in under(by_branch_bills, o)), zero)

        out.append(
            OrgStats(
                org=o,
                members=sum(under(members)),
                fixed=sum(under(fixed)),
                billed=sum(n(x) for x in BillStatus.values),
                billed_amount=sum((s(x) for x in BillStatus.values), zero),
                paid=n(BillStatus.PAID),
                paid_amount=s(BillStatus.PAID),
                exempt=n(BillStatus.EXEMPT),
                unpaid=n(BillStatus.UNPAID),
                unpaid_amount=s(BillStatus.UNPAID),
                pending_payments=sum(under(pending)),
            )
        )
    return out


def _member_q(orgs: list[Org]) -> Q:
    q = Q()
    for o in orgs:
        q |= Q(member__org__path__startswith=o.path)
    return q


def reconciliation_of(org: Org, month: dt.date) -> DuesReconciliation | None:
    return DuesReconciliation.objects.filter(org=org, month=month).first()


def latest_month(today: dt.date) -> dt.date:
    return rules.month_start(today)
