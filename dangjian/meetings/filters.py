"""Filters of 组织生活, shared by the pages and the API. They narrow an already-scoped queryset."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from dangjian.access import scope
from dangjian.meetings.models import Meeting, MeetingKind, MeetingStatus
from dangjian.orgs.models import Org


class MeetingFilter(django_filters.FilterSet):  # type: ignore[misc]
    org = django_filters.NumberFilter(label="党组织（含下级）", method="filter_org")
    kind = django_filters.ChoiceFilter(label="会议类型", choices=MeetingKind.choices)
    status = django_filters.ChoiceFilter(label="状态", choices=MeetingStatus.choices)
    planned_after = django_filters.DateFilter(label="计划日期起", field_name="planned_on", lookup_expr="gte")
    planned_before = django_filters.DateFilter(label="计划日期止", field_name="planned_on", lookup_expr="lte")

    class Meta:
        model = Meeting
        fields = ["org", "kind", "status", "planned_after", "planned_before"]

    def filter_org(self, queryset: QuerySet[Meeting], name: str, value: Any) -> QuerySet[Meeting]:
        org = Org.objects.filter(pk=value).only("path").first()
        if org is None:
            return queryset.none()
        return queryset.filter(scope.subtree_q("org__path", org.path))
