"""REST API of 党风廉政监督 (/api/v1/supervision/…). Writes call the same services as the pages."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dangjian.access import classify, scope
from dangjian.access.api import ScopedViewSet
from dangjian.core.models import Job
from dangjian.members.models import Member
from dangjian.orgs.models import Org
from dangjian.supervision import selectors, services
from dangjian.supervision.api.serializers import (
    BoardSerializer,
    CheckSerializer,
    IntegrityTopicSerializer,
    RecordSerializer,
    RecordWriteSerializer,
    RectificationSerializer,
    RectificationWriteSerializer,
    ReportSerializer,
    ResponsibilityItemSerializer,
    ResponsibilityWriteSerializer,
    RuleUpdateSerializer,
    ScanRunSerializer,
    WarningRuleSerializer,
    WarningSerializer,
    WarningTaskSerializer,
)
from dangjian.supervision.models import (
    IntegrityTopic,
    Rectification,
    ResponsibilityItem,
    ScanRun,
    Warning,
)

VIEW, RECTIFY, MANAGE = "supervision.view", "supervision.rectify", "supervision.manage"


class _Holds(permissions.BasePermission):
    """Reads need supervision.view through a grant, writes ``view.write_permission`` (configuration and scan
    runs are platform-wide, not scoped rows)."""

    message = "无权访问"

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated or scope.is_admin(user):
            return False
        perm = VIEW if request.method in permissions.SAFE_METHODS else view.write_permission
        return scope.has_permission(user, perm)


class WarningRuleViewSet(viewsets.ViewSet):
    """预警规则 (by ``code``): every declared rule with its source, thresholds, severity and on/off."""

    access = classify.PERMISSION
    permission_classes = [_Holds]
    write_permission = MANAGE
    lookup_field = "code"
    lookup_value_regex = r"[a-z0-9_]+\.[a-z0-9_]+"

    @extend_schema(responses=WarningRuleSerializer(many=True))
    def list(self, request: Request) -> Response:
        return Response(WarningRuleSerializer(selectors.rules_view(), many=True).data)

    @extend_schema(responses=WarningRuleSerializer)
    def retrieve(self, request: Request, code: str) -> Response:
        rule = selectors.rule_get(code)
        if rule is None:
            raise NotFound("规则不存在")
        return Response(WarningRuleSerializer(rule).data)

    @extend_schema(request=RuleUpdateSerializer, responses=WarningRuleSerializer)
    def partial_update(self, request: Request, code: str) -> Response:
        if not services.manages_rules(request.user):
            raise PermissionDenied("预警规则为全平台配置，仅上级党委纪检/组织部门可修改")
        rule = selectors.rule_get(code)
        if rule is None:
            raise NotFound("规则不存在")
        s = RuleUpdateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        rule = services.rule_update(actor=request.user, rule=rule, **s.validated_data)
        return Response(WarningRuleSerializer(rule).data)


class WarningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """预警: open and closed warnings in scope (``?status=open|closed``, ``?rule=<code>``, ``?org=<id>``)."""

    queryset = Warning.objects.select_related("rule", "org", "member", "owner").order_by(
        "-last_seen_at", "-id"
    )
    serializer_class = WarningSerializer
    permission = VIEW
    write_permission = MANAGE

    def get_queryset(self) -> Any:
        qs = super().get_queryset()
        p = self.request.query_params
        if p.get("status") in ("open", "closed"):
            qs = qs.filter(status=p["status"])
        if p.get("rule"):
            qs = qs.filter(rule__code=p["rule"])
        if p.get("org"):
            org = selectors.org_in_view(self.request.user, p["org"])
            qs = qs.filter(scope.subtree_q("org__path", org.path)) if org else qs.none()
        return qs

    @extend_schema(request=WarningTaskSerializer, responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def task(self, request: Request, pk: str) -> Response:
        """转为督办: turn the warning into a rectification task."""
        warning = get_object_or_404(scope.restrict(self.queryset, request.user, MANAGE), pk=pk)
        s = WarningTaskSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        task = services.warning_to_task(actor=request.user, warning=warning, **s.validated_data)
        return Response(RectificationSerializer(task).data, status=status.HTTP_201_CREATED)


class ScanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """预警扫描: the recorded runs; POST starts a scan of the caller's scope as a background job."""

    queryset = ScanRun.objects.order_by("-started_at")
    serializer_class = ScanRunSerializer
    permission_classes = [_Holds]
    permission = VIEW
    write_permission = MANAGE

    def get_queryset(self) -> Any:
        # A run's figures cover every organisation it scanned: those who keep the rules for the whole tree
        # see every run; anyone else only the runs they started themselves.
        if services.manages_rules(self.request.user):
            return self.queryset.all()
        return self.queryset.filter(started_by=self.request.user)

    @extend_schema(request=None, responses={202: None})
    def create(self, request: Request) -> Response:
        job = services.scan_request(actor=request.user)
        return Response({"job": job.pk, "status": job.status}, status=status.HTTP_202_ACCEPTED)


class ScanJobView(APIView):
    """The progress of a manual scan job."""

    access = classify.PERMISSION
    permission_classes = [_Holds]
    write_permission = MANAGE

    @extend_schema(responses=None)
    def get(self, request: Request, pk: int) -> Response:
        job = get_object_or_404(
            scope.restrict(Job.objects.all(), request.user, MANAGE), pk=pk, kind=services.SCAN_JOB_KIND
        )
        return Response(
            {
                "job": job.pk,
                "status": job.status,
                "percent": job.percent,
                "message": job.message,
                "result": job.result,
            }
        )


class RectificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """督办整改: tasks in scope (``?state=open|overdue|accepted``); create (监督检查, 来信, 随手拍), report,
    check."""

    queryset = (
        Rectification.objects.select_related("org", "supervisor", "escalated_to")
        .prefetch_related("steps", "steps__actor", "steps__file")
        .order_by("-created_at", "-id")
    )
    serializer_class = RectificationSerializer
    permission = VIEW
    write_permission = MANAGE

    def get_permissions(self) -> Any:
        if self.action == "report":
            self.write_permission = RECTIFY
        return super().get_permissions()

    def get_queryset(self) -> Any:
        qs = super().get_queryset()
        state = self.request.query_params.get("state")
        if state == "open":
            qs = qs.exclude(status="accepted")
        elif state == "overdue":
            qs = qs.filter(selectors.overdue_q(timezone.localdate()))
        elif state:
            qs = qs.filter(status=state)
        return qs

    def _task(self, request: Request, pk: str) -> Rectification:
        task: Rectification = get_object_or_404(scope.restrict(self.queryset, request.user, VIEW), pk=pk)
        return task

    @extend_schema(request=RectificationWriteSerializer, responses=RectificationSerializer)
    def create(self, request: Request) -> Response:
        s = RectificationWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        org = get_object_or_404(scope.restrict(Org.objects.all(), request.user, MANAGE), pk=data.pop("org"))
        task = services.rectification_create(actor=request.user, org=org, **data)
        return Response(RectificationSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReportSerializer, responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: str) -> Response:
        """报告进展 / 提交验收 (multipart with ``file`` for evidence)."""
        task = self._task(request, pk)
        s = ReportSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        services.rectification_report(
            actor=request.user, task=task, note=d["note"], upload=d.get("file"), submit=d["submit"]
        )
        return Response(RectificationSerializer(self._task(request, pk)).data)

    @extend_schema(request=CheckSerializer, responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request: Request, pk: str) -> Response:
        """验收销号 or 退回重改 by the supervising level."""
        task = self._task(request, pk)
        s = CheckSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.rectification_check(actor=request.user, task=task, **s.validated_data)
        return Response(RectificationSerializer(self._task(request, pk)).data)


class ResponsibilityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """监督责任清单 (``?year=``, ``?org=``): items with their 履责记录; create, record, end."""

    queryset = (
        ResponsibilityItem.objects.select_related("org", "holder")
        .prefetch_related("records", "records__file")
        .order_by("org__path", "duty", "id")
    )
    serializer_class = ResponsibilityItemSerializer
    permission = VIEW
    write_permission = MANAGE

    def get_permissions(self) -> Any:
        if self.action == "record":
            self.write_permission = RECTIFY
        return super().get_permissions()

    def get_queryset(self) -> Any:
        qs = super().get_queryset()
        p = self.request.query_params
        if p.get("year", "").isdigit():
            qs = qs.filter(year=int(p["year"]))
        if p.get("org"):
            org = selectors.org_in_view(self.request.user, p["org"])
            qs = qs.filter(scope.subtree_q("org__path", org.path)) if org else qs.none()
        return qs

    @extend_schema(request=ResponsibilityWriteSerializer, responses=ResponsibilityItemSerializer)
    def create(self, request: Request) -> Response:
        s = ResponsibilityWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        org = get_object_or_404(scope.restrict(Org.objects.all(), request.user, MANAGE), pk=data.pop("org"))
        holder_id = data.pop("holder")
        holder = None
        if holder_id is not None:
            holder = Member.objects.select_related("org").filter(pk=holder_id).first()
            if holder is None:
                raise NotFound("党员不存在")
        item = services.responsibility_create(actor=request.user, org=org, holder=holder, **data)
        return Response(ResponsibilityItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RecordWriteSerializer, responses=RecordSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str) -> Response:
        """记录履责情况 (multipart with ``file`` for evidence)."""
        item = get_object_or_404(scope.restrict(self.queryset, request.user, VIEW), pk=pk)
        s = RecordWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        record = services.responsibility_record(
            actor=request.user,
            item=item,
            period_start=d["period_start"],
            done_on=d["done_on"],
            note=d["note"],
            upload=d.get("file"),
        )
        return Response(RecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ResponsibilityItemSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        item = get_object_or_404(scope.restrict(self.queryset, request.user, MANAGE), pk=pk)
        item = services.responsibility_end(actor=request.user, item=item)
        return Response(ResponsibilityItemSerializer(item).data)


class BoardView(APIView):
    """监督工作看板 of ``org`` (default: the highest organisation in the caller's scope)."""

    access = classify.PERMISSION
    permission_classes = [_Holds]
    write_permission = MANAGE

    @extend_schema(parameters=[OpenApiParameter("org", int)], responses=BoardSerializer)
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("org")
        org = selectors.org_in_view(request.user, raw) if raw else selectors.default_org(request.user)
        if org is None:
            raise NotFound("组织不存在或不在权限范围内")
        board = selectors.board(user=request.user, org=org, today=timezone.localdate())
        return Response(BoardSerializer(board).data)


class IntegrityTopicView(APIView):
    """廉政教育专栏: the column's topics the caller may study (time and points through the study API)."""

    access = classify.AUTHENTICATED
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=IntegrityTopicSerializer(many=True))
    def get(self, request: Request) -> Response:
        if scope.is_admin(request.user):
            raise PermissionDenied("三员不查看业务数据")
        entries: list[IntegrityTopic] = selectors.integrity_topics(request.user)
        return Response(IntegrityTopicSerializer(entries, many=True).data)
