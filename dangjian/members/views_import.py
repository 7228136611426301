"""Pages for the roster in Excel: upload an import, watch its progress, read the row report; download the
import template; export the current list (same filters as the 党员名册)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View

from dangjian.access.views import ScopedViewMixin
from dangjian.core import excel
from dangjian.core.errors import BusinessError
from dangjian.core.models import Job
from dangjian.core.ratelimit import ratelimit
from dangjian.members import excel as member_excel
from dangjian.members import imports
from dangjian.members.filters import MemberFilter, wants_off_roll
from dangjian.members.models import Member, MemberQuerySet
from dangjian.orgs import selectors as org_selectors
from dangjian.orgs.rules import BRANCH_KINDS

# The report page lists at most this many row problems (the Job keeps up to imports.MAX_STORED_ERRORS).
SHOWN_ERRORS = 1000


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx，不超过 10 MB）",
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control",
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
    )
    dry_run = forms.BooleanField(
        label="仅校验，不写入（试导入）",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    skip_invalid = forms.BooleanField(
        label="有错误时只导入正确的行（默认：有任何错误则整个文件不导入）",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class _ImportJobView(ScopedViewMixin, View):
    model = Job
    permission = imports.PERMISSION

    def get_queryset(self) -> QuerySet[Job]:
        return imports.import_job_list(user=self.request.user)


class ImportCreateView(_ImportJobView):
    """导入党员: upload form, recent imports; POST runs the import (inline or queued) and shows its page."""

    def _page(self, form: ImportForm, status: int = 200) -> HttpResponse:
        return render(
            self.request,
            "members/import_create.html",
            {
                "form": form,
                "jobs": self.get_queryset().order_by("-created_at", "-id")[:10],
                "required": [c.header for c in member_excel.COLUMNS if c.required],
                "headers": member_excel.HEADERS,
            },
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(ImportForm())

    @method_decorator(ratelimit("upload"))
    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._page(form, status=400)
        try:
            job = imports.import_job_submit(
                actor=request.user,
                upload=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
                skip_invalid=form.cleaned_data["skip_invalid"],
            )
        except BusinessError as exc:
            form.add_error("file", exc.message)
            return self._page(form, status=400)
        return HttpResponseRedirect(reverse("members:import_detail", args=[job.pk]))


def _job_context(job: Job) -> dict[str, Any]:
    result = job.result or {}
    errors = result.get("errors") or []
    outcome = result.get("outcome", "")
    level = ("warning" if errors else "success") if outcome in ("committed", "dry_run") else "danger"
    return {
        "level": level,
        "job": job,
        "report": result,
        "errors": errors[:SHOWN_ERRORS],
        "errors_hidden": max(len(errors) - SHOWN_ERRORS, 0) + (1 if result.get("errors_truncated") else 0),
    }


class ImportDetailView(_ImportJobView):
    """One import: progress while it runs (polled fragment), then the row report."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = self.get_scoped_object(pk)
        return render(request, "members/import_detail.html", _job_context(job))


class ImportProgressView(_ImportJobView):
    """The progress fragment (HTMX, polled every second until the job finishes; then the report)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = self.get_scoped_object(pk)
        return render(request, "members/import_progress.html", _job_context(job))


class ImportTemplateView(ScopedViewMixin, View):
    """下载导入模板: the headers, one example row (naming a branch the user may import into), instructions."""

    permission = imports.PERMISSION

    def get(self, request: HttpRequest) -> HttpResponse:
        branches = org_selectors.org_choices_for(request.user, imports.PERMISSION, kinds=set(BRANCH_KINDS))
        branch = next(iter(branches), None)
        example_branch = branch.name if branch else "中共××公司第一支部委员会"
        content = member_excel.template_workbook(branch_name=example_branch)
        return excel.workbook_response(content, filename="党员信息采集表_导入模板.xlsx")


class MemberExportView(ScopedViewMixin, View):
    """导出 Excel: the 党员名册 with its current filters, in the import layout. ``full=1`` asks for full
    identity numbers and phones (needs members.view_sensitive over all of them); every export is audited."""

    model = Member
    permission = "members.export"

    def base_queryset(self) -> QuerySet[Member]:
        return Member.objects.select_related("org")

    @method_decorator(ratelimit("export", methods=("GET",)))
    def get(self, request: HttpRequest) -> HttpResponse:
        qs = cast(MemberQuerySet, self.get_queryset())
        if not wants_off_roll(request.GET):
            qs = qs.active()
        params = request.GET.copy()
        params.pop("full", None)
        params.pop("page", None)
        filterset = MemberFilter(params or None, queryset=qs)
        members = filterset.qs.order_by("org__path", "name", "id")
        unmasked = request.GET.get("full") == "1"
        today = dt.date.today()
        try:
            content, _ = member_excel.member_export(actor=request.user, members=members, unmasked=unmasked)
        except BusinessError as exc:
            raise PermissionDenied(exc.message) from exc
        return excel.workbook_response(content, filename=f"党员名册_{today:%Y%m%d}.xlsx")
