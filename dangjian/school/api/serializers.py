"""Serializers of the 网络党校 API."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from dangjian.core import richtext
from dangjian.school.models import Chapter, Course, Enrolment, Lesson, LessonProgress


class CourseSerializer(serializers.ModelSerializer[Course]):
    org_name = serializers.CharField(source="org.name", read_only=True)
    cover_url = serializers.SerializerMethodField()
    lesson_count = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = Course
        fields = [
            "id",
            "title",
            "description",
            "hours",
            "kind",
            "status",
            "opens_on",
            "closes_on",
            "org",
            "org_name",
            "cover_url",
            "published_at",
            "lesson_count",
        ]

    def get_cover_url(self, obj: Course) -> str | None:
        return (
            reverse("core:file_download", args=[obj.cover.public_id]) if obj.cover_id and obj.cover else None
        )


class LessonBriefSerializer(serializers.ModelSerializer[Lesson]):
    class Meta:
        model = Lesson
        fields = ["id", "title", "kind", "position", "duration_seconds", "is_required"]


class ChapterSerializer(serializers.ModelSerializer[Chapter]):
    lessons = LessonBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Chapter
        fields = ["id", "title", "position", "lessons"]


class CourseDetailSerializer(CourseSerializer):
    chapters = ChapterSerializer(many=True, read_only=True)

    class Meta(CourseSerializer.Meta):
        fields = [*CourseSerializer.Meta.fields, "chapters"]


class LessonSerializer(serializers.ModelSerializer[Lesson]):
    content_key = serializers.CharField(read_only=True)
    body_html = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Lesson
        fields = [
            "id",
            "course",
            "chapter",
            "title",
            "kind",
            "duration_seconds",
            "is_required",
            "content_key",
            "body_html",
            "file_url",
            "pdf_url",
        ]

    def get_body_html(self, obj: Lesson) -> str:
        return str(richtext.render(obj.body)) if obj.body else ""

    def get_file_url(self, obj: Lesson) -> str | None:
        return reverse("core:file_download", args=[obj.file.public_id]) if obj.file else None

    def get_pdf_url(self, obj: Lesson) -> str | None:
        if obj.file is None or obj.file.content_type != "application/pdf":
            return None
        return reverse("school:lesson_pdf", args=[obj.pk])


class EnrolmentSerializer(serializers.ModelSerializer[Enrolment]):
    certificate_url = serializers.SerializerMethodField()

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "course",
            "source",
            "due_on",
            "enrolled_at",
            "completed_lessons",
            "completed_at",
            "certificate_no",
            "certificate_url",
        ]

    def get_certificate_url(self, obj: Enrolment) -> str | None:
        if obj.completed_at is None:
            return None
        return reverse("school-certificate", args=[obj.pk])


class LessonProgressSerializer(serializers.ModelSerializer[LessonProgress]):
    class Meta:
        model = LessonProgress
        fields = ["lesson", "seconds", "completed_at"]


class CardSerializer(serializers.Serializer[Any]):
    course = CourseSerializer()
    enrolment = EnrolmentSerializer(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    assigned = serializers.BooleanField()
    overdue = serializers.BooleanField()
    percent = serializers.IntegerField()


class MyCoursesSerializer(serializers.Serializer[Any]):
    assigned = CardSerializer(many=True)
    enrolled = CardSerializer(many=True)
    catalogue = CardSerializer(many=True)


class CourseProgressSerializer(serializers.Serializer[Any]):
    enrolment = EnrolmentSerializer(allow_null=True)
    percent = serializers.IntegerField()
    lessons = LessonProgressSerializer(many=True)


class StatsRowSerializer(serializers.Serializer[Any]):
    org = serializers.IntegerField(source="org.pk")
    org_name = serializers.CharField(source="org.name")
    own_level = serializers.BooleanField()
    members = serializers.IntegerField()
    enrolled = serializers.IntegerField()
    completed = serializers.IntegerField()
    enrol_rate = serializers.FloatField()
    completion_rate = serializers.FloatField()


class StatsSerializer(serializers.Serializer[Any]):
    total = StatsRowSerializer()
    rows = StatsRowSerializer(many=True)
