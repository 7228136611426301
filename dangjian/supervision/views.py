"""Pages of 党风廉政监督: the board, warnings and their rules, the scan, rectification tasks, responsibility
lists and the integrity-education column. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from dangjian.access import classify, scope
from dangjian.access.views import ScopedListView, ScopedViewMixin
from dangjian.core.errors import BusinessError
from dangjian.core.models import Job
from dangjian.orgs.models import Org
from dangjian.orgs.selectors import org_choices_for
from dangjian.study.models import Topic
from dangjian.supervision import excel, registry, rules, selectors, services
from dangjian.supervision.forms import (
    CheckForm,
    DutyForm,
    DutyRecordForm,
    IntegrityAddForm,
    ReportForm,
    RuleForm,
    TaskForm,
    WarningTaskForm,
)
from dangjian.supervision.models import (
    IntegrityKind,
    IntegrityTopic,
    Rectification,
    RectStatus,
    ResponsibilityItem,
    ScanRun,
    Severity,
    Warning,
    WarningRule,
    WarningStatus,
)

VIEW, RECTIFY, MANAGE = "supervision.view", "supervision.rectify", "supervision.manage"
_NOT_GROUPS = {
    "committee",
    "general_branch",
    "branch",
    "joint_branch",
    "temporary_committee",
    "temporary_general_branch",
    "temporary_branch",
}


def _board_org(request: HttpRequest) -> Org:
    raw = request.GET.get("org")
    org = selectors.org_in_view(request.user, raw) if raw else selectors.default_org(request.user)
    if org is None:
        raise Http404("组织不存在或不在权限范围内")
    return org


# --------------------------------------------------------------------------------------------------------
# 监督工作看板


class BoardView(ScopedViewMixin, View):
    """监督工作看板: the subtree of one organisation at a glance, with drill-down to its children."""

    model = Warning
    permission = VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        org = _board_org(request)
        b = selectors.board(user=request.user, org=org, today=timezone.localdate())
        sev_labels = dict(Severity.choices)
        charts = {
            "rules": {
                "categories": [r.title for r in b.by_rule],
                "series": [
                    {"name": sev_labels[s], "data": [r.by_severity[s] for r in b.by_rule]}
                    for s in Severity.values
                ]
                + [{"name": "数据缺失", "data": [r.missing for r in b.by_rule]}],
            },
            "tasks": [
                {"name": "整改中", "value": b.total.tasks_open - b.total.overdue},
                {"name": "已逾期", "value": b.total.overdue},
                {"name": "已销号", "value": b.total.tasks_closed},
            ],
            "children": {
                "categories": [c.org.label if c.org else "" for c in b.children],
                "warnings": [c.warnings_total for c in b.children],
                "overdue": [c.overdue for c in b.children],
            },
        }
        return render(
            request,
            "supervision/board.html",
            {
                "board": b,
                "org": org,
                "crumbs": selectors.breadcrumbs(request.user, org),
                "charts": charts,
                "can_manage": scope.org_in_scope(request.user, MANAGE, org),
                "last_scan": ScanRun.objects.filter(finished_at__isnull=False).first(),
            },
        )


class BoardExportView(ScopedViewMixin, View):
    model = Warning
    permission = VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        org = _board_org(request)
        b = selectors.board(user=request.user, org=org, today=timezone.localdate())
        return excel.board_response(actor=request.user, board=b)


# --------------------------------------------------------------------------------------------------------
# 预警


class WarningListView(ScopedListView):
    model = Warning
    permission = VIEW
    template_name = "supervision/warning_list.html"
    context_object_name = "warnings"

    def get_queryset(self) -> Any:
        qs = selectors.warning_list(user=self.request.user)
        g = self.request.GET
        status = g.get("status", "open")
        if status in WarningStatus.values:
            qs = qs.filter(status=status)
        if g.get("severity") in Severity.values:
            qs = qs.filter(severity=g["severity"], missing=False)
        if g.get("severity") == "missing":
            qs = qs.filter(missing=True)
        if g.get("rule"):
            qs = qs.filter(rule__code=g["rule"])
        if g.get("org"):
            org = selectors.org_in_view(self.request.user, g["org"])
            if org is not None:
                qs = qs.filter(scope.subtree_q("org__path", org.path))
        return qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        page = list(ctx["warnings"])
        tasks = selectors.open_tasks_for(page)
        for w in page:
            w.open_task = tasks.get(w.pk)
        ctx["warnings"] = page
        ctx["rules"] = selectors.rule_list()
        ctx["severities"] = Severity.choices
        ctx["filters"] = self.request.GET
        ctx["can_manage"] = scope.has_permission(self.request.user, MANAGE)
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["query"] = query.urlencode()
        return ctx


class WarningDetailView(ScopedViewMixin, View):
    model = Warning
    permission = VIEW

    def base_queryset(self) -> Any:
        return Warning.objects.select_related("rule", "org", "member", "owner")

    def get(self, request: HttpRequest, pk: int, form: WarningTaskForm | None = None) -> HttpResponse:
        warning = self.get_scoped_object(pk)
        task = selectors.open_tasks_for([warning]).get(warning.pk)
        spec = registry.all_rules().get(warning.rule.code)
        return render(
            request,
            "supervision/warning_detail.html",
            {
                "w": warning,
                "task": task,
                "all_tasks": Rectification.objects.filter(warning=warning).order_by("-created_at"),
                "form": form or WarningTaskForm(),
                "can_task": services.supervisor_for(request.user, warning.org) is not None,
                "params": [
                    (spec.param_labels.get(k, k), v) for k, v in services.params_of(warning.rule).items()
                ]
                if spec
                else [],
            },
        )


class WarningTaskView(ScopedViewMixin, View):
    """转为督办 (POST)."""

    model = Warning
    permission = MANAGE

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        warning = self.get_scoped_object(pk)
        form = WarningTaskForm(request.POST)
        if form.is_valid():
            try:
                task = services.warning_to_task(actor=request.user, warning=warning, **form.cleaned_data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已转为督办整改任务")
                return HttpResponseRedirect(reverse("supervision:task_detail", args=[task.pk]))
        return WarningDetailView(request=request).get(request, pk, form=form)


class ScanStartView(ScopedViewMixin, View):
    """立即扫描 (POST): a background job with a progress bar."""

    model = Warning
    permission = MANAGE

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            job = services.scan_request(actor=request.user)
        except BusinessError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("supervision:warning_list"))
        return HttpResponseRedirect(reverse("supervision:scan_job", args=[job.pk]))


class ScanJobView(ScopedViewMixin, View):
    model = Job
    permission = MANAGE

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = get_object_or_404(
            scope.restrict(Job.objects.all(), request.user, MANAGE), pk=pk, kind=services.SCAN_JOB_KIND
        )
        template = (
            "supervision/_scan_progress.html"
            if request.headers.get("HX-Request")
            else "supervision/scan_job.html"
        )
        return render(request, template, {"job": job})


class RuleListView(ScopedViewMixin, View):
    model = Warning
    permission = VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        declared = registry.all_rules()
        rows = [
            (r, [(declared[r.code].param_labels.get(k, k), v) for k, v in services.params_of(r).items()])
            for r in selectors.rules_view()
        ]
        return render(
            request,
            "supervision/rule_list.html",
            {
                "rows": rows,
                "can_edit": services.manages_rules(request.user),
                "runs": ScanRun.objects.all()[:5],
                "can_scan": scope.has_permission(request.user, MANAGE),
            },
        )


class RuleEditView(ScopedViewMixin, View):
    model = Warning
    permission = MANAGE

    def _rule(self, code: str) -> tuple[WarningRule, Any]:
        if not services.manages_rules(self.request.user):
            raise PermissionDenied("预警规则为全平台配置")
        rule = selectors.rule_get(code)
        spec = registry.all_rules().get(code)
        if rule is None or spec is None:
            raise Http404
        return rule, spec

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        rule, spec = self._rule(code)
        form = RuleForm(
            spec=spec,
            current=services.params_of(rule),
            initial={"enabled": rule.enabled, "severity": rule.severity},
        )
        return render(request, "supervision/rule_edit.html", {"rule": rule, "form": form})

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        rule, spec = self._rule(code)
        form = RuleForm(request.POST, spec=spec, current=services.params_of(rule))
        if form.is_valid():
            try:
                services.rule_update(
                    actor=request.user,
                    rule=rule,
                    enabled=form.cleaned_data["enabled"],
                    severity=form.cleaned_data["severity"],
                    params=form.params(),
                )
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "规则已保存，下次扫描时生效")
                return HttpResponseRedirect(reverse("supervision:rule_list"))
        return render(request, "supervision/rule_edit.html", {"rule": rule, "form": form})


# --------------------------------------------------------------------------------------------------------
# 督办整改


class TaskListView(ScopedListView):
    model = Rectification
    permission = VIEW
    template_name = "supervision/task_list.html"
    context_object_name = "tasks"

    def get_queryset(self) -> Any:
        qs = selectors.rectification_list(user=self.request.user)
        state = self.request.GET.get("state", "open")
        today = timezone.localdate()
        if state == "open":
            qs = qs.exclude(status=RectStatus.ACCEPTED)
        elif state == "overdue":
            qs = qs.filter(selectors.overdue_q(today))
        elif state in RectStatus.values:
            qs = qs.filter(status=state)
        return qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["state"] = self.request.GET.get("state", "open")
        ctx["states"] = [("open", "未销号"), ("overdue", "已逾期"), *RectStatus.choices, ("all", "全部")]
        ctx["today"] = timezone.localdate()
        ctx["can_manage"] = scope.has_permission(self.request.user, MANAGE)
        return ctx


class TaskCreateView(ScopedViewMixin, View):
    """交办 a task from a letter, a 随手拍 or an inspection."""

    model = Rectification
    permission = MANAGE

    def _form(self, data: Any = None) -> TaskForm:
        return TaskForm(data, orgs=org_choices_for(self.request.user, MANAGE, kinds=_NOT_GROUPS))

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "supervision/task_form.html", {"form": self._form()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            org = selectors.org_in_view(request.user, data.pop("org"))
            try:
                if org is None:
                    raise BusinessError("supervision.out_of_scope", "组织不在权限范围内")
                task = services.rectification_create(actor=request.user, org=org, **data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "督办任务已交办")
                return HttpResponseRedirect(reverse("supervision:task_detail", args=[task.pk]))
        return render(request, "supervision/task_form.html", {"form": form})


class TaskDetailView(ScopedViewMixin, View):
    model = Rectification
    permission = VIEW

    def base_queryset(self) -> Any:
        return Rectification.objects.select_related(
            "org", "supervisor", "responsible", "escalated_to", "warning"
        )

    def get(
        self, request: HttpRequest, pk: int, report: ReportForm | None = None, check: CheckForm | None = None
    ) -> HttpResponse:
        task = self.get_scoped_object(pk)
        today = timezone.localdate()
        return render(
            request,
            "supervision/task_detail.html",
            {
                "task": task,
                "steps": task.steps.select_related("actor", "file").all(),
                "report_form": report or ReportForm(),
                "check_form": check or CheckForm(),
                "can_report": services.may_rectify(request.user, task)
                and task.status != RectStatus.SUBMITTED
                and task.is_open,
                "can_check": services.may_check(request.user, task) and task.status == RectStatus.SUBMITTED,
                "overdue": rules.is_overdue(status=task.status, deadline=task.deadline, today=today),
                "source_link": _source_link(request.user, task),
            },
        )


def _source_link(user: Any, task: Rectification) -> str:
    """The letter or case a task was turned from, for its designated handlers only (anyone else sees the
    kind and number: nothing about the writer is ever shown on a task)."""
    if task.source_id is None:
        return ""
    from dangjian.mailbox.selectors import rectification_source

    source = rectification_source(user=user, source_type=task.source_kind, source_id=task.source_id)
    return source.link if source is not None else ""


class TaskReportView(ScopedViewMixin, View):
    model = Rectification
    permission = RECTIFY

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        task = self.get_scoped_object(pk, VIEW)
        form = ReportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.rectification_report(
                    actor=request.user,
                    task=task,
                    note=form.cleaned_data["note"],
                    upload=form.cleaned_data["file"],
                    submit=form.cleaned_data["submit"],
                )
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已提交验收" if form.cleaned_data["submit"] else "整改进展已报告")
                return HttpResponseRedirect(reverse("supervision:task_detail", args=[task.pk]))
        return TaskDetailView(request=request).get(request, pk, report=form)


class TaskCheckView(ScopedViewMixin, View):
    model = Rectification
    permission = MANAGE

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        task = self.get_scoped_object(pk, VIEW)
        form = CheckForm(request.POST)
        if form.is_valid():
            accept = form.cleaned_data["decision"] == "accept"
            try:
                services.rectification_check(
                    actor=request.user, task=task, accept=accept, note=form.cleaned_data["note"]
                )
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已验收销号" if accept else "已退回重改")
                return HttpResponseRedirect(reverse("supervision:task_detail", args=[task.pk]))
        return TaskDetailView(request=request).get(request, pk, check=form)


# --------------------------------------------------------------------------------------------------------
# 监督责任清单


class DutyListView(ScopedViewMixin, View):
    model = ResponsibilityItem
    permission = VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        org = _board_org(request)
        today = timezone.localdate()
        try:
            year = int(request.GET.get("year") or today.year)
        except ValueError:
            year = today.year
        items = list(
            selectors.responsibility_list(user=request.user).filter(
                scope.subtree_q("org__path", org.path), year=year, is_active=True
            )[:500]
        )
        rows = selectors.duty_rows(items, today)
        return render(
            request,
            "supervision/duty_list.html",
            {
                "org": org,
                "year": year,
                "rows": rows,
                "years": range(today.year - 2, today.year + 2),
                "crumbs": selectors.breadcrumbs(request.user, org),
                "can_manage": scope.has_permission(request.user, MANAGE),
            },
        )


class DutyCreateView(ScopedViewMixin, View):
    model = ResponsibilityItem
    permission = MANAGE

    def _form(self, data: Any = None) -> DutyForm:
        return DutyForm(data, orgs=org_choices_for(self.request.user, MANAGE, kinds=_NOT_GROUPS))

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "supervision/duty_form.html", {"form": self._form()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            org = Org.objects.filter(pk=data.pop("org")).first()
            try:
                if org is None:
                    raise BusinessError("supervision.out_of_scope", "组织不存在")
                item = services.responsibility_create(actor=request.user, org=org, **data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "责任事项已加入清单")
                return HttpResponseRedirect(reverse("supervision:duty_detail", args=[item.pk]))
        return render(request, "supervision/duty_form.html", {"form": form})


class DutyDetailView(ScopedViewMixin, View):
    model = ResponsibilityItem
    permission = VIEW

    def base_queryset(self) -> Any:
        return ResponsibilityItem.objects.select_related("org", "holder")

    def get(self, request: HttpRequest, pk: int, form: DutyRecordForm | None = None) -> HttpResponse:
        item = get_object_or_404(self.get_queryset(), pk=pk)
        row = selectors.duty_rows([item], timezone.localdate())[0]
        return render(
            request,
            "supervision/duty_detail.html",
            {
                "row": row,
                "item": item,
                "records": item.records.select_related("file", "recorded_by"),
                "form": form or DutyRecordForm(item=item),
                "can_record": item.is_active and services.may_record(request.user, item),
                "can_manage": scope.org_in_scope(request.user, MANAGE, item.org),
            },
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = get_object_or_404(self.get_queryset(), pk=pk)
        form = DutyRecordForm(request.POST, request.FILES, item=item)
        if form.is_valid():
            try:
                services.responsibility_record(actor=request.user, item=item, **form.cleaned_data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "履责情况已记录")
                return HttpResponseRedirect(reverse("supervision:duty_detail", args=[item.pk]))
        return self.get(request, pk, form=form)


class DutyEndView(ScopedViewMixin, View):
    model = ResponsibilityItem
    permission = MANAGE

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_scoped_object(pk)
        try:
            services.responsibility_end(actor=request.user, item=item)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "责任事项已停用")
        return HttpResponseRedirect(reverse("supervision:duty_detail", args=[item.pk]))


# --------------------------------------------------------------------------------------------------------
# 廉政教育专栏


@classify.authenticated
def integrity_column(request: HttpRequest) -> HttpResponse:
    """廉政教育专栏: the column's topics the user may study (study time and points as in 学习专题)."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("accounts:login") + f"?next={request.path}")
    if scope.is_admin(request.user):
        raise PermissionDenied("三员不查看业务数据")
    entries = selectors.integrity_topics(request.user)
    can_manage = scope.has_permission(request.user, MANAGE)
    form = None
    if can_manage:
        placed = IntegrityTopic.objects.values("topic_id")
        topics = list(
            scope.restrict(Topic.objects.filter(status="published"), request.user, MANAGE)
            .exclude(pk__in=placed)
            .order_by("-published_at")[:200]
        )
        form = IntegrityAddForm(topics=topics) if topics else None
    sections = [(label, [e for e in entries if e.kind == kind]) for kind, label in IntegrityKind.choices]
    context = {
        "sections": sections,
        "form": form,
        "can_manage": can_manage,
        "quiz_tags": selectors.integrity_quiz_tags(request.user),
        "quiz_tag_names": selectors.integrity_quiz_names(),
    }
    return render(request, "supervision/integrity.html", context)


class IntegrityAddView(ScopedViewMixin, View):
    model = IntegrityTopic
    permission = MANAGE

    def post(self, request: HttpRequest) -> HttpResponse:
        topics = list(scope.restrict(Topic.objects.filter(status="published"), request.user, MANAGE))
        form = IntegrityAddForm(request.POST, topics=topics)
        if form.is_valid():
            topic = next(t for t in topics if t.pk == form.cleaned_data["topic"])
            try:
                services.integrity_add(actor=request.user, topic=topic, kind=form.cleaned_data["kind"])
            except BusinessError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "专题已加入廉政教育专栏")
        else:
            messages.error(request, "请选择要加入的专题")
        return HttpResponseRedirect(reverse("supervision:integrity"))


class IntegrityRemoveView(ScopedViewMixin, View):
    model = IntegrityTopic
    permission = MANAGE

    def base_queryset(self) -> Any:
        return IntegrityTopic.objects.select_related("topic", "topic__org")

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        entry = self.get_scoped_object(pk)
        services.integrity_remove(actor=request.user, entry=entry)
        messages.success(request, "已移出廉政教育专栏")
        return HttpResponseRedirect(reverse("supervision:integrity"))
