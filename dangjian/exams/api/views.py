"""API of 考试中心 under ``/api/v1/exams/``.

Organisers (``exams.view`` reads, ``exams.manage`` writes, ``exams.grade`` marks; scoped by organisation,
out-of-scope objects answer 404): ``banks/`` (list, create, ``{id}/``, ``{id}/questions/``
GET/POST, ``{id}/import/`` multipart: a dry run answers at once with the row report; a real run is checked
at once and, when clean, answered 202 with ``job`` — follow ``import-jobs/{job}/``), ``questions/{id}/``
(GET, PUT/PATCH), ``papers/`` (list, ``{id}/``, ``{id}/preview/``, ``{id}/copy/``), ``exams/`` (list,
create, ``{id}/``, ``{id}/publish/``, ``{id}/cancel/``, ``{id}/remind/``, ``{id}/makeup/``, ``{id}/stats/``,
``{id}/attempts/``), ``grading/`` (list, ``{id}/grade/``).

Examinees (any signed-in account with a member record or named as a candidate; only their own rows):
``mine/``, ``practice/``, ``practice/{id}/``, ``practice/{id}/answer/``, ``mistakes/``, and the exam protocol:

Taking an exam — the small API the load and fault tests drive
--------------------------------------------------------------
``POST /api/v1/exams/mine/{exam_id}/start/`` → 201 (new) or 200 (the open attempt resumed), body = the
attempt state below. Idempotent: at most one open attempt per person and exam (a database constraint);
400 ``exams.not_yet_open`` / ``exams.closed`` / ``exams.no_attempts_left`` / ``exams.not_a_taker``;
404 for an exam one is not among the takers of.

``GET /api/v1/exams/attempts/{id}/`` → 200 attempt state: ``{"id", "exam", "title", "status": "open" |
"submitted", "number", "started_at", "deadline", "server_time", "remaining_seconds", "submitted_at",
"score", "passed", "questions": [{"id", "number", "kind", "stem", "options": [{"letter", "text"}],
"score", "response", "seq"}]}``. Options are in the examinee's own (shuffled) order and ``response`` uses
the letters as shown; ``seq`` is the last sequence number the server applied for that question.
404 for anyone else's attempt.

``POST /api/v1/exams/attempts/{id}/answers/`` with ``{"answers": [{"question": id, "response": ["B"],
"seq": 17}, …]}`` (up to 500; ``response`` is a list: letters as shown, ``"true"``/``"false"``, or one
text). The client numbers its saves with one increasing counter per attempt (per question is enough).
→ 200 ``{"acked": [seq…], "stale": [seq…], "server_time", "deadline", "remaining_seconds"}``, sent only
after the transaction committed: every listed seq is durable. ``stale`` seqs were not applied because
the server already holds a higher seq for that question (a repeat or a late arrival) — they are
acknowledged too; the client drops them from its queue. Idempotent: resending the same body changes
nothing. 409 ``{"code": "exams.attempt_closed", "status": "submitted" | "expired"}`` once the attempt was
submitted (by the examinee or automatically) or deadline + grace (``EXAMS_GRACE_SECONDS``, 30 s) has
passed: the client stops saving and shows the result. 429 ``exams.rate_limited`` (with ``Retry-After``
and ``retry_after`` seconds) when the attempt saves faster than ``EXAMS_SAVE_RATE`` per second (default 5,
bursts up to ``EXAMS_SAVE_BURST``, 20): nothing was applied or acknowledged; resend the same body later.
400 ``exams.bad_answer`` for a question not on the paper or a malformed item (nothing of the request is
applied). 404 for anyone else's attempt.

``POST /api/v1/exams/attempts/{id}/submit/`` with optional ``{"answers": [...]}`` (applied first, as a
save, in the same transaction) → 200 attempt state without ``questions`` (GET the attempt for them), with
``status: "submitted"``, the score of the objective part and ``passed`` (null while short answers wait for
a grader). Idempotent: submitting a
submitted attempt returns it unchanged. After deadline + grace it is submitted with the deadline as
finish time and the late answers are ignored (as the automatic submission, a Huey task every minute,
would have done). Submit and save lock the attempt row, so a save either commits before the submit and
is graded, or gets 409.

``POST /api/v1/exams/attempts/{id}/leave/`` → 200 ``{"leave_count": n}``: the page was hidden.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dangjian.access import classify, scope
from dangjian.access.api import ScopedViewSet
from dangjian.core.errors import BusinessError
from dangjian.core.models import Job
from dangjian.exams import excel, selectors, services
from dangjian.exams.api import serializers as s
from dangjian.exams.models import (
    Answer,
    Attempt,
    AttemptStatus,
    DailyPractice,
    Exam,
    Paper,
    Question,
    QuestionBank,
)
from dangjian.orgs.models import Org


def _user(request: Any) -> Any:
    return request.user


def _org(user: Any, pk: int) -> Org:
    orgs = scope.restrict(Org.objects.filter(is_active=True), user, "exams.manage")
    org: Org = get_object_or_404(orgs, pk=pk)
    return org


class BankViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """题库: own banks and those shared down from above."""

    queryset = QuestionBank.objects.select_related("org")
    serializer_class = s.BankSerializer
    permission = "exams.view"
    write_permission = "exams.manage"

    def get_queryset(self) -> QuerySet[QuestionBank]:
        return selectors.bank_list(user=self.request.user)

    def _managed(self, pk: Any) -> QuestionBank:
        return get_object_or_404(
            scope.restrict(QuestionBank.objects.select_related("org"), self.request.user, "exams.manage"),
            pk=pk,
        )

    @extend_schema(request=s.BankWriteSerializer, responses=s.BankSerializer)
    def create(self, request: Request) -> Response:
        data = s.BankWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["org"] = _org(request.user, values["org"])
        bank = services.bank_create(actor=request.user, **values)
        return Response(s.BankSerializer(bank).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=s.QuestionSerializer(many=True))
    @extend_schema(methods=["POST"], request=s.QuestionWriteSerializer, responses=s.QuestionSerializer)
    @action(detail=True, methods=["get", "post"])
    def questions(self, request: Request, pk: Any = None) -> Response:
        if request.method == "POST":
            bank = self._managed(pk)
            data = s.QuestionWriteSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            question = services.question_create(actor=request.user, bank=bank, **data.validated_data)
            return Response(s.QuestionSerializer(question).data, status=status.HTTP_201_CREATED)
        bank = self.get_object()
        qs = selectors.question_list(
            bank=bank, kind=request.query_params.get("kind", ""), tag=request.query_params.get("tag", "")
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.QuestionSerializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": s.ImportSerializer},
        responses={200: s.ImportStartSerializer, 202: s.ImportStartSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser], url_path="import")
    def import_questions(self, request: Request, pk: Any = None) -> Response:
        bank = self._managed(pk)
        data = s.ImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = excel.read_rows(data.validated_data["file"])
        if data.validated_data["dry_run"]:
            return Response(services.bank_import(actor=request.user, bank=bank, rows=rows, dry_run=True))
        result = services.bank_import_start(actor=request.user, bank=bank, rows=rows)
        code = status.HTTP_202_ACCEPTED if result["job"] else status.HTTP_200_OK
        return Response(result, status=code)


class QuestionViewSet(mixins.RetrieveModelMixin, ScopedViewSet):
    """试题: read one; PUT/PATCH changes it (all fields as typed, like creating one). Refused with 400
    ``exams.question_in_use`` once an exam asking it has started."""

    queryset = Question.objects.select_related("bank__org")
    serializer_class = s.QuestionSerializer
    permission = "exams.view"
    write_permission = "exams.manage"
    http_method_names = ["get", "put", "patch", "head", "options"]

    @extend_schema(request=s.QuestionWriteSerializer, responses=s.QuestionSerializer)
    def update(self, request: Request, pk: Any = None, partial: bool = False) -> Response:
        question = get_object_or_404(scope.restrict(self.queryset, request.user, "exams.manage"), pk=pk)
        current = {
            "kind": question.kind,
            "stem": question.stem,
            "options": question.options,
            "answer": excel.answer_text(question),
            "explanation": question.explanation,
            "difficulty": str(question.difficulty),
            "tags": question.tags,
            "source": question.source,
        }
        data = s.QuestionWriteSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        given = {k: v for k, v in data.validated_data.items() if not partial or k in request.data}
        question = services.question_update(actor=request.user, question=question, **(current | given))
        return Response(s.QuestionSerializer(question).data)

    @extend_schema(request=s.QuestionWriteSerializer, responses=s.QuestionSerializer)
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        return self.update(request, pk=pk, partial=True)


class ImportJobViewSet(mixins.RetrieveModelMixin, ScopedViewSet):
    """The progress of a background import of questions (``banks/{id}/import/`` answered 202 with its id)."""

    queryset = Job.objects.filter(kind=services.IMPORT_JOB_KIND)
    serializer_class = s.QuestionImportJobSerializer
    permission = "exams.manage"
    write_permission = "exams.manage"


class PaperViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """试卷."""

    queryset = Paper.objects.select_related("org").order_by("-created_at", "-id")
    serializer_class = s.PaperSerializer
    permission = "exams.view"
    write_permission = "exams.manage"

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def preview(self, request: Request, pk: Any = None) -> Response:
        paper = self.get_object()
        layout = services.paper_draw(paper)
        questions = selectors.layout_questions(Attempt(layout=layout), reveal=True)
        for q in questions:
            q.pop("got", None)
        return Response({"total": services.paper_total(paper), "questions": questions})

    @extend_schema(request=s.PaperCopySerializer, responses={201: s.PaperSerializer})
    @action(detail=True, methods=["post"])
    def copy(self, request: Request, pk: Any = None) -> Response:
        paper = self.get_object()
        data = s.PaperCopySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        org_pk = data.validated_data.get("org")
        org = _org(request.user, org_pk) if org_pk else None
        copy = services.paper_copy(actor=request.user, paper=paper, org=org)
        return Response(s.PaperSerializer(copy).data, status=status.HTTP_201_CREATED)


class ExamViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """考试 for organisers."""

    queryset = Exam.objects.select_related("org", "paper").order_by("-opens_at", "-id")
    serializer_class = s.ExamSerializer
    permission = "exams.view"
    write_permission = "exams.manage"

    @extend_schema(request=s.ExamWriteSerializer, responses=s.ExamSerializer)
    def create(self, request: Request) -> Response:
        data = s.ExamWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["org"] = _org(request.user, values["org"])
        values["paper"] = get_object_or_404(
            scope.restrict(Paper.objects.all(), request.user, "exams.manage"), pk=values["paper"]
        )
        values["target_orgs"] = [_org(request.user, pk) for pk in values["target_orgs"]]
        from django.contrib.auth import get_user_model

        values["candidates"] = list(
            get_user_model().objects.filter(pk__in=values["candidates"], is_active=True)
        )
        exam = services.exam_create(actor=request.user, **values)
        return Response(s.ExamSerializer(exam).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.ExamSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: Any = None) -> Response:
        exam = get_object_or_404(scope.restrict(Exam.objects.all(), request.user, "exams.manage"), pk=pk)
        services.exam_publish(actor=request.user, exam=exam)
        return Response(s.ExamSerializer(exam).data)

    def _managed(self, pk: Any) -> Exam:
        exam: Exam = get_object_or_404(
            scope.restrict(Exam.objects.select_related("org", "paper"), self.request.user, "exams.manage"),
            pk=pk,
        )
        return exam

    @extend_schema(request=None, responses=s.ExamSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: Any = None) -> Response:
        exam = services.exam_cancel(actor=request.user, exam=self._managed(pk))
        return Response(s.ExamSerializer(exam).data)

    @extend_schema(request=None, responses=s.RemindResultSerializer)
    @action(detail=True, methods=["post"])
    def remind(self, request: Request, pk: Any = None) -> Response:
        return Response(services.exam_remind(actor=request.user, exam=self._managed(pk)))

    @extend_schema(request=s.MakeupSerializer, responses={201: s.ExamSerializer})
    @action(detail=True, methods=["post"])
    def makeup(self, request: Request, pk: Any = None) -> Response:
        exam = self._managed(pk)
        data = s.MakeupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        makeup = services.exam_makeup(actor=request.user, exam=exam, **data.validated_data)
        return Response(s.ExamSerializer(makeup).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def stats(self, request: Request, pk: Any = None) -> Response:
        exam = self.get_object()
        data = selectors.exam_stats(exam)
        data["questions"] = [
            {
                "question": r["question"].pk,
                "stem": r["question"].stem,
                **{k: r[k] for k in r if k != "question"},
            }
            for r in data["questions"]
        ]
        return Response(data)

    @extend_schema(responses=s.AttemptSummarySerializer(many=True))
    @action(detail=True, methods=["get"])
    def attempts(self, request: Request, pk: Any = None) -> Response:
        exam = self.get_object()
        page = self.paginate_queryset(selectors.best_attempts(exam))
        return self.get_paginated_response(s.AttemptSummarySerializer(page, many=True).data)


class GradingViewSet(mixins.ListModelMixin, ScopedViewSet):
    """阅卷: short answers waiting for a grade."""

    queryset = Answer.objects.all()
    permission = "exams.grade"
    write_permission = "exams.grade"

    def get_queryset(self) -> QuerySet[Answer]:
        return selectors.grading_queue(user=self.request.user)

    @extend_schema(responses={200: dict})
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = [
            {
                "id": a.pk,
                "attempt": a.attempt_id,
                "exam": a.attempt.exam.title,
                "stem": a.question.stem,
                "reference": a.question.answer[:1],
                "response": a.response,
                "max_score": a.max_score,
            }
            for a in page or []
        ]
        return self.get_paginated_response(rows)

    @extend_schema(request=s.GradeSerializer, responses={200: dict})
    @action(detail=True, methods=["post"])
    def grade(self, request: Request, pk: Any = None) -> Response:
        answer = get_object_or_404(
            scope.restrict(Answer.objects.select_related("question"), request.user, "exams.grade"), pk=pk
        )
        data = s.GradeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answer = services.answer_grade(actor=request.user, answer=answer, **data.validated_data)
        return Response({"id": answer.pk, "score": answer.score})


# --------------------------------------------------------------------------------------------------------
# Examinees


class _NotAdmin(BasePermission):
    message = "三员不参加业务活动"

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and not scope.is_admin(request.user))


class _Own(APIView):
    access = classify.AUTHENTICATED
    permission_classes = [IsAuthenticated, _NotAdmin]
    parser_classes = [JSONParser]

    def own_attempt(self, request: Request, pk: int) -> Attempt:
        attempt = Attempt.objects.select_related("exam").filter(pk=pk, user=_user(request)).first()
        if attempt is None:
            raise NotFound("答卷不存在")
        return attempt


def _state(attempt: Attempt, *, questions: bool = True) -> dict[str, Any]:
    return s.attempt_payload(
        attempt, selectors.layout_questions(attempt) if questions else None, timezone.now()
    )


def _closed(attempt: Attempt) -> Response:
    attempt.refresh_from_db(fields=["status"])
    state = "submitted" if attempt.status == AttemptStatus.SUBMITTED else "expired"
    return Response(
        {"code": "exams.attempt_closed", "detail": "答卷已交卷或已超过答题时间，不能再保存", "status": state},
        status=status.HTTP_409_CONFLICT,
    )


class MyExamsView(_Own):
    """我的考试: the exams one is among the takers of, with one's attempts."""

    @extend_schema(responses=s.MyExamSerializer(many=True))
    def get(self, request: Request) -> Response:
        exams = list(selectors.my_exams(user=_user(request))[:100])
        attempts = selectors.my_attempts(user=_user(request)).filter(exam__in=[e.pk for e in exams])
        mine: dict[int, list[dict[str, Any]]] = {}
        for a in attempts:
            mine.setdefault(a.exam_id, []).append(
                {"id": a.pk, "number": a.number, "status": a.status, "score": a.score, "passed": a.passed}
            )
        return Response(
            [
                {**s.ExamSerializer(e).data, "state": selectors.exam_state(e), "attempts": mine.get(e.pk, [])}
                for e in exams
            ]
        )


