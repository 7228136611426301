"""Pages of 组织关系转接: the register (台账) with filters and Excel export, a transfer with its steps, the
numbered letter as PDF, the member's own view, incoming letters, 流动党员 and 失联党员."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.views import View

from dangjian.access import scope
from dangjian.access.views import ScopedViewMixin
from dangjian.audit import services as audit
from dangjian.core.errors import BusinessError
from dangjian.core.ratelimit import ratelimit
from dangjian.members.models import Member
from dangjian.members.selectors import member_get_own
from dangjian.orgs.models import Org
from dangjian.orgs.rules import BRANCH_KINDS
from dangjian.transfers import documents, excel, rules, selectors, services
from dangjian.transfers.filters import TransferFilter
from dangjian.transfers.forms import (
    BranchRequestForm,
    DateForm,
    IncomingForm,
    IssueForm,
    MobileEndForm,
    MobileForm,
    NoteForm,
    ReceiptForm,
    RequestForm,
)
from dangjian.transfers.models import MobileRegistration, Transfer, TransferKind, TransferStatus


def _no_admins(request: HttpRequest) -> None:
    if scope.is_admin(request.user):
        raise PermissionDenied("三员不查看业务数据")


def all_branches() -> list[tuple[int, str]]:
    """Every active branch of the platform (the receiving side of a transfer within the enterprise may lie
    outside the requester's scope; only names are shown)."""
    qs = (
        Org.objects.filter(kind__in=BRANCH_KINDS, is_active=True)
        .order_by("path")
        .only("pk", "name", "short_name")
    )
    return [(o.pk, o.name) for o in qs]


def _branches_for(user: Any, permission: str) -> list[tuple[int, str]]:
    qs = scope.restrict(Org.objects.filter(kind__in=BRANCH_KINDS, is_active=True), user, permission)
    return [(o.pk, o.name) for o in qs.order_by("path").only("pk", "name", "short_name")]


def _members_for(user: Any, permission: str) -> list[tuple[int, str]]:
    qs = scope.restrict(Member.objects.active().select_related("org"), user, permission)
    return [(m.pk, f"{m.name}（{m.org.label}）") for m in qs.order_by("org__path", "name")[:3000]]


def _detail(pk: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("transfers:transfer_detail", args=[pk]))


class TransferVisibleMixin(ScopedViewMixin):
    """A transfer page: the sending or receiving side in scope, or the member's own (404 otherwise)."""

    model = Transfer
    permission = "transfers.view"
    require_grant = False

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.transfer_visible(user=self.request.user)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _no_admins(request)
        return super().dispatch(request, *args, **kwargs)


# --------------------------------------------------------------------------------------------------------
# The register (台账)


class RegisterView(ScopedViewMixin, View):
    """组织关系转接台账: every transfer out of or into the branches in scope, filtered, with counts."""

    model = Transfer
    permission = "transfers.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        base = selectors.transfer_list(user=request.user)
        f = TransferFilter(request.GET or None, queryset=base, request=request)
        qs = base if not f.is_bound else (f.qs if f.is_valid() else base.none())
        page = Paginator(qs, 30).get_page(request.GET.get("page"))
        today = dt.date.today()
        rows = [(t, selectors.deadline_of(t, today)) for t in page.object_list]
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "filter": f,
            "page": page,
            "rows": rows,
            "counts": selectors.status_counts(base),
            "statuses": TransferStatus,
            "query": query.urlencode(),
            "can_manage": scope.has_permission(request.user, "transfers.manage"),
        }
        return render(request, "transfers/register.html", context)


