"""One FilterSet per model, serving both the HTML list and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from dangjian.access import scope
from dangjian.core import crypto, idcard
from dangjian.members.choices import Category, Education, Gender, MemberStatus, Standing
from dangjian.members.models import Member
from dangjian.orgs.models import Org


def member_search_q(value: str) -> Q:
    """Search by name (part), or by a full identity number or phone through their blind indexes."""
    cond = Q(name__contains=value)
    number = idcard.normalize(value)
    if len(number) == 18:
        cond |= Q(id_number_index=crypto.blind_index(number, purpose="member.id_number"))
    if value.isdigit() and len(value) >= 7:
        cond |= Q(phone_index=crypto.blind_index(value, purpose="member.phone"))
    return cond


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名/身份证号/手机号", method="filter_q")
    org = django_filters.NumberFilter(label="党组织（含下级）", method="filter_org")
    status = django_filters.ChoiceFilter(label="党员类别", choices=MemberStatus.choices)
    standing = django_filters.ChoiceFilter(label="党籍状态", choices=Standing.choices)
    gender = django_filters.ChoiceFilter(label="性别", choices=Gender.choices)
    education = django_filters.ChoiceFilter(label="学历", choices=Education.choices)
    category = django_filters.ChoiceFilter(label="人员类别", choices=Category.choices)
    lost_contact = django_filters.BooleanFilter(label="失联党员")
    mobile = django_filters.BooleanFilter(label="流动党员")
    joined_after = django_filters.DateFilter(label="入党日期起", field_name="joined_on", lookup_expr="gte")
    joined_before = django_filters.DateFilter(label="入党日期止", field_name="joined_on", lookup_expr="lte")

    class Meta:
        model = Member
        fields = [
            "q",
            "org",
            "status",
            "standing",
            "gender",
            "education",
            "category",
            "lost_contact",
            "mobile",
        ]

    def filter_q(self, queryset: QuerySet[Member], name: str, value: str) -> QuerySet[Member]:
        value = value.strip()
        return queryset.filter(member_search_q(value)) if value else queryset

    def filter_org(self, queryset: QuerySet[Member], name: str, value: Any) -> QuerySet[Member]:
        org = Org.objects.filter(pk=value).only("path").first()
        if org is None:
            return queryset.none()
        return queryset.filter(scope.subtree_q("org__path", org.path))
