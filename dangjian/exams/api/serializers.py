"""Serializers of the 考试中心 API. Reads are ModelSerializers with explicit fields; writes are plain
Serializers whose data goes to the services."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from dangjian.exams.models import Attempt, DailyPractice, Exam, MistakeBook, Paper, Question, QuestionBank


class BankSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    org_name = serializers.CharField(source="org.label", read_only=True)

    class Meta:
        model = QuestionBank
        fields = ["id", "org", "org_name", "name", "description", "shared_down", "created_at"]


class BankWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    org = serializers.IntegerField()
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    shared_down = serializers.BooleanField(default=True)


class QuestionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    tags = serializers.ListField(source="tag_list", child=serializers.CharField(), read_only=True)

    class Meta:
        model = Question
        fields = [
            "id", "bank", "kind", "stem", "options", "answer", "explanation", "difficulty", "tags", "source",
            "is_active",
        ]  # fmt: skip


class QuestionWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.CharField()
    stem = serializers.CharField()
    options = serializers.ListField(
        child=serializers.CharField(allow_blank=True), required=False, default=list
    )
    answer = serializers.CharField()
    explanation = serializers.CharField(required=False, allow_blank=True, default="")
    difficulty = serializers.CharField(required=False, allow_blank=True, default="")
    tags = serializers.CharField(required=False, allow_blank=True, default="")
    source = serializers.CharField(required=False, allow_blank=True, default="")  # type: ignore[assignment]


class ImportSerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=True)


class ImportResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    rows = serializers.IntegerField()
    valid = serializers.IntegerField()
    created = serializers.IntegerField()
    problems = serializers.ListField(child=serializers.DictField())


class PaperSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Paper
        fields = ["id", "org", "title", "mode", "shuffle_questions", "shuffle_options", "created_at"]


class ExamSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    org_name = serializers.CharField(source="org.label", read_only=True)

    class Meta:
        model = Exam
        fields = [
            "id", "org", "org_name", "paper", "title", "description", "opens_at", "closes_at",
            "duration_minutes", "max_attempts", "pass_score", "required", "show_answers", "status",
            "makeup_of",
        ]  # fmt: skip


class MyExamSerializer(ExamSerializer):
    """An exam one is among the takers of, with its state (未开始/进行中/已结束) and one's attempts."""

    state = serializers.CharField()
    attempts = serializers.ListField(child=serializers.DictField())

    class Meta(ExamSerializer.Meta):
        fields = [*ExamSerializer.Meta.fields, "state", "attempts"]


class ExamWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    org = serializers.IntegerField()
    paper = serializers.IntegerField()
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(min_value=1, max_value=1440)
    max_attempts = serializers.IntegerField(min_value=1, max_value=10, default=1)
    pass_score = serializers.DecimalField(max_digits=6, decimal_places=1)
    required = serializers.BooleanField(default=True)  # type: ignore[assignment]
    show_answers = serializers.BooleanField(default=True)
    target_orgs = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    candidates = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class AttemptSummarySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    name = serializers.SerializerMethodField()
    org_name = serializers.SerializerMethodField()

    class Meta:
        model = Attempt
        fields = [
            "id", "exam", "name", "org_name", "number", "status", "started_at", "deadline", "submitted_at",
            "auto_submitted", "score", "max_score", "passed", "pending_grading", "leave_count",
        ]  # fmt: skip

    def get_name(self, obj: Attempt) -> str:
        return str(obj.member.name if obj.member else (obj.user.full_name or obj.user.username))

    def get_org_name(self, obj: Attempt) -> str:
        return str(obj.taker_org.label) if obj.taker_org else ""


class AnswerItemSerializer(serializers.Serializer):  # type: ignore[type-arg]
    question = serializers.IntegerField()
    response = serializers.ListField(
        child=serializers.CharField(allow_blank=True, max_length=5000), max_length=6
    )
    seq = serializers.IntegerField(min_value=1)


class SaveSerializer(serializers.Serializer):  # type: ignore[type-arg]
    answers = serializers.ListField(child=AnswerItemSerializer(), max_length=500)


class SubmitSerializer(serializers.Serializer):  # type: ignore[type-arg]
    answers = serializers.ListField(
        child=AnswerItemSerializer(), max_length=500, required=False, default=list
    )


class SaveResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    acked = serializers.ListField(child=serializers.IntegerField())
    stale = serializers.ListField(child=serializers.IntegerField())
    server_time = serializers.DateTimeField()
    deadline = serializers.DateTimeField()
    remaining_seconds = serializers.IntegerField()


class GradeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    score = serializers.DecimalField(max_digits=5, decimal_places=1)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class PracticeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = DailyPractice
        fields = ["id", "kind", "day", "tag", "questions", "results", "created_at"]


class PracticeStartSerializer(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.ChoiceField(choices=["daily", "tag", "mistakes"])
    tag = serializers.CharField(required=False, allow_blank=True, default="")


class PracticeAnswerSerializer(serializers.Serializer):  # type: ignore[type-arg]
    question = serializers.IntegerField()
    response = serializers.ListField(
        child=serializers.CharField(allow_blank=True, max_length=500), max_length=6
    )


class MistakeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    question = QuestionSerializer(read_only=True)

    class Meta:
        model = MistakeBook
        fields = ["id", "question", "last_response", "wrong_count", "resolved", "updated_at"]


def attempt_payload(attempt: Attempt, questions: list[dict[str, Any]] | None, now: Any) -> dict[str, Any]:
    """The state of one's own attempt for a client: the server's clock, the deadline and the paper (left out
    when ``questions`` is None: the answer to a submit)."""
    remaining = max(0, int((attempt.deadline - now).total_seconds()))
    state = {
        "id": attempt.pk,
        "exam": attempt.exam_id,
        "title": attempt.exam.title,
        "status": attempt.status,
        "number": attempt.number,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "server_time": now,
        "remaining_seconds": remaining,
        "submitted_at": attempt.submitted_at,
        "score": attempt.score,
        "passed": attempt.passed,
    }
    if questions is not None:
        state["questions"] = [
            {k: q[k] for k in ("id", "number", "kind", "stem", "options", "score", "response", "seq")}
            for q in questions
        ]
    return state


class ImportStartSerializer(ImportResultSerializer):
    job = serializers.IntegerField(allow_null=True, required=False)


class QuestionImportJobSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    status = serializers.CharField()
    progress = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()
    message = serializers.CharField()
    result = serializers.DictField()


class PaperCopySerializer(serializers.Serializer):  # type: ignore[type-arg]
    org = serializers.IntegerField(required=False, allow_null=True, default=None)


class MakeupSerializer(serializers.Serializer):  # type: ignore[type-arg]
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()


class RemindResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    pending = serializers.IntegerField()
    sent = serializers.IntegerField()
    failed = serializers.IntegerField()
