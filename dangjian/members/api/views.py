"""REST API for member records. Writes call the same services as the pages and the import."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dangjian.access import scope
from dangjian.access.api import ScopedViewSet
from dangjian.core.errors import BusinessError
from dangjian.members import services
from dangjian.members.api.imports import ImportJobViewSet
from dangjian.members.api.serializers import (
    MemberSerializer,
    MemberWriteSerializer,
    RevealSerializer,
    StatusActionSerializer,
    StatusChangeSerializer,
)
from dangjian.members.filters import MemberFilter, roll_count, wants_off_roll
from dangjian.members.models import Member, StatusChange
from dangjian.orgs.models import Org

__all__ = ["ImportJobViewSet", "MemberViewSet", "StatusChangeViewSet"]

_ACTIONS = {
    "convert": "转为正式党员",
    "suspend": "停止党籍",
    "restore": "恢复党籍",
    "lost_contact": "认定为失联党员",
    "contact_restored": "恢复联系",
    "mobile_start": "登记为流动党员",
    "mobile_end": "流动结束",
    "exit": "出党",
    "move": "调整所在党支部",
}


class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """党员: a member reads their own record; officers read and write within scope."""

    queryset = Member.objects.select_related("org").order_by("org__path", "name", "id")
    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    permission = "members.view"
    write_permission = "members.change"
    require_grant = False

    def get_queryset(self) -> Any:
        qs = super().get_queryset()
        if self.action == "list" and not wants_off_roll(self.request.query_params):
            qs = qs.filter(exit_kind="")
        return qs

    def paginate_queryset(self, queryset: Any) -> Any:
        if self.action == "list":
            params = self.request.query_params
            queryset.known_count = lambda: roll_count(self.request.user, params)
        return super().paginate_queryset(queryset)

    def _writable(self, pk: Any) -> Member:
        return get_object_or_404(
            scope.restrict(Member.objects.select_related("org"), self.request.user, "members.change"), pk=pk
        )

    @extend_schema(request=MemberWriteSerializer, responses=MemberSerializer)
    def create(self, request: Request) -> Response:
        s = MemberWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        org_id = data.pop("org", None)
        if org_id is None:
            raise BusinessError("members.org_required", "请指定所在党支部")
        org = get_object_or_404(scope.restrict(Org.objects.all(), request.user, "members.change"), pk=org_id)
        member = services.member_create(actor=request.user, org=org, data=data)
        return Response(MemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MemberWriteSerializer, responses=MemberSerializer)
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        member = self._writable(pk)
        s = MemberWriteSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        data.pop("org", None)
        member = services.member_update(actor=request.user, member=member, data=data)
        return Response(MemberSerializer(member).data)

    @extend_schema(
        request=StatusActionSerializer,
        responses=MemberSerializer,
        parameters=[OpenApiParameter("kind", str, enum=list(_ACTIONS), location=OpenApiParameter.PATH)],
        description="状态变动：" + "，".join(f"{k}（{v}）" for k, v in _ACTIONS.items()),
    )
    @action(detail=True, methods=["post"], url_path=r"status/(?P<kind>[a-z_]+)")
    def change_status(self, request: Request, pk: Any = None, kind: str = "") -> Response:
        if kind not in _ACTIONS:
            raise BusinessError("members.bad_action", "未知的状态变动")
        member = self._writable(pk)
        s = StatusActionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        actor, on, reason = request.user, d["on"], d["reason"]
        if kind == "convert":
            member = services.member_convert_to_full(actor=actor, member=member, on=on, reason=reason)
        elif kind == "suspend":
            member = services.member_suspend(actor=actor, member=member, on=on, reason=reason)
        elif kind == "restore":
            member = services.member_restore(actor=actor, member=member, on=on, reason=reason)
        elif kind == "lost_contact":
            member = services.member_mark_lost_contact(actor=actor, member=member, since=on, reason=reason)
        elif kind == "contact_restored":
            member = services.member_mark_contact_restored(actor=actor, member=member, on=on, reason=reason)
        elif kind == "mobile_start":
            member = services.member_start_mobile(
                actor=actor, member=member, on=on, destination=d["destination"]
            )
        elif kind == "mobile_end":
            member = services.member_end_mobile(actor=actor, member=member, on=on)
        elif kind == "exit":
            if "exit_kind" not in d:
                raise BusinessError("members.bad_exit", "请选择出党方式")
            member = services.member_exit(
                actor=actor, member=member, kind=d["exit_kind"], on=on, reason=reason
            )
        else:
            if "org" not in d:
                raise BusinessError("members.org_required", "请指定转入的党支部")
            org = get_object_or_404(scope.restrict(Org.objects.all(), actor, "members.change"), pk=d["org"])
            member = services.member_move(actor=actor, member=member, org=org, on=on, reason=reason)
        return Response(MemberSerializer(member).data)

    @extend_schema(request=None, responses=RevealSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: Any = None) -> Response:
        """完整的公民身份号码、电话和住址（仅限有权角色；每次查看均记入审计日志）。"""
        member = get_object_or_404(
            scope.restrict(Member.objects.select_related("org"), request.user, "members.view_sensitive"),
            pk=pk,
        )
        return Response(services.member_reveal(actor=request.user, member=member))


class StatusChangeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """党员状态变动历史."""

    queryset = StatusChange.objects.select_related("member").order_by("-effective_on", "-id")
    serializer_class = StatusChangeSerializer
    filterset_fields = ["member", "kind"]
    permission = "members.view"
    write_permission = "members.change"
    require_grant = False  # a member reads their own history
