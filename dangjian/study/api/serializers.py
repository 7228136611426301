"""Serializers of the 学习专题 and 学习笔记 API: explicit fields for reading, plain serializers for input."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from dangjian.core import richtext
from dangjian.study.models import ItemKind, Note, NoteComment, Topic, TopicAssignment, TopicItem


class TopicSerializer(serializers.ModelSerializer[Topic]):
    org_name = serializers.CharField(source="org.label", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Topic
        fields = [
            "id",
            "org",
            "org_name",
            "title",
            "summary",
            "status",
            "status_label",
            "is_open",
            "published_at",
        ]
        read_only_fields = ["status", "published_at"]


class ManagedTopicSerializer(TopicSerializer):
    items = serializers.IntegerField(source="n_items", read_only=True, default=0)
    assignments = serializers.IntegerField(source="n_assignments", read_only=True, default=0)

    class Meta(TopicSerializer.Meta):
        fields = [*TopicSerializer.Meta.fields, "items", "assignments", "created_at", "updated_at"]


class TopicWriteSerializer(serializers.Serializer[Any]):
    org = serializers.IntegerField(help_text="发布组织 id（须在 study.manage 范围内）")
    title = serializers.CharField(max_length=100)
    summary = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    is_open = serializers.BooleanField(required=False, default=True)


class TopicUpdateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=100, required=False)
    summary = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    is_open = serializers.BooleanField(required=False)


class ItemSerializer(serializers.ModelSerializer[TopicItem]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    content_key = serializers.CharField(read_only=True)
    file_url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = TopicItem
        fields = ["id", "topic", "position", "kind", "kind_label", "title", "doc_format", "duration_seconds",
                  "content_key", "file_url", "page_url"]  # fmt: skip

    def get_file_url(self, item: TopicItem) -> str | None:
        return reverse("study:item_file", args=[item.pk]) if item.file_id else None

    def get_page_url(self, item: TopicItem) -> str:
        return reverse("study:item_detail", args=[item.pk])


class ItemDetailSerializer(ItemSerializer):
    html = serializers.SerializerMethodField(help_text="清理后的正文 HTML（文章、Word 文档）")

    class Meta(ItemSerializer.Meta):
        fields = [*ItemSerializer.Meta.fields, "html"]

    def get_html(self, item: TopicItem) -> str:
        return str(richtext.render(item.body)) if item.body else ""


class ItemWriteSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    title = serializers.CharField(max_length=150)
    body = serializers.CharField(required=False, allow_blank=True, help_text="文章正文（HTML 或纯文本）")
    file = serializers.FileField(required=False, help_text="视频、音频或文档（multipart）")
    duration_seconds = serializers.IntegerField(required=False, min_value=1, max_value=86400)


class ItemUpdateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=150)
    body = serializers.CharField(required=False, allow_blank=True)
    duration_seconds = serializers.IntegerField(required=False, min_value=1, max_value=86400)


class AssignmentSerializer(serializers.ModelSerializer[TopicAssignment]):
    org_name = serializers.CharField(source="org.label", read_only=True, default=None, allow_null=True)
    member_name = serializers.CharField(source="member.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = TopicAssignment
        fields = [
            "id",
            "topic",
            "org",
            "org_name",
            "include_subtree",
            "member",
            "member_name",
            "required",
            "deadline",
        ]


class AssignmentWriteSerializer(serializers.Serializer[Any]):
    org = serializers.IntegerField(required=False, allow_null=True)
    member = serializers.IntegerField(required=False, allow_null=True)
    include_subtree = serializers.BooleanField(required=False, default=True)
    required = serializers.BooleanField(required=False, default=False)  # type: ignore[assignment]
    deadline = serializers.DateField(required=False, allow_null=True)


class ProgressSerializer(serializers.Serializer[Any]):
    seconds = serializers.IntegerField()
    completed_at = serializers.DateTimeField(allow_null=True)


class MyTopicSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="topic.pk")
    title = serializers.CharField(source="topic.title")
    org_name = serializers.CharField(source="topic.org.label")
    assigned = serializers.BooleanField()
    required = serializers.BooleanField()  # type: ignore[assignment]
    deadline = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    items = serializers.IntegerField()
    done_items = serializers.IntegerField()
    done = serializers.BooleanField()
    minutes = serializers.IntegerField()


class NoteSerializer(serializers.ModelSerializer[Note]):
    author = serializers.CharField(source="member.name", read_only=True)
    likes = serializers.IntegerField(source="n_likes", read_only=True, default=0)
    comments = serializers.IntegerField(source="n_comments", read_only=True, default=0)
    liked = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = Note
        fields = [
            *("id", "author", "content_key", "content_title", "body", "shared"),
            *("likes", "comments", "liked", "created_at", "updated_at"),
        ]
        read_only_fields = ["content_title", "created_at", "updated_at"]


class NoteWriteSerializer(serializers.Serializer[Any]):
    content_key = serializers.CharField(max_length=64, help_text="学习内容标识，如 topic_item:12、lesson:5")
    body = serializers.CharField(max_length=5000)
    shared = serializers.BooleanField(required=False, default=False)


class NoteUpdateSerializer(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=5000, required=False)
    shared = serializers.BooleanField(required=False)


class MyStudySerializer(serializers.Serializer[Any]):
    results = MyTopicSerializer(many=True)


class CommentSerializer(serializers.ModelSerializer[NoteComment]):
    author = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = NoteComment
        fields = ["id", "note", "author", "body", "created_at"]
        read_only_fields = ["note", "created_at"]


class CommentWriteSerializer(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=1000)


class OrgRateSerializer(serializers.Serializer[Any]):
    org = serializers.IntegerField(source="org.pk", allow_null=True, default=None)
    name = serializers.CharField(source="label")
    members = serializers.IntegerField()
    participants = serializers.IntegerField()
    participation_rate = serializers.IntegerField()
    completed = serializers.IntegerField()
    completion_rate = serializers.IntegerField()


class MemberStatusSerializer(serializers.Serializer[Any]):
    member = serializers.IntegerField(source="member.pk")
    name = serializers.CharField(source="member.name")
    org = serializers.CharField(source="member.org.label")
    status = serializers.CharField()
    done_items = serializers.IntegerField()
    items = serializers.IntegerField()
    minutes = serializers.IntegerField()


class TopicStatsSerializer(serializers.Serializer[Any]):
    topic = serializers.IntegerField()
    total = OrgRateSerializer()
    children = OrgRateSerializer(many=True)
    members = MemberStatusSerializer(many=True, allow_null=True)
