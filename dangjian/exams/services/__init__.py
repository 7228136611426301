"""Writes of 考试中心.

Every service checks scope itself (``exams.manage`` on the organisation of the bank, paper or exam;
``exams.grade`` for marking; an examinee acts only on their own attempt), refuses with
``BusinessError("exams.<reason>", ...)`` before writing anything, and writes one audit entry
``exams.<noun>.<verb>`` in its transaction. Saving an answer is frequent and writes no audit entry (the
submission does); practice writes none either (it is the member's own exercise).

The answer-saving protocol (documented for clients in ``dangjian/exams/api/views.py``):

- ``attempt_start`` creates the attempt and one ``Answer`` row per question, so a save never inserts.
- ``answers_save`` locks the attempt row (``select_for_update``; SQLite's IMMEDIATE transactions serialise
  writers anyway), refuses when it is submitted or past deadline + grace, and applies each answer with one
  conditional UPDATE ``… WHERE attempt = ? AND question = ? AND seq < ?``: a repeat or a late arrival with an
  older sequence number changes nothing and is still acknowledged (it is already superseded). The caller
  acknowledges only after the transaction committed.
- ``attempt_submit`` locks the same row, so a save either commits before it (and is graded) or sees the
  attempt submitted (and is refused with ``exams.attempt_closed``). Submitting twice returns the first
  result.
"""

from __future__ import annotations

from dangjian.exams.services._common import (
    DAILY_SIZE,
    MAX_OPTIONS,
    TAG_SIZE,
    TEXT_LIMIT,
    _decimal,
    _member_of,
    _require,
    _text,
    bank_usable,
    grace_seconds,
)
from dangjian.exams.services.banks import (
    IMPORT_JOB_KIND,
    bank_create,
    bank_import,
    bank_import_run,
    bank_import_start,
    import_check,
    prepare_question,
    question_create,
    question_locked_reason,
    question_set_active,
    question_update,
)
from dangjian.exams.services.exams import (
    exam_cancel,
    exam_create,
    exam_makeup,
    exam_publish,
    exam_remind,
    exam_takers,
    is_taker,
    reminders_due,
)
from dangjian.exams.services.papers import (
    _paper_editable,
    paper_copy,
    paper_create,
    paper_draw,
    paper_items_add,
    paper_part_remove,
    paper_rule_add,
    paper_total,
    rule_pool,
)
from dangjian.exams.services.practice import (
    _practice_pool,
    mistake_remove,
    practice_answer,
    practice_daily,
    practice_start,
    usable_banks,
)
from dangjian.exams.services.taking import (
    _accepting,
    _award_pass,
    _award_quiz,
    _finish_score,
    _grade_answers,
    _mistakes_add,
    _own_locked,
    _stored_response,
    _submit_locked,
    answer_grade,
    answers_save,
    attempt_deadline,
    attempt_leave,
    attempt_start,
    attempt_submit,
    attempts_autosubmit,
    mistakes_file_pending,
)

__all__ = [
    "DAILY_SIZE",
    "IMPORT_JOB_KIND",
    "MAX_OPTIONS",
    "TAG_SIZE",
    "TEXT_LIMIT",
    "_accepting",
    "_award_pass",
    "_award_quiz",
    "_decimal",
    "_finish_score",
    "_grade_answers",
    "_member_of",
    "_mistakes_add",
    "_own_locked",
    "_paper_editable",
    "_practice_pool",
    "_require",
    "_stored_response",
    "_submit_locked",
    "_text",
    "answer_grade",
    "answers_save",
    "attempt_deadline",
    "attempt_leave",
    "attempt_start",
    "attempt_submit",
    "attempts_autosubmit",
    "bank_create",
    "bank_import",
    "bank_import_run",
    "bank_import_start",
    "bank_usable",
    "exam_cancel",
    "exam_create",
    "exam_makeup",
    "exam_publish",
    "exam_remind",
    "exam_takers",
    "grace_seconds",
    "import_check",
    "is_taker",
    "mistake_remove",
    "mistakes_file_pending",
    "paper_copy",
    "paper_create",
    "paper_draw",
    "paper_items_add",
    "paper_part_remove",
    "paper_rule_add",
    "paper_total",
    "practice_answer",
    "practice_daily",
    "practice_start",
    "prepare_question",
    "question_create",
    "question_locked_reason",
    "question_set_active",
    "question_update",
    "reminders_due",
    "rule_pool",
    "usable_banks",
]
