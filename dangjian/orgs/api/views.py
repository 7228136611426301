"""REST API for organisations and positions; writes call the same services as the pages."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dangjian.access import scope
from dangjian.access.api import ScopedViewSet
from dangjian.members.models import Member
from dangjian.orgs import services
from dangjian.orgs.api.serializers import (
    OrgMergeSerializer,
    OrgMoveSerializer,
    OrgSerializer,
    OrgWriteSerializer,
    PositionEndSerializer,
    PositionSerializer,
)
from dangjian.orgs.filters import OrgFilter
from dangjian.orgs.models import Org, Position


class OrgViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """党组织: list and read within scope; create, update, move and merge through the services."""

    queryset = Org.objects.order_by("path")
    serializer_class = OrgSerializer
    filterset_class = OrgFilter
    permission = "orgs.view"
    write_permission = "orgs.change"

    def _scoped(self, pk: Any, permission: str) -> Org:
        return get_object_or_404(scope.restrict(Org.objects.all(), self.request.user, permission), pk=pk)

    @extend_schema(request=OrgWriteSerializer, responses=OrgSerializer)
    def create(self, request: Request) -> Response:
        s = OrgWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        parent_id = data.pop("parent", None)
        parent = self._scoped(parent_id, "orgs.manage") if parent_id else None
        org = services.org_create(actor=request.user, parent=parent, **data)
        return Response(OrgSerializer(org).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OrgWriteSerializer, responses=OrgSerializer)
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        org = self._scoped(pk, "orgs.change")
        s = OrgWriteSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        data.pop("parent", None)
        org = services.org_update(actor=request.user, org=org, **data)
        return Response(OrgSerializer(org).data)

    @extend_schema(request=OrgMoveSerializer, responses=OrgSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: Any = None) -> Response:
        org = self._scoped(pk, "orgs.manage")
        s = OrgMoveSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        parent = self._scoped(s.validated_data["parent"], "orgs.manage")
        return Response(OrgSerializer(services.org_move(actor=request.user, org=org, new_parent=parent)).data)

    @extend_schema(request=OrgMergeSerializer, responses=OrgSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: Any = None) -> Response:
        org = self._scoped(pk, "orgs.manage")
        s = OrgMergeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        target = self._scoped(s.validated_data["target"], "orgs.manage")
        return Response(OrgSerializer(services.org_merge(actor=request.user, source=org, target=target)).data)


class PositionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """职务: current and past positions within scope; appoint and end through the services."""

    queryset = Position.objects.select_related("member", "org").order_by("org__path", "title")
    serializer_class = PositionSerializer
    filterset_fields = ["org", "member", "title"]
    permission = "orgs.view"
    write_permission = "orgs.appoint"

    def create(self, request: Request) -> Response:
        s = PositionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        org = get_object_or_404(
            scope.restrict(Org.objects.all(), request.user, "orgs.appoint"), pk=s.validated_data["org"].pk
        )
        member = get_object_or_404(
            scope.restrict(Member.objects.all(), request.user, "members.view"),
            pk=s.validated_data["member"].pk,
        )
        position = services.position_assign(
            actor=request.user,
            org=org,
            member=member,
            title=s.validated_data["title"],
            started_on=s.validated_data["started_on"],
            duties=s.validated_data.get("duties", ""),
        )
        return Response(PositionSerializer(position).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PositionEndSerializer, responses=PositionSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: Any = None) -> Response:
        position = get_object_or_404(
            scope.restrict(Position.objects.all(), request.user, "orgs.appoint"), pk=pk
        )
        s = PositionEndSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        position = services.position_end(
            actor=request.user, position=position, ended_on=s.validated_data["ended_on"]
        )
        return Response(PositionSerializer(position).data)
