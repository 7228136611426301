"""REST API of 组织生活会 preparation and 民主评议党员. Writes call the same services as the pages; the
counters
of 民主测评 are read only through the ``tally`` action (empty while rating is open)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dangjian.access import classify, scope
from dangjian.access.api import ScopedViewSet
from dangjian.appraisal import selectors, services
from dangjian.appraisal.api.serializers import (
    AppraisalSerializer,
    AppraisalWriteSerializer,
    BallotSerializer,
    ConfirmSerializer,
    ExaminationReviewSerializer,
    ExaminationSerializer,
    ExaminationSubmitSerializer,
    ExcludeSerializer,
    FileSerializer,
    FollowUpCloseSerializer,
    FollowUpSerializer,
    FollowUpWriteSerializer,
    LifeMeetingSerializer,
    LifeMeetingWriteSerializer,
    MineSerializer,
    ParticipantSerializer,
    ProposeSerializer,
    ReadinessSerializer,
    SelfAssessmentSerializer,
    TalkSerializer,
    TalkWriteSerializer,
    TallySerializer,
)
from dangjian.appraisal.models import (
    Appraisal,
    BallotReceipt,
    FollowUp,
    HeartToHeart,
    LifeMeeting,
    Participant,
    SelfExamination,
)
from dangjian.core.errors import BusinessError
from dangjian.members.models import Member
from dangjian.orgs.models import Org


def _writable(
    user: Any, model: Any, pk: Any, permission: str = "meetings.change", related: tuple[str, ...] = ()
) -> Any:
    qs = scope.restrict(model.objects.select_related(*related), user, permission)
    return get_object_or_404(qs, pk=pk)


class AppraisalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """民主评议党员: read with meetings.view; open, close, propose, confirm with meetings.change; file with
    meetings.review (the level above)."""

    queryset = Appraisal.objects.select_related("org").order_by("-year", "-id")
    serializer_class = AppraisalSerializer
    permission = "meetings.view"
    write_permission = "meetings.change"

    def get_permissions(self) -> Any:
        if self.action == "file":
            self.write_permission = "meetings.review"
        return super().get_permissions()

    @extend_schema(request=AppraisalWriteSerializer, responses=AppraisalSerializer)
    def create(self, request: Request) -> Response:
        s = AppraisalWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        org = _writable(request.user, Org, data.pop("org"))
        item = services.appraisal_open(actor=request.user, org=org, **data)
        return Response(AppraisalSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=AppraisalSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        item = services.rating_close(actor=request.user, appraisal=_writable(request.user, Appraisal, pk))
        return Response(AppraisalSerializer(item).data)

    @extend_schema(request=ProposeSerializer, responses=AppraisalSerializer)
    @action(detail=True, methods=["post"])
    def propose(self, request: Request, pk: str) -> Response:
        item = _writable(request.user, Appraisal, pk)
        s = ProposeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        rows = s.validated_data["grades"]
        item = services.grades_propose(
            actor=request.user,
            appraisal=item,
            grades={r["participant"]: r["grade"] for r in rows},
            notes={r["participant"]: r["note"] for r in rows},
            proposed_on=s.validated_data["proposed_on"],
            excellent_reason=s.validated_data["excellent_reason"],
        )
        return Response(AppraisalSerializer(item).data)

    @extend_schema(request=ConfirmSerializer, responses=AppraisalSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        item = _writable(request.user, Appraisal, pk)
        s = ConfirmSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        item = services.grades_confirm(actor=request.user, appraisal=item, **s.validated_data)
        return Response(AppraisalSerializer(item).data)

    @extend_schema(request=FileSerializer, responses=AppraisalSerializer)
    @action(detail=True, methods=["post"])
    def file(self, request: Request, pk: str) -> Response:
        item = _writable(request.user, Appraisal, pk, "meetings.review")
        s = FileSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        item = services.appraisal_file(actor=request.user, appraisal=item, note=s.validated_data["note"])
        return Response(AppraisalSerializer(item).data)

    @extend_schema(responses=TallySerializer)
    @action(detail=True, methods=["get"])
    def tally(self, request: Request, pk: str) -> Response:
        """The result of 民主测评 (409 while rating is open; counts null when too few ballots were cast)."""
        item = self.get_object()
        tally = selectors.tally(item)
        if tally is None:
            return Response({"detail": "测评尚未结束，结果不可查看"}, status=status.HTTP_409_CONFLICT)
        rows = []
        for row in tally.rows:
            p, counts = row.participant, row.tally.counts
            rows.append(
                {
                    "participant": p.pk,
                    "member_name": p.member.name,
                    **{
                        g: (counts.get(g, 0) if tally.visible else None)
                        for g in ("excellent", "qualified", "basic", "unqualified")
                    },
                    "suggested": row.tally.suggested,
                    "proposed_grade": p.proposed_grade,
                    "final_grade": p.final_grade,
                }
            )
        data = {
            "taking_part": tally.progress.taking_part,
            "cast": tally.progress.cast,
            "participation_rate": tally.progress.rate,
            "visible": tally.visible,
            "excellent_limit": tally.excellent_limit,
            "rows": rows,
        }
        return Response(TallySerializer(data).data)


class ParticipantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """参评党员: the lines of appraisals in scope, and one's own line (require_grant False)."""

    queryset = Participant.objects.select_related("member", "appraisal__org").order_by(
        "-appraisal_id", "member__name", "id"
    )
    serializer_class = ParticipantSerializer
    permission = "meetings.view"
    write_permission = "meetings.change"
    require_grant = False

    def base_queryset(self) -> Any:
        qs = (
            super().base_queryset().annotate(voted=Exists(BallotReceipt.objects.filter(rater=OuterRef("pk"))))
        )
        appraisal = self.request.query_params.get("appraisal", "")
        return qs.filter(appraisal_id=int(appraisal)) if appraisal.isdigit() and len(appraisal) <= 9 else qs

    @extend_schema(request=ExcludeSerializer, responses=ParticipantSerializer)
    @action(detail=True, methods=["post"])
    def exclude(self, request: Request, pk: str) -> Response:
        item = _writable(request.user, Participant, pk, related=("appraisal",))
        s = ExcludeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        item = services.participant_exclude(actor=request.user, participant=item, **s.validated_data)
        return Response(ParticipantSerializer(item, context={"request": request}).data)


class LifeMeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """组织生活会 preparation: read with meetings.view, create with meetings.change; ``readiness`` gives the
    talk coverage and the materials handed in."""

    queryset = LifeMeeting.objects.select_related("org").order_by("-year", "-id")
    serializer_class = LifeMeetingSerializer
    permission = "meetings.view"
    write_permission = "meetings.change"

    @extend_schema(request=LifeMeetingWriteSerializer, responses=LifeMeetingSerializer)
    def create(self, request: Request) -> Response:
        s = LifeMeetingWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        org = _writable(request.user, Org, data.pop("org"))
        item = services.life_meeting_create(actor=request.user, org=org, **data)
        return Response(LifeMeetingSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=ReadinessSerializer)
    @action(detail=True, methods=["get"])
    def readiness(self, request: Request, pk: str) -> Response:
        ready = selectors.readiness(self.get_object())
        data = {
            "talks_required": ready.coverage.required,
            "talks_done": ready.coverage.done,
            "complete": ready.coverage.complete,
            "committee_missing": [list(p) for p in ready.committee_missing],
            "members_missing": ready.members_missing,
            "members": len(ready.members),
            "materials_in": ready.materials_in,
            "materials_accepted": ready.materials_accepted,
        }
        return Response(ReadinessSerializer(data).data)


class TalkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """谈心谈话 records (meetings.view); recorded with meetings.change."""

    queryset = HeartToHeart.objects.select_related("initiator", "partner").order_by("-talked_on", "-id")
    serializer_class = TalkSerializer
    permission = "meetings.view"
    write_permission = "meetings.change"

    @extend_schema(request=TalkWriteSerializer, responses=TalkSerializer)
    def create(self, request: Request) -> Response:
        s = TalkWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        item = _writable(request.user, LifeMeeting, data.pop("life_meeting"), related=("org",))
        members = {
            m.pk: m for m in Member.objects.filter(pk__in=[data["initiator"], data["partner"]], org=item.org)
        }
        talk = services.talk_record(
            actor=request.user,
            life_meeting=item,
            initiator=members.get(data.pop("initiator")),
            partner=members.get(data.pop("partner")),
            **data,
        )
        return Response(TalkSerializer(talk).data, status=status.HTTP_201_CREATED)


class ExaminationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """对照检查材料: those of the branches in scope, and one's own; reviewed with meetings.change."""

    queryset = SelfExamination.objects.select_related("member", "file").order_by(
        "-life_meeting_id", "member__name", "id"
    )
    serializer_class = ExaminationSerializer
    permission = "meetings.view"
    write_permission = "meetings.change"
    require_grant = False

    @extend_schema(request=ExaminationReviewSerializer, responses=ExaminationSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        item = _writable(request.user, SelfExamination, pk)
        s = ExaminationReviewSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        item = services.examination_review(actor=request.user, examination=item, **s.validated_data)
        return Response(ExaminationSerializer(item).data)


class FollowUpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """不合格党员处理 (meetings.view); recorded and closed with meetings.change."""

    queryset = FollowUp.objects.order_by("-decided_on", "-id")
    serializer_class = FollowUpSerializer
    permission = "meetings.view"
    write_permission = "meetings.change"

    @extend_schema(request=FollowUpWriteSerializer, responses=FollowUpSerializer)
    def create(self, request: Request) -> Response:
        s = FollowUpWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        participant = _writable(request.user, Participant, data.pop("participant"))
        item = services.follow_up_create(actor=request.user, participant=participant, **data)
        return Response(FollowUpSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FollowUpCloseSerializer, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        item = _writable(request.user, FollowUp, pk)
        s = FollowUpCloseSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        item = services.follow_up_close(actor=request.user, follow_up=item, **s.validated_data)
        return Response(FollowUpSerializer(item).data)


# --------------------------------------------------------------------------------------------------------
# The member's own (no grant needed; the 三员 never touch business data)


class _Member(permissions.BasePermission):
    message = "无权访问"

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and not scope.is_admin(user))


class _MineBase(APIView):
    access = classify.AUTHENTICATED
    permission_classes = [_Member]


def _own_appraisal(user: Any, pk: int) -> Appraisal:
    participant = selectors.own_participant(user, pk)
    if participant is None:
        raise NotFound("您不在本次民主评议的参评名单中")
    return participant.appraisal


class MineView(_MineBase):
    """我的评议: one's own lines in appraisals and the 组织生活会 of one's branch with one's material."""

    @extend_schema(responses=MineSerializer)
    def get(self, request: Request) -> Response:
        participations = selectors.my_participations(request.user)
        life = [
            {
                "id": lm.pk,
                "year": lm.year,
                "topic": lm.topic,
                "material_status": e.status if e else "",
            }
            for lm, e in selectors.my_life_meetings(request.user)
        ]
        return Response(
            {
                "participations": ParticipantSerializer(
                    participations, many=True, context={"request": request}
                ).data,
                "life_meetings": life,
            }
        )


class SelfAssessmentView(_MineBase):
    """个人自评: write or rewrite one's own while rating is open."""

    @extend_schema(request=SelfAssessmentSerializer, responses=ParticipantSerializer)
    def post(self, request: Request) -> Response:
        s = SelfAssessmentSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        appraisal = _own_appraisal(request.user, data.pop("appraisal"))
        item = services.self_assessment_submit(user=request.user, appraisal=appraisal, **data)
        return Response(ParticipantSerializer(item, context={"request": request}).data)


class BallotView(_MineBase):
    """民主测评: cast one's one anonymous ballot (a grade for every other participant). Answers 201 with no
    content about the grades: nothing of them is kept that could be given back."""

    @extend_schema(request=BallotSerializer, responses={201: None})
    def post(self, request: Request) -> Response:
        s = BallotSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        appraisal = _own_appraisal(request.user, s.validated_data["appraisal"])
        ratings = {r["participant"]: r["grade"] for r in s.validated_data["ratings"]}
        if len(ratings) != len(s.validated_data["ratings"]):
            raise BusinessError("appraisal.bad_ballot", "同一名党员只能评定一次")
        services.ballot_cast(user=request.user, appraisal=appraisal, ratings=ratings)
        return Response({"detail": "测评票已提交"}, status=status.HTTP_201_CREATED)


class ExaminationSubmitView(_MineBase):
    """对照检查材料: hand in one's own (text and/or a document, multipart)."""

    @extend_schema(
        request={"multipart/form-data": ExaminationSubmitSerializer}, responses=ExaminationSerializer
    )
    def post(self, request: Request) -> Response:
        s = ExaminationSubmitSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        member = services.member_of(request.user)
        item = (
            LifeMeeting.objects.filter(pk=s.validated_data["life_meeting"], org=member.org_id).first()
            if member is not None
            else None
        )
        if item is None:
            raise NotFound("只有本支部党员可以提交对照检查材料")
        exam = services.examination_submit(
            user=request.user,
            life_meeting=item,
            text=s.validated_data["text"],
            upload=s.validated_data["file"],
        )
        return Response(ExaminationSerializer(exam).data, status=status.HTTP_201_CREATED)
