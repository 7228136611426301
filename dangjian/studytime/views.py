"""Pages of 学时: my study hours and time, the organisations' progress with who is behind, offline
training."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View

from dangjian.access import classify, scope
from dangjian.access.views import ScopedViewMixin
from dangjian.core import excel
from dangjian.core.errors import BusinessError
from dangjian.core.ratelimit import ratelimit
from dangjian.members.models import Member
from dangjian.orgs.models import Org
from dangjian.studytime import excel as studytime_excel
from dangjian.studytime import rules, selectors, services
from dangjian.studytime.forms import HoursRecordForm
from dangjian.studytime.models import StudyHours


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    today = timezone.localdate()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year else today.year


class MyHoursView(View):
    """我的学时: the year's 学时 against the requirement, the ledger and the last 30 days of study time."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        member = selectors.member_of(request.user)
        year, today = _year(request), timezone.localdate()
        context: dict[str, Any] = {
            "member": member,
            "year": year,
            "years": range(today.year, today.year - 5, -1),
        }
        if member is not None:
            context.update(
                mine=selectors.my_hours(member, year, today),
                rows=selectors.hours_rows(member, year),
                days=selectors.daily_minutes(member, today - dt.timedelta(days=29)),
                requirement=rules.REQUIRED_HOURS,
            )
        return render(request, "studytime/my_hours.html", context)


def _org_for(request: HttpRequest) -> Org:
    raw = request.GET.get("org")
    org = selectors.org_in_view(request.user, raw) if raw else selectors.default_org(request.user)
    if org is None:
        raise Http404("组织不存在或不在您的范围内")
    return org


class ProgressView(ScopedViewMixin, View):
    """学时进度: an organisation's children with members, behind and average 学时 (drill down), and its
    members behind schedule (or all), within the user's ``study.view`` scope."""

    permission = "study.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        if scope.is_admin(request.user):
            raise PermissionDenied("三员不查看业务数据")
        org = _org_for(request)
        year, today = _year(request), timezone.localdate()
        show_all = request.GET.get("all") == "1"
        members = selectors.members_progress(
            user=request.user, org=org, year=year, on=today, behind_only=not show_all
        )
        crumbs = [
            a for a in Org.objects.get_ancestors(org) if scope.org_in_scope(request.user, "study.view", a)
        ]
        context = {
            "org": org,
            "crumbs": crumbs,
            "year": year,
            "years": range(today.year, today.year - 5, -1),
            "show_all": show_all,
            "children": selectors.children_progress(user=request.user, org=org, year=year, on=today),
            "page_obj": Paginator(members, 50).get_page(request.GET.get("page")),
            "can_record": scope.org_in_scope(request.user, "study.manage", org)
            or scope.has_permission(request.user, "study.manage"),
            "expected_member": rules.expected_by(required=rules.REQUIRED_HOURS, on=today),
        }
        return render(request, "studytime/progress.html", context)


class ProgressExportView(ScopedViewMixin, View):
    """导出 Excel: the members of the organisation's subtree with their 学时 (audited, rate-limited)."""

    permission = "study.view"

    @method_decorator(ratelimit("export", methods=("GET",)))
    def get(self, request: HttpRequest) -> HttpResponse:
        if scope.is_admin(request.user):
            raise PermissionDenied("三员不查看业务数据")
        org = _org_for(request)
        year, today = _year(request), timezone.localdate()
        content = studytime_excel.progress_export(
            actor=request.user, org=org, year=year, on=today, behind_only=request.GET.get("all") != "1"
        )
        return excel.workbook_response(content, filename=f"学时进度_{org.short_name or org.name}_{year}.xlsx")


class HoursRecordView(ScopedViewMixin, View):
    """登记学时: offline concentrated study of one member (study.manage in the member's organisation)."""

    model = Member
    permission = "study.manage"

    def _render(self, request: HttpRequest, member: Member, form: HoursRecordForm) -> HttpResponse:
        today = timezone.localdate()
        context = {
            "member": member,
            "form": form,
            "mine": selectors.my_hours(member, today.year, today),
            "rows": selectors.hours_rows(member, today.year),
        }
        return render(request, "studytime/hours_record.html", context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        member = self.get_scoped_object(pk)
        return self._render(request, member, HoursRecordForm(initial={"on": timezone.localdate()}))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        member = self.get_scoped_object(pk)
        form = HoursRecordForm(request.POST)
        if form.is_valid():
            try:
                services.study_hours_record(actor=request.user, member=member, **form.cleaned_data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"已为{member.name}登记 {form.cleaned_data['hours']} 学时")
                return HttpResponseRedirect(reverse("studytime:hours_record", args=[member.pk]))
        return self._render(request, member, form)


class HoursRevokeView(ScopedViewMixin, View):
    """撤销 a manually recorded 学时 entry (POST; audited)."""

    model = StudyHours
    permission = "study.manage"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = self.get_scoped_object(pk)
        try:
            services.study_hours_revoke(actor=request.user, row=row)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已撤销该学时记录")
        return HttpResponseRedirect(reverse("studytime:hours_record", args=[row.member_id]))
