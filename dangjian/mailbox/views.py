"""Pages of 书记信箱 and 随手拍.

The writer's pages (write, report, receipt) are public: a 群众 uses them without an account, and a signed-in
member writing anonymously is treated exactly like one (``request.user`` is not passed to the service). They
answer with ``Cache-Control: no-store`` and ``Referrer-Policy: no-referrer``, never save the session, never
put a receipt in a URL (look-up is a POST and the page is rendered, not redirected to), and are rate-limited
without storing who asked (``throttle``). The handlers' pages need ``mailbox.handle`` at the organisation.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from dangjian.access import classify
from dangjian.access.views import ScopedViewMixin
from dangjian.accounts.models import User
from dangjian.core.errors import BusinessError
from dangjian.mailbox import forms, selectors, services
from dangjian.mailbox.models import (
    CASE_TRANSITIONS,
    CaseStatus,
    Category,
    Kind,
    Letter,
    LetterStatus,
    SnapshotReport,
)
from dangjian.mailbox.throttle import csrf_protect_no_referrer, private, throttle
from dangjian.supervision import selectors as supervision_selectors
from dangjian.supervision import services as supervision_services
from dangjian.supervision.forms import SourceTaskForm

# --------------------------------------------------------------------------------------------------------
# Privacy of the writer's pages


def writer_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A public page of the writer: private headers, no session write, CSRF that accepts ``Origin: null``
    (what ``no-referrer`` makes a browser send) but still checks the token."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return private(view(request, *args, **kwargs), request)

    protected: Callable[..., HttpResponse] = csrf_exempt(csrf_protect_no_referrer(wrapped))  # type: ignore[assignment]
    return classify.public(protected)


def writer_render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render a writer's page as for a visitor without an account: no menu and no name of the signed-in
    user on it (the letter is not theirs unless they sign it), and no form on it that posts elsewhere."""
    signed_in = bool(request.user.is_authenticated)
    return render(request, template, {**context, "user": AnonymousUser(), "signed_in": signed_in})


def _files(request: HttpRequest) -> list[Any]:
    return list(request.FILES.getlist("files"))


def _attach_error(form: Any, exc: BusinessError) -> None:
    form.add_error(None, exc.message)


# --------------------------------------------------------------------------------------------------------
# The writer's pages


@writer_page
def letter_write(request: HttpRequest) -> HttpResponse:
    form = forms.LetterForm(request.POST or None)
    if request.method == "POST":
        if (limited := throttle(request, "mailbox.submit")) is not None:
            return limited
        if form.is_valid():
            data = form.cleaned_data
            try:
                letter, code = services.letter_submit(
                    writer=None if data["anonymous"] else request.user,
                    org=data["org"],
                    subject=data["subject"],
                    body=data["body"],
                    anonymous=data["anonymous"],
                    signed_name=data["signed_name"],
                    contact=data["contact"],
                    uploads=_files(request),
                )
            except BusinessError as exc:
                _attach_error(form, exc)
            else:
                return writer_render(
                    request,
                    "mailbox/receipt_issued.html",
                    {"code": services.receipt_format(code), "what": "来信", "org": letter.org},
                )
    return writer_render(request, "mailbox/write.html", {"form": form})


@writer_page
def snapshot_new(request: HttpRequest) -> HttpResponse:
    form = forms.SnapshotForm(request.POST or None)
    if request.method == "POST":
        if (limited := throttle(request, "mailbox.submit")) is not None:
            return limited
        if form.is_valid():
            data = form.cleaned_data
            try:
                report, code = services.snapshot_submit(
                    reporter=None if data["anonymous"] else request.user,
                    org=data["org"],
                    description=data["description"],
                    location=data["location"],
                    anonymous=data["anonymous"],
                    uploads=_files(request),
                )
            except BusinessError as exc:
                _attach_error(form, exc)
            else:
                return writer_render(
                    request,
                    "mailbox/receipt_issued.html",
                    {"code": services.receipt_format(code), "what": "随手拍", "org": report.org},
                )
    return writer_render(request, "mailbox/snapshot_new.html", {"form": form})


def _receipt_result(
    request: HttpRequest, found: Letter | SnapshotReport, receipt: str, add_error: str = ""
) -> HttpResponse:
    if isinstance(found, Letter):
        return writer_render(
            request,
            "mailbox/receipt_letter.html",
            {
                "letter": found,
                "thread": selectors.writer_thread(found),
                "add_form": forms.AddForm(initial={"receipt": receipt}),
                "receipt": receipt,
                "add_error": add_error,
            },
        )
    steps = list(found.steps.order_by("created_at", "id"))
    return writer_render(request, "mailbox/receipt_snapshot.html", {"report": found, "steps": steps})


