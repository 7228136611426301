"""One FilterSet per model, serving the HTML pages and the API alike."""

from __future__ import annotations

from typing import Any

import django_filters

from dangjian.access import scope
from dangjian.orgs.models import Org


class OrgFilter(django_filters.FilterSet):
    kind = django_filters.CharFilter()
    is_active = django_filters.BooleanFilter()
    under = django_filters.NumberFilter(label="某组织的下级（含自身）", method="filter_under")
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains")

    class Meta:
        model = Org
        fields = ["kind", "is_active", "under", "q"]

    def filter_under(self, queryset: Any, name: str, value: int) -> Any:
        org = Org.objects.filter(pk=value).first()
        return queryset.filter(scope.subtree_q("path", org.path)) if org else queryset.none()
