"""REST API of 积分: my points, leaderboards, rules and adjustments. Writes call the same services as the
pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dangjian.access import classify, scope
from dangjian.access.api import ScopedViewSet
from dangjian.members.models import Member
from dangjian.points import rules, selectors, services
from dangjian.points.api.serializers import (
    BoardSerializer,
    MyPointsSerializer,
    MyRankSerializer,
    PointAdjustmentSerializer,
    PointAdjustmentWriteSerializer,
    PointEntrySerializer,
    PointRuleSerializer,
    ProgressSerializer,
)
from dangjian.points.models import PointAdjustment, PointRule


class MyPointsView(APIView):
    """我的积分: today's points per rule against its cap, totals, rank and the latest ledger entries."""

    access = classify.AUTHENTICATED
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MyPointsSerializer)
    def get(self, request: Request) -> Response:
        member = selectors.member_of(request.user)
        if member is None:
            return Response({"member": None, "today": [], "totals": {}, "week_rank": None, "history": []})
        today = timezone.localdate()
        rank = selectors.my_rank(member, "week", today)
        history = selectors.points_history(member)[:100]
        return Response(
            {
                "member": member.pk,
                "today": ProgressSerializer(selectors.points_today(member, today), many=True).data,
                "totals": {p: selectors.points_total(member, p, today) for p in rules.PERIODS},
                "week_rank": {"branch": rank.branch_rank, "committee": rank.committee_rank},
                "history": PointEntrySerializer(history, many=True).data,
            }
        )


class RankView(APIView):
    """我的排名: the member's points over ``period`` (day/week/month/year, default week) and their rank in
    their branch and in the nearest committee; a light call for a mobile client's badge (a few indexed
    reads). An account without a member record gets ``member: null``."""

    access = classify.AUTHENTICATED
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("period", str)], responses=MyRankSerializer)
    def get(self, request: Request) -> Response:
        period = request.query_params.get("period", "week")
        if period not in rules.PERIODS:
            return Response({"detail": "period 无效"}, status=status.HTTP_400_BAD_REQUEST)
        member = selectors.member_of(request.user)
        if member is None:
            return Response(
                {"member": None, "period": period, "points": 0, "branch": None, "committee": None}
            )
        rank = selectors.my_rank(member, period, timezone.localdate())
        return Response(
            {
                "member": member.pk,
                "period": period,
                "points": rank.points,
                "branch": rank.branch_rank,
                "committee": rank.committee_rank,
            }
        )


class BoardView(APIView):
    """积分排行: ``level`` member/branch/committee, ``period`` day/week/month/year, within scope."""

    access = classify.PERMISSION
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("level", str), OpenApiParameter("period", str)],
        responses=BoardSerializer,
    )
    def get(self, request: Request) -> Response:
        if scope.is_admin(request.user):
            raise PermissionDenied("无权访问")
        level = request.query_params.get("level", "member")
        period = request.query_params.get("period", "week")
        if level not in rules.LEVELS or period not in rules.PERIODS:
            return Response({"detail": "level 或 period 无效"}, status=status.HTTP_400_BAD_REQUEST)
        today = timezone.localdate()
        # The board may be up to POINTS_BOARD_CACHE_SECONDS old (selectors.board_cached); the viewer's own
        # rank and points are read now.
        rows = selectors.leaderboard(user=request.user, level=level, period=period, on=today, cached=True)
        member = selectors.member_of(request.user)
        rank = selectors.my_rank(member, period, today) if member is not None else None
        mine = None if rank is None else {"points": rank.points, "branch": rank.branch_rank,
                                          "committee": rank.committee_rank}  # fmt: skip
        # The rows as BoardRowSerializer describes them, built directly (100 rows through the serializer's
        # fields cost more than the board's queries).
        results = [{"rank": r.rank, "id": r.pk, "name": r.name, "org_name": r.org_name, "points": r.points,
                    "mine": r.mine} for r in rows]  # fmt: skip
        return Response({"results": results, "my_rank": mine})


class PointRuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """积分规则: read with points.view; change with points.manage. Platform-wide configuration, addressed by
    its action code (the rule of that code that started last)."""

    queryset = PointRule.objects.order_by("code", "-active_from")
    serializer_class = PointRuleSerializer
    permission = "points.view"
    write_permission = "points.manage"
    lookup_field = "code"
    lookup_value_regex = r"[a-z][a-z0-9_]{0,49}"

    def get_queryset(self) -> Any:
        return self.queryset.all()  # configuration, not org-owned: the grant check decides

    def get_object(self) -> PointRule:
        rule = PointRule.objects.filter(code=self.kwargs["code"]).order_by("-active_from").first()
        if rule is None:
            raise Http404
        return rule

    @extend_schema(request=PointRuleSerializer, responses=PointRuleSerializer)
    def partial_update(self, request: Request, code: str) -> Response:
        rule = self.get_object()
        s = PointRuleSerializer(rule, data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        rule = services.points_rule_update(actor=request.user, rule=rule, **s.validated_data)
        return Response(PointRuleSerializer(rule).data)


class PointAdjustmentViewSet(mixins.ListModelMixin, ScopedViewSet):
    """积分调整: request (points.manage), approve or reject by a second person."""

    queryset = PointAdjustment.objects.select_related("member").order_by("-requested_at", "-id")
    serializer_class = PointAdjustmentSerializer
    permission = "points.manage"
    write_permission = "points.manage"

    @extend_schema(request=PointAdjustmentWriteSerializer, responses=PointAdjustmentSerializer)
    def create(self, request: Request) -> Response:
        s = PointAdjustmentWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        member = get_object_or_404(
            scope.restrict(Member.objects.select_related("org"), request.user, "points.manage"),
            pk=data["member"],
        )
        adjustment = services.adjustment_request(
            actor=request.user, member=member, points=data["points"], reason=data["reason"]
        )
        return Response(PointAdjustmentSerializer(adjustment).data, status=status.HTTP_201_CREATED)

    def _decide(self, request: Request, pk: str, approve: bool) -> Response:
        adjustment = get_object_or_404(self.get_queryset(), pk=pk)
        decide = services.adjustment_approve if approve else services.adjustment_reject
        return Response(PointAdjustmentSerializer(decide(actor=request.user, adjustment=adjustment)).data)

    @extend_schema(request=None, responses=PointAdjustmentSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._decide(request, pk, True)

    @extend_schema(request=None, responses=PointAdjustmentSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        return self._decide(request, pk, False)
