"""The transfer register's filters, serving both the 台账 page and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import Min, Q, QuerySet

from dangjian.access import scope
from dangjian.orgs.models import Org
from dangjian.orgs.rules import add_months
from dangjian.transfers.models import OPEN_STATUSES, Transfer, TransferKind, TransferStatus
from dangjian.transfers.rules import RECEIPT_MONTHS

TEXT = {"class": "form-control form-control-sm"}
SELECT = {"class": "form-select form-select-sm"}
DATE = {"type": "date", "class": "form-control form-control-sm"}


def org_choices(user: Any) -> list[tuple[int, str]]:
    """The organisations of the user's transfer scope, three levels deep (deeper ones by the tree)."""
    orgs = scope.restrict(Org.objects.filter(is_active=True).exclude(kind="group"), user, "transfers.view")
    top = orgs.aggregate(m=Min("depth"))["m"] or 1
    shown = orgs.filter(depth__lte=top + 2).order_by("path").only("pk", "depth", "name", "short_name")[:500]
    return [(o.pk, "　" * (o.depth - top) + o.label) for o in shown]


def overdue_q(today: dt.date) -> Q:
    """Transfers with a step past its deadline: an unreported letter past its validity (within the
    platform), an external letter whose 回执 is more than a month past the letter's validity, a 回执
    past its due date."""
    waiting = (TransferStatus.ISSUED, TransferStatus.ACCEPTED)
    external = (TransferKind.NATIONAL, TransferKind.OUTSIDE)
    return (
        Q(status__in=waiting, expires_on__lt=today, kind=TransferKind.INTERNAL)
        | Q(status__in=waiting, kind__in=external, expires_on__lt=add_months(today, -RECEIPT_MONTHS))
        | Q(status=TransferStatus.REPORTED, receipt_due__lt=today)
    )


def _side(user: Any, field: str) -> Q | None:
    s = scope.scope_for(user, "transfers.view")
    if s.everywhere:
        return None
    q = Q(pk__in=[])
    for path in s.subtrees:
        q |= scope.subtree_q(f"{field}__path", path)
    if s.nodes:
        q |= Q(**{f"{field}__in": list(s.nodes)})
    return q


class TransferFilter(django_filters.FilterSet):  # type: ignore[misc]
    q = django_filters.CharFilter(label="姓名或编号", method="filter_q", widget=forms.TextInput(attrs=TEXT))
    direction = django_filters.ChoiceFilter(
        label="方向",
        choices=[("out", "转出"), ("in", "转入")],
        method="filter_direction",
        empty_label="全部",
        widget=forms.Select(attrs=SELECT),
    )
    org = django_filters.ChoiceFilter(
        label="党组织（含下级）", method="filter_org", empty_label="全部", widget=forms.Select(attrs=SELECT)
    )
    kind = django_filters.ChoiceFilter(
        label="类型", choices=TransferKind.choices, empty_label="全部", widget=forms.Select(attrs=SELECT)
    )
    status = django_filters.ChoiceFilter(
        label="状态",
        choices=[("open", "办理中"), *TransferStatus.choices],
        method="filter_status",
        empty_label="全部",
        widget=forms.Select(attrs=SELECT),
    )
    overdue = django_filters.BooleanFilter(
        label="仅超期",
        method="filter_overdue",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    start = django_filters.DateFilter(
        label="申请日期起", field_name="requested_on", lookup_expr="gte", widget=forms.DateInput(attrs=DATE)
    )
    end = django_filters.DateFilter(
        label="申请日期止", field_name="requested_on", lookup_expr="lte", widget=forms.DateInput(attrs=DATE)
    )

    class Meta:
        model = Transfer
        fields = ["q", "direction", "org", "kind", "status", "overdue", "start", "end"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        self.filters["org"].extra["choices"] = org_choices(user) if user is not None else []

    def filter_org(self, queryset: QuerySet[Transfer], name: str, value: str) -> QuerySet[Transfer]:
        """Transfers out of or into the organisation's subtree (either side)."""
        org = Org.objects.filter(pk=value).only("path").first() if str(value).isdigit() else None
        if org is None:
            return queryset.none()
        return queryset.filter(
            scope.subtree_q("from_org__path", org.path) | scope.subtree_q("to_org__path", org.path)
        )

    def filter_q(self, queryset: QuerySet[Transfer], name: str, value: str) -> QuerySet[Transfer]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(member__name__contains=value) | Q(letter_number__contains=value) | Q(system_ref__contains=value)
        )

    def filter_direction(self, queryset: QuerySet[Transfer], name: str, value: str) -> QuerySet[Transfer]:
        """转出: the sending branch is in the user's scope; 转入: the receiving one is."""
        user = getattr(self.request, "user", None)
        q = _side(user, "from_org" if value == "out" else "to_org")
        return queryset if q is None else queryset.filter(q)

    def filter_status(self, queryset: QuerySet[Transfer], name: str, value: str) -> QuerySet[Transfer]:
        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)

    def filter_overdue(
        self, queryset: QuerySet[Transfer], name: str, value: bool | None
    ) -> QuerySet[Transfer]:
        return queryset.filter(overdue_q(dt.date.today())) if value else queryset
