"""Pages of 党费: the overview and statistics for treasurers at every level, a branch's month, a member's dues
record (category, salary items, fixing, bills, payments), payments to confirm, 少交/免交, campaigns, the
yearly publication, the calculator and the member's own page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from dangjian.access import classify, scope
from dangjian.access.views import ScopedViewMixin
from dangjian.audit import services as audit
from dangjian.core.errors import BusinessError
from dangjian.core.excel import workbook_response
from dangjian.core.jobs import job_create
from dangjian.core.models import Job
from dangjian.dues import config, documents, providers, rules, selectors, services, tasks
from dangjian.dues.forms import (
    CalculatorForm,
    CampaignForm,
    ConfirmForm,
    DecideForm,
    PaymentForm,
    ProfileForm,
    PublicationForm,
    ReasonForm,
    ReductionForm,
    RefixForm,
)
from dangjian.dues.models import (
    DuesBill,
    DuesFixing,
    DuesPayment,
    DuesReduction,
    PaymentStatus,
    ReductionStatus,
)
from dangjian.members.models import Member
from dangjian.orgs.models import Org

MAX_ITEMS = 12


def _month(request: HttpRequest) -> dt.date:
    raw = request.GET.get("month", "")
    try:
        month = dt.date.fromisoformat(raw + "-01") if raw else None
    except ValueError:
        month = None
    if month is None or not 2000 <= month.year <= 2100:
        month = rules.month_start(timezone.localdate())
    return month


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _member_page(member: Member) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("dues:member", args=[member.pk]))


def _not_admin(request: HttpRequest) -> None:
    if scope.is_admin(request.user):
        raise PermissionDenied("三员不查看业务数据")


# --------------------------------------------------------------------------------------------------------
# Overview, statistics and the ledger export


class IndexView(ScopedViewMixin, View):
    """党费管理: for a month, each organisation in scope (under ``org``) with bills paid, unpaid, exempt."""

    model = Org
    permission = "dues.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        month = _month(request)
        under = None
        if request.GET.get("org"):
            under = get_object_or_404(selectors.org_list(user=request.user), pk=_int(request.GET["org"]))
        orgs = selectors.org_list(user=request.user)
        if under is not None:
            children = list(orgs.filter(path__startswith=under.path, depth=under.depth + 1))
            rows_orgs = [under, *children]
        else:
            top = orgs.first()
            rows_orgs = (
                [top, *orgs.filter(path__startswith=top.path, depth=top.depth + 1)] if top is not None else []
            )
        page = Paginator(rows_orgs, 50).get_page(request.GET.get("page"))
        rows = selectors.stats(list(page.object_list), month)
        context = {
            "rows": rows,
            "page_obj": page,
            "month": month,
            "under": under,
            "extra": f"&month={month:%Y-%m}" + (f"&org={under.pk}" if under else ""),
            "to_decide": selectors.reductions_to_decide(user=request.user).count(),
            "pending": selectors.payment_list(user=request.user)
            .filter(status__in=(PaymentStatus.PENDING, PaymentStatus.AWAITING_APPROVAL))
            .count(),
        }
        return render(request, "dues/index.html", context)


class LedgerExportView(ScopedViewMixin, View):
    """党费收缴台账 (Excel) of an organisation's subtree for a month or a year; audited."""

    model = Org
    permission = "dues.view"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = self.get_scoped_object(pk)
        year = _int(request.GET.get("year"))
        bills = selectors.bill_list(user=request.user).filter(org__path__startswith=org.path)
        bills = bills.select_related("fixing", "payment")
        if 2000 <= year <= 2100:
            bills = bills.filter(month__year=year)
            label = f"{year}年"
        else:
            month = _month(request)
            bills = bills.filter(month=month)
            label = documents.month_label(month)
        bills = bills.order_by("org__path", "member__name", "month", "id")
        title = f"{org.name} {label} 党费收缴台账"
        content = documents.ledger_xlsx(bills.iterator(chunk_size=2000), title=title)
        audit.record(
            actor=request.user,
            action="dues.ledger.export",
            target=org,
            org_path=org.path,
            changes={"period": label},
        )
        return workbook_response(content, filename=f"{title}.xlsx")


