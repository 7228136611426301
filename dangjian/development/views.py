"""Pages of 发展党员: the pipeline board (per branch or committee, with drill-down), the roster and its Excel
export, one person's 25 steps with the next step's form, the 支部大会 votes, the 上级党委 approvals, records,
documents, and the committee's local practice."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from dangjian.access import scope
from dangjian.access.views import ScopedViewMixin
from dangjian.audit import services as audit
from dangjian.core.errors import BusinessError
from dangjian.development import excel, rules, selectors, services
from dangjian.development.forms import (
    ApproveForm,
    CloseForm,
    DevelopmentForm,
    DocumentForm,
    PracticeForm,
    RecordForm,
    StepForm,
    VoteForm,
)
from dangjian.development.models import Development, LocalPractice, Stage, Status
from dangjian.members.models import Member
from dangjian.orgs.models import Org
from dangjian.orgs.rules import BRANCH_KINDS


def _detail(pk: int, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("development:detail", args=[pk]) + anchor)


def _selected_org(request: HttpRequest, permission: str = "development.view") -> tuple[Org | None, Any]:
    orgs = selectors.org_choices(user=request.user, permission=permission)
    raw = request.GET.get("org") or ""
    if raw:
        pk = selectors.org_id(raw)
        org = orgs.filter(pk=pk).first() if pk is not None else None
        if org is None:
            raise Http404("党组织不在范围内")
        return org, orgs
    return orgs.first(), orgs


def _voters(dev: Development) -> Any:
    return (
        Member.objects.active()
        .filter(org=dev.org)
        .exclude(pk=dev.member_id or 0)
        .only("id", "name", "status")
        .order_by("name", "id")
    )


def _full_members(dev: Development) -> Any:
    return Member.objects.active().filter(org=dev.org).order_by("status", "name", "id")


class BoardView(ScopedViewMixin, View):
    """发展党员看板: how many at each stage per branch, who is overdue, what is due next."""

    model = Development
    permission = "development.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        org, orgs = _selected_org(request)
        today = timezone.localdate()
        context = {
            "org": org,
            "orgs": orgs,
            "board": selectors.board(user=request.user, org=org, today=today) if org else None,
            "can_manage": scope.has_permission(request.user, "development.manage"),
            "stage_labels": rules.STAGE_LABELS,
        }
        return render(request, "development/board.html", context)


class ListView(ScopedViewMixin, View):
    """The roster (花名册) of a subtree, filtered by stage and status; the drill-down of the board."""

    model = Development
    permission = "development.view"

    def filtered(self, request: HttpRequest) -> tuple[Org | None, Any, Any]:
        org, orgs = _selected_org(request)
        qs = selectors.development_list(user=request.user)
        if org is not None:
            qs = selectors.in_subtree(qs, org)
        stage = request.GET.get("stage", "")
        if stage in Stage.values:
            qs = qs.filter(stage=stage)
        status = request.GET.get("status", "open")
        if status in Status.values:
            qs = qs.filter(status=status)
        q = (request.GET.get("q") or "").strip()
        if q:
            qs = qs.filter(name__contains=q)
        return org, orgs, qs

    def get(self, request: HttpRequest) -> HttpResponse:
        org, orgs, qs = self.filtered(request)
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        context = {
            "org": org,
            "orgs": orgs,
            "page": page,
            "rows": selectors.roster(page.object_list),
            "stages": Stage.choices,
            "statuses": Status.choices,
            "stage": request.GET.get("stage", ""),
            "status": request.GET.get("status", "open"),
            "q": request.GET.get("q", ""),
            "query": request.GET.urlencode(),
            "can_manage": scope.has_permission(request.user, "development.manage"),
        }
        return render(request, "development/list.html", context)


class ExportView(ListView):
    """发展党员花名册 as Excel, with the filters of the list."""

    def get(self, request: HttpRequest) -> HttpResponse:
        org, _, qs = self.filtered(request)
        rows = selectors.roster(qs[:5000])
        audit.record(
            actor=request.user,
            action="development.roster.export",
            org_path=org.path if org else "",
            changes={
                "rows": len(rows),
                "stage": request.GET.get("stage", ""),
                "status": request.GET.get("status", ""),
            },
        )
        return excel.roster_response(org, rows)


class CreateView(ScopedViewMixin, View):
    """① 递交入党申请书: register an applicant."""

    model = Development
    permission = "development.manage"

    def _orgs(self) -> Any:
        return (
            scope.restrict(
                Org.objects.filter(kind__in=BRANCH_KINDS, is_active=True), self.request.user, self.permission
            )
            .exclude(kind="temporary_branch")
            .order_by("path")
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "development/form.html", {"form": DevelopmentForm(orgs=self._orgs())})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = DevelopmentForm(request.POST, orgs=self._orgs())
        if form.is_valid():
            try:
                dev = services.development_create(actor=request.user, **form.cleaned_data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"已登记{dev.name}的入党申请，请在一个月内派人谈话")
                return _detail(dev.pk)
        return render(request, "development/form.html", {"form": form})


class DetailView(ScopedViewMixin, View):
    """One person's process: the 25 steps by phase, deadlines, records, votes, documents, and the next
    step."""

    model = Development
    permission = "development.view"

    def base_queryset(self) -> Any:
        return Development.objects.select_related("org", "member")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.page(request, self.get_scoped_object(pk))

    def page(self, request: HttpRequest, dev: Development, status: int = 200, **forms: Any) -> HttpResponse:
        today = timezone.localdate()
        done = dict(dev.steps.values_list("number", "done_on"))
        upcoming = rules.next_step(done) if dev.is_open else None
        manage = scope.org_in_scope(request.user, "development.manage", dev.org)
        approve = scope.org_in_scope(request.user, "development.approve", dev.org)
        step_def = rules.STEP_BY_NUMBER.get(upcoming or 0)
        kind = ""
        if step_def is not None:
            if upcoming in (rules.ADMISSION_VOTE_STEP, rules.FULL_VOTE_STEP):
                kind = "vote"
            elif upcoming in (rules.ADMISSION_APPROVAL_STEP, rules.FULL_APPROVAL_STEP):
                kind = "approve"
            else:
                kind = "step"
        may_act = step_def is not None and (approve if step_def.by == rules.UPPER else manage)
        context = {
            "dev": dev,
            "phases": selectors.step_lines(dev),
            "due": selectors.deadlines_of(dev, today),
            "next": step_def,
            "next_kind": kind,
            "may_act": may_act,
            "can_manage": manage,
            "can_approve": approve,
            "step_form": forms.get("step_form")
            or (
                StepForm(
                    number=upcoming or 0, members=_full_members(dev), groups=services.branch_groups(dev.org)
                )
                if kind == "step"
                else None
            ),
            "approve_form": forms.get("approve_form") or ApproveForm(initial={"approved_on": today}),
            "record_form": forms.get("record_form") or RecordForm(initial={"on": today}),
            "document_form": forms.get("document_form") or DocumentForm(),
            "close_form": forms.get("close_form") or CloseForm(),
            "records": dev.records.all(),
            "votes": dev.votes.all(),
            "documents": dev.documents.select_related("file"),
            "mentors": dev.mentors.all(),
            "introducers": dev.introducers.all(),
            "probation_ends": dev.probation_ends,
            "party_years": rules.party_years(dev.full_on, today) if dev.full_on else None,
            "outcomes": rules.OUTCOME_LABELS,
        }
        return render(request, "development/detail.html", context, status=status)


class StepView(DetailView):
    """Record the next step; the service checks development.manage (the branch's steps) or
    development.approve (the 上级党委's)."""

    permission = "development.view"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        dev = self.get_scoped_object(pk)
        raw = request.POST.get("number") or ""
        number = int(raw) if raw.isdigit() and len(raw) <= 2 else 0
        if number not in services.GENERIC_STEPS:
            raise Http404("步骤无效")
        form = StepForm(
            request.POST, number=number, members=_full_members(dev), groups=services.branch_groups(dev.org)
        )
        if form.is_valid():
            try:
                step = services.step_record(
                    actor=request.user,
                    development=dev,
                    number=number,
                    done_on=form.cleaned_data["done_on"],
                    responsible=form.cleaned_data.get("responsible", ""),
                    note=form.cleaned_data.get("note", ""),
                    data=form.service_data(),
                )
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                for w in step.warnings:
                    messages.warning(request, w)
                messages.success(request, f"已登记：{step.step.label}")
                return _detail(dev.pk)
        return self.page(request, dev, status=400, step_form=form)


class VoteView(ScopedViewMixin, View):
    """⑮ ㉓ 支部大会表决: attendance and the counts; tallied by the meetings rules."""

    model = Development
    permission = "development.manage"

    def _context(self, dev: Development, form: VoteForm, result: Any = None) -> dict[str, Any]:
        number = rules.next_step(dict(dev.steps.values_list("number", "done_on")))
        return {
            "dev": dev,
            "form": form,
            "number": number,
            "step": rules.STEP_BY_NUMBER.get(number or 0),
            "exclusion_fields": [f for f in form if f.name.startswith("excluded_")],
            "result": result,
            "probation_ends": dev.probation_ends,
        }

    def _dev(self, pk: int) -> tuple[Development, bool]:
        dev = self.get_scoped_object(pk)
        number = rules.next_step(dict(dev.steps.values_list("number", "done_on")))
        if not dev.is_open or number not in (rules.ADMISSION_VOTE_STEP, rules.FULL_VOTE_STEP):
            messages.info(self.request, "现在不是支部大会表决的时候")
            raise _Redirect(_detail(dev.pk))
        return dev, number == rules.FULL_VOTE_STEP

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().dispatch(request, *args, **kwargs)
        except _Redirect as r:
            return r.response

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        dev, full = self._dev(pk)
        form = VoteForm(members=_voters(dev), full=full)
        return render(request, "development/vote.html", self._context(dev, form))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        dev, full = self._dev(pk)
        form = VoteForm(request.POST, members=_voters(dev), full=full)
        if form.is_valid():
            c = form.cleaned_data
            try:
                vote = services.vote_record(
                    actor=request.user,
                    development=dev,
                    held_on=c["held_on"],
                    present_ids=[m.pk for m in c["present"]],
                    yes=c["yes"],
                    no=c["no"] or 0,
                    abstain=c["abstain"] or 0,
                    excluded=form.excluded(),
                    outcome=c.get("outcome", ""),
                    extension_months=c.get("extension_months") or 0,
                    publicity_started_on=c.get("publicity_started_on"),
                    note=c.get("note", ""),
                )
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                if vote.passed:
                    messages.success(request, f"表决通过：{vote.explanation}")
                else:
                    messages.warning(request, f"表决未通过：{vote.explanation}")
                return _detail(dev.pk, "#votes")
        return render(request, "development/vote.html", self._context(dev, form), status=400)


class _Redirect(Exception):
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


class ApproveView(DetailView):
    """⑰ 上级党委审批接收预备党员 / ㉔ 审批转正."""

    permission = "development.approve"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        dev = self.get_scoped_object(pk)
        form = ApproveForm(request.POST)
        number = rules.next_step(dict(dev.steps.values_list("number", "done_on")))
        if form.is_valid():
            c = form.cleaned_data
            try:
                if number == rules.FULL_APPROVAL_STEP:
                    services.full_approve(
                        actor=request.user, development=dev, approved_on=c["approved_on"], note=c["note"]
                    )
                else:
                    services.admission_approve(
                        actor=request.user,
                        development=dev,
                        approved_on=c["approved_on"],
                        approved=c["approved"],
                        extension_reason=c["extension_reason"],
                        note=c["note"],
                    )
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已登记上级党委审批")
                return _detail(dev.pk)
        return self.page(request, dev, status=400, approve_form=form)


class RecordView(DetailView):
    permission = "development.manage"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        dev = self.get_scoped_object(pk)
        form = RecordForm(request.POST)
        if form.is_valid():
            try:
                services.record_add(actor=request.user, development=dev, **form.cleaned_data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已登记")
                return _detail(dev.pk, "#records")
        return self.page(request, dev, status=400, record_form=form)


class DocumentView(DetailView):
    permission = "development.manage"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        dev = self.get_scoped_object(pk)
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.document_add(
                    actor=request.user,
                    development=dev,
                    title=form.cleaned_data["title"],
                    step=form.cleaned_data["step"],
                    upload=form.cleaned_data["file"],
                )
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "材料已上传")
                return _detail(dev.pk, "#documents")
        return self.page(request, dev, status=400, document_form=form)


class CloseView(DetailView):
    permission = "development.manage"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        dev = self.get_scoped_object(pk)
        form = CloseForm(request.POST)
        if form.is_valid():
            try:
                services.development_close(
                    actor=request.user, development=dev, reason=form.cleaned_data["reason"]
                )
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已终止培养")
                return _detail(dev.pk)
        return self.page(request, dev, status=400, close_form=form)


class PracticeView(ScopedViewMixin, View):
    """本地规定: a committee's 公示 periods, 思想汇报 cadence … (DOMAIN.md §5 [C]), inherited below it."""

    model = LocalPractice
    permission = "development.manage"

    def _org(self, request: HttpRequest) -> tuple[Org | None, Any]:
        orgs = selectors.org_choices(user=request.user, permission=self.permission).exclude(
            kind__in=BRANCH_KINDS
        )
        raw = request.GET.get("org") or ""
        if raw:
            pk = selectors.org_id(raw)
            org = orgs.filter(pk=pk).first() if pk is not None else None
            if org is None:
                raise Http404("党组织不在范围内")
            return org, orgs
        return orgs.first(), orgs

    def _render(
        self, request: HttpRequest, org: Org | None, orgs: Any, form: Any, status: int = 200
    ) -> HttpResponse:
        practice = services.practice_for(org) if org else services.Practice()
        return render(
            request,
            "development/practice.html",
            {"org": org, "orgs": orgs, "form": form, "practice": practice},
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        org, orgs = self._org(request)
        practice = services.practice_for(org) if org else services.Practice()
        initial = {f: getattr(practice, f) for f in services.PRACTICE_FIELDS}
        return self._render(request, org, orgs, PracticeForm(initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        org, orgs = self._org(request)
        form = PracticeForm(request.POST)
        if org is None:
            form.add_error(None, "没有可以设定的党委")
        elif form.is_valid():
            try:
                services.practice_save(actor=request.user, org=org, **form.cleaned_data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"已保存{org.name}的发展党员本地规定")
                return HttpResponseRedirect(reverse("development:practice") + f"?org={org.pk}")
        return self._render(request, org, orgs, form, status=400)
