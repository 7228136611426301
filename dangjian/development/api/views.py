"""REST API of 发展党员. Writes call the same services as the pages (which check scope and the rules)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dangjian.access import classify, scope
from dangjian.access.api import ScopedPermission, ScopedViewSet
from dangjian.development import selectors, services
from dangjian.development.api.serializers import (
    DevelopmentApproveWriteSerializer,
    DevelopmentBoardSerializer,
    DevelopmentCloseWriteSerializer,
    DevelopmentDetailSerializer,
    DevelopmentPracticeSerializer,
    DevelopmentRecordSerializer,
    DevelopmentRecordWriteSerializer,
    DevelopmentSerializer,
    DevelopmentStepSerializer,
    DevelopmentStepWriteSerializer,
    DevelopmentVoteSerializer,
    DevelopmentVoteWriteSerializer,
    DevelopmentWriteSerializer,
)
from dangjian.development.models import Development, Stage, Status
from dangjian.development.rules import FULL_APPROVAL_STEP, next_step
from dangjian.orgs.models import Org
from dangjian.orgs.rules import BRANCH_KINDS

STEP_DATA = (
    "publicity_started_on",
    "mentor_ids",
    "introducer_ids",
    "conclusion",
    "days",
    "hours",
    "leaving_on",
)


class DevelopmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """发展党员: read with development.view; the branch's steps, votes, records with development.manage;
    the 上级党委's approvals with development.approve (the services check each step)."""

    queryset = Development.objects.select_related("org").order_by("org__path", "applied_on", "id")
    serializer_class = DevelopmentSerializer
    permission = "development.view"
    write_permission = "development.manage"

    def get_permissions(self) -> Any:
        if self.action == "approve":
            self.write_permission = "development.approve"
        return super().get_permissions()

    def get_queryset(self) -> Any:
        qs = super().get_queryset()
        params = self.request.query_params
        if params.get("org"):
            pk = selectors.org_id(params["org"])
            org = selectors.org_choices(user=self.request.user).filter(pk=pk).first() if pk else None
            if org is None:
                return qs.none()
            qs = selectors.in_subtree(qs, org)
        if params.get("stage") in Stage.values:
            qs = qs.filter(stage=params["stage"])
        if params.get("status") in Status.values:
            qs = qs.filter(status=params["status"])
        return qs

    def _writable(self, pk: Any) -> Development:
        return get_object_or_404(
            scope.restrict(Development.objects.all(), self.request.user, "development.view"), pk=pk
        )

    def _detail(self, dev: Development, code: int = status.HTTP_200_OK) -> Response:
        dev = (
            Development.objects.select_related("org")
            .prefetch_related("steps", "records", "votes")
            .get(pk=dev.pk)
        )
        deadlines = [
            {
                "code": i.deadline.code,
                "title": i.deadline.label,
                "due": i.deadline.due,
                "basis": i.deadline.source,
                "overdue": i.overdue,
            }
            for i in selectors.deadlines_of(dev, timezone.localdate())
        ]
        return Response(DevelopmentDetailSerializer(dev, context={"deadlines": deadlines}).data, status=code)

    @extend_schema(
        parameters=[
            OpenApiParameter("org", int, description="党组织（含下级）"),
            OpenApiParameter("stage", str, enum=Stage.values),
            OpenApiParameter("status", str, enum=Status.values),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=DevelopmentDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self.get_object())

    @extend_schema(request=DevelopmentWriteSerializer, responses=DevelopmentDetailSerializer)
    def create(self, request: Request) -> Response:
        s = DevelopmentWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        org = get_object_or_404(
            scope.restrict(Org.objects.filter(kind__in=BRANCH_KINDS), request.user, "development.manage"),
            pk=data.pop("org"),
        )
        dev = services.development_create(actor=request.user, org=org, **data)
        return self._detail(dev, status.HTTP_201_CREATED)

    @extend_schema(request=DevelopmentStepWriteSerializer, responses=DevelopmentStepSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request: Request, pk: str) -> Response:
        """Record the next step (②–㉕ other than the votes ⑮ ㉓ and the approvals ⑰ ㉔)."""
        dev = self._writable(pk)
        s = DevelopmentStepWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        v = s.validated_data
        step = services.step_record(
            actor=request.user,
            development=dev,
            number=v["number"],
            done_on=v["done_on"],
            responsible=v["responsible"],
            note=v["note"],
            data={k: v[k] for k in STEP_DATA if k in v},
        )
        return Response(DevelopmentStepSerializer(step).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DevelopmentVoteWriteSerializer, responses=DevelopmentVoteSerializer)
    @action(detail=True, methods=["post"])
    def vote(self, request: Request, pk: str) -> Response:
        """⑮ 接收预备党员 or ㉓ 转正 at a 支部大会, tallied by the meetings rules (kept if it fails)."""
        dev = self._writable(pk)
        s = DevelopmentVoteWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        v = s.validated_data
        vote = services.vote_record(
            actor=request.user,
            development=dev,
            held_on=v["held_on"],
            starts_at=v.get("starts_at"),
            present_ids=v["present"],
            yes=v["yes"],
            no=v["no"],
            abstain=v["abstain"],
            excluded=v["excluded"],
            written=[(w["member"], w["choice"], w["handed_in_at"]) for w in v["written"]],
            outcome=v["outcome"],
            extension_months=v["extension_months"],
            publicity_started_on=v.get("publicity_started_on"),
            note=v["note"],
        )
        return Response(DevelopmentVoteSerializer(vote).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DevelopmentApproveWriteSerializer, responses=DevelopmentDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """⑰ 上级党委审批接收预备党员 or ㉔ 审批转正 (whichever is next)."""
        dev = self._writable(pk)
        s = DevelopmentApproveWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        v = s.validated_data
        if next_step(dev.steps.values_list("number", flat=True)) == FULL_APPROVAL_STEP:
            services.full_approve(
                actor=request.user, development=dev, approved_on=v["approved_on"], note=v["note"]
            )
        else:
            services.admission_approve(actor=request.user, development=dev, **v)
        return self._detail(dev)

    @extend_schema(request=DevelopmentRecordWriteSerializer, responses=DevelopmentRecordSerializer)
    @action(detail=True, methods=["post"])
    def records(self, request: Request, pk: str) -> Response:
        """A half-yearly 考察, a 思想汇报 or a 预备期考察."""
        dev = self._writable(pk)
        s = DevelopmentRecordWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        record = services.record_add(actor=request.user, development=dev, **s.validated_data)
        return Response(DevelopmentRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DevelopmentCloseWriteSerializer, responses=DevelopmentSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        """终止培养 before admission."""
        dev = self._writable(pk)
        s = DevelopmentCloseWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        dev = services.development_close(
            actor=request.user, development=dev, reason=s.validated_data["reason"]
        )
        return Response(DevelopmentSerializer(dev).data)


def _org_asked(request: Request) -> Any:
    """The organisation of ``?org=`` among those the user may view, or the first of them when none is named;
    404 when the one named is out of scope (or not a number)."""
    raw = request.query_params.get("org") or ""
    orgs = selectors.org_choices(user=request.user)
    pk = selectors.org_id(raw)
    org = orgs.filter(pk=pk).first() if pk is not None else (None if raw else orgs.first())
    if org is None:
        raise NotFound("党组织不在范围内")
    return org


class BoardView(APIView):
    """The pipeline board of an organisation's subtree (default: the first one in scope)."""

    access = classify.PERMISSION
    permission_classes = [ScopedPermission]
    permission = "development.view"
    write_permission = ""
    require_grant = True

    @extend_schema(parameters=[OpenApiParameter("org", int)], responses=DevelopmentBoardSerializer)
    def get(self, request: Request) -> Response:
        org = _org_asked(request)
        board = selectors.board(user=request.user, org=org, today=timezone.localdate())
        return Response(DevelopmentBoardSerializer(board).data)


class PracticeView(APIView):
    """A committee's local practice (公示天数, 思想汇报间隔 …): read what applies, set it (committee)."""

    access = classify.PERMISSION
    permission_classes = [ScopedPermission]
    permission = "development.view"
    write_permission = "development.manage"
    require_grant = True

    @extend_schema(parameters=[OpenApiParameter("org", int)], responses=DevelopmentPracticeSerializer)
    def get(self, request: Request) -> Response:
        org = _org_asked(request)
        practice = services.practice_for(org)
        return Response({"org": org.pk, **{f: getattr(practice, f) for f in services.PRACTICE_FIELDS}})

    @extend_schema(request=DevelopmentPracticeSerializer, responses=DevelopmentPracticeSerializer)
    def post(self, request: Request) -> Response:
        s = DevelopmentPracticeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        org = get_object_or_404(
            selectors.org_choices(user=request.user, permission="development.manage"), pk=data.pop("org")
        )
        row = services.practice_save(actor=request.user, org=org, **data)
        return Response({"org": org.pk, **{f: getattr(row, f) for f in services.PRACTICE_FIELDS}})