NOT_FOUND = "回执码不正确或已过期"


@writer_page
def receipt(request: HttpRequest) -> HttpResponse:
    form = forms.ReceiptForm(request.POST or None)
    if request.method == "POST":
        if (limited := throttle(request, "mailbox.receipt")) is not None:
            return limited
        if form.is_valid():
            found = services.receipt_find(form.cleaned_data["receipt"])
            if found is not None:
                return _receipt_result(
                    request, found, services.receipt_normalise(form.cleaned_data["receipt"])
                )
            form.add_error(None, NOT_FOUND)
    return writer_render(request, "mailbox/receipt.html", {"form": form})


@writer_page
def receipt_add(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseRedirect(reverse("mailbox:receipt"))
    if (limited := throttle(request, "mailbox.receipt")) is not None:
        return limited
    form = forms.AddForm(request.POST)
    if not form.is_valid():
        return writer_render(
            request, "mailbox/receipt.html", {"form": forms.ReceiptForm(), "error": "请填写补充内容"}
        )
    found = services.receipt_find(form.cleaned_data["receipt"])
    if not isinstance(found, Letter):
        return writer_render(
            request, "mailbox/receipt.html", {"form": forms.ReceiptForm(), "error": NOT_FOUND}
        )
    receipt_code = services.receipt_normalise(form.cleaned_data["receipt"])
    try:
        services.letter_add(letter=found, body=form.cleaned_data["body"], uploads=_files(request))
    except BusinessError as exc:
        return _receipt_result(request, found, receipt_code, add_error=exc.message)
    found.refresh_from_db()
    return _receipt_result(request, found, receipt_code, add_error="")


# --------------------------------------------------------------------------------------------------------
# The handlers' pages


class HandlerView(ScopedViewMixin, View):
    """A page of the designated handlers: ``mailbox.handle`` through a grant; letters and cases of the
    organisations where it is granted (404 for the rest)."""

    permission = services.HANDLE

    def letter(self, pk: Any) -> Letter:
        letter = selectors.letter_get(user=self.request.user, pk=pk)
        if letter is None:
            raise Http404("来信不存在")
        return letter

    def report(self, pk: Any) -> SnapshotReport:
        report = selectors.snapshot_get(user=self.request.user, pk=pk)
        if report is None:
            raise Http404("随手拍不存在")
        return report


class InboxView(HandlerView):
    def get(self, request: HttpRequest) -> HttpResponse:
        q = request.GET
        qs = selectors.letter_filter(
            selectors.letter_list(user=request.user),
            status=q.get("status", ""),
            category=q.get("category", ""),
            unread=q.get("unread") == "1",
            overdue=q.get("overdue") == "1",
            mine_user=request.user if q.get("mine") == "1" else None,
        ).order_by("-received_on", "id")
        letters = list(qs[:200])
        services.letters_listed(actor=request.user, letters=letters)
        return render(
            request,
            "mailbox/inbox.html",
            {
                "letters": letters,
                "counts": selectors.inbox_counts(user=request.user),
                "categories": selectors.categories(),
                "statuses": LetterStatus.choices,
                "q": q,
                "today": timezone.localdate(),
                "truncated": len(letters) == 200,
            },
        )


class LetterDetailView(HandlerView):
    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        letter = services.letter_open(actor=request.user, letter=self.letter(pk))
        return render(
            request,
            "mailbox/letter_detail.html",
            {
                "letter": letter,
                "messages_": selectors.letter_messages(letter),
                "handlers": services.handlers_of(letter.org),
                "categories": selectors.categories(),
                "kinds": Kind.choices,
                "overdue": selectors.is_overdue(letter.due_on, letter.status == LetterStatus.CLOSED),
                "reply_form": forms.ReplyForm(),
                "due_form": forms.DueForm(initial={"due_on": letter.due_on}),
                **_task_context(request.user, "letter", letter),
            },
        )


class LetterActionView(HandlerView):
    """One POST on a letter: ``action`` in the URL names the service."""

    def post(self, request: HttpRequest, pk: Any, action: str) -> HttpResponse:
        letter = self.letter(pk)
        done = reverse("mailbox:letter_detail", args=[letter.pk])
        try:
            message = self.perform(request, letter, action)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, message)
        if action == "unread":
            return HttpResponseRedirect(reverse("mailbox:index"))
        return HttpResponseRedirect(done)

    def perform(self, request: HttpRequest, letter: Letter, action: str) -> str:
        user = request.user
        if action == "reply":
            reply = forms.ReplyForm(request.POST)
            if not reply.is_valid():
                raise BusinessError("mailbox.reply_required", "请填写答复内容")
            services.letter_reply(actor=user, letter=letter, body=reply.cleaned_data["body"])
            return "答复已发送，来信人凭回执码查看"
        if action == "assign":
            form = forms.AssignForm(request.POST)
            if not form.is_valid():
                raise BusinessError("mailbox.bad_assignee", "请选择承办人")
            assignee = User.objects.filter(pk=form.cleaned_data["assignee"]).first()
            services.letter_assign(
                actor=user, letter=letter, assignee=assignee, due_on=form.cleaned_data["due_on"]
            )
            return "已转交承办人"
        if action == "due":
            due = forms.DueForm(request.POST)
            if not due.is_valid():
                raise BusinessError("mailbox.bad_due", "请填写正确的日期")
            services.letter_set_due(actor=user, letter=letter, due_on=due.cleaned_data["due_on"])
            return "办理期限已设定"
        if action == "close":
            services.letter_close(actor=user, letter=letter)
            return "来信已办结"
        if action == "unread":
            services.letter_mark_unread(actor=user, letter=letter)
            return "已标为未读"
        if action == "correct":
            fix = forms.CorrectForm(request.POST)
            if not fix.is_valid():
                raise BusinessError("mailbox.nothing_to_correct", "请选择更正后的类别或性质")
            services.letter_correct(
                actor=user,
                letter=letter,
                category=fix.cleaned_data["category"],
                kind=fix.cleaned_data["kind"],
            )
            return "分类已更正，模型将据此重新学习"
        raise Http404("未知操作")


