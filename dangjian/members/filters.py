"""One FilterSet per model, serving both the HTML list and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from dangjian.access import scope
from dangjian.core import crypto, idcard
from dangjian.members.choices import Category, Education, ExitKind, Gender, MemberStatus, Standing
from dangjian.members.models import Member
from dangjian.orgs.models import Org


def wants_off_roll(params: Any) -> bool:
    """Whether a list's query string asks for records off the roll too (含已出党, or the 已转出 filter);
    otherwise lists show only members on the roll."""
    yes = ("1", "true", "True")
    return params.get("include_exited") in yes or params.get("transferred_out") in yes


def roll_count(user: Any, params: Any) -> int | None:
    """The length of the member list ``params`` asks for, from the kept per-organisation counts, when the
    list is the roll of the user's scope (no filter, or only 党组织（含下级）); ``None`` otherwise."""
    from dangjian.members import headcount

    if wants_off_roll(params):
        return None
    used = {key for key in MemberFilter.base_filters if params.get(key) not in (None, "")}
    if not used:
        return headcount.on_roll_in_scope(user, "members.view")
    if used == {"org"}:
        value = str(params.get("org")).strip()
        under = Org.objects.filter(pk=int(value)).only("path").first() if value.isdigit() else None
        if under is not None:
            return headcount.on_roll_in_scope(user, "members.view", under=under)
    return None


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
    transferred_out = django_filters.BooleanFilter(label="已转出", method="filter_transferred_out")
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
            "transferred_out",
        ]

    def filter_q(self, queryset: QuerySet[Member], name: str, value: str) -> QuerySet[Member]:
        value = value.strip()
        return queryset.filter(member_search_q(value)) if value else queryset

    def filter_transferred_out(self, queryset: QuerySet[Member], name: str, value: Any) -> QuerySet[Member]:
        """已转出: records whose 组织关系 went out of the platform (off the roll, not 出党)."""
        if value is None:
            return queryset
        if value:
            return queryset.filter(exit_kind=ExitKind.TRANSFERRED_OUT)
        return queryset.exclude(exit_kind=ExitKind.TRANSFERRED_OUT)

    def filter_org(self, queryset: QuerySet[Member], name: str, value: Any) -> QuerySet[Member]:
        org = Org.objects.filter(pk=value).only("path").first()
        if org is None:
            return queryset.none()
        return queryset.filter(scope.subtree_q("org__path", org.path))
