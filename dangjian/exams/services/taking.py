"""Taking an exam: start, ordered autosave, submission, automatic submission and grading.

The rules every service keeps are in the package docstring (``dangjian.exams.services``).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from dangjian.audit import services as audit
from dangjian.core.errors import BusinessError
from dangjian.exams import rules
from dangjian.exams.models import (
    CHOICE_KINDS,
    OBJECTIVE_KINDS,
    Answer,
    Attempt,
    AttemptStatus,
    Exam,
    ExamStatus,
    MistakeBook,
    Question,
    QuestionKind,
)
from dangjian.exams.services._common import TEXT_LIMIT, _member_of, _require, grace_seconds, save_rate
from dangjian.exams.services.exams import is_taker
from dangjian.exams.services.papers import paper_draw
from dangjian.members.models import Member

# --------------------------------------------------------------------------------------------------------
# Taking an exam


def attempt_deadline(exam: Exam, started_at: dt.datetime) -> dt.datetime:
    return min(started_at + dt.timedelta(minutes=exam.duration_minutes), exam.closes_at)


def attempt_start(*, actor: Any, exam: Exam, rng: random.Random | None = None) -> Attempt:
    """Start (or resume) the actor's attempt: the open one if there is one; otherwise a new attempt with
    the examinee's own drawn paper and one empty answer row per question. Refused outside the window, for
    someone not among the takers, and when the attempts are used up. Audit: exams.attempt.start."""
    now = timezone.now()
    open_attempt = Attempt.objects.filter(exam=exam, user=actor, status=AttemptStatus.OPEN).first()
    if open_attempt is not None:
        return open_attempt
    if exam.status != ExamStatus.PUBLISHED:
        raise BusinessError("exams.not_open", "考试未发布或已取消")
    if now < exam.opens_at:
        raise BusinessError("exams.not_yet_open", "考试尚未开始")
    if now >= exam.closes_at:
        raise BusinessError("exams.closed", "考试已结束")
    if not is_taker(exam, actor):
        raise BusinessError("exams.not_a_taker", "您不在本次考试的参考范围内")
    used = Attempt.objects.filter(exam=exam, user=actor).count()
    if used >= exam.max_attempts:
        raise BusinessError("exams.no_attempts_left", f"本次考试最多可考 {exam.max_attempts} 次，您已用完")
    layout = paper_draw(exam.paper, rng=rng)
    member = _member_of(actor)
    # Built before the write transaction, which then holds only the inserts and the audit entry.
    answers = [
        Answer(question_id=item["q"], position=i, max_score=Decimal(item["score"]))
        for i, item in enumerate(layout)
    ]
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                exam=exam,
                user=actor,
                member=member,
                taker_org=member.org if member else None,
                number=used + 1,
                layout=layout,
                started_at=now,
                deadline=attempt_deadline(exam, now),
                max_score=sum((Decimal(item["score"]) for item in layout), Decimal("0")),
            )
            for answer in answers:
                answer.attempt = attempt
            Answer.objects.bulk_create(answers)
            audit.record(
                actor=actor,
                action="exams.attempt.start",
                target=attempt,
                org_path=exam.org.path,
                changes={"number": attempt.number},
            )
    except IntegrityError:
        # A second tab or a retried request started it at the same moment: the one open attempt wins.
        existing = Attempt.objects.filter(exam=exam, user=actor, status=AttemptStatus.OPEN).first()
        if existing is None:
            raise BusinessError("exams.start_conflict", "开始考试失败，请刷新后重试") from None
        return existing
    return attempt


def _own_locked(actor: Any, attempt_id: int, *, related: Sequence[str] = ("exam",)) -> Attempt:
    locked = Attempt.objects.select_for_update(of=("self",)).filter(pk=attempt_id, user=actor)
    attempt = (locked.select_related(*related) if related else locked).first()
    if attempt is None:
        raise BusinessError("exams.not_found", "答卷不存在")
    return attempt


def _accepting(attempt: Attempt, now: dt.datetime) -> bool:
    return attempt.status == AttemptStatus.OPEN and now <= attempt.deadline + dt.timedelta(
        seconds=grace_seconds()
    )


def _stored_response(kind: str, order: Sequence[int], response: Any) -> list[str]:
    """The response as stored: option letters translated back to the original order; texts trimmed."""
    if response is None:
        return []
    values = response if isinstance(response, list) else [response]
    values = [str(v)[:TEXT_LIMIT] for v in values if v is not None]
    if kind in CHOICE_KINDS:
        letters = rules.to_original(values, order)
        return letters[:1] if kind == QuestionKind.SINGLE else letters
    if kind == QuestionKind.JUDGE:
        first = values[0] if values else ""
        return [first] if first in ("true", "false") else []
    return [values[0].strip()] if values and values[0].strip() else []


def answers_save(
    *,
    actor: Any,
    attempt_id: int,
    items: Sequence[dict[str, Any]],
    limited: bool = True,
    attempt: Attempt | None = None,
) -> dict[str, Any]:
    """Save answers of the actor's open attempt. ``items``: ``[{"question": id, "response": [...],
    "seq": int}]``. Each is applied only when its ``seq`` is greater than the stored one (one conditional
    UPDATE); otherwise it is already superseded. Returns ``{"acked": [seq, …], "stale": [seq, …]}`` — the
    caller answers only after this transaction committed. Raises ``exams.attempt_closed`` when the attempt
    was submitted or its time (with grace) is over, ``exams.bad_answer`` for a question not on the paper.
    Raises ``exams.rate_limited`` (nothing applied) when the attempt saves faster than ``save_rate``
    allows; the submission's last answers pass ``limited=False`` (handing in is never refused for pace).
    No audit entry (the submission is audited).

    The items are checked and translated before the write transaction, from the paper fixed at the start
    (it never changes), so the transaction — on SQLite the one writer's lock — holds only the row lock, the
    status and rate checks and the updates. A caller that has read the actor's attempt already passes it as
    ``attempt`` (its paper is used; everything else is read again under the lock)."""
    if attempt is not None and attempt.pk == attempt_id and attempt.user_id == actor.pk:
        layout = attempt.layout
    else:
        layout = Attempt.objects.filter(pk=attempt_id, user=actor).values_list("layout", flat=True).first()
    if layout is None:
        raise BusinessError("exams.not_found", "答卷不存在")
    orders = {item["q"]: item["order"] for item in layout}
    # The kind travels in the layout (no query per save); layouts drawn before it did are looked up.
    kinds = {item["q"]: item.get("k", "") for item in layout}
    if not all(kinds.values()):
        kinds = dict(Question.objects.filter(pk__in=orders).values_list("pk", "kind"))
    changes: list[tuple[int, int, list[str]]] = []
    for item in items:
        try:
            question_id = int(item["question"])
            seq = int(item["seq"])
        except (KeyError, TypeError, ValueError) as exc:
            raise BusinessError("exams.bad_answer", "答案格式不正确") from exc
        if question_id not in orders or seq < 1:
            raise BusinessError("exams.bad_answer", "答案格式不正确")
        changes.append(
            (
                question_id,
                seq,
                _stored_response(kinds[question_id], orders[question_id], item.get("response")),
            )
        )
    with transaction.atomic():
        now = timezone.now()
        locked = _own_locked(actor, attempt_id, related=())
        if not _accepting(locked, now):
            raise BusinessError("exams.attempt_closed", "答卷已交卷或已超过答题时间，不能再保存")
        if limited:
            _take_save_token(locked, now)
        acked: list[int] = []
        stale: list[int] = []
        for question_id, seq, stored in changes:
            updated = Answer.objects.filter(
                attempt_id=locked.pk, question_id=question_id, seq__lt=seq
            ).update(response=stored, seq=seq, saved_at=now)
            (acked if updated else stale).append(seq)
    return {"acked": acked, "stale": stale, "saved_at": now}


def _take_save_token(attempt: Attempt, now: dt.datetime) -> None:
    """Spend one token of the attempt's save bucket (``save_rate``), on the row locked by the caller, so
    the limit holds across processes. An empty bucket raises ``exams.rate_limited`` (details:
    ``retry_after`` seconds) before anything is written; the refused save is not acknowledged."""
    rate, burst = save_rate()
    tokens = float(burst) if attempt.save_tokens is None else attempt.save_tokens
    if attempt.save_tokens_at is not None:
        elapsed = max(0.0, (now - attempt.save_tokens_at).total_seconds())
        tokens = min(float(burst), tokens + elapsed * rate)
    if tokens < 1:
        retry_after = max(1, math.ceil((1 - tokens) / rate))
        raise BusinessError(
            "exams.rate_limited",
            f"保存过于频繁，请 {retry_after} 秒后再试（答案仍在本机，会自动重新保存）",
            details={"retry_after": retry_after},
        )
    Attempt.objects.filter(pk=attempt.pk).update(save_tokens=tokens - 1, save_tokens_at=now)


@transaction.atomic
def attempt_leave(*, actor: Any, attempt_id: int) -> int:
    """Count one time the examinee left the exam page (shown to the organiser). Returns the new count."""
    attempt = _own_locked(actor, attempt_id)
    if attempt.status != AttemptStatus.OPEN:
        return attempt.leave_count
    Attempt.objects.filter(pk=attempt.pk).update(leave_count=F("leave_count") + 1)
    return attempt.leave_count + 1


Wrong = list[tuple[int, list[str]]]  # (question id, the wrong response) of the objective answers


def _grade_answers(attempt: Attempt) -> tuple[Decimal, int, Wrong]:
    """Mark every objective answer of a submitted attempt. Returns the total score, the number of answers
    waiting for a grader and the wrong objective answers (for the 错题本, filed after the commit).

    Plain rows, not model instances, and one UPDATE per outcome (right at a given score, wrong, blank short
    answer) rather than a CASE per row: this runs inside the submit's write lock, and a fifty-row
    ``bulk_update`` had cost more than everything else the submit does."""
    rows = list(
        Answer.objects.filter(attempt_id=attempt.pk)
        .order_by()
        .values_list(
            "pk", "question_id", "question__kind", "question__answer", "response", "max_score", "is_correct",
            "score", "graded_at",
        )
    )  # fmt: skip
    now = timezone.now()
    outcomes: dict[tuple[bool | None, Decimal | None, dt.datetime | None], list[int]] = {}
    wrong: Wrong = []
    total, pending = Decimal("0"), 0
    for pk, question_id, kind, right, response, max_score, was_correct, was_score, graded_at in rows:
        before = (was_correct, was_score, graded_at)
        correct = rules.is_correct(kind, right, response)
        score = rules.score_for(correct, max_score)
        if correct is None and not response:
            correct, score, graded_at = False, Decimal("0"), now  # a blank short answer
        if (correct, score, graded_at) != before:
            outcomes.setdefault((correct, score, graded_at), []).append(pk)
        if correct is False and kind in OBJECTIVE_KINDS:
            wrong.append((question_id, response))
        if score is None:
            pending += 1
        else:
            total += score
    _write_grades(outcomes)
    return total, pending, wrong


_GRADE_COLUMNS: tuple[tuple[str, models.Field[Any, Any]], ...] = (
    ("is_correct", models.BooleanField(null=True)),
    ("score", models.DecimalField(max_digits=5, decimal_places=1, null=True)),
    ("graded_at", models.DateTimeField(null=True)),
)


def _write_grades(outcomes: dict[tuple[bool | None, Decimal | None, dt.datetime | None], list[int]]) -> None:
    """One UPDATE for all the outcomes: a column with one value across them is set plainly, otherwise by a
    ``CASE`` over the answers of all outcomes but the largest (which is the ``ELSE``) — a few ``IN``
    lists, not a ``WHEN`` per row."""
    if not outcomes:
        return
    groups = sorted(outcomes.items(), key=lambda item: len(item[1]))
    values: dict[str, Any] = {}
    for i, (name, field) in enumerate(_GRADE_COLUMNS):
        distinct = {key[i] for key, _ in groups}
        if len(distinct) == 1:
            values[name] = next(iter(distinct))
            continue
        whens = [When(pk__in=pks, then=Value(key[i], output_field=field)) for key, pks in groups[:-1]]
        values[name] = Case(*whens, default=Value(groups[-1][0][i], output_field=field), output_field=field)
    Answer.objects.filter(pk__in=[pk for _, pks in groups for pk in pks]).update(**values)


def _file_mistakes(attempt_id: int, user_id: int, wrong: Wrong | None = None) -> bool:
    """File a submitted attempt's wrong objective answers in its examinee's 错题本, once: in one short
    transaction that clears the attempt's ``mistakes_pending`` (a conditional UPDATE, so a second filer of
    the same attempt — a retried submit, the repair, a concurrent page — finds nothing to do) and adds the
    answers. ``wrong`` as the submission graded them; ``None`` reads them from the graded answers (the
    repair). Returns whether this call filed them.

    Run after the submission committed, outside its lock: the 错题本 is the member's own practice aid,
    derived from the graded answers. If the process dies before this commits, the flag stays set and
    ``mistakes_file_pending`` files the attempt later (the hourly task, the 错题本 pages, the next submit
    call of the attempt).

    On PostgreSQL, when this is its own transaction, the commit does not wait for its WAL flush (the flush
    costs milliseconds on a slow disk, and the submit storm pays it per examinee): a crash of the database
    that loses it loses the cleared flag with it, so the repair files the attempt again."""
    quick = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if not _claim_filing(attempt_id, quick):
            return False
        if wrong is None:
            wrong = list(
                Answer.objects.filter(
                    attempt_id=attempt_id, is_correct=False, question__kind__in=OBJECTIVE_KINDS
                )
                .order_by("position")
                .values_list("question_id", "response")
            )
        _mistakes_add(user_id, wrong)
    return True


# The claim, on PostgreSQL with ``SET LOCAL synchronous_commit TO OFF`` evaluated in its RETURNING (so only
# when it claimed the filing, and without a statement of its own).
_CLAIM_QUICK_SQL = (
    "UPDATE exams_attempt SET mistakes_pending = false WHERE id = %s AND mistakes_pending "
    "RETURNING set_config('synchronous_commit', 'off', true)"
)


def _claim_filing(attempt_id: int, quick: bool) -> bool:
    if not quick:
        return bool(
            Attempt.objects.filter(pk=attempt_id, mistakes_pending=True).update(mistakes_pending=False)
        )
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_QUICK_SQL, [attempt_id])
        return cursor.fetchone() is not None


def _file_mistakes_after_commit(attempt_id: int, user_id: int, wrong: Wrong | None = None) -> None:
    """Queue the filing of an attempt's wrong answers for right after the current transaction commits.
    ``robust``: a failure there is logged and leaves the attempt to the repair; the committed submission
    and its answer to the examinee are unaffected."""
    transaction.on_commit(lambda: _file_mistakes(attempt_id, user_id, wrong), robust=True)


def mistakes_file_pending(*, user: Any = None, limit: int = 1000) -> int:
    """Repair: file the 错题本 of submitted attempts whose filing after the submission did not happen (the
    process died between the two commits, or the filing failed) — the user's own (``user``, before a page
    reads their 错题本) or anybody's (the hourly task, ``limit`` attempts per call). Returns the number of
    attempts filed. Idempotent (``_file_mistakes``)."""
    pending = Attempt.objects.filter(mistakes_pending=True)
    if user is not None:
        pending = pending.filter(user=user)
    rows = list(pending.order_by("pk").values_list("pk", "user_id")[:limit])
    return sum(_file_mistakes(pk, user_id) for pk, user_id in rows)


# The one write of the 错题本 the ORM cannot say in one statement: insert the new questions and, for the
# known ones, count again, reopen and keep the latest wrong response (an increment on conflict). The same
# SQL on SQLite (≥ 3.24) and PostgreSQL; the table and columns are MistakeBook's (a test checks them).
_MISTAKES_UPSERT_SQL = (
    "INSERT INTO exams_mistakebook "
    "(user_id, question_id, last_response, wrong_count, resolved, first_wrong_at, updated_at) VALUES {rows} "
    "ON CONFLICT (user_id, question_id) DO UPDATE SET wrong_count = exams_mistakebook.wrong_count + 1, "
    "resolved = excluded.resolved, last_response = excluded.last_response, updated_at = excluded.updated_at"
)


def _mistakes_add(user_id: int, wrong: Sequence[tuple[int, list[str]]]) -> None:
    """Put the wrong answers in the user's 错题本: new questions added, known ones counted again and
    reopened with the latest wrong response. One statement however many (a submit may carry fifty wrong
    answers), and a concurrent filing of the same question by the same user counts too."""
    if not wrong:
        return
    responses = dict(wrong)  # one row per question (a statement may not touch a row twice)
    field = MistakeBook._meta.get_field("last_response")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params: list[Any] = []
    for question_id, response in responses.items():
        params += [user_id, question_id, field.get_db_prep_save(response, connection), 1, False, now, now]
    rows = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(responses))
    with connection.cursor() as cursor:
        cursor.execute(_MISTAKES_UPSERT_SQL.format(rows=rows), params)


SCORED_FIELDS = ("status", "submitted_at", "auto_submitted", "score", "pending_grading", "passed")


def _finish_score(
    attempt: Attempt, graded: tuple[Decimal, int] | None = None, *, also: Sequence[str] = ()
) -> None:
    """Total the graded answers (``graded``: the total and the number still waiting for a grader, if the
    caller has them already); the pass is decided once nothing waits for a grader. Saves (and seals) the
    score fields and ``also``."""
    if graded is None:
        scores = list(Answer.objects.filter(attempt_id=attempt.pk).values_list("score", flat=True))
        graded = (
            sum((s for s in scores if s is not None), Decimal("0")),
            sum(1 for s in scores if s is None),
        )
    attempt.score, attempt.pending_grading = graded
    attempt.passed = None if attempt.pending_grading else rules.passed(attempt.score, attempt.exam.pass_score)
    attempt.save(update_fields=[*SCORED_FIELDS, *also])
    if attempt.passed and attempt.member_id:
        member_id, exam_id = attempt.member_id, attempt.exam_id
        transaction.on_commit(lambda: _award_pass(member_id, exam_id))


def _award_pass(member_id: int, exam_id: int) -> None:
    from dangjian.points import services as points

    member = Member.objects.filter(pk=member_id).first()
    if member is not None:
        points.points_award(
            member=member, action="exam_pass", content_key=f"exam-{exam_id}", source="考试中心"
        )


def _award_quiz(member: Member, key: str) -> None:
    from dangjian.points import services as points

    points.points_award(member=member, action="daily_quiz", content_key=key, source="每日一练")


def _submit_locked(attempt: Attempt, *, at: dt.datetime, auto: bool, actor: Any) -> None:
    attempt.status = AttemptStatus.SUBMITTED
    attempt.submitted_at = at
    attempt.auto_submitted = auto
    total, pending, wrong = _grade_answers(attempt)
    attempt.mistakes_pending = bool(wrong)
    _finish_score(attempt, (total, pending), also=("mistakes_pending",))
    audit.record(
        actor=actor,
        action="exams.attempt.submit",
        target=attempt,
        org_path=attempt.exam.org.path,
        changes={"score": str(attempt.score), "auto": auto},
    )
    if wrong:  # the 错题本 is filed after the commit, in its own short transaction
        _file_mistakes_after_commit(attempt.pk, attempt.user_id, wrong)


@transaction.atomic
def attempt_submit(*, actor: Any, attempt_id: int, items: Sequence[dict[str, Any]] = ()) -> Attempt:
    """Hand in the actor's attempt (with any last answers in ``items``, applied as by ``answers_save``).
    Idempotent: a submitted attempt is returned as it is. After the deadline plus grace the attempt is
    submitted with the deadline as finish time (as the automatic submission would) and late answers are
    ignored. Objective answers are graded at once; short answers wait for the grading queue. The wrong
    objective answers go into the 错题本 right after the commit, in their own transaction (a submit sent
    again files them if that did not happen). Audit: exams.attempt.submit."""
    now = timezone.now()
    attempt = _own_locked(actor, attempt_id, related=("exam", "exam__org"))
    if attempt.status == AttemptStatus.SUBMITTED:
        if attempt.mistakes_pending:
            _file_mistakes_after_commit(attempt.pk, attempt.user_id)
        return attempt
    attempt.user = actor  # locked as the actor's own: the audit entry names them without another query
    if _accepting(attempt, now):
        if items:
            answers_save(actor=actor, attempt_id=attempt_id, items=items, limited=False, attempt=attempt)
        at, auto = min(now, attempt.deadline), False
    else:
        at, auto = attempt.deadline, True
    _submit_locked(attempt, at=at, auto=auto, actor=actor)
    return attempt


def attempts_autosubmit(*, now: dt.datetime | None = None) -> int:
    """Submit every open attempt whose deadline plus grace has passed, with the deadline as finish time
    (Huey periodic task, every minute). Each in its own transaction under the row lock, so an examinee's
    own submit at the same moment wins or loses cleanly. Returns the number submitted."""
    now = now or timezone.now()
    limit = now - dt.timedelta(seconds=grace_seconds())
    done = 0
    for pk in Attempt.objects.filter(status=AttemptStatus.OPEN, deadline__lt=limit).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            attempt = (
                Attempt.objects.select_for_update(of=("self",)).select_related("exam", "exam__org").get(pk=pk)
            )
            if attempt.status != AttemptStatus.OPEN:
                continue
            _submit_locked(attempt, at=attempt.deadline, auto=True, actor=None)
            done += 1
    return done


@transaction.atomic
def answer_grade(*, actor: Any, answer: Answer, score: Any, comment: str = "") -> Answer:
    """Grade one short answer (阅卷). The attempt's score is totalled again and, once nothing waits, the
    pass decided (points for a pass). Regrading is allowed and audited. Audit: exams.answer.grade."""
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("exam", "exam__org")
        .get(pk=answer.attempt_id)
    )
    _require(actor, "exams.grade", attempt.exam.org)
    if attempt.status != AttemptStatus.SUBMITTED:
        raise BusinessError("exams.not_submitted", "答卷尚未交卷")
    if answer.question.kind != QuestionKind.SHORT:
        raise BusinessError("exams.not_short", "客观题由系统自动评分")
    try:
        value = Decimal(str(score)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as exc:
        raise BusinessError("exams.bad_score", "请填写得分") from exc
    if value < 0 or value > answer.max_score:
        raise BusinessError("exams.bad_score", f"得分应在 0 到 {answer.max_score} 之间")
    old = answer.score
    answer.score = value
    answer.is_correct = value >= answer.max_score
    answer.comment = str(comment or "").strip()[:500]
    answer.graded_by = actor
    answer.graded_at = timezone.now()
    answer.save(update_fields=["score", "is_correct", "comment", "graded_by", "graded_at"])
    _finish_score(attempt)
    audit.record(
        actor=actor,
        action="exams.answer.grade",
        target=attempt,
        org_path=attempt.exam.org.path,
        changes={"answer": answer.pk, "score": [str(old) if old is not None else None, str(value)]},
    )
    return answer