class SnapshotListView(HandlerView):
    def get(self, request: HttpRequest) -> HttpResponse:
        status = request.GET.get("status", "")
        qs = selectors.snapshot_list(user=request.user).order_by("-received_on", "id")
        if status in CaseStatus.values:
            qs = qs.filter(status=status)
        return render(
            request,
            "mailbox/snapshot_list.html",
            {
                "reports": list(qs[:200]),
                "statuses": CaseStatus.choices,
                "status": status,
                "today": timezone.localdate(),
                "open_statuses": selectors.OPEN_CASE,
            },
        )


class SnapshotDetailView(HandlerView):
    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        report = services.snapshot_open(actor=request.user, report=self.report(pk))
        next_steps = [(s, CaseStatus(s).label) for s in CASE_TRANSITIONS.get(report.status, ())]
        return render(
            request,
            "mailbox/snapshot_detail.html",
            {
                "report": report,
                "files": list(report.files.all()),
                "steps": list(report.steps.select_related("actor").order_by("created_at", "id")),
                "next_steps": next_steps,
                "handlers": services.handlers_of(report.org),
                "overdue": report.status in selectors.OPEN_CASE
                and selectors.is_overdue(report.due_on, False),
                **_task_context(request.user, "snapshot", report),
            },
        )


class SnapshotAdvanceView(HandlerView):
    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        report = self.report(pk)
        form = forms.AdvanceForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请选择下一步并填写完整")
        else:
            data = form.cleaned_data
            assignee = User.objects.filter(pk=data["assignee"]).first() if data["assignee"] else None
            try:
                services.snapshot_advance(
                    actor=request.user,
                    report=report,
                    to=data["to"],
                    note=data["note"],
                    assignee=assignee,
                    due_on=data["due_on"],
                )
            except BusinessError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已{CaseStatus(data['to']).label}")
        return HttpResponseRedirect(reverse("mailbox:snapshot_detail", args=[report.pk]))


# --------------------------------------------------------------------------------------------------------
# 转督办整改: a letter or a case becomes a supervised rectification task (supervision app)


def _task_context(user: Any, source_type: str, source: Letter | SnapshotReport) -> dict[str, Any]:
    """The task turned from ``source`` (shown with its state) and whether ``user`` may turn it into one."""
    task = supervision_selectors.task_of_source(source_type, source.pk)
    may = (
        (task is None or not task.is_open)
        and not selectors.task_refusal(source)
        and supervision_services.may_task_source(user, source.org)
    )
    return {"task": task, "can_task": may}


