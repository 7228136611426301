"""Serializers of the 组织生活 API: explicit fields for reading, plain serializers for write input."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from dangjian.meetings import rules
from dangjian.meetings.models import Attendance, Meeting, MeetingKind, MeetingVersion, ReviewAction


def _choices(field: str) -> list[Any]:
    return list(getattr(Attendance._meta.get_field(field), "choices", None) or [])


class AttendanceSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    member_name = serializers.CharField(source="member.name", read_only=True)
    # Declared so the schema allows "" (no reason, not checked in): read_only_fields drops allow_blank.
    excluded_reason = serializers.ChoiceField(
        choices=_choices("excluded_reason"), allow_blank=True, read_only=True
    )
    check_in_method = serializers.ChoiceField(
        choices=_choices("check_in_method"), allow_blank=True, read_only=True
    )
    present = serializers.BooleanField(read_only=True)
    state = serializers.CharField(source="state_label", read_only=True)

    class Meta:
        model = Attendance
        fields = [
            "id",
            "meeting",
            "member",
            "member_name",
            "voting",
            "excluded_reason",
            "leave_reason",
            "present",
            "checked_in_at",
            "check_in_method",
            "late",
            "state",
        ]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    org_name = serializers.CharField(source="org.label", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "org",
            "org_name",
            "group",
            "kind",
            "kind_label",
            "topic",
            "planned_on",
            "starts_at",
            "ends_at",
            "place",
            "online",
            "host",
            "recorder",
            "status",
            "status_label",
            "held_on",
            "version",
            "check_in_open",
            "review_note",
            "reviewed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MeetingVersionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """An earlier, reviewed version of the record (kept when it was revised), with its content."""

    created_by_name = serializers.CharField(source="created_by.display_name", read_only=True, default="")

    class Meta:
        model = MeetingVersion
        fields = ["number", "reason", "created_by_name", "created_at", "snapshot"]
        read_only_fields = fields


class MeetingDetailSerializer(MeetingSerializer):
    attendances = AttendanceSerializer(many=True, read_only=True)
    versions = MeetingVersionSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "minutes", "decisions", "attendances", "versions"]
        read_only_fields = fields


class MeetingWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Input of create (``org`` required) and partial update (``org`` ignored)."""

    org = serializers.IntegerField(required=False)
    kind = serializers.ChoiceField(choices=MeetingKind.choices, required=False)
    group = serializers.IntegerField(required=False, allow_null=True)
    topic = serializers.CharField(max_length=200, required=False)
    planned_on = serializers.DateField(required=False, allow_null=True)
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    online = serializers.BooleanField(required=False)
    host = serializers.IntegerField(required=False, allow_null=True)
    recorder = serializers.IntegerField(required=False, allow_null=True)
    minutes = serializers.CharField(required=False, allow_blank=True)
    decisions = serializers.CharField(required=False, allow_blank=True)


class RecordSerializer(serializers.Serializer):  # type: ignore[type-arg]
    minutes = serializers.CharField()
    decisions = serializers.CharField(required=False, allow_blank=True, default="")


class CancelSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(max_length=200)


class ReviseSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(max_length=500)


class ReviewSerializer(serializers.Serializer):  # type: ignore[type-arg]
    action = serializers.ChoiceField(choices=ReviewAction.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class AttendanceWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    excluded_reason = serializers.ChoiceField(
        choices=[("", "—"), *rules.EXCLUSION_REASONS.items()], required=False, default=""
    )
    leave_reason = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    present = serializers.BooleanField()


class CheckInSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    token = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("code") and not attrs.get("token"):
            raise serializers.ValidationError("请提供签到口令 code 或签到码 token")
        return attrs


class PlanSerializer(serializers.Serializer):  # type: ignore[type-arg]
    org = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    months = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=12), required=False, allow_empty=True
    )


class PeriodSerializer(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    due = serializers.IntegerField()
    held = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField()
    pending = serializers.IntegerField()
    status = serializers.CharField()


class BranchComplianceSerializer(serializers.Serializer):  # type: ignore[type-arg]
    org = serializers.IntegerField(source="org.pk")
    org_name = serializers.CharField(source="org.label")
    due = serializers.IntegerField()
    held = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField()
    pending = serializers.IntegerField()
    rate = serializers.IntegerField(allow_null=True)
    periods = PeriodSerializer(many=True)


class ComplianceTotalsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The whole scope's figures (every branch, not only the page)."""

    branches = serializers.IntegerField()
    due = serializers.IntegerField()
    held = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField()
    pending = serializers.IntegerField()
    behind = serializers.IntegerField()


class CompliancePageSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """One page of 50 branches, with the totals of the whole scope."""

    count = serializers.IntegerField()
    page = serializers.IntegerField()
    totals = ComplianceTotalsSerializer()
    results = BranchComplianceSerializer(many=True)