class RegisterExportView(ScopedViewMixin, View):
    """The filtered register as Excel (scope and filters as on the page; identity numbers masked).
    Audit: transfers.transfer.export."""

    model = Transfer
    permission = "transfers.view"

    @method_decorator(ratelimit("export", methods=("GET",)))
    def get(self, request: HttpRequest) -> HttpResponse:
        base = selectors.transfer_list(user=request.user)
        f = TransferFilter(request.GET or None, queryset=base, request=request)
        qs = base if not f.is_bound else (f.qs if f.is_valid() else base.none())
        rows = list(qs[: excel.MAX_ROWS])
        with transaction.atomic():
            audit.record(
                actor=request.user,
                action="transfers.transfer.export",
                target=None,
                changes={"rows": len(rows), "filters": {k: v for k, v in request.GET.items() if k != "page"}},
            )
        return excel.register_response(rows, today=dt.date.today())


# --------------------------------------------------------------------------------------------------------
# One transfer


def available_actions(user: Any, t: Transfer) -> list[str]:
    """The steps this user may take on the transfer now (the services check again)."""

    def may(permission: str, org: Org | None) -> bool:
        return org is not None and scope.org_in_scope(user, permission, org)

    own = t.member.user_id is not None and t.member.user_id == getattr(user, "pk", None)
    external = t.kind in (TransferKind.NATIONAL, TransferKind.OUTSIDE)
    out: list[str] = []
    s = t.status
    if s == TransferStatus.REQUESTED:
        if may("transfers.manage", t.from_org):
            out += ["branch_approve", "reject"]
        if own or may("transfers.manage", t.from_org):
            out.append("cancel")
    elif s == TransferStatus.BRANCH_APPROVED:
        if may("transfers.approve", t.from_org):
            out += ["issue", "reject"]
        if may("transfers.manage", t.from_org):
            out.append("cancel")
    elif s == TransferStatus.ISSUED:
        if t.kind == TransferKind.INTERNAL and may("transfers.approve", t.to_org):
            out.append("accept")
        if external and may("transfers.manage", t.from_org):
            out += ["accept", "receipt"]
        if may("transfers.approve", t.from_org):
            out += ["reissue", "cancel"]
    elif s == TransferStatus.ACCEPTED:
        if t.kind == TransferKind.INTERNAL and (own or may("transfers.manage", t.to_org)):
            out.append("report")
        if external and may("transfers.manage", t.from_org):
            out.append("receipt")
    elif s == TransferStatus.REPORTED and may("transfers.manage", t.to_org):
        out.append("receipt")
    return out


ACTION_LABELS = {
    "branch_approve": "支部同意",
    "reject": "不同意",
    "issue": "审批并开具介绍信",
    "reissue": "重新开具介绍信",
    "cancel": "撤销",
    "accept": "接收",
    "report": "确认报到",
    "receipt": "回执",
}