# --------------------------------------------------------------------------------------------------------
# A branch's month


class BranchView(ScopedViewMixin, View):
    """One branch's month: members with their amount and bill, payments to confirm, actions of the
    treasurer."""

    model = Org
    permission = "dues.view"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = self.get_scoped_object(pk)
        if not org.is_branch_like:
            raise Http404
        month = _month(request)
        members = list(Member.objects.active().filter(org=org).order_by("name", "id"))
        fixings = {
            f.member_id: f
            for f in DuesFixing.objects.filter(
                member__in=members, status__in=("confirmed", "proposed")
            ).order_by("status")
        }
        proposed = {f.member_id: f for f in DuesFixing.objects.filter(member__in=members, status="proposed")}
        bills = {b.member_id: b for b in DuesBill.objects.filter(org=org, month=month)}
        rows = [
            {
                "member": m,
                "fixing": fixings.get(m.pk)
                if fixings.get(m.pk) and fixings[m.pk].status == "confirmed"
                else None,
                "proposed": proposed.get(m.pk),
                "bill": bills.get(m.pk),
            }
            for m in members
        ]
        context = {
            "org": org,
            "month": month,
            "rows": rows,
            "figures": services.month_figures(org, month),
            "reconciliation": selectors.reconciliation_of(org, month),
            "can_manage": scope.org_in_scope(request.user, "dues.manage", org),
            "pending": DuesPayment.objects.filter(
                org=org, status__in=(PaymentStatus.PENDING, PaymentStatus.AWAITING_APPROVAL)
            ).select_related("member"),
            "proposed_count": len(proposed),
            "jobs": Job.objects.filter(
                org=org, kind__in=(tasks.BILLS_JOB_KIND, tasks.PROPOSE_JOB_KIND)
            ).order_by("-created_at")[:3],
            "year": timezone.localdate().year,
        }
        return render(request, "dues/branch.html", context)


class _BranchAction(ScopedViewMixin, View):
    model = Org
    permission = "dues.manage"
    http_method_names = ["post"]

    def branch(self, pk: int) -> Org:
        org: Org = self.get_scoped_object(pk)
        return org

    def back(self, org: Org, month: dt.date | None = None) -> HttpResponseRedirect:
        url = reverse("dues:branch", args=[org.pk])
        return HttpResponseRedirect(url + (f"?month={month:%Y-%m}" if month else ""))


class BillsGenerateView(_BranchAction):
    """生成账单: a background job for the organisation's subtree and month, with a progress bar."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = self.branch(pk)
        try:
            month = dt.date.fromisoformat(request.POST.get("month", "") + "-01")
        except ValueError:
            messages.error(request, "请选择月份")
            return self.back(org)
        job = job_create(
            kind=tasks.BILLS_JOB_KIND,
            user=request.user,
            title=f"生成 {month:%Y年%m月} 党费账单：{org}",
            org=org,
            params={"month": month.isoformat()},
        )
        tasks.generate_bills_task(job.pk)
        return HttpResponseRedirect(reverse("dues:job", args=[job.pk]))


class FixingsProposeView(_BranchAction):
    """年度核定: a job that proposes every member's amount for the year from their category and items."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = self.branch(pk)
        year = _int(request.POST.get("year"))
        if not 2000 <= year <= 2100:
            messages.error(request, "年度无效")
            return self.back(org)
        job = job_create(
            kind=tasks.PROPOSE_JOB_KIND,
            user=request.user,
            title=f"{year}年度党费测算：{org}",
            org=org,
            params={"year": year},
        )
        tasks.propose_year_task(job.pk)
        return HttpResponseRedirect(reverse("dues:job", args=[job.pk]))


class FixingsConfirmAllView(_BranchAction):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = self.branch(pk)
        n = services.fixings_confirm_all(actor=request.user, org=org)
        messages.success(request, f"已确认 {n} 名党员的党费核定")
        return self.back(org)


