"""Serializers of the 书记信箱 and 随手拍 API: explicit fields; no writer is shown for anonymous ones."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from dangjian.mailbox.models import (
    CaseStatus,
    CaseStep,
    Category,
    Kind,
    Letter,
    LetterMessage,
    SnapshotReport,
)
from dangjian.supervision.api.serializers import SourceTaskSerializer


class CategorySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Category
        fields = ["id", "name", "keywords", "sort_order", "is_active", "is_fallback"]


class CategoryWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField(max_length=30)
    keywords = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    sort_order = serializers.IntegerField(min_value=0, max_value=10000, required=False, default=100)
    is_active = serializers.BooleanField(required=False, default=True)
    is_fallback = serializers.BooleanField(required=False, default=False)


class MessageSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    author_name = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()

    class Meta:
        model = LetterMessage
        fields = ["seq", "author_kind", "author_name", "body", "created_on", "created_at", "files"]

    def get_author_name(self, obj: LetterMessage) -> str:
        return obj.author.display_name if obj.author is not None else ""

    def get_files(self, obj: LetterMessage) -> list[dict[str, Any]]:
        return [
            {"download": f"/files/{f.public_id}/", "kind": f.kind, "size": f.size} for f in obj.files.all()
        ]


class LetterSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    org_name = serializers.CharField(source="org.label", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True, default="")
    assignee_name = serializers.SerializerMethodField()
    signed_name = serializers.SerializerMethodField()
    contact = serializers.SerializerMethodField()

    class Meta:
        model = Letter
        fields = [
            "id",
            "org",
            "org_name",
            "anonymous",
            "signed_name",
            "contact",
            "subject",
            "category",
            "category_name",
            "category_source",
            "kind",
            "kind_source",
            "status",
            "is_read",
            "has_news",
            "assignee",
            "assignee_name",
            "due_on",
            "closed_on",
            "received_on",
        ]

    def get_assignee_name(self, obj: Letter) -> str:
        return obj.assignee.display_name if obj.assignee is not None else ""

    def get_signed_name(self, obj: Letter) -> str:
        return "" if obj.anonymous else obj.signed_name

    def get_contact(self, obj: Letter) -> str:
        return "" if obj.anonymous else obj.contact


def _task(kind: str, obj: Any) -> dict[str, Any] | None:
    from dangjian.supervision.selectors import task_of_source

    task = task_of_source(kind, obj.pk)
    return dict(SourceTaskSerializer(task).data) if task is not None else None


class LetterDetailSerializer(LetterSerializer):
    messages = MessageSerializer(many=True, read_only=True)
    task = serializers.SerializerMethodField(help_text="转督办整改后的任务（未销号的，否则最近一次）")

    class Meta(LetterSerializer.Meta):
        fields = [*LetterSerializer.Meta.fields, "messages", "task"]

    @extend_schema_field(SourceTaskSerializer(allow_null=True))
    def get_task(self, obj: Letter) -> dict[str, Any] | None:
        return _task("letter", obj)


@extend_schema_serializer(component_name="MailboxCaseStep")
class StepSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    actor_name = serializers.CharField(source="actor.display_name", read_only=True)

    class Meta:
        model = CaseStep
        fields = ["status", "note", "actor_name", "created_at"]


class SnapshotSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    org_name = serializers.CharField(source="org.label", read_only=True)
    reporter_name = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = SnapshotReport
        fields = [
            "id",
            "org",
            "org_name",
            "anonymous",
            "reporter_name",
            "description",
            "location",
            "status",
            "assignee",
            "due_on",
            "closed_on",
            "received_on",
            "files",
            "steps",
        ]

    def get_reporter_name(self, obj: SnapshotReport) -> str:
        return obj.reporter.display_name if obj.reporter is not None and not obj.anonymous else ""

    def get_files(self, obj: SnapshotReport) -> list[dict[str, Any]]:
        return [
            {"download": f"/files/{f.public_id}/", "kind": f.kind, "size": f.size} for f in obj.files.all()
        ]


class SnapshotDetailSerializer(SnapshotSerializer):
    task = serializers.SerializerMethodField(help_text="转督办整改后的任务（未销号的，否则最近一次）")

    class Meta(SnapshotSerializer.Meta):
        fields = [*SnapshotSerializer.Meta.fields, "task"]

    @extend_schema_field(SourceTaskSerializer(allow_null=True))
    def get_task(self, obj: SnapshotReport) -> dict[str, Any] | None:
        return _task("snapshot", obj)


class LetterSubmitSerializer(serializers.Serializer):  # type: ignore[type-arg]
    org = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    subject = serializers.CharField(max_length=60)
    body = serializers.CharField(max_length=5000)
    anonymous = serializers.BooleanField(required=False, default=True)
    signed_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    contact = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=5, default=list)


class SnapshotSubmitSerializer(serializers.Serializer):  # type: ignore[type-arg]
    org = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    description = serializers.CharField(max_length=1000)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=5)


class ReceiptIssuedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    receipt = serializers.CharField(help_text="16 位回执码，只返回这一次")


class ReceiptSerializer(serializers.Serializer):  # type: ignore[type-arg]
    receipt = serializers.CharField(max_length=40)


class ReceiptAddSerializer(ReceiptSerializer):
    body = serializers.CharField(max_length=5000)
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=5, default=list)


class WriterLineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    author = serializers.CharField()
    body = serializers.CharField()
    day = serializers.DateField()
    files = serializers.IntegerField()


class WriterViewSerializer(serializers.Serializer):  # type: ignore[type-arg]
    type = serializers.ChoiceField(choices=["letter", "snapshot"])
    org_name = serializers.CharField()
    received_on = serializers.DateField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    subject = serializers.CharField(required=False)
    thread = WriterLineSerializer(many=True, required=False)
    steps = serializers.ListField(child=serializers.DictField(), required=False)


class ReplySerializer(serializers.Serializer):  # type: ignore[type-arg]
    body = serializers.CharField(max_length=5000)


class AssignSerializer(serializers.Serializer):  # type: ignore[type-arg]
    assignee = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class DueSerializer(serializers.Serializer):  # type: ignore[type-arg]
    due_on = serializers.DateField()


class CorrectSerializer(serializers.Serializer):  # type: ignore[type-arg]
    category = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, allow_null=True, default=None
    )
    kind = serializers.ChoiceField(choices=[("", ""), *Kind.choices], required=False, default="")


class AdvanceSerializer(serializers.Serializer):  # type: ignore[type-arg]
    to = serializers.ChoiceField(choices=CaseStatus.choices)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    assignee = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, allow_null=True, default=None
    )
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