class TransferDetailView(TransferVisibleMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        t = self.get_scoped_object(pk)
        today = dt.date.today()
        actions = available_actions(request.user, t)
        context = {
            "t": t,
            "actions": [(a, ACTION_LABELS[a]) for a in actions],
            "deadline": selectors.deadline_of(t, today),
            "probation_ends": rules.probation_ends_on(t.probation_started_on)
            if t.probation_started_on
            else None,
            "issue_form": IssueForm(),
            "date_form": DateForm(),
            "note_form": NoteForm(),
            "receipt_form": ReceiptForm(),
            "external": t.kind in (TransferKind.NATIONAL, TransferKind.OUTSIDE),
            "has_letter": bool(t.letter_number) and t.kind != TransferKind.INCOMING,
            "own": t.member.user_id == request.user.pk,
        }
        return render(request, "transfers/transfer_detail.html", context)


class TransferActionView(TransferVisibleMixin, View):
    """One step of a transfer (POST): the service decides whether this user may take it."""

    def get(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        self.get_scoped_object(pk)  # 404 outside the transfer's sides
        return HttpResponseNotAllowed(["POST"])

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        t = self.get_scoped_object(pk)
        if action not in ACTION_LABELS:
            return HttpResponse(status=404)
        user = request.user
        try:
            if action == "issue" or action == "reissue":
                form: Any = IssueForm(request.POST)
                if not form.is_valid():
                    raise BusinessError("transfers.invalid", "请填写有效期天数")
                if action == "issue":
                    services.transfer_issue(actor=user, transfer=t, **form.cleaned_data)
                else:
                    services.transfer_reissue(
                        actor=user, transfer=t, valid_days=form.cleaned_data["valid_days"]
                    )
            elif action in ("accept", "report"):
                form = DateForm(request.POST)
                on = form.cleaned_data["on"] if form.is_valid() else None
                fn = services.transfer_accept if action == "accept" else services.transfer_report
                fn(actor=user, transfer=t, on=on)
            elif action == "receipt":
                form = ReceiptForm(request.POST)
                if not form.is_valid():
                    raise BusinessError("transfers.invalid", "请填写正确的日期")
                services.transfer_receipt(actor=user, transfer=t, **form.cleaned_data)
            else:
                form = NoteForm(request.POST)
                note = form.cleaned_data["note"] if form.is_valid() else ""
                if action == "branch_approve":
                    services.transfer_branch_approve(actor=user, transfer=t, note=note)
                elif action == "reject":
                    services.transfer_reject(actor=user, transfer=t, note=note)
                else:
                    services.transfer_cancel(actor=user, transfer=t, note=note)
        except BusinessError as exc:
            if exc.code == "transfers.forbidden":
                raise PermissionDenied(exc.message) from exc
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已办理：{ACTION_LABELS[action]}")
        return _detail(t.pk)


class LetterPdfView(TransferVisibleMixin, View):
    """The numbered three-part letter (存根、介绍信、回执) as PDF. Audit: transfers.transfer.letter (it
    carries the full identity number)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        t = self.get_scoped_object(pk)
        if not t.letter_number or t.kind == TransferKind.INCOMING:
            messages.error(request, "介绍信尚未开具")
            return _detail(t.pk)
        try:
            content = documents.letter_pdf(t)
        except BusinessError as exc:
            messages.error(request, exc.message)
            return _detail(t.pk)
        with transaction.atomic():
            audit.record(
                actor=request.user,
                action="transfers.transfer.letter",
                target=t,
                org_path=(t.from_org.path if t.from_org else ""),
                changes={"letter_number": t.letter_number},
            )
        response = HttpResponse(content, content_type="application/pdf")
        name = f"组织关系介绍信_{t.letter_number}_{t.member.name}.pdf"
        response["Content-Disposition"] = content_disposition_header(True, name)
        response["Cache-Control"] = "no-store"
        return response


# --------------------------------------------------------------------------------------------------------
# Starting a transfer


class TransferCreateView(ScopedViewMixin, View):
    """The branch starts a transfer for one of its members (its own review is then given)."""

    model = Transfer
    permission = "transfers.manage"

    def _form(self, data: Any = None) -> BranchRequestForm:
        initial = {"member": self.request.GET.get("member")} if data is None else None
        return BranchRequestForm(
            data,
            initial=initial,
            branches=all_branches(),
            members=_members_for(self.request.user, "transfers.manage"),
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "transfers/transfer_form.html", {"form": self._form()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            member = (
                scope.restrict(Member.objects.select_related("org"), request.user, "transfers.manage")
                .filter(pk=d.pop("member"))
                .first()
            )
            to_org = Org.objects.filter(pk=d.pop("to_org")).first() if d.get("to_org") else None
            d.pop("to_org", None)
            if member is None:
                form.add_error("member", "请选择本组织的党员")
            else:
                try:
                    t = services.transfer_request(actor=request.user, member=member, to_org=to_org, **d)
                except BusinessError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, "转接已发起，待上级党委审批开具介绍信")
                    return _detail(t.pk)
        return render(request, "transfers/transfer_form.html", {"form": form})


class MineView(ScopedViewMixin, View):
    """我的组织关系: the member's own transfers with their state, and a request to transfer out."""

    model = Transfer
    permission = "transfers.view"
    require_grant = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _no_admins(request)
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request: HttpRequest, member: Member | None, form: RequestForm | None) -> HttpResponse:
        today = dt.date.today()
        transfers = list(selectors.transfer_own(user=request.user))
        context = {
            "member": member,
            "rows": [
                (t, selectors.deadline_of(t, today), available_actions(request.user, t)) for t in transfers
            ],
            "has_open": any(t.is_open for t in transfers),
            "form": form,
            "mobile": MobileRegistration.objects.filter(member=member, ended_on__isnull=True).first()
            if member
            else None,
        }
        return render(request, "transfers/mine.html", context)

    def get(self, request: HttpRequest) -> HttpResponse:
        member = member_get_own(request.user)
        form = RequestForm(branches=all_branches()) if member else None
        return self._render(request, member, form)

    def post(self, request: HttpRequest) -> HttpResponse:
        member = member_get_own(request.user)
        if member is None:
            raise PermissionDenied("您的账号未关联党员档案")
        form = RequestForm(request.POST, branches=all_branches())
        if form.is_valid():
            d = dict(form.cleaned_data)
            to_org_id = d.pop("to_org")
            to_org = Org.objects.filter(pk=to_org_id).first() if to_org_id else None
            try:
                t = services.transfer_request(actor=request.user, member=member, to_org=to_org, **d)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "转接申请已提交，请等待党支部审核")
                return _detail(t.pk)
        return self._render(request, member, form)


