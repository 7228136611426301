"""Serializers of the development API: explicit fields for reading, plain serializers for write input."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from dangjian.development import rules
from dangjian.development.models import (
    Development,
    DevelopmentRecord,
    DevelopmentStep,
    DevelopmentVote,
    RecordKind,
)
from dangjian.meetings import rules as meeting_rules

MAX_ID = 2**31 - 1


def _id() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID)


class DevelopmentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    org_name = serializers.CharField(source="org.label", read_only=True)
    id_number_masked = serializers.CharField(read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    probation_ends = serializers.DateField(read_only=True, allow_null=True)
    # May be blank: plain strings (the codes of members.choices Education / Category), not enums.
    education = serializers.CharField(read_only=True)
    category = serializers.CharField(read_only=True)

    class Meta:
        model = Development
        fields = [
            "id",
            "org",
            "org_name",
            "name",
            "gender",
            "birth_date",
            "id_number_masked",
            "education",
            "category",
            "job_title",
            "applied_on",
            "stage",
            "stage_label",
            "status",
            "status_label",
            "resolution_on",
            "probation_ends",
            "extension_months",
            "full_on",
            "member",
            "closed_reason",
        ]
        read_only_fields = fields


class DevelopmentStepSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    title = serializers.SerializerMethodField()

    class Meta:
        model = DevelopmentStep
        fields = ["number", "title", "done_on", "responsible", "note", "data", "warnings"]
        read_only_fields = fields

    def get_title(self, obj: DevelopmentStep) -> str:
        return obj.step.label


class DevelopmentRecordSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = DevelopmentRecord
        fields = ["id", "kind", "on", "summary"]
        read_only_fields = fields


class DevelopmentVoteSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    outcome = serializers.CharField(read_only=True)  # ㉓ only: on_time / extend / cancel; blank for ⑮

    class Meta:
        model = DevelopmentVote
        fields = [
            "id",
            "step",
            "held_on",
            "outcome",
            "extension_months",
            "passed",
            "expected",
            "present",
            "yes_total",
            "no_total",
            "abstain_total",
            "explanation",
        ]
        read_only_fields = fields


class DevelopmentDetailSerializer(DevelopmentSerializer):
    steps = DevelopmentStepSerializer(many=True, read_only=True)
    records = DevelopmentRecordSerializer(many=True, read_only=True)
    votes = DevelopmentVoteSerializer(many=True, read_only=True)
    mentors = serializers.SerializerMethodField()
    introducers = serializers.SerializerMethodField()
    next_step = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()

    class Meta(DevelopmentSerializer.Meta):
        fields = [
            *DevelopmentSerializer.Meta.fields,
            "mentors",
            "introducers",
            "next_step",
            "steps",
            "records",
            "votes",
            "deadlines",
        ]
        read_only_fields = fields

    def get_next_step(self, obj: Development) -> int | None:
        return rules.next_step(s.number for s in obj.steps.all()) if obj.is_open else None

    def get_mentors(self, obj: Development) -> list[str]:
        return [m.name for m in obj.mentors.all()]

    def get_introducers(self, obj: Development) -> list[str]:
        return [m.name for m in obj.introducers.all()]

    def get_deadlines(self, obj: Development) -> list[dict[str, Any]]:
        """Open deadlines: code, title, due, basis (the rule), overdue."""
        return list(self.context.get("deadlines", []))


class DevelopmentWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    org = _id()
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=20)
    applied_on = serializers.DateField()
    ethnicity = serializers.CharField(max_length=10, required=False, default="汉族")
    education = serializers.CharField(max_length=30, required=False, default="", allow_blank=True)
    category = serializers.CharField(max_length=30, required=False, default="", allow_blank=True)
    job_title = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    note = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)


class DevelopmentStepWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    number = serializers.IntegerField(min_value=2, max_value=25)
    done_on = serializers.DateField()
    responsible = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    note = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)
    publicity_started_on = serializers.DateField(required=False, allow_null=True)
    mentor_ids = serializers.ListField(child=_id(), required=False, max_length=5)
    introducer_ids = serializers.ListField(child=_id(), required=False, max_length=5)
    conclusion = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    days = serializers.FloatField(required=False, min_value=0, max_value=365)
    hours = serializers.FloatField(required=False, min_value=0, max_value=1000)
    leaving_on = serializers.DateField(required=False, allow_null=True)


class DevelopmentWrittenSerializer(serializers.Serializer):  # type: ignore[type-arg]
    member = _id()
    choice = serializers.ChoiceField(choices=[meeting_rules.YES, meeting_rules.NO, meeting_rules.ABSTAIN])
    handed_in_at = serializers.DateTimeField()


class DevelopmentVoteWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    held_on = serializers.DateField()
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    present = serializers.ListField(child=_id(), max_length=500)
    yes = serializers.IntegerField(min_value=0, max_value=500)
    no = serializers.IntegerField(min_value=0, max_value=500, default=0)
    abstain = serializers.IntegerField(min_value=0, max_value=500, default=0)
    excluded = serializers.DictField(
        child=serializers.ChoiceField(choices=list(meeting_rules.EXCLUSION_REASONS)),
        required=False,
        default=dict,
    )
    written = DevelopmentWrittenSerializer(many=True, required=False, default=list)
    outcome = serializers.ChoiceField(choices=list(rules.OUTCOME_LABELS), required=False, default="")
    extension_months = serializers.IntegerField(min_value=0, max_value=12, required=False, default=0)
    publicity_started_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)

    def validate_excluded(self, value: dict[str, str]) -> dict[int, str]:
        try:
            return {int(k): v for k, v in value.items()}
        except ValueError:
            raise serializers.ValidationError("键应为党员编号") from None


class DevelopmentApproveWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    approved_on = serializers.DateField()
    approved = serializers.BooleanField(default=True)
    extension_reason = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class DevelopmentRecordWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.ChoiceField(choices=RecordKind.choices)
    on = serializers.DateField()
    summary = serializers.CharField(max_length=5000)


class DevelopmentCloseWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(max_length=300)


class DevelopmentBoardRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    org = serializers.IntegerField(source="org.pk")
    org_name = serializers.CharField(source="org.label")
    counts = serializers.DictField(child=serializers.IntegerField())
    overdue = serializers.IntegerField()


class DevelopmentDueSerializer(serializers.Serializer):  # type: ignore[type-arg]
    development = serializers.IntegerField(source="development.pk")
    name = serializers.CharField(source="development.name")
    org_name = serializers.CharField(source="development.org.label")
    code = serializers.CharField(source="deadline.code")
    title = serializers.CharField(source="deadline.label")
    due = serializers.DateField(source="deadline.due")
    overdue = serializers.BooleanField()
    days_left = serializers.IntegerField()


class DevelopmentBoardSerializer(serializers.Serializer):  # type: ignore[type-arg]
    org = serializers.IntegerField(source="org.pk")
    org_name = serializers.CharField(source="org.label")
    totals = serializers.DictField(child=serializers.IntegerField())
    rows = DevelopmentBoardRowSerializer(many=True)
    overdue = DevelopmentDueSerializer(many=True)
    upcoming = DevelopmentDueSerializer(many=True)


class DevelopmentPracticeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    org = _id()
    publicity_days = serializers.IntegerField(min_value=0, max_value=30)
    activist_min_months = serializers.IntegerField(min_value=0, max_value=24)
    review_valid_months = serializers.IntegerField(min_value=0, max_value=60)
    thought_report_months = serializers.IntegerField(min_value=0, max_value=12)
    notice_days = serializers.IntegerField(min_value=1, max_value=180)