class _SourceTaskView(HandlerView):
    """转督办整改 (GET: the form, prefilled from the source; POST: create the task). Needs the handling of
    the letter or case (else 404) and supervision.manage over its organisation or one below (else 403)."""

    source_type = ""
    what = ""

    def source(self, pk: Any) -> Letter | SnapshotReport:
        raise NotImplementedError

    def back(self, pk: Any) -> str:
        raise NotImplementedError

    def _orgs(self, source: Letter | SnapshotReport) -> list[Any]:
        orgs = supervision_selectors.source_org_choices(self.request.user, source.org)
        if not orgs:
            raise PermissionDenied("无权交办督办整改任务")
        return orgs

    def _render(self, source: Letter | SnapshotReport, form: SourceTaskForm) -> HttpResponse:
        return render(
            self.request,
            "mailbox/source_task.html",
            {
                "source": source,
                "what": self.what,
                "form": form,
                "back": self.back(source.pk),
                "task": supervision_selectors.open_task_of_source(self.source_type, source.pk),
            },
        )

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        source = self.source(pk)
        orgs = self._orgs(source)
        found = selectors.rectification_source(user=request.user, source_type=self.source_type, source_id=pk)
        today = timezone.localdate()
        initial: dict[str, Any] = {"org": source.org.pk, "deadline": today + dt.timedelta(days=30)}
        if found is not None and found.refused:
            messages.error(request, found.refused)
            return HttpResponseRedirect(self.back(source.pk))
        if found is not None:
            initial |= {"title": found.title[:150], "description": found.description[:4000]}
            if found.due_on is not None and found.due_on >= today:
                initial["deadline"] = found.due_on
        return self._render(source, SourceTaskForm(initial=initial, orgs=orgs))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        source = self.source(pk)
        orgs = self._orgs(source)
        form = SourceTaskForm(request.POST, orgs=orgs)
        if form.is_valid():
            data = dict(form.cleaned_data)
            wanted = data.pop("org")
            org = next(o for o in orgs if o.pk == wanted)
            try:
                supervision_services.rectification_from_source(
                    actor=request.user, source_type=self.source_type, source_id=source.pk, org=org, **data
                )
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已转为督办整改任务")
                return HttpResponseRedirect(self.back(source.pk))
        return self._render(source, form)


class LetterTaskView(_SourceTaskView):
    source_type = "letter"
    what = "来信"

    def source(self, pk: Any) -> Letter:
        return self.letter(pk)

    def back(self, pk: Any) -> str:
        return reverse("mailbox:letter_detail", args=[pk])


class SnapshotTaskView(_SourceTaskView):
    source_type = "snapshot"
    what = "随手拍"

    def source(self, pk: Any) -> SnapshotReport:
        return self.report(pk)

    def back(self, pk: Any) -> str:
        return reverse("mailbox:snapshot_detail", args=[pk])


# --------------------------------------------------------------------------------------------------------
# Categories (the system administrator)


class CategoryListView(ScopedViewMixin, View):
    permission = services.CONFIGURE

    def get(self, request: HttpRequest, form: Any = None) -> HttpResponse:
        return render(
            request,
            "mailbox/category_list.html",
            {"categories": selectors.categories(active_only=False), "form": form or forms.CategoryForm()},
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = forms.CategoryForm(request.POST)
        if form.is_valid():
            try:
                services.category_save(actor=request.user, **form.cleaned_data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "类别已添加")
                return HttpResponseRedirect(reverse("mailbox:category_list"))
        return self.get(request, form)


class CategoryEditView(ScopedViewMixin, View):
    permission = services.CONFIGURE

    def get(self, request: HttpRequest, pk: int, form: Any = None) -> HttpResponse:
        category = get_object_or_404(Category, pk=pk)
        form = form or forms.CategoryForm(
            initial={
                "name": category.name,
                "keywords": category.keywords,
                "sort_order": category.sort_order,
                "is_active": category.is_active,
                "is_fallback": category.is_fallback,
            }
        )
        return render(request, "mailbox/category_edit.html", {"category": category, "form": form})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        category = get_object_or_404(Category, pk=pk)
        form = forms.CategoryForm(request.POST)
        if form.is_valid():
            try:
                services.category_save(actor=request.user, category=category, **form.cleaned_data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "类别已保存")
                return HttpResponseRedirect(reverse("mailbox:category_list"))
        return self.get(request, pk, form)