class IncomingCreateView(ScopedViewMixin, View):
    """Record a member received from outside the platform from the letter they bring."""

    model = Transfer
    permission = "transfers.manage"

    def _form(self, data: Any = None) -> IncomingForm:
        return IncomingForm(data, branches=_branches_for(self.request.user, "transfers.manage"))

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "transfers/incoming_form.html", {"form": self._form()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            d = dict(form.cleaned_data)
            org = (
                scope.restrict(Org.objects.all(), request.user, "transfers.manage")
                .filter(pk=d.pop("to_org"))
                .first()
            )
            member_data = {k: d.pop(k) for k in IncomingForm.MEMBER_FIELDS}
            member_data = {k: v for k, v in member_data.items() if v not in ("", None)}
            if org is None:
                form.add_error("to_org", "请选择本组织的党支部")
            else:
                try:
                    t = services.incoming_record(actor=request.user, to_org=org, member_data=member_data, **d)
                except BusinessError as exc:
                    problems: list[tuple[str, str]] = list(exc.details or [])  # type: ignore[call-overload]
                    for field, msg in problems:
                        if field in form.fields:
                            form.add_error(field, msg)
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, "已登记转入，党员档案已建立；请在1个月内寄回回执")
                    return _detail(t.pk)
        return render(request, "transfers/incoming_form.html", {"form": form})


# --------------------------------------------------------------------------------------------------------
# 流动党员 and 失联党员


class MobileListView(ScopedViewMixin, View):
    model = MobileRegistration
    permission = "transfers.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        show_all = request.GET.get("all") == "1"
        qs = selectors.mobile_list(user=request.user, active_only=not show_all)
        today = dt.date.today()
        rows = [(r, r.is_active and rules.should_transfer(r.started_on, today)) for r in qs[:500]]
        context = {
            "rows": rows,
            "show_all": show_all,
            "can_manage": scope.has_permission(request.user, "transfers.manage"),
        }
        return render(request, "transfers/mobile_list.html", context)


class MobileCreateView(ScopedViewMixin, View):
    model = MobileRegistration
    permission = "transfers.manage"

    def _form(self, data: Any = None) -> MobileForm:
        initial = (
            {"member": self.request.GET.get("member"), "started_on": dt.date.today()}
            if data is None
            else None
        )
        return MobileForm(data, initial=initial, members=_members_for(self.request.user, "transfers.manage"))

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "transfers/mobile_form.html", {"form": self._form()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            d = dict(form.cleaned_data)
            member = (
                scope.restrict(Member.objects.select_related("org"), request.user, "transfers.manage")
                .filter(pk=d.pop("member"))
                .first()
            )
            if member is None:
                form.add_error("member", "请选择本组织的党员")
            else:
                try:
                    r = services.mobile_register(actor=request.user, member=member, **d)
                except BusinessError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, f"已登记为流动党员，活动证编号 {r.certificate_number}")
                    return HttpResponseRedirect(reverse("transfers:mobile_detail", args=[r.pk]))
        return render(request, "transfers/mobile_form.html", {"form": form})


