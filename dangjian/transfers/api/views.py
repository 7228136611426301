"""REST API of 组织关系转接 and 流动党员. Writes call the same services as the pages, which decide who may
take each step; objects outside the caller's view answer 404."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from dangjian.access import scope
from dangjian.access.api import ScopedViewSet
from dangjian.core.errors import BusinessError
from dangjian.members.models import Member
from dangjian.orgs.models import Org
from dangjian.transfers import selectors, services
from dangjian.transfers.api.serializers import (
    DateSerializer,
    IncomingSerializer,
    IssueSerializer,
    MobileEndSerializer,
    MobileSerializer,
    MobileWriteSerializer,
    NoteSerializer,
    ReceiptSerializer,
    RequestSerializer,
    TransferSerializer,
)
from dangjian.transfers.filters import TransferFilter
from dangjian.transfers.models import MobileRegistration, Transfer


def _step(fn: Any, **kwargs: Any) -> Transfer:
    """Take one step; a step outside the caller's scope is 403 (the transfer itself is visible)."""
    try:
        result: Transfer = fn(**kwargs)
    except BusinessError as exc:
        if exc.code == "transfers.forbidden":
            raise PermissionDenied(exc.message) from exc
        raise
    return result


class _SignedInNotAdmin(permissions.BasePermission):
    """Members take steps on their own transfers without a grant; the services check every step's scope.
    The 三员 never read business data."""

    message = "无权访问"

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and not scope.is_admin(user))


class TransferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """组织关系转接: the transfers whose sending or receiving branch is in scope, plus one's own."""

    queryset = Transfer.objects.all()
    serializer_class = TransferSerializer
    filterset_class = TransferFilter
    permission = "transfers.view"
    write_permission = "transfers.view"
    permission_classes = [_SignedInNotAdmin]

    def get_queryset(self) -> Any:
        return selectors.transfer_visible(user=self.request.user)

    def _done(self, transfer: Transfer, code: int = status.HTTP_200_OK) -> Response:
        return Response(TransferSerializer(transfer).data, status=code)

    @extend_schema(request=RequestSerializer, responses=TransferSerializer)
    def create(self, request: Request) -> Response:
        """Start a transfer out: one's own (a member's request) or, with transfers.manage, the branch's."""
        s = RequestSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        members = Member.objects.select_related("org")
        mine = members.filter(user_id=request.user.pk or 0)
        in_scope = scope.restrict(members, request.user, "transfers.manage")
        member = get_object_or_404(mine | in_scope, pk=d.pop("member"))
        to_org_id = d.pop("to_org")
        to_org = Org.objects.filter(pk=to_org_id).first() if to_org_id else None
        if to_org_id and to_org is None:
            raise BusinessError("transfers.to_org_required", "转入党支部不存在")
        return self._done(
            services.transfer_request(actor=request.user, member=member, to_org=to_org, **d),
            status.HTTP_201_CREATED,
        )

    def _take(self, request: Request, serializer: type[Any], service: Any, *fields: str) -> Response:
        """One step of the transfer: the object first (404 outside the transfer's sides, before any
        validation), then the step's fields (only ``fields`` when given), then the service."""
        t = self.get_object()
        s = serializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = {k: v for k, v in s.validated_data.items() if not fields or k in fields}
        return self._done(_step(service, actor=request.user, transfer=t, **data))

    @extend_schema(request=NoteSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"], url_path="branch-approve")
    def branch_approve(self, request: Request, pk: str) -> Response:
        return self._take(request, NoteSerializer, services.transfer_branch_approve)

    @extend_schema(request=NoteSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        return self._take(request, NoteSerializer, services.transfer_reject)

    @extend_schema(request=NoteSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        return self._take(request, NoteSerializer, services.transfer_cancel)

    @extend_schema(request=IssueSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str) -> Response:
        return self._take(request, IssueSerializer, services.transfer_issue)

    @extend_schema(request=IssueSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def reissue(self, request: Request, pk: str) -> Response:
        return self._take(request, IssueSerializer, services.transfer_reissue, "valid_days")

    @extend_schema(request=DateSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        return self._take(request, DateSerializer, services.transfer_accept)

    @extend_schema(request=DateSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: str) -> Response:
        return self._take(request, DateSerializer, services.transfer_report)

    @extend_schema(request=ReceiptSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def receipt(self, request: Request, pk: str) -> Response:
        return self._take(request, ReceiptSerializer, services.transfer_receipt)

    @extend_schema(request=IncomingSerializer, responses=TransferSerializer)
    @action(detail=False, methods=["post"])
    def incoming(self, request: Request) -> Response:
        """Record a member received from outside the platform, from their letter."""
        s = IncomingSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        org = get_object_or_404(
            scope.restrict(Org.objects.all(), request.user, "transfers.manage"), pk=d.pop("to_org")
        )
        member_data = dict(d.pop("member"))
        transfer = services.incoming_record(actor=request.user, to_org=org, member_data=member_data, **d)
        return self._done(transfer, status.HTTP_201_CREATED)

    @extend_schema(responses=TransferSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def mine(self, request: Request) -> Response:
        """One's own transfers."""
        return Response(TransferSerializer(selectors.transfer_own(user=request.user), many=True).data)


class MobileViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """流动党员 registrations of the branches in scope."""

    queryset = MobileRegistration.objects.select_related("member", "org").order_by("-started_on", "-id")
    serializer_class = MobileSerializer
    permission = "transfers.view"
    write_permission = "transfers.manage"

    @extend_schema(request=MobileWriteSerializer, responses=MobileSerializer)
    def create(self, request: Request) -> Response:
        s = MobileWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        member = get_object_or_404(
            scope.restrict(Member.objects.select_related("org"), request.user, "transfers.manage"),
            pk=d.pop("member"),
        )
        registration = services.mobile_register(actor=request.user, member=member, **d)
        return Response(MobileSerializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"], permission_classes=[_SignedInNotAdmin])
    def certificate(self, request: Request, pk: str) -> HttpResponse:
        """流动党员活动证 (PDF): the member's own, or a registration of a branch in scope (404 otherwise).
        Audited as on the page (transfers.mobile.certificate)."""
        from dangjian.transfers.views import certificate_response

        registration = get_object_or_404(selectors.mobile_visible(user=request.user), pk=pk)
        return certificate_response(request._request, registration)

    @extend_schema(request=MobileEndSerializer, responses=MobileSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        registration = get_object_or_404(
            scope.restrict(
                MobileRegistration.objects.select_related("member", "org"), request.user, "transfers.manage"
            ),
            pk=pk,
        )
        s = MobileEndSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        registration = services.mobile_end(actor=request.user, registration=registration, **s.validated_data)
        return Response(MobileSerializer(registration).data)
