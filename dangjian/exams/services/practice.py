"""Practice: 每日一练, practice by tag and the 错题本.

The rules every service keeps are in the package docstring (``dangjian.exams.services``).
"""

from __future__ import annotations

import random
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from dangjian.core.errors import BusinessError
from dangjian.exams import rules
from dangjian.exams.models import (
    DailyPractice,
    MistakeBook,
    PracticeKind,
    Question,
    QuestionBank,
    QuestionKind,
    tag_q,
)
from dangjian.exams.services._common import DAILY_SIZE, TAG_SIZE, _member_of
from dangjian.exams.services.taking import (
    _award_quiz,
    _mistakes_add,
    _stored_response,
    mistakes_file_pending,
)

# --------------------------------------------------------------------------------------------------------
# Practice and the 错题本


def usable_banks(user: Any) -> Any:
    """Banks a member may practise from: those of their organisation and those shared down from above."""
    member = _member_of(user)
    if member is None:
        return QuestionBank.objects.none()
    path = member.org.path
    ancestors = [path[:i] for i in range(4, len(path) + 1, 4)] or [path]
    return QuestionBank.objects.filter(Q(org=member.org) | Q(org__path__in=ancestors, shared_down=True))


def _practice_pool(user: Any, tag: str = "") -> list[int]:
    qs = Question.objects.filter(bank__in=usable_banks(user), is_active=True).exclude(kind=QuestionKind.SHORT)
    if tag:
        qs = qs.filter(tag_q(tag))
    return list(qs.values_list("pk", flat=True))


def practice_daily(*, actor: Any, rng: random.Random | None = None) -> DailyPractice:
    """Today's 每日一练 of the actor: created on first visit (``DAILY_SIZE`` objective questions drawn from
    the usable banks), the same set all day."""
    today = timezone.localdate()
    found = DailyPractice.objects.filter(user=actor, kind=PracticeKind.DAILY, day=today).first()
    if found is not None:
        return found
    pool = _practice_pool(actor)
    if not pool:
        raise BusinessError("exams.no_practice", "暂无可练习的题库")
    chosen = (rng or random.SystemRandom()).sample(pool, min(DAILY_SIZE, len(pool)))
    try:
        with transaction.atomic():
            return DailyPractice.objects.create(
                user=actor, kind=PracticeKind.DAILY, day=today, questions=chosen
            )
    except IntegrityError:
        return DailyPractice.objects.get(user=actor, kind=PracticeKind.DAILY, day=today)


def practice_start(
    *, actor: Any, kind: str, tag: str = "", rng: random.Random | None = None
) -> DailyPractice:
    """A new practice set: ``tag`` (专项练习, up to ``TAG_SIZE`` questions of one knowledge tag) or
    ``mistakes`` (错题重练: the unresolved questions of the actor's 错题本, any submission's filing that did
    not happen done first)."""
    if kind == PracticeKind.MISTAKES:
        mistakes_file_pending(user=actor)
    return _practice_start(actor=actor, kind=kind, tag=tag, rng=rng)


@transaction.atomic
def _practice_start(*, actor: Any, kind: str, tag: str, rng: random.Random | None) -> DailyPractice:
    rng = rng or random.SystemRandom()
    if kind == PracticeKind.TAG:
        tag = (tag or "").strip()
        if not tag:
            raise BusinessError("exams.tag_required", "请选择知识点")
        pool = _practice_pool(actor, tag)
    elif kind == PracticeKind.MISTAKES:
        pool = list(
            MistakeBook.objects.filter(user=actor, resolved=False, question__is_active=True).values_list(
                "question_id", flat=True
            )
        )
    else:
        raise BusinessError("exams.bad_kind", "未知的练习类型")
    if not pool:
        raise BusinessError(
            "exams.no_practice",
            "没有可练习的题目" if kind == PracticeKind.TAG else "错题本中没有待重练的题目",
        )
    chosen = rng.sample(pool, min(TAG_SIZE, len(pool)))
    return DailyPractice.objects.create(user=actor, kind=kind, tag=tag, questions=chosen)


@transaction.atomic
def practice_answer(
    *, actor: Any, practice: DailyPractice, question_id: int, response: Any
) -> dict[str, Any]:
    """Check one answer of a practice set at once (once per question). A wrong answer goes into the
    错题本; a right one resolves the question there. Correct answers of 每日一练 earn ``daily_quiz`` points.
    Returns {"correct", "answer", "explanation"}."""
    practice = DailyPractice.objects.select_for_update().get(pk=practice.pk, user=actor)
    if question_id not in practice.questions:
        raise BusinessError("exams.bad_answer", "该题不在本次练习中")
    question = Question.objects.get(pk=question_id)
    previous = practice.result_for(question_id)
    if previous is not None:
        return {
            "correct": previous["correct"],
            "answer": question.answer,
            "explanation": question.explanation,
        }
    order = list(range(len(question.options)))
    stored = _stored_response(question.kind, order, response)
    if not stored:
        raise BusinessError("exams.empty_answer", "请先作答")
    correct = bool(rules.is_correct(question.kind, question.answer, stored))
    practice.results[str(question_id)] = {"response": stored, "correct": correct}
    practice.save(update_fields=["results"])
    if correct:
        MistakeBook.objects.filter(user=actor, question=question).update(
            resolved=True, updated_at=timezone.now()
        )
        member = _member_of(actor)
        if practice.kind == PracticeKind.DAILY and member is not None:
            key = f"daily-{practice.pk}-{question_id}"
            transaction.on_commit(lambda: _award_quiz(member, key))
    else:
        _mistakes_add(actor.pk, [(question_id, stored)])
    return {"correct": correct, "answer": question.answer, "explanation": question.explanation}


@transaction.atomic
def mistake_remove(*, actor: Any, mistake: MistakeBook) -> None:
    """Mark a question of one's own 错题本 as mastered without retrying it."""
    if mistake.user_id != actor.pk:
        raise BusinessError("exams.not_found", "错题不存在")
    MistakeBook.objects.filter(pk=mistake.pk).update(resolved=True, updated_at=timezone.now())