class MobileVisibleMixin(ScopedViewMixin):
    """A 流动党员 registration: the branches in scope, or the member's own (404 otherwise); the 三员 are
    refused."""

    model = MobileRegistration
    permission = "transfers.view"
    require_grant = False

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.mobile_visible(user=self.request.user)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _no_admins(request)
        return super().dispatch(request, *args, **kwargs)


def certificate_response(request: HttpRequest, r: MobileRegistration) -> HttpResponse:
    """The 流动党员活动证 as PDF (page and API). Audit: transfers.mobile.certificate."""
    content = documents.certificate_pdf(r)  # BusinessError core.font_missing without the CJK fonts
    with transaction.atomic():
        audit.record(
            actor=request.user,
            action="transfers.mobile.certificate",
            target=r,
            org_path=r.org.path,
            changes={"certificate_number": r.certificate_number},
        )
    response = HttpResponse(content, content_type="application/pdf")
    name = f"流动党员活动证_{r.certificate_number}_{r.member.name}.pdf"
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"
    return response


class MobileCertificatePdfView(MobileVisibleMixin, View):
    """流动党员活动证 (PDF) for the member and the branches in scope."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        r = self.get_scoped_object(pk)
        try:
            return certificate_response(request, r)
        except BusinessError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("transfers:mobile_detail", args=[r.pk]))


class MobileDetailView(MobileVisibleMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        r = self.get_scoped_object(pk)
        context = {
            "r": r,
            "end_form": MobileEndForm(initial={"on": dt.date.today()}),
            "can_manage": scope.org_in_scope(request.user, "transfers.manage", r.org),
            "can_list": scope.has_permission(request.user, "transfers.view"),
            "should_transfer": r.is_active and rules.should_transfer(r.started_on, dt.date.today()),
        }
        return render(request, "transfers/mobile_detail.html", context)


class MobileEndView(ScopedViewMixin, View):
    model = MobileRegistration
    permission = "transfers.manage"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        r = self.get_scoped_object(pk)
        form = MobileEndForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请填写结束日期")
        else:
            try:
                services.mobile_end(actor=request.user, registration=r, **form.cleaned_data)
            except BusinessError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "流动党员登记已结束")
        return HttpResponseRedirect(reverse("transfers:mobile_detail", args=[r.pk]))


class LostContactListView(ScopedViewMixin, View):
    """失联党员: since when, when 停止党籍 may be decided (≥6 months), and when the 自行脱党 case is due
    (2 years after the suspension); the decisions are recorded on the member's page (members services)."""

    model = Member
    permission = "transfers.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        members = list(selectors.lost_contact_list(user=request.user)[:500])
        suspended = selectors.suspension_dates([m.pk for m in members if m.standing == "suspended"])
        today = dt.date.today()
        rows = []
        for m in members:
            since = m.lost_contact_on
            suspend_due = rules.lost_contact_suspension_due(since) if since else None
            stopped = suspended.get(m.pk)
            removal_due = rules.lost_contact_removal_due(stopped) if stopped else None
            rows.append(
                {
                    "m": m,
                    "since": since,
                    "suspend_due": suspend_due,
                    "suspend_now": m.standing == "normal"
                    and suspend_due is not None
                    and suspend_due <= today,
                    "stopped": stopped,
                    "removal_due": removal_due,
                    "removal_now": removal_due is not None and removal_due <= today,
                }
            )
        return render(request, "transfers/lost_contact_list.html", {"rows": rows})