class ReconcileView(_BranchAction):
    """对账: freeze the branch's month."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = self.branch(pk)
        try:
            month = dt.date.fromisoformat(request.POST.get("month", "") + "-01")
        except ValueError:
            messages.error(request, "请选择月份")
            return self.back(org)
        try:
            services.reconciliation_close(
                actor=request.user, org=org, month=month, note=request.POST.get("note", "")
            )
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{month:%Y年%m月} 已对账")
        return self.back(org, month)


class JobView(ScopedViewMixin, View):
    """The progress of a bills or proposal job (the page polls itself for the fragment)."""

    model = Job
    permission = "dues.manage"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = get_object_or_404(
            self.get_queryset().filter(kind__in=(tasks.BILLS_JOB_KIND, tasks.PROPOSE_JOB_KIND)), pk=pk
        )
        template = "dues/_job_progress.html" if request.headers.get("HX-Request") else "dues/job.html"
        return render(request, template, {"job": job})


# --------------------------------------------------------------------------------------------------------
# A member's dues record


class MemberView(ScopedViewMixin, View):
    """党费档案 of one member: category and items, the computation, fixings, bills and payments."""

    model = Member
    permission = "dues.view"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        member = self.get_scoped_object(pk)
        profile = selectors.profile_of(member)
        computation = None
        if profile is not None:
            computation = config.compute(profile.category, services.base_of(member))
        mine = selectors.my_dues(member)
        context = {
            "member": member,
            "profile": profile,
            "items": selectors.items_of(member),
            "computation": computation,
            "fixings": DuesFixing.objects.filter(member=member).exclude(status="discarded")[:10],
            "mine": mine,
            "can_manage": scope.org_in_scope(request.user, "dues.manage", member.org),
            "refix_form": RefixForm(),
        }
        return render(request, "dues/member.html", context)


def _items_from(post: Any) -> list[dict[str, Any]]:
    items = []
    for i in range(MAX_ITEMS):
        name = post.get(f"item-{i}-name", "").strip()
        amount = post.get(f"item-{i}-amount", "").strip()
        if not name and not amount:
            continue
        items.append(
            {"name": name, "amount": amount or "0", "in_base": post.get(f"item-{i}-in_base") == "on"}
        )
    return items


class ProfileEditView(ScopedViewMixin, View):
    """党费类别和工资项目: each item in or out of the base."""

    model = Member
    permission = "dues.manage"

    def _render(
        self, request: HttpRequest, member: Member, form: ProfileForm, items: list[dict[str, Any]]
    ) -> HttpResponse:
        rows = items + [{"name": "", "amount": "", "in_base": True}] * max(3, MAX_ITEMS - len(items) - 6)
        return render(
            request, "dues/profile_form.html", {"member": member, "form": form, "rows": rows[:MAX_ITEMS]}
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        member = self.get_scoped_object(pk)
        profile = selectors.profile_of(member)
        form = ProfileForm(initial={"category": profile.category if profile else "in_service"})
        items = [
            {"name": i.name, "amount": i.amount, "in_base": i.in_base} for i in selectors.items_of(member)
        ]
        return self._render(request, member, form, items)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        member = self.get_scoped_object(pk)
        form = ProfileForm(request.POST)
        items = _items_from(request.POST)
        if form.is_valid():
            try:
                services.profile_set(
                    actor=request.user, member=member, category=form.cleaned_data["category"], items=items
                )
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "党费类别和工资项目已保存；如需按新基数交纳，请重新核定")
                return _member_page(member)
        return self._render(request, member, form, items)


class RefixView(ScopedViewMixin, View):
    """重新核定 (or the first fixing) from a month, on a documented change."""

    model = Member
    permission = "dues.manage"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        member = self.get_scoped_object(pk)
        form = RefixForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请填写起始月份和事由")
            return _member_page(member)
        try:
            services.fixing_propose(actor=request.user, member=member, **form.cleaned_data)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已按当前基数测算，请核对后确认")
        return _member_page(member)


class FixingConfirmView(ScopedViewMixin, View):
    model = DuesFixing
    permission = "dues.manage"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        fixing = self.get_scoped_object(pk)
        try:
            services.fixing_confirm(actor=request.user, fixing=fixing)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已核定：每月 {fixing.amount} 元")
        return _member_page(fixing.member)


class PaymentRecordView(ScopedViewMixin, View):
    """The treasurer records a payment (cash, transfer, on behalf): it waits for confirmation of receipt."""

    model = Member
    permission = "dues.manage"

    def _render(self, request: HttpRequest, member: Member, form: PaymentForm) -> HttpResponse:
        return render(
            request,
            "dues/payment_form.html",
            {"member": member, "form": form, "mine": selectors.my_dues(member)},
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        member = self.get_scoped_object(pk)
        month = rules.month_start(timezone.localdate())
        form = PaymentForm(
            initial={"kind": "monthly", "months_from": month, "months_to": month},
            campaigns=selectors.campaigns_open_for(member, timezone.localdate()),
        )
        return self._render(request, member, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        member = self.get_scoped_object(pk)
        form = PaymentForm(request.POST, campaigns=selectors.campaigns_open_for(member, timezone.localdate()))
        payment = _create_payment(request, member, form)
        if payment is not None:
            messages.success(request, "交纳记录已登记，待确认到账")
            return HttpResponseRedirect(reverse("dues:payment_detail", args=[payment.pk]))
        return self._render(request, member, form)


def _create_payment(request: HttpRequest, member: Member, form: PaymentForm) -> DuesPayment | None:
    if not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    campaign_id = data.pop("campaign")
    campaign = None
    if campaign_id:
        campaign = next(
            (c for c in selectors.campaigns_open_for(member, timezone.localdate()) if c.pk == campaign_id),
            None,
        )
    try:
        return services.payment_create(actor=request.user, member=member, campaign=campaign, **data)
    except BusinessError as exc:
        form.add_error(None, exc.message)
        return None


class ReductionCreateView(ScopedViewMixin, View):
    """少交/免交: record the branch's study of a member's request."""

    model = Member
    permission = "dues.manage"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        member = self.get_scoped_object(pk)
        return render(request, "dues/reduction_form.html", {"member": member, "form": ReductionForm()})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        member = self.get_scoped_object(pk)
        form = ReductionForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["monthly_amount"] = data["monthly_amount"] or Decimal("0")
            try:
                reduction = services.reduction_create(actor=request.user, member=member, **data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    "党支部已决定，已生效"
                    if reduction.status == ReductionStatus.APPROVED
                    else "已报上一级党委审批",
                )
                return _member_page(member)
        return render(request, "dues/reduction_form.html", {"member": member, "form": form})


# --------------------------------------------------------------------------------------------------------
# Payments


class PaymentListView(ScopedViewMixin, View):
    """交纳记录: those waiting for the branch first; filter by status."""

    model = DuesPayment
    permission = "dues.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        qs = selectors.payment_list(user=request.user)
        status = request.GET.get("status", "")
        if status in PaymentStatus.values:
            qs = qs.filter(status=status)
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        return render(
            request,
            "dues/payment_list.html",
            {"page_obj": page, "status": status, "statuses": PaymentStatus.choices},
        )


class PaymentDetailView(ScopedViewMixin, View):
    """One payment: the member sees their own (instructions, receipt); the treasurer confirms or returns."""

    model = DuesPayment
    permission = "dues.view"
    require_grant = False

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        _not_admin(request)
        payment = self.get_scoped_object(pk)
        context = {
            "payment": payment,
            "instructions": providers.get(payment.provider).instructions(payment=payment),
            "can_manage": scope.org_in_scope(request.user, "dues.manage", payment.org),
            "confirm_form": ConfirmForm(),
            "reject_form": ReasonForm(),
            "bills": payment.bills.order_by("month"),
        }
        return render(request, "dues/payment_detail.html", context)


class _PaymentAction(ScopedViewMixin, View):
    model = DuesPayment
    permission = "dues.manage"
    http_method_names = ["post"]

    def back(self, payment: DuesPayment) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("dues:payment_detail", args=[payment.pk]))


class PaymentConfirmView(_PaymentAction):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        payment = self.get_scoped_object(pk)
        form = ConfirmForm(request.POST)
        reference = form.cleaned_data["reference"] if form.is_valid() else ""
        try:
            services.payment_confirm(actor=request.user, payment=payment, reference=reference)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已确认到账，收据已生成")
        return self.back(payment)


class PaymentApproveView(_PaymentAction):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        payment = self.get_scoped_object(pk)
        try:
            services.payment_approve(actor=request.user, payment=payment)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "党支部已同意")
        return self.back(payment)


class PaymentRejectView(_PaymentAction):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        payment = self.get_scoped_object(pk)
        form = ReasonForm(request.POST)
        try:
            services.payment_reject(
                actor=request.user,
                payment=payment,
                reason=form.data.get("reason", "") if form.is_bound else "",
            )
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已退回")
        return self.back(payment)


class ReceiptView(ScopedViewMixin, View):
    """党费收据 (PDF) of a confirmed payment, for the member and the treasurer."""

    model = DuesPayment
    permission = "dues.view"
    require_grant = False

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        _not_admin(request)
        payment = self.get_scoped_object(pk)
        if payment.status != PaymentStatus.CONFIRMED:
            raise Http404
        try:
            content = documents.receipt_pdf(payment)
        except BusinessError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("dues:payment_detail", args=[payment.pk]))
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="dues-receipt-{payment.receipt_no}.pdf"'
        return response


# --------------------------------------------------------------------------------------------------------
# 少交/免交


class ReductionListView(ScopedViewMixin, View):
    """少交免交: the requests in scope, and those the user decides as the level above."""

    model = DuesReduction
    permission = "dues.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        page = Paginator(selectors.reduction_list(user=request.user), 50).get_page(request.GET.get("page"))
        context = {
            "page_obj": page,
            "to_decide": selectors.reductions_to_decide(user=request.user),
            "decide_form": DecideForm(),
        }
        return render(request, "dues/reduction_list.html", context)


class ReductionDecideView(ScopedViewMixin, View):
    model = DuesReduction
    permission = "dues.approve"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        reduction = get_object_or_404(selectors.reductions_to_decide(user=request.user), pk=pk)
        form = DecideForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请选择是否批准")
        else:
            try:
                services.reduction_decide(actor=request.user, reduction=reduction, **form.cleaned_data)
            except BusinessError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "已审批")
        return HttpResponseRedirect(reverse("dues:reduction_list"))


# --------------------------------------------------------------------------------------------------------
# Campaigns and the yearly publication


class CampaignListView(ScopedViewMixin, View):
    """专项收缴: created only by a higher organisation (a 党委 or 党总支) for its subtree."""

    model = Org
    permission = "dues.view"

    def _orgs(self, request: HttpRequest) -> list[Org]:
        return [
            o
            for o in selectors.org_list(user=request.user, permission="dues.manage")
            if o.kind in services.CAMPAIGN_KINDS
        ]

    def _render(self, request: HttpRequest, form: CampaignForm | None) -> HttpResponse:
        return render(
            request,
            "dues/campaign_list.html",
            {"campaigns": selectors.campaign_list(user=request.user)[:100], "form": form},
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        orgs = self._orgs(request)
        return self._render(request, CampaignForm(orgs=orgs) if orgs else None)

    def post(self, request: HttpRequest) -> HttpResponse:
        orgs = self._orgs(request)
        if not orgs:
            raise PermissionDenied("专项收缴只能由上级党委（党总支）发起")
        if _int(request.POST.get("org")) not in {o.pk for o in orgs}:
            raise Http404
        form = CampaignForm(request.POST, orgs=orgs)
        if form.is_valid():
            data = dict(form.cleaned_data)
            org = next(o for o in orgs if o.pk == data.pop("org"))
            try:
                services.campaign_create(actor=request.user, org=org, **data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "专项收缴已发起，党员可自愿交纳")
                return HttpResponseRedirect(reverse("dues:campaign_list"))
        return self._render(request, form)


class PublicationListView(ScopedViewMixin, View):
    """党费收缴使用情况公布: the organisations' yearly publications; publish one."""

    model = Org
    permission = "dues.view"

    def _render(self, request: HttpRequest, form: PublicationForm | None) -> HttpResponse:
        from dangjian.dues.models import DuesPublication

        pubs = scope.restrict(DuesPublication.objects.select_related("org"), request.user, "dues.view")[:100]
        return render(request, "dues/publication_list.html", {"publications": pubs, "form": form})

    def _orgs(self, request: HttpRequest) -> list[Org]:
        return list(selectors.org_list(user=request.user, permission="dues.manage")[:200])

    def get(self, request: HttpRequest) -> HttpResponse:
        orgs = self._orgs(request)
        initial = {"year": timezone.localdate().year - 1}
        return self._render(request, PublicationForm(orgs=orgs, initial=initial) if orgs else None)

    def post(self, request: HttpRequest) -> HttpResponse:
        orgs = self._orgs(request)
        if not orgs:
            raise PermissionDenied("无权公布")
        if _int(request.POST.get("org")) not in {o.pk for o in orgs}:
            raise Http404
        form = PublicationForm(request.POST, orgs=orgs)
        if form.is_valid():
            data = dict(form.cleaned_data)
            org = next(o for o in orgs if o.pk == data.pop("org"))
            try:
                services.publication_create(actor=request.user, org=org, **data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已向党员公布")
                return HttpResponseRedirect(reverse("dues:publication_list"))
        return self._render(request, form)


# --------------------------------------------------------------------------------------------------------
# The calculator and the member's own page


class CalculatorView(View):
    """党费计算器: the computation step by step, for anyone signed in."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        form = CalculatorForm(request.GET or None)
        computation = None
        if form.is_bound and form.is_valid():
            base = form.cleaned_data["base"] or Decimal("0")
            computation = config.compute(form.cleaned_data["category"], base)
        context = {
            "form": form,
            "computation": computation,
            "perms_dues": scope.has_permission(request.user, "dues.view"),
        }
        return render(request, "dues/calculator.html", context)


class MyDuesView(View):
    """我的党费: what I owe, my history, pay (own records only)."""

    access = classify.AUTHENTICATED

    def _render(self, request: HttpRequest, form: PaymentForm | None, status: int = 200) -> HttpResponse:
        _not_admin(request)
        member = selectors.member_of(request.user)
        context: dict[str, Any] = {"member": member, "form": form}
        if member is not None:
            today = timezone.localdate()
            campaigns = selectors.campaigns_open_for(member, today)
            mine = selectors.my_dues(member)
            if form is None:
                current = rules.month_start(today)
                first = mine.unpaid[0].month if mine.unpaid else current
                kind, last = "monthly", first
                if first < current:  # 补交 the months before this one first
                    kind = "arrears"
                    last = max(b.month for b in mine.unpaid if b.month < current)
                form = PaymentForm(
                    initial={"kind": kind, "months_from": first, "months_to": last}, campaigns=campaigns
                )
            context.update(
                form=form,
                mine=mine,
                campaigns=campaigns,
                publications=selectors.publications_for(member),
                provider=providers.get("offline"),
            )
        return render(request, "dues/mine.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, None)

    def post(self, request: HttpRequest) -> HttpResponse:
        _not_admin(request)
        member = selectors.member_of(request.user)
        if member is None:
            raise Http404
        form = PaymentForm(request.POST, campaigns=selectors.campaigns_open_for(member, timezone.localdate()))
        payment = _create_payment(request, member, form)
        if payment is not None:
            messages.success(request, "已提交，请按提示完成交纳")
            return HttpResponseRedirect(reverse("dues:payment_detail", args=[payment.pk]))
        return self._render(request, form, status=400)
