"""REST API of 组织生活: meetings (plan, record, check-in, review), attendance, the members' check-in, plans
and compliance. Writes call the same services as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
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
from dangjian.core.errors import BusinessError
from dangjian.meetings import selectors, services
from dangjian.meetings.api.serializers import (
    AttendanceSerializer,
    AttendanceWriteSerializer,
    BranchComplianceSerializer,
    CancelSerializer,
    CheckInSerializer,
    CompliancePageSerializer,
    ComplianceTotalsSerializer,
    MeetingDetailSerializer,
    MeetingSerializer,
    MeetingVersionSerializer,
    MeetingWriteSerializer,
    PlanSerializer,
    RecordSerializer,
    ReviewSerializer,
    ReviseSerializer,
)
from dangjian.meetings.filters import MeetingFilter
from dangjian.meetings.models import Attendance, Meeting
from dangjian.members.models import Member
from dangjian.orgs.models import Org


def _resolve(user: Any, data: dict[str, Any], org: Org) -> dict[str, Any]:
    """Turn the ids of group, host and recorder into objects of ``org`` (unknown ids are refused)."""
    out = dict(data)
    if out.get("group") is not None:
        out["group"] = Org.objects.filter(pk=out["group"], path__startswith=org.path).first()
        if out["group"] is None:
            raise BusinessError("meetings.bad_group", "所选党小组不属于该党支部")
    for role in ("host", "recorder"):
        if out.get(role) is not None:
            out[role] = Member.objects.filter(pk=out[role], org=org).first()
            if out[role] is None:
                raise BusinessError("meetings.bad_person", "主持人和记录人须是本支部党员")
    return out


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """会议: read with meetings.view; plan, record and check-in with meetings.change; review with
    meetings.review (the level above)."""

    queryset = Meeting.objects.select_related("org").order_by("-planned_on", "-id")
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    permission = "meetings.view"
    write_permission = "meetings.change"

    def get_serializer_class(self) -> Any:
        return MeetingDetailSerializer if self.action == "retrieve" else MeetingSerializer

    def get_permissions(self) -> Any:
        if self.action == "review":
            self.write_permission = "meetings.review"
        return super().get_permissions()

    def _writable(self, pk: str, permission: str = "meetings.change") -> Meeting:
        qs = scope.restrict(Meeting.objects.select_related("org"), self.request.user, permission)
        return get_object_or_404(qs, pk=pk)

    @extend_schema(request=MeetingWriteSerializer, responses=MeetingSerializer)
    def create(self, request: Request) -> Response:
        s = MeetingWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        org = get_object_or_404(
            scope.restrict(Org.objects.all(), request.user, "meetings.change"), pk=data.pop("org", None)
        )
        meeting = services.meeting_create(actor=request.user, org=org, **_resolve(request.user, data, org))
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MeetingWriteSerializer, responses=MeetingSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        meeting = self._writable(pk)
        s = MeetingWriteSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        data.pop("org", None)
        meeting = services.meeting_update(
            actor=request.user, meeting=meeting, **_resolve(request.user, data, meeting.org)
        )
        return Response(MeetingSerializer(meeting).data)

    @extend_schema(request=RecordSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str) -> Response:
        meeting = self._writable(pk)
        s = RecordSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        meeting = services.meeting_record(actor=request.user, meeting=meeting, **s.validated_data)
        return Response(MeetingSerializer(meeting).data)

    @extend_schema(request=CancelSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        meeting = self._writable(pk)
        s = CancelSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        meeting = services.meeting_cancel(
            actor=request.user, meeting=meeting, reason=s.validated_data["reason"]
        )
        return Response(MeetingSerializer(meeting).data)

    @extend_schema(request=ReviseSerializer, responses=MeetingVersionSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: str) -> Response:
        """Start a revision of a reviewed record: answers the kept version; the record reopens."""
        meeting = self._writable(pk)
        s = ReviseSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        version = services.meeting_revise(
            actor=request.user, meeting=meeting, reason=s.validated_data["reason"]
        )
        return Response(MeetingVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=MeetingSerializer)
    @action(detail=True, methods=["post"], url_path="checkin-open")
    def checkin_open(self, request: Request, pk: str) -> Response:
        """Open check-in; the answer carries the code word and QR token (only to meetings.change)."""
        meeting = services.checkin_open(actor=request.user, meeting=self._writable(pk))
        data = dict(MeetingSerializer(meeting).data)
        data.update(check_in_code=meeting.check_in_code, check_in_token=meeting.check_in_token)
        return Response(data)

    @extend_schema(request=None, responses=MeetingSerializer)
    @action(detail=True, methods=["post"], url_path="checkin-close")
    def checkin_close(self, request: Request, pk: str) -> Response:
        meeting = services.checkin_close(actor=request.user, meeting=self._writable(pk))
        return Response(MeetingSerializer(meeting).data)

    @extend_schema(request=ReviewSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        meeting = self._writable(pk, "meetings.review")
        s = ReviewSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.meeting_review(actor=request.user, meeting=meeting, **s.validated_data)
        meeting.refresh_from_db()
        return Response(MeetingSerializer(meeting).data)


class AttendanceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """参会情况: the lines of meeting lists in scope (and one's own); the recorder updates one line."""

    queryset = Attendance.objects.select_related("member").order_by("-meeting_id", "member__name", "id")
    serializer_class = AttendanceSerializer
    permission = "meetings.view"
    write_permission = "meetings.change"
    require_grant = False  # a member reads their own lines

    @extend_schema(request=AttendanceWriteSerializer, responses=AttendanceSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        qs = scope.restrict(
            Attendance.objects.select_related("meeting__org"), request.user, "meetings.change"
        )
        attendance = get_object_or_404(qs, pk=pk)
        s = AttendanceWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        attendance = services.attendance_update(actor=request.user, attendance=attendance, **s.validated_data)
        return Response(AttendanceSerializer(attendance).data)


class _HoldsPermission(permissions.BasePermission):
    """The user holds ``view.required`` through a grant somewhere (``"member"``: any signed-in user who is not
    one of the 三员, who never touch business data)."""

    message = "无权访问"

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated or scope.is_admin(user):
            return False
        return view.required == "member" or scope.has_permission(user, view.required)


class CheckInView(APIView):
    """签到: a member checks in with the code word (``code``) or the scanned QR token (``token``)."""

    access = classify.AUTHENTICATED
    permission_classes = [_HoldsPermission]
    required = "member"

    @extend_schema(request=CheckInSerializer, responses=AttendanceSerializer)
    def post(self, request: Request) -> Response:
        allowed, retry = services.checkin_attempt_allowed(request.user)
        if not allowed:
            return Response(
                {"detail": f"操作过于频繁，请 {retry} 秒后再试"},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(retry)},
            )
        s = CheckInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        if s.validated_data["token"]:
            a = services.checkin_by_token(user=request.user, token=s.validated_data["token"])
        else:
            a = services.checkin_by_code(user=request.user, code=s.validated_data["code"])
        return Response(AttendanceSerializer(a).data)


class PlanGenerateView(APIView):
    """生成组织生活计划 for a branch and a year (optionally some months); answers the meetings created."""

    access = classify.PERMISSION
    permission_classes = [_HoldsPermission]
    required = "meetings.change"

    @extend_schema(request=PlanSerializer, responses=MeetingSerializer(many=True))
    def post(self, request: Request) -> Response:
        s = PlanSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        org = get_object_or_404(
            scope.restrict(Org.objects.all(), request.user, "meetings.change"), pk=data["org"]
        )
        created = services.plan_generate(
            actor=request.user, org=org, year=data["year"], months=data.get("months") or None
        )
        return Response(MeetingSerializer(created, many=True).data, status=status.HTTP_201_CREATED)


class ComplianceView(APIView):
    """组织生活落实情况: branches in scope (optionally under ``org``) for ``year``, 50 per ``page``."""

    access = classify.PERMISSION
    permission_classes = [_HoldsPermission]
    required = "meetings.view"

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int),
            OpenApiParameter("org", int),
            OpenApiParameter("page", int),
        ],
        responses=CompliancePageSerializer,
    )
    def get(self, request: Request) -> Response:
        today = timezone.localdate()
        try:
            year = int(request.query_params.get("year", today.year))
            org_id = int(request.query_params.get("org", 0))
        except ValueError:
            return Response({"detail": "year 或 org 无效"}, status=status.HTTP_400_BAD_REQUEST)
        if not 2000 <= year <= 2100:
            return Response({"detail": "year 无效"}, status=status.HTTP_400_BAD_REQUEST)
        under = None
        if org_id:
            under = get_object_or_404(
                scope.restrict(Org.objects.all(), request.user, "meetings.view"), pk=org_id
            )
        start = dt.date(year, 1, 1)
        end = min(dt.date(year, 12, 31), today) if year == today.year else dt.date(year, 12, 31)
        end = max(start, end)
        branches = selectors.branch_list(user=request.user, under=under)
        overview = selectors.compliance_overview(branches, start, end, today)
        page = Paginator(branches, 50).get_page(request.query_params.get("page"))
        rows = selectors.compliance(list(page.object_list), start, end, today)
        return Response(
            {
                "count": page.paginator.count,
                "page": page.number,
                "totals": ComplianceTotalsSerializer(overview.totals).data,
                "results": BranchComplianceSerializer(rows, many=True).data,
            }
        )
