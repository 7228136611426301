"""Reads of 考试中心: scoped lists for organisers, an examinee's own exams and attempts, and statistics."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from dangjian.access import scope
from dangjian.exams import services
from dangjian.exams.models import (
    Answer,
    Attempt,
    AttemptStatus,
    Exam,
    ExamStatus,
    MistakeBook,
    Paper,
    Question,
    QuestionBank,
    QuestionKind,
    tag_q,
)


def _ancestor_paths(paths: list[str]) -> set[str]:
    out: set[str] = set()
    for path in paths:
        out.update(path[:i] for i in range(4, len(path) + 1, 4))
    return out


def bank_list(*, user: Any, permission: str = "exams.view") -> QuerySet[QuestionBank]:
    """Banks of the organisations in scope, and those shared down to them from above (read-only there)."""
    own = scope.restrict(QuestionBank.objects.all(), user, permission)
    s = scope.scope_for(user, permission)
    if s.everywhere:
        return QuestionBank.objects.select_related("org")
    from dangjian.orgs.models import Org

    paths = list(s.subtrees) + list(Org.objects.filter(pk__in=s.nodes).values_list("path", flat=True))
    return (
        QuestionBank.objects.filter(
            Q(pk__in=own.values("pk")) | Q(org__path__in=_ancestor_paths(paths), shared_down=True)
        )
        .select_related("org")
        .order_by("-created_at", "-id")
    )


def bank_usable_for(*, user: Any, org: Any) -> QuerySet[QuestionBank]:
    """Banks a paper of ``org`` may draw from."""
    return QuestionBank.objects.filter(
        Q(org=org) | Q(org__path__in=_ancestor_paths([org.path]), shared_down=True)
    ).select_related("org")


def question_list(*, bank: QuestionBank, kind: str = "", tag: str = "", q: str = "") -> QuerySet[Question]:
    qs = bank.questions.filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if tag:
        qs = qs.filter(tag_q(tag))
    if q:
        qs = qs.filter(stem__icontains=q)
    return qs.order_by("id")


def bank_tags(banks: QuerySet[QuestionBank]) -> list[str]:
    tags: Counter[str] = Counter()
    for row in Question.objects.filter(bank__in=banks, is_active=True).values_list("tags", flat=True):
        tags.update(t for t in row.split(",") if t)
    return [t for t, _ in tags.most_common()]


def paper_list(*, user: Any) -> QuerySet[Paper]:
    return scope.restrict(Paper.objects.select_related("org"), user, "exams.view")


def exam_list(*, user: Any) -> QuerySet[Exam]:
    return scope.restrict(Exam.objects.select_related("org", "paper"), user, "exams.view")


def my_exams(*, user: Any) -> QuerySet[Exam]:
    """Published exams the user is among the takers of (through their organisation or by name)."""
    member = services._member_of(user)
    q = Q(candidates=user)
    if member is not None:
        q |= Q(target_orgs__path__in=_ancestor_paths([member.org.path]))
    ids = Exam.objects.filter(q, status=ExamStatus.PUBLISHED).values("pk")
    return Exam.objects.filter(pk__in=ids).select_related("org").order_by("-opens_at", "-id")


def my_attempts(*, user: Any, exam: Exam | None = None) -> QuerySet[Attempt]:
    qs = Attempt.objects.filter(user=user).select_related("exam")
    return qs.filter(exam=exam) if exam is not None else qs


def exam_state(exam: Exam, now: Any = None) -> str:
    """未开始 / 进行中 / 已结束 / 未发布 / 已取消."""
    now = now or timezone.now()
    if exam.status != ExamStatus.PUBLISHED:
        return ExamStatus(exam.status).label
    if now < exam.opens_at:
        return "未开始"
    if now >= exam.closes_at:
        return "已结束"
    return "进行中"


def layout_questions(attempt: Attempt, *, reveal: bool = False) -> list[dict[str, Any]]:
    """The examinee's paper as they see it: options in their shuffled order, their saved answer translated to
    the letters they see, and (``reveal``) the right answer, explanation and score."""
    from dangjian.exams import rules

    # Plain rows, not model instances: the start, the page and the submit's answer all build this list.
    answers = (
        {
            row[0]: row[1:]
            for row in Answer.objects.filter(attempt_id=attempt.pk)
            .order_by()
            .values_list("question_id", "response", "seq", "is_correct", "score", "comment")
        }
        if attempt.pk
        else {}
    )
    questions = {
        row[0]: row[1:]
        for row in Question.objects.filter(pk__in=[item["q"] for item in attempt.layout])
        .order_by()
        .values_list("pk", "kind", "stem", "options", "answer", "explanation")
    }
    out = []
    for i, item in enumerate(attempt.layout):
        kind, stem, options, right, explanation = questions[item["q"]]
        saved, seq, is_correct, got, comment = answers.get(item["q"]) or ([], 0, None, None, "")
        order = item["order"]
        shown_options = [options[j] for j in order] if options else []
        response = list(saved)
        if kind in ("single", "multiple"):
            response = rules.to_shown(response, order)
        row: dict[str, Any] = {
            "number": i + 1,
            "id": item["q"],
            "kind": kind,
            "kind_label": QuestionKind(kind).label,
            "stem": stem,
            "options": [{"letter": rules.LETTERS[k], "text": t} for k, t in enumerate(shown_options)],
            "score": item["score"],
            "response": response,
            "seq": seq,
        }
        if reveal:
            right = list(right)
            if kind in ("single", "multiple"):
                right = rules.to_shown(right, order)
            row |= {
                "answer": right,
                "explanation": explanation,
                "is_correct": is_correct,
                "got": got,
                "comment": comment,
            }
        out.append(row)
    return out


def grading_queue(*, user: Any) -> QuerySet[Answer]:
    """Short answers of submitted attempts waiting for a grader, in the grader's scope."""
    exams = scope.restrict(Exam.objects.all(), user, "exams.grade")
    return (
        Answer.objects.filter(
            attempt__exam__in=exams,
            attempt__status=AttemptStatus.SUBMITTED,
            question__kind=QuestionKind.SHORT,
            score__isnull=True,
        )
        .select_related("attempt", "attempt__exam", "attempt__user", "question")
        .order_by("attempt__submitted_at", "position")
    )


