"""Pages of 积分: my points, leaderboards (with export), rules, manual adjustments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
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
from dangjian.points import excel as points_excel
from dangjian.points import rules, selectors, services
from dangjian.points.forms import AdjustmentForm, RuleForm
from dangjian.points.models import PointAdjustment, PointRule


def _board_params(request: HttpRequest) -> tuple[str, str]:
    level = request.GET.get("level", "member")
    period = request.GET.get("period", "week")
    return (level if level in rules.LEVELS else "member", period if period in rules.PERIODS else "week")


class MyPointsView(View):
    """我的积分: today's points per rule against its cap, totals, rank and the ledger (own records only)."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        member = selectors.member_of(request.user)
        context: dict[str, Any] = {"member": member}
        if member is not None:
            today = timezone.localdate()
            page = Paginator(selectors.points_history(member), 30).get_page(request.GET.get("page"))
            context.update(
                progress=selectors.points_today(member, today),
                totals={
                    label: selectors.points_total(member, p, today) for p, label in rules.PERIODS.items()
                },
                rank=selectors.my_rank(member, "week", today),
                page_obj=page,
            )
        return render(request, "points/my_points.html", context)


class BoardView(ScopedViewMixin, View):
    """积分排行: members, branches or committees over a period, within scope; the user's own rank."""

    permission = "points.view"
    require_grant = False  # a member sees their own points and rank

    def get(self, request: HttpRequest) -> HttpResponse:
        if scope.is_admin(request.user):
            raise PermissionDenied("三员不查看业务数据")
        level, period = _board_params(request)
        today = timezone.localdate()
        member = selectors.member_of(request.user)
        context = {
            "rows": selectors.leaderboard(
                user=request.user, level=level, period=period, on=today, cached=True
            ),
            "level": level,
            "period": period,
            "levels": rules.LEVELS,
            "level_label": rules.LEVELS[level],
            "periods": rules.PERIODS,
            "rank": selectors.my_rank(member, period, today) if member is not None else None,
            "can_export": scope.has_permission(request.user, "points.view"),
            "board_seconds": int(selectors.board_cache_seconds()),
        }
        return render(request, "points/board.html", context)


class BoardExportView(ScopedViewMixin, View):
    """导出 Excel: the leaderboard as shown, for performance appraisal (audited, rate-limited)."""

    permission = "points.view"

    @method_decorator(ratelimit("export", methods=("GET",)))
    def get(self, request: HttpRequest) -> HttpResponse:
        level, period = _board_params(request)
        today = timezone.localdate()
        content = points_excel.board_export(actor=request.user, level=level, period=period, on=today)
        return excel.workbook_response(content, filename=f"积分排行_{level}_{period}_{today:%Y%m%d}.xlsx")


class RuleListView(ScopedViewMixin, View):
    """积分规则."""

    permission = "points.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        context = {
            "rules": selectors.rule_list(),
            "can_manage": scope.has_permission(request.user, "points.manage"),
        }
        return render(request, "points/rule_list.html", context)


class RuleEditView(ScopedViewMixin, View):
    """Edit one rule (points.manage); audited by the service."""

    permission = "points.manage"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        rule = get_object_or_404(PointRule, pk=pk)
        return render(request, "points/rule_form.html", {"rule": rule, "form": RuleForm(instance=rule)})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        rule = get_object_or_404(PointRule, pk=pk)
        form = RuleForm(request.POST, instance=PointRule.objects.get(pk=pk))
        if form.is_valid():
            try:
                services.points_rule_update(actor=request.user, rule=rule, **form.cleaned_data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "积分规则已保存")
                return HttpResponseRedirect(reverse("points:rule_list"))
        return render(request, "points/rule_form.html", {"rule": rule, "form": form})


class AdjustmentListView(ScopedViewMixin, View):
    """积分调整: request a manual award or deduction; approve or reject the requests of others."""

    model = PointAdjustment
    permission = "points.manage"

    def _page(self, request: HttpRequest, form: AdjustmentForm) -> HttpResponse:
        page = Paginator(selectors.adjustment_list(user=request.user), 50).get_page(request.GET.get("page"))
        return render(request, "points/adjustment_list.html", {"form": form, "page_obj": page})

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, AdjustmentForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = AdjustmentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            member = (
                scope.restrict(Member.objects.select_related("org"), request.user, "points.manage")
                .filter(pk=data["member"])
                .first()
            )
            if member is None:
                form.add_error("member", "在您的管理范围内未找到该党员")
            else:
                try:
                    services.adjustment_request(
                        actor=request.user, member=member, points=data["points"], reason=data["reason"]
                    )
                except BusinessError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, "已提交，待另一位管理人员审批")
                    return HttpResponseRedirect(reverse("points:adjustment_list"))
        return self._page(request, form)


class AdjustmentDecideView(ScopedViewMixin, View):
    """Approve or reject one adjustment (POST); the requester cannot decide their own."""

    model = PointAdjustment
    permission = "points.manage"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, decision: str) -> HttpResponse:
        adjustment = self.get_scoped_object(pk)
        if decision not in ("approve", "reject"):
            raise Http404
        decide = services.adjustment_approve if decision == "approve" else services.adjustment_reject
        try:
            decide(actor=request.user, adjustment=adjustment)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已批准" if decision == "approve" else "已驳回")
        return HttpResponseRedirect(reverse("points:adjustment_list"))
