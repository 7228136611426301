"""Serializers of the appraisal API: explicit fields for reading, plain serializers for write input."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from dangjian.access import scope
from dangjian.appraisal.models import (
    Appraisal,
    ExclusionReason,
    FollowUp,
    FollowUpKind,
    Grade,
    HeartToHeart,
    LifeMeeting,
    Participant,
    SelfExamination,
)

GRADE_CHOICES = Grade.choices
MAX_ID = 2**31 - 1  # ids beyond a 32-bit integer are refused as input, not passed to the database


def _id() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID)


class AppraisalSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    org_name = serializers.CharField(source="org.label", read_only=True)

    class Meta:
        model = Appraisal
        fields = [
            "id",
            "org",
            "org_name",
            "year",
            "title",
            "status",
            "rating_until",
            "meeting",
            "closed_at",
            "proposed_on",
            "excellent_reason",
            "confirmed_on",
            "decision",
            "filed_at",
            "filed_note",
            "created_at",
        ]


class AppraisalWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    org = _id()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    rating_until = serializers.DateField(required=False, allow_null=True, default=None)


class ParticipantSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A participant's line. The proposed grade and its note are shown only to those who read the branch's
    组织生活 (a member sees their own grade once the 党员大会 has confirmed it)."""

    member_name = serializers.CharField(source="member.name", read_only=True)
    voted = serializers.SerializerMethodField()

    class Meta:
        model = Participant
        fields = [
            "id",
            "appraisal",
            "member",
            "member_name",
            "member_status",
            "excluded_reason",
            "excluded_note",
            "self_assessment",
            "self_grade",
            "self_assessed_at",
            "proposed_grade",
            "proposal_note",
            "final_grade",
            "voted",
        ]

    def get_voted(self, obj: Participant) -> bool:
        return bool(getattr(obj, "voted", False))

    def to_representation(self, instance: Participant) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        user = self.context.get("request").user if self.context.get("request") else None  # type: ignore[union-attr]
        if user is None or not _reads_branch(self.context, user, instance.appraisal.org):
            data["proposed_grade"] = ""
            data["proposal_note"] = ""
        return data


def _reads_branch(context: Any, user: Any, org: Any) -> bool:
    cache: dict[int, bool] = context.setdefault("_reads", {})
    if org.pk not in cache:
        cache[org.pk] = scope.org_in_scope(user, "meetings.view", org)
    return cache[org.pk]


class ExcludeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.ChoiceField(choices=[("", "参加评议"), *ExclusionReason.choices], allow_blank=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class GradeItemSerializer(serializers.Serializer):  # type: ignore[type-arg]
    participant = _id()
    grade = serializers.ChoiceField(choices=GRADE_CHOICES)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ProposeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    proposed_on = serializers.DateField()
    grades = GradeItemSerializer(many=True)
    excellent_reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ConfirmSerializer(serializers.Serializer):  # type: ignore[type-arg]
    confirmed_on = serializers.DateField()
    decision = serializers.CharField()


class FileSerializer(serializers.Serializer):  # type: ignore[type-arg]
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TallyRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    participant = _id()
    member_name = serializers.CharField()
    excellent = serializers.IntegerField(allow_null=True)
    qualified = serializers.IntegerField(allow_null=True)
    basic = serializers.IntegerField(allow_null=True)
    unqualified = serializers.IntegerField(allow_null=True)
    suggested = serializers.CharField()
    proposed_grade = serializers.CharField()
    final_grade = serializers.CharField()


class TallySerializer(serializers.Serializer):  # type: ignore[type-arg]
    taking_part = serializers.IntegerField()
    cast = serializers.IntegerField()
    participation_rate = serializers.IntegerField()
    visible = serializers.BooleanField()
    excellent_limit = serializers.IntegerField()
    rows = TallyRowSerializer(many=True)


class LifeMeetingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    org_name = serializers.CharField(source="org.label", read_only=True)

    class Meta:
        model = LifeMeeting
        fields = ["id", "org", "org_name", "year", "topic", "meeting", "material_due", "created_at"]


class LifeMeetingWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    org = _id()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    topic = serializers.CharField(max_length=200)
    material_due = serializers.DateField(required=False, allow_null=True, default=None)


class ReadinessSerializer(serializers.Serializer):  # type: ignore[type-arg]
    talks_required = serializers.IntegerField()
    talks_done = serializers.IntegerField()
    complete = serializers.BooleanField()
    committee_missing = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    members_missing = serializers.ListField(child=serializers.CharField())
    members = serializers.IntegerField()
    materials_in = serializers.IntegerField()
    materials_accepted = serializers.IntegerField()


class TalkSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    initiator_name = serializers.CharField(source="initiator.name", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)

    class Meta:
        model = HeartToHeart
        fields = [
            "id",
            "life_meeting",
            "initiator",
            "initiator_name",
            "partner",
            "partner_name",
            "talked_on",
            "topics",
            "summary",
            "created_at",
        ]


class TalkWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    life_meeting = _id()
    initiator = _id()
    partner = _id()
    talked_on = serializers.DateField()
    topics = serializers.CharField(max_length=200)
    summary = serializers.CharField()


class ExaminationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    member_name = serializers.CharField(source="member.name", read_only=True)
    file = serializers.SerializerMethodField()

    class Meta:
        model = SelfExamination
        fields = [
            "id",
            "life_meeting",
            "member",
            "member_name",
            "text",
            "file",
            "status",
            "review_note",
            "submitted_at",
            "reviewed_at",
        ]

    def get_file(self, obj: SelfExamination) -> str | None:
        """The download id of the uploaded document (``/files/<id>/``), if any."""
        return obj.file.public_id if obj.file is not None else None


class ExaminationReviewSerializer(serializers.Serializer):  # type: ignore[type-arg]
    action = serializers.ChoiceField(choices=[("accept", "通过"), ("return", "退回修改")])
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ExaminationSubmitSerializer(serializers.Serializer):  # type: ignore[type-arg]
    life_meeting = _id()
    text = serializers.CharField(required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False, allow_null=True, default=None)


class SelfAssessmentSerializer(serializers.Serializer):  # type: ignore[type-arg]
    appraisal = _id()
    text = serializers.CharField(max_length=5000)
    self_grade = serializers.ChoiceField(choices=GRADE_CHOICES, required=False, allow_blank=True, default="")


class RatingSerializer(serializers.Serializer):  # type: ignore[type-arg]
    participant = _id()
    grade = serializers.ChoiceField(choices=GRADE_CHOICES)


class BallotSerializer(serializers.Serializer):  # type: ignore[type-arg]
    appraisal = _id()
    ratings = RatingSerializer(many=True)


class FollowUpSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = FollowUp
        fields = [
            "id",
            "participant",
            "kind",
            "disposal",
            "decided_on",
            "deadline",
            "measures",
            "outcome",
            "closed_on",
            "created_at",
        ]


class FollowUpWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    participant = _id()
    kind = serializers.ChoiceField(choices=FollowUpKind.choices)
    decided_on = serializers.DateField()
    measures = serializers.CharField()
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    disposal = serializers.CharField(required=False, allow_blank=True, default="")


class FollowUpCloseSerializer(serializers.Serializer):  # type: ignore[type-arg]
    outcome = serializers.CharField()
    closed_on = serializers.DateField()


class MineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    participations = ParticipantSerializer(many=True)
    life_meetings = serializers.ListField(child=serializers.DictField())
