"""REST API of 党费: the calculator, bills, payments (pay, confirm), 少交/免交 decisions and bill generation.
Writes call the same services as the pages."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dangjian.access import classify, scope
from dangjian.access.api import ScopedViewSet
from dangjian.core.errors import BusinessError
from dangjian.dues import config, selectors, services
from dangjian.dues.api.serializers import (
    BillSerializer,
    CalculatorInputSerializer,
    CalculatorSerializer,
    DecideSerializer,
    GenerateResultSerializer,
    GenerateSerializer,
    PaymentConfirmSerializer,
    PaymentSerializer,
    PaymentWriteSerializer,
    ReductionSerializer,
)
from dangjian.dues.models import DuesBill, DuesPayment, DuesReduction
from dangjian.members.models import Member
from dangjian.orgs.models import Org


class _NotAdmin(permissions.BasePermission):
    """Any signed-in user who is not one of the 三员 (who never touch business data)."""

    message = "无权访问"

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and not scope.is_admin(user))


class CalculatorView(APIView):
    """党费计算器: the monthly amount for a category and base, step by step."""

    access = classify.AUTHENTICATED
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=CalculatorInputSerializer, responses=CalculatorSerializer)
    def post(self, request: Request) -> Response:
        s = CalculatorInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        c = config.compute(s.validated_data["category"], s.validated_data["base"])
        data = asdict(c)
        data["steps"] = c.steps_json()
        return Response(CalculatorSerializer(data).data)


class BillViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """党费账单: the branch's bills (dues.view), or one's own."""

    queryset = DuesBill.objects.select_related("member", "org").order_by("-month", "member_id")
    serializer_class = BillSerializer
    permission = "dues.view"
    write_permission = "dues.manage"
    require_grant = False

    def get_queryset(self) -> Any:
        qs = super().get_queryset()
        month = self.request.query_params.get("month", "")
        if len(month) == 7 and month[4] == "-" and month.replace("-", "").isdigit():
            qs = qs.filter(month=f"{month}-01")
        return qs


class PaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """党费交纳: read one's own or the branch's; pay (own dues, or as the treasurer); confirm receipt."""

    queryset = DuesPayment.objects.select_related("member", "org").order_by("-created_at", "-id")
    serializer_class = PaymentSerializer
    permission = "dues.view"
    write_permission = "dues.manage"
    require_grant = False

    def get_permissions(self) -> Any:
        if self.action == "create":
            return [_NotAdmin()]
        return super().get_permissions()

    @extend_schema(request=PaymentWriteSerializer, responses=PaymentSerializer)
    def create(self, request: Request) -> Response:
        s = PaymentWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        member_id = data.pop("member", None)
        if member_id is None:
            member = selectors.member_of(request.user)
            if member is None:
                raise BusinessError("dues.no_member", "您的账号未关联党员档案")
        else:
            member = get_object_or_404(
                scope.restrict(Member.objects.select_related("org"), request.user, "dues.view"), pk=member_id
            )
        campaign_id = data.pop("campaign", None)
        campaign = None
        if campaign_id:
            campaign = next(
                (
                    c
                    for c in selectors.campaigns_open_for(member, timezone.localdate())
                    if c.pk == campaign_id
                ),
                None,
            )
            if campaign is None:
                raise BusinessError("dues.campaign_closed", "该专项收缴不存在或不在收缴期内")
        payment = services.payment_create(actor=request.user, member=member, campaign=campaign, **data)
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)

    def _writable(self, pk: str) -> DuesPayment:
        return get_object_or_404(
            scope.restrict(DuesPayment.objects.select_related("org"), self.request.user, "dues.manage"), pk=pk
        )

    @extend_schema(request=PaymentConfirmSerializer, responses=PaymentSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        s = PaymentConfirmSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        payment = services.payment_confirm(
            actor=request.user, payment=self._writable(pk), reference=s.validated_data["reference"]
        )
        return Response(PaymentSerializer(payment).data)

    @extend_schema(request=None, responses=PaymentSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        payment = services.payment_approve(actor=request.user, payment=self._writable(pk))
        return Response(PaymentSerializer(payment).data)


class ReductionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """少交免交: read; decide as the level above (dues.approve)."""

    queryset = DuesReduction.objects.select_related("member", "org").order_by("-created_at", "-id")
    serializer_class = ReductionSerializer
    permission = "dues.view"
    write_permission = "dues.approve"
    require_grant = False

    @extend_schema(request=DecideSerializer, responses=ReductionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        reduction = get_object_or_404(selectors.reductions_to_decide(user=request.user), pk=pk)
        s = DecideSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        reduction = services.reduction_decide(actor=request.user, reduction=reduction, **s.validated_data)
        return Response(ReductionSerializer(reduction).data)


class GenerateView(APIView):
    """生成账单: a month's bills for an organisation's subtree (idempotent), synchronously."""

    access = classify.PERMISSION
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=GenerateSerializer, responses=GenerateResultSerializer)
    def post(self, request: Request) -> Response:
        if not scope.has_permission(request.user, "dues.manage"):
            return Response({"detail": "无权访问"}, status=status.HTTP_403_FORBIDDEN)
        s = GenerateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        org = get_object_or_404(
            scope.restrict(Org.objects.all(), request.user, "dues.manage"), pk=s.validated_data["org"]
        )
        result = services.bills_generate(actor=request.user, month=s.validated_data["month"], org=org)
        return Response(GenerateResultSerializer(asdict(result)).data)