class StartView(_Own):
    @extend_schema(request=None, responses={200: dict, 201: dict})
    def post(self, request: Request, pk: int) -> Response:
        exam = selectors.my_exams(user=_user(request)).filter(pk=pk).first()
        if exam is None:
            raise NotFound("考试不存在")
        existed = Attempt.objects.filter(exam=exam, user=_user(request), status=AttemptStatus.OPEN).exists()
        attempt = services.attempt_start(actor=request.user, exam=exam)
        return Response(_state(attempt), status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


class AttemptView(_Own):
    @extend_schema(responses={200: dict})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_state(self.own_attempt(request, pk)))


class AnswersView(_Own):
    @extend_schema(request=s.SaveSerializer, responses={200: s.SaveResultSerializer, 409: dict, 429: dict})
    def post(self, request: Request, pk: int) -> Response:
        attempt = self.own_attempt(request, pk)
        data = s.SaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = services.answers_save(
                actor=request.user,
                attempt_id=attempt.pk,
                items=data.validated_data["answers"],
                attempt=attempt,
            )
        except BusinessError as exc:
            if exc.code == "exams.attempt_closed":
                return _closed(attempt)
            if exc.code == "exams.rate_limited":
                retry_after = int((exc.details or {}).get("retry_after", 1))  # type: ignore[attr-defined]
                response = Response(
                    {"code": exc.code, "detail": exc.message, "retry_after": retry_after},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
                response["Retry-After"] = str(retry_after)
                return response
            raise
        # The service's transaction has committed here: the acknowledgement is durable.
        now = timezone.now()
        return Response(
            {
                "acked": result["acked"],
                "stale": result["stale"],
                "server_time": now,
                "deadline": attempt.deadline,
                "remaining_seconds": max(0, int((attempt.deadline - now).total_seconds())),
            }
        )


class SubmitView(_Own):
    @extend_schema(request=s.SubmitSerializer, responses={200: dict})
    def post(self, request: Request, pk: int) -> Response:
        items: list[dict[str, Any]] = []
        if request.data not in ({}, {"answers": []}):  # the usual submit has nothing left to save
            data = s.SubmitSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            items = data.validated_data["answers"]
        try:  # the service locks the attempt only if it is the actor's own: no separate read first
            attempt = services.attempt_submit(actor=request.user, attempt_id=pk, items=items)
        except BusinessError as exc:
            if exc.code == "exams.not_found":
                raise NotFound("答卷不存在") from None
            raise
        return Response(_state(attempt, questions=False))  # the page has them; GET the attempt to read them


class LeaveView(_Own):
    @extend_schema(request=None, responses={200: dict})
    def post(self, request: Request, pk: int) -> Response:
        attempt = self.own_attempt(request, pk)
        return Response({"leave_count": services.attempt_leave(actor=request.user, attempt_id=attempt.pk)})


class PracticeListView(_Own):
    """GET one's recent practice sets; POST ``{"kind": "daily" | "tag" | "mistakes", "tag"}`` starts one
    (daily: today's set, the same all day)."""

    @extend_schema(responses=s.PracticeSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(
            s.PracticeSerializer(DailyPractice.objects.filter(user=_user(request))[:20], many=True).data
        )

    @extend_schema(request=s.PracticeStartSerializer, responses=s.PracticeSerializer)
    def post(self, request: Request) -> Response:
        data = s.PracticeStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["kind"] == "daily":
            practice = services.practice_daily(actor=request.user)
        else:
            practice = services.practice_start(actor=request.user, **data.validated_data)
        return Response(s.PracticeSerializer(practice).data, status=status.HTTP_201_CREATED)


def _own_practice(request: Request, pk: int) -> DailyPractice:
    practice = DailyPractice.objects.filter(pk=pk, user=_user(request)).first()
    if practice is None:
        raise NotFound("练习不存在")
    return practice


class PracticeDetailView(_Own):
    @extend_schema(responses={200: dict})
    def get(self, request: Request, pk: int) -> Response:
        context = selectors.practice_context(_own_practice(request, pk))
        return Response(
            {
                "id": pk,
                "done": context["done"],
                "correct": context["correct"],
                "questions": context["questions"],
            }
        )


class PracticeAnswerView(_Own):
    @extend_schema(request=s.PracticeAnswerSerializer, responses={200: dict})
    def post(self, request: Request, pk: int) -> Response:
        practice = _own_practice(request, pk)
        data = s.PracticeAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.practice_answer(
            actor=request.user,
            practice=practice,
            question_id=data.validated_data["question"],
            response=data.validated_data["response"],
        )
        return Response(result)


class MistakesView(_Own):
    @extend_schema(responses=s.MistakeSerializer(many=True))
    def get(self, request: Request) -> Response:
        services.mistakes_file_pending(user=_user(request))  # a submission whose filing did not happen
        resolved = request.query_params.get("resolved") == "1"
        rows = selectors.mistake_list(user=_user(request), resolved=resolved)[:200]
        return Response(s.MistakeSerializer(rows, many=True).data)