def best_attempts(exam: Exam) -> list[Attempt]:
    """Each taker's best submitted attempt."""
    best: dict[int, Attempt] = {}
    for a in exam.attempts.filter(status=AttemptStatus.SUBMITTED).select_related(
        "user", "member", "taker_org"
    ):
        cur = best.get(a.user_id)
        if cur is None or (a.score or 0) > (cur.score or 0):
            best[a.user_id] = a
    return sorted(best.values(), key=lambda a: (-(a.score or 0), a.submitted_at or a.started_at))


def exam_stats(exam: Exam) -> dict[str, Any]:
    """Participation, pass rate, average, the score distribution (by tenths of full marks) and per
    organisation the same; per question the error rate and the most chosen wrong option."""
    takers = list(services.exam_takers(exam).values_list("pk", flat=True))
    best = best_attempts(exam)
    max_score = best[0].max_score if best else services.paper_total(exam.paper)
    scores = [a.score or Decimal(0) for a in best]
    graded = [a for a in best if a.passed is not None]
    buckets = ["0–59%", "60–69%", "70–79%", "80–89%", "90–100%"]
    dist = dict.fromkeys(buckets, 0)
    for s in scores:
        pct = float(s / max_score * 100) if max_score else 0
        dist[buckets[0 if pct < 60 else min(4, int(pct // 10) - 5)]] += 1
    per_org: dict[str, dict[str, Any]] = defaultdict(lambda: {"taken": 0, "passed": 0, "total": Decimal(0)})
    for a in best:
        row = per_org[str(a.taker_org) if a.taker_org else "指定人员"]
        row["taken"] += 1
        row["passed"] += 1 if a.passed else 0
        row["total"] += a.score or 0
    orgs = [
        {"org": name, "taken": r["taken"], "passed": r["passed"],
         "pass_rate": round(r["passed"] * 100 / r["taken"], 1), "average": round(r["total"] / r["taken"], 1)}
        for name, r in sorted(per_org.items())
    ]  # fmt: skip
    return {
        "takers": len(takers),
        "taken": len(best),
        "participation": round(len(best) * 100 / len(takers), 1) if takers else 0,
        "passed": sum(1 for a in graded if a.passed),
        "pass_rate": round(sum(1 for a in graded if a.passed) * 100 / len(graded), 1) if graded else 0,
        "average": round(sum(scores) / len(scores), 1) if scores else 0,
        "max_score": max_score,
        "pending": sum(1 for a in best if a.passed is None),
        "distribution": dist,
        "orgs": orgs,
        "questions": question_stats(exam),
    }


def question_stats(exam: Exam) -> list[dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    answers = Answer.objects.filter(
        attempt__exam=exam, attempt__status=AttemptStatus.SUBMITTED
    ).select_related("question")
    for a in answers.iterator():
        row = rows.setdefault(
            a.question_id, {"question": a.question, "answered": 0, "wrong": 0, "wrong_choices": Counter()}
        )
        row["answered"] += 1
        if a.is_correct is False:
            row["wrong"] += 1
            if a.question.kind in ("single", "multiple", "judge") and a.response:
                row["wrong_choices"][_label(a.question.kind, a.response)] += 1
    out = []
    for row in rows.values():
        common = row["wrong_choices"].most_common(1)
        out.append(
            {
                "question": row["question"],
                "answered": row["answered"],
                "error_rate": round(row["wrong"] * 100 / row["answered"], 1) if row["answered"] else 0,
                "common_wrong": common[0][0] if common else "",
            }
        )
    return sorted(out, key=lambda r: -r["error_rate"])


def _label(kind: str, response: list[str]) -> str:
    if kind == "judge":
        return "对" if response[:1] == ["true"] else "错"
    return "".join(response)


def practice_tag_counts(*, user: Any, tags: list[str] | tuple[str, ...]) -> list[tuple[str, int]]:
    """For each of ``tags``, how many objective questions the user may practise under it (专项练习 draws
    from the banks of their organisation and those shared down). Tags without questions are left out."""
    banks = services.usable_banks(user)
    out = []
    for tag in tags:
        n = (
            Question.objects.filter(bank__in=banks, is_active=True)
            .exclude(kind=QuestionKind.SHORT)
            .filter(tag_q(tag))
            .count()
        )
        if n:
            out.append((tag, n))
    return out


def mistake_list(*, user: Any, resolved: bool = False) -> QuerySet[MistakeBook]:
    return MistakeBook.objects.filter(user=user, resolved=resolved).select_related("question")


def practice_context(practice: Any) -> dict[str, Any]:
    """A practice set for its page: each question with the member's checked answer (if any)."""
    from dangjian.exams import rules

    questions = Question.objects.in_bulk(practice.questions)
    rows = []
    for i, pk in enumerate(practice.questions):
        q = questions.get(pk)
        if q is None:
            continue
        result = practice.result_for(pk)
        rows.append(
            {
                "number": i + 1,
                "id": q.pk,
                "kind": q.kind,
                "kind_label": QuestionKind(q.kind).label,
                "stem": q.stem,
                "options": [{"letter": rules.LETTERS[k], "text": t} for k, t in enumerate(q.options)],
                "result": result,
                "answer": _answer_label(q.kind, q.answer) if result else "",
                "explanation": q.explanation if result else "",
            }
        )
    done = len(practice.results)
    return {"practice": practice, "questions": rows, "done": done, "correct": practice.correct_count}


def _answer_label(kind: str, answer: list[str]) -> str:
    if kind == "judge":
        return "对" if answer[:1] == ["true"] else "错"
    if kind in ("single", "multiple"):
        return "".join(answer)
    return " 或 ".join(answer)
