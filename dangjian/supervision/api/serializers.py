"""Serializers of the 党风廉政监督 API: explicit fields for reading, plain serializers for input."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from dangjian.supervision.models import (
    DutyKind,
    IntegrityTopic,
    Period,
    Rectification,
    RectificationStep,
    ResponsibilityItem,
    ResponsibilityRecord,
    ScanRun,
    Severity,
    SourceKind,
    Warning,
    WarningRule,
)


class WarningRuleSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    effective_params = serializers.SerializerMethodField()

    class Meta:
        model = WarningRule
        fields = [
            "id",
            "code",
            "app",
            "title",
            "source",
            "subject",
            "severity",
            "enabled",
            "params",
            "effective_params",
            "updated_at",
        ]

    def get_effective_params(self, obj: WarningRule) -> dict[str, Any]:
        from dangjian.supervision.services import params_of

        return params_of(obj)


class RuleUpdateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    enabled = serializers.BooleanField()
    severity = serializers.ChoiceField(choices=Severity.choices)
    params = serializers.DictField(child=serializers.FloatField(), required=False, default=dict)


class WarningSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    rule = serializers.CharField(source="rule.code", read_only=True)
    rule_title = serializers.CharField(source="rule.title", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    member_name = serializers.CharField(source="member.name", default=None, allow_null=True, read_only=True)
    owner_name = serializers.CharField(
        source="owner.display_name", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = Warning
        read_only_fields = [
            "id",
            "key",
            "org",
            "member",
            "severity",
            "message",
            "missing",
            "due",
            "link",
            "owner",
            "status",
            "first_seen_at",
            "last_seen_at",
            "closed_at",
            "closed_reason",
        ]
        fields = [
            "id",
            "rule",
            "rule_title",
            "key",
            "org",
            "org_name",
            "member",
            "member_name",
            "severity",
            "message",
            "missing",
            "due",
            "link",
            "owner",
            "owner_name",
            "status",
            "first_seen_at",
            "last_seen_at",
            "closed_at",
            "closed_reason",
        ]


class WarningTaskSerializer(serializers.Serializer):  # type: ignore[type-arg]
    deadline = serializers.DateField()
    evidence_required = serializers.CharField(max_length=300)
    description = serializers.CharField(max_length=4000, required=False, default="", allow_blank=True)


class ScanRunSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = ScanRun
        fields = ["id", "started_at", "finished_at", "trigger", "opened", "refreshed", "closed", "details"]


@extend_schema_serializer(component_name="RectificationStep")
class StepSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    actor_name = serializers.CharField(source="actor.display_name", default=None, allow_null=True)
    file = serializers.CharField(source="file.public_id", default=None, allow_null=True)

    class Meta:
        model = RectificationStep
        fields = ["id", "kind", "note", "file", "actor", "actor_name", "at"]


class RectificationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = Rectification
        fields = [
            "id",
            "title",
            "description",
            "source_kind",
            "source_ref",
            "source_id",
            "warning",
            "org",
            "responsible",
            "supervisor",
            "deadline",
            "evidence_required",
            "status",
            "escalation_level",
            "escalated_to",
            "escalated_at",
            "accepted_at",
            "created_at",
            "steps",
        ]


class RectificationWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    org = serializers.IntegerField()
    title = serializers.CharField(max_length=150)
    description = serializers.CharField(max_length=4000)
    source_kind = serializers.ChoiceField(
        choices=[c for c in SourceKind.choices if c[0] != SourceKind.WARNING]
    )
    source_ref = serializers.CharField(max_length=80, required=False, default="", allow_blank=True)
    deadline = serializers.DateField()
    evidence_required = serializers.CharField(max_length=300)


class SourceTaskWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """转督办整改 of a letter or a 随手拍 case: the text defaults to the source's own."""

    org = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    deadline = serializers.DateField()
    title = serializers.CharField(max_length=150, required=False, default="", allow_blank=True)
    description = serializers.CharField(max_length=4000, required=False, default="", allow_blank=True)
    evidence_required = serializers.CharField(
        max_length=300, required=False, default="整改情况说明及相关记录照片或文件"
    )


class SourceTaskSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """The task a letter or a case was turned into, as shown on the letter or case."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Rectification
        fields = ["id", "title", "org", "deadline", "status", "status_label", "is_open"]


class ReportSerializer(serializers.Serializer):  # type: ignore[type-arg]
    note = serializers.CharField(max_length=4000)
    file = serializers.FileField(required=False)
    submit = serializers.BooleanField(required=False, default=False)


class CheckSerializer(serializers.Serializer):  # type: ignore[type-arg]
    accept = serializers.BooleanField()
    note = serializers.CharField(max_length=4000, required=False, default="", allow_blank=True)


class RecordSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    file = serializers.CharField(source="file.public_id", default=None, allow_null=True)

    class Meta:
        model = ResponsibilityRecord
        fields = ["id", "period_start", "period_end", "done_on", "note", "file", "recorded_by", "recorded_at"]


class ResponsibilityItemSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    records = RecordSerializer(many=True, read_only=True)
    holder_name = serializers.CharField(source="holder.name", default=None, allow_null=True)

    class Meta:
        model = ResponsibilityItem
        fields = [
            "id",
            "org",
            "duty",
            "year",
            "title",
            "description",
            "holder_title",
            "holder",
            "holder_name",
            "period",
            "evidence_required",
            "is_active",
            "records",
        ]


class ResponsibilityWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    org = serializers.IntegerField()
    duty = serializers.ChoiceField(choices=DutyKind.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=150)
    description = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    holder_title = serializers.CharField(max_length=50)
    holder = serializers.IntegerField(required=False, allow_null=True, default=None)
    period = serializers.ChoiceField(choices=Period.choices)
    evidence_required = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class RecordWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    period_start = serializers.DateField()
    done_on = serializers.DateField()
    note = serializers.CharField(max_length=2000)
    file = serializers.FileField(required=False)


class IntegrityTopicSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    title = serializers.CharField(source="topic.title")
    org = serializers.IntegerField(source="topic.org_id")

    class Meta:
        model = IntegrityTopic
        fields = ["id", "topic", "title", "org", "kind", "position"]


@extend_schema_serializer(component_name="SupervisionBoardRow")
class BoardRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    org = serializers.IntegerField(source="org.pk", default=None, allow_null=True)
    org_name = serializers.CharField(source="org.label", default=None, allow_null=True)
    warnings = serializers.DictField(child=serializers.IntegerField())
    missing = serializers.IntegerField()
    tasks = serializers.DictField(child=serializers.IntegerField())
    tasks_open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    duty_ended = serializers.IntegerField()
    duty_done = serializers.IntegerField()
    duty_rate = serializers.IntegerField(allow_null=True)
    extra = serializers.ListField(child=serializers.IntegerField())


class RuleCountSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    title = serializers.CharField()
    by_severity = serializers.DictField(child=serializers.IntegerField())
    missing = serializers.IntegerField()


class SectionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    totals = serializers.ListField(child=serializers.IntegerField())


@extend_schema_serializer(component_name="SupervisionBoard")
class BoardSerializer(serializers.Serializer):  # type: ignore[type-arg]
    org = serializers.IntegerField(source="org.pk")
    today = serializers.DateField()
    total = BoardRowSerializer()
    own = BoardRowSerializer()
    children = BoardRowSerializer(many=True)
    by_rule = RuleCountSerializer(many=True)
    sections = SectionSerializer(many=True)
