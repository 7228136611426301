"""Scope contract of 考试中心: see tests/contracts/__init__.py.

The objects: a bank of 第一党支部 (branch_a, shared down) with one question of each type, a fixed paper and
an open exam of branch_a for its members, 党员甲's open attempt and 每日一练, and a submitted attempt of a
second examinee (王五) whose short answer waits for grading, and a finished background import of the bank.
secretary_a and the officer (committee above branch_a) see and manage them; secretary_b (branch_b) gets
404; 党员甲 (member_user) reaches his own attempt and practice, everyone else 404 there; the 三员 are
refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from tests.contracts import ADMINS, NOT_ADMINS, ORG_WORKERS, SIGNED_IN, Write, api, html

A = ("secretary_a", "officer")
OWN = ("member_user",)
OWN_HTML = html(OWN, others=404, **dict.fromkeys(ADMINS, 403))
OWN_API = api(OWN, others=404, **dict.fromkeys(ADMINS, 403))
TITLE = "合同测试考试"


def _exam(w: SimpleNamespace) -> Any:
    from django.utils import timezone

    from dangjian.exams import services
    from dangjian.exams.models import Exam

    exam = Exam.objects.filter(title=TITLE).first()
    if exam is not None:
        return exam
    bank = services.bank_create(actor=w.secretary_a, org=w.branch_a, name="合同测试题库")
    questions = [
        services.question_create(
            actor=w.secretary_a,
            bank=bank,
            kind="单选题",
            stem="党的最高领导机关是？",
            options=["甲", "乙"],
            answer="A",
        ),
        services.question_create(
            actor=w.secretary_a, bank=bank, kind="判断题", stem="预备期一年。", answer="对"
        ),
        services.question_create(
            actor=w.secretary_a, bank=bank, kind="简答题", stem="谈谈体会。", answer="略"
        ),
    ]
    paper = services.paper_create(actor=w.secretary_a, org=w.branch_a, title="合同测试试卷")
    services.paper_items_add(actor=w.secretary_a, paper=paper, questions=questions, score=10)
    now = timezone.now()
    exam = services.exam_create(
        actor=w.secretary_a, org=w.branch_a, paper=paper, title=TITLE, opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=1), duration_minutes=60, pass_score=10, max_attempts=3,
        target_orgs=[w.branch_a],
    )  # fmt: skip
    return services.exam_publish(actor=w.secretary_a, exam=exam)


def _bank(w: SimpleNamespace) -> Any:
    return _exam(w).paper.items.first().question.bank


def _question(w: SimpleNamespace) -> Any:
    return _bank(w).questions.first()


def _attempt(w: SimpleNamespace) -> Any:
    from dangjian.exams import services

    return services.attempt_start(actor=w.member_user, exam=_exam(w))


def _short_answer(w: SimpleNamespace) -> Any:
    """王五's submitted attempt: its short answer waits for a grader."""
    from conftest import make_user
    from dangjian.accounts.models import User
    from dangjian.exams import services
    from dangjian.exams.models import Answer

    exam = _exam(w)
    found = Answer.objects.filter(
        attempt__exam=exam, attempt__status="submitted", question__kind="short"
    ).first()
    if found is not None:
        return found
    user = User.objects.filter(username="wangwu").first() or make_user("wangwu", "王五")
    w.probationary.user = user
    w.probationary.save(update_fields=["user"])
    attempt = services.attempt_start(actor=user, exam=exam)
    short = attempt.answers.get(question__kind="short")
    services.attempt_submit(
        actor=user,
        attempt_id=attempt.pk,
        items=[{"question": short.question_id, "response": ["体会"], "seq": 1}],
    )
    return Answer.objects.get(pk=short.pk)


def _practice(w: SimpleNamespace) -> Any:
    from dangjian.exams import services

    _exam(w)
    return services.practice_daily(actor=w.member_user)


def _import_job(w: SimpleNamespace) -> Any:
    """A finished background import of 第一党支部's bank, started by secretary_a."""
    from dangjian.core.models import Job, JobStatus
    from dangjian.exams import services

    bank = _bank(w)
    job = Job.objects.filter(kind=services.IMPORT_JOB_KIND, org=bank.org).first()
    return job or Job.objects.create(
        kind=services.IMPORT_JOB_KIND,
        created_by=w.secretary_a,
        org=bank.org,
        title="合同测试导入",
        status=JobStatus.SUCCEEDED,
        params={"bank": bank.pk},
        result={"created": 0, "problems": []},
    )


def _pk(f: Callable[[SimpleNamespace], Any]) -> Callable[[SimpleNamespace], dict[str, Any]]:
    return lambda w: {"pk": f(w).pk}


EXPECTED: dict[str, dict[str, Any]] = {
    "exams:index": html(ORG_WORKERS),
    "exams:bank_list": html(ORG_WORKERS),
    "exams:import_template": html(ORG_WORKERS),
    "exams:bank_detail": html(A, secretary_b=404),
    "exams:bank_import": html(A, secretary_b=404),
    "exams:bank_export": html(A, secretary_b=404),
    "exams:question_toggle": html(ORG_WORKERS, ok=405),
    "exams:question_edit": html(A, secretary_b=404),
    "exams:import_job": html(A, secretary_b=404),
    "exams:paper_copy": html(ORG_WORKERS, ok=405),
    "exams:paper_list": html(ORG_WORKERS),
    "exams:paper_detail": html(A, secretary_b=404),
    "exams:paper_preview": html(A, secretary_b=404),
    "exams:exam_create": html(ORG_WORKERS),
    "exams:exam_detail": html(A, secretary_b=404),
    "exams:exam_export": html(A, secretary_b=404),
    "exams:exam_action": html(ORG_WORKERS, ok=405),
    "exams:attempt_review": html(A, secretary_b=404),
    "exams:grading": html(ORG_WORKERS),
    "exams:answer_grade": html(ORG_WORKERS, ok=405),
    "exams:my_exams": html(NOT_ADMINS),  # one's own exams; none for an account that is not a taker
    "exams:exam_start": html(SIGNED_IN, ok=405),
    "exams:attempt": OWN_HTML,
    "exams:attempt_submit": html(SIGNED_IN, ok=405),
    "exams:practice": html(NOT_ADMINS),
    "exams:practice_start": html(SIGNED_IN, ok=405),
    "exams:practice_detail": OWN_HTML,
    "exams:mistake_list": html(NOT_ADMINS),
    "exam-bank-list": api(ORG_WORKERS),
    "exam-bank-detail": api(A, secretary_b=404),
    "exam-bank-questions": api(A, secretary_b=404),
    "exam-bank-import-questions": api(ORG_WORKERS, ok=405),
    "exam-question-detail": api(A, secretary_b=404),
    "exam-import-job-detail": api(A, secretary_b=404),
    "exam-paper-copy": api(ORG_WORKERS, ok=405),
    "exam-cancel": api(ORG_WORKERS, ok=405),
    "exam-remind": api(ORG_WORKERS, ok=405),
    "exam-makeup": api(ORG_WORKERS, ok=405),
    "exam-paper-list": api(ORG_WORKERS),
    "exam-paper-detail": api(A, secretary_b=404),
    "exam-paper-preview": api(A, secretary_b=404),
    "exam-list": api(ORG_WORKERS),
    "exam-detail": api(A, secretary_b=404),
    "exam-publish": api(ORG_WORKERS, ok=405),
    "exam-stats": api(A, secretary_b=404),
    "exam-attempts": api(A, secretary_b=404),
    "exam-grading-list": api(ORG_WORKERS),
    "exam-grading-grade": api(ORG_WORKERS, ok=405),
    "exam-mine": api(NOT_ADMINS),
    "exam-start": api(NOT_ADMINS, ok=405),
    "exam-attempt-detail": OWN_API,
    "exam-attempt-answers": api(NOT_ADMINS, ok=405),
    "exam-attempt-submit": api(NOT_ADMINS, ok=405),
    "exam-attempt-leave": api(NOT_ADMINS, ok=405),
    "exam-practice-list": api(NOT_ADMINS),
    "exam-practice-detail": OWN_API,
    "exam-practice-answer": api(NOT_ADMINS, ok=405),
    "exam-mistakes": api(NOT_ADMINS),
}
assert all(set(v) == {"anonymous", *SIGNED_IN} for v in EXPECTED.values())

KWARGS: dict[str, Callable[[SimpleNamespace], dict[str, Any]]] = {
    "exams:bank_detail": _pk(_bank),
    "exams:bank_import": _pk(_bank),
    "exams:bank_export": _pk(_bank),
    "exams:question_toggle": _pk(_question),
    "exams:question_edit": _pk(_question),
    "exams:import_job": _pk(_import_job),
    "exams:paper_copy": lambda w: {"pk": _exam(w).paper_id},
    "exams:paper_detail": lambda w: {"pk": _exam(w).paper_id},
    "exams:paper_preview": lambda w: {"pk": _exam(w).paper_id},
    "exams:exam_detail": _pk(_exam),
    "exams:exam_export": _pk(_exam),
    "exams:exam_action": lambda w: {"pk": _exam(w).pk, "action": "publish"},
    "exams:attempt_review": lambda w: {"pk": _short_answer(w).attempt_id},
    "exams:answer_grade": _pk(_short_answer),
    "exams:exam_start": _pk(_exam),
    "exams:attempt": _pk(_attempt),
    "exams:attempt_submit": _pk(_attempt),
    "exams:practice_detail": _pk(_practice),
    "exam-bank-detail": _pk(_bank),
    "exam-bank-questions": _pk(_bank),
    "exam-bank-import-questions": _pk(_bank),
    "exam-question-detail": _pk(_question),
    "exam-import-job-detail": _pk(_import_job),
    "exam-paper-copy": lambda w: {"pk": _exam(w).paper_id},
    "exam-cancel": _pk(_exam),
    "exam-remind": _pk(_exam),
    "exam-makeup": _pk(_exam),
    "exam-paper-detail": lambda w: {"pk": _exam(w).paper_id},
    "exam-paper-preview": lambda w: {"pk": _exam(w).paper_id},
    "exam-detail": _pk(_exam),
    "exam-publish": _pk(_exam),
    "exam-stats": _pk(_exam),
    "exam-attempts": _pk(_exam),
    "exam-grading-grade": _pk(_short_answer),
    "exam-start": _pk(_exam),
    "exam-attempt-detail": _pk(_attempt),
    "exam-attempt-answers": _pk(_attempt),
    "exam-attempt-submit": _pk(_attempt),
    "exam-attempt-leave": _pk(_attempt),
    "exam-practice-detail": _pk(_practice),
    "exam-practice-answer": _pk(_practice),
}


def _xlsx(w: SimpleNamespace) -> dict[str, Any]:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["题型", "题干", "选项A", "选项B", "答案"])
    ws.append(["单选题", "合同导入的题目", "甲", "乙", "B"])
    buf = io.BytesIO()
    wb.save(buf)
    return {"file": SimpleUploadedFile("题库.xlsx", buf.getvalue()), "dry_run": False}


def _question_form(w: SimpleNamespace) -> dict[str, Any]:
    return {"kind": "judge", "stem": "合同新增的题目。", "answer": "对", "difficulty": 2}


def _exam_form(w: SimpleNamespace) -> dict[str, Any]:
    from dangjian.exams.models import Paper

    paper = Paper.objects.filter(title="合同测试试卷").first()
    return {
        "org": w.branch_a.pk, "paper": paper.pk if paper else 999_999, "title": "合同新建考试",
        "opens_at": "2026-01-01T08:00", "closes_at": "2099-01-01T08:00", "duration_minutes": 30,
        "max_attempts": 1, "pass_score": 10, "target_orgs": [w.branch_a.pk],
    }  # fmt: skip


def _exam_api(w: SimpleNamespace) -> dict[str, Any]:
    data = _exam_form(w)
    return data | {"opens_at": "2026-01-01T08:00:00+08:00", "closes_at": "2099-01-01T08:00:00+08:00"}


def _makeup(w: SimpleNamespace) -> dict[str, Any]:
    return {"opens_at": "2098-01-01T08:00:00+08:00", "closes_at": "2098-01-02T08:00:00+08:00"}


def _save(w: SimpleNamespace) -> dict[str, Any]:
    return {"answers": [{"question": 1, "response": ["A"], "seq": 1}]}


WRITES: dict[str, Write] = {
    "exams:bank_list": Write("post", ORG_WORKERS, lambda w: {"org": w.branch_a.pk, "name": "合同新题库"}),
    "exams:bank_detail": Write("post", A, _question_form),
    "exams:bank_import": Write("post", A, _xlsx, multipart=True),
    "exams:question_toggle": Write("post", A, lambda w: {}),
    "exams:question_edit": Write("post", A, _question_form),
    "exams:paper_copy": Write("post", A, lambda w: {}),
    "exams:paper_list": Write(
        "post", ORG_WORKERS, lambda w: {"org": w.branch_a.pk, "title": "合同新试卷", "mode": "fixed"}
    ),
    "exams:paper_detail": Write("post", A, lambda w: {"remove_item": 999_999}),
    "exams:exam_create": Write("post", ORG_WORKERS, _exam_form),
    "exams:exam_action": Write("post", A, lambda w: {}),
    "exams:answer_grade": Write("post", A, lambda w: {"score": "5", "comment": "好"}),
    "exams:exam_start": Write("post", NOT_ADMINS, lambda w: {}),
    "exams:attempt_submit": Write("post", OWN, lambda w: {}),
    "exams:practice_start": Write("post", NOT_ADMINS, lambda w: {"kind": "daily"}),
    "exams:practice_detail": Write("post", OWN, lambda w: {"question": 999_999, "response": "A"}),
    "exams:mistake_list": Write("post", NOT_ADMINS, lambda w: {"mistake": 999_999}),
    "exam-bank-list": Write("post", ORG_WORKERS, lambda w: {"org": w.branch_a.pk, "name": "合同新题库"}),
    "exam-bank-questions": Write("post", A, lambda w: _question_form(w) | {"difficulty": "中等"}),
    "exam-bank-import-questions": Write("post", A, _xlsx, multipart=True),
    "exam-question-detail": Write("put", A, _question_form),
    "exam-paper-copy": Write("post", A, lambda w: {}),
    "exam-cancel": Write("post", A, lambda w: {}),
    "exam-remind": Write("post", A, lambda w: {}),
    "exam-makeup": Write("post", A, _makeup),
    "exam-list": Write("post", ORG_WORKERS, _exam_api),
    "exam-publish": Write("post", A, lambda w: {}),
    "exam-grading-grade": Write("post", A, lambda w: {"score": "5"}),
    "exam-start": Write("post", NOT_ADMINS, lambda w: {}),
    "exam-attempt-answers": Write("post", OWN, _save),
    "exam-attempt-submit": Write("post", OWN, lambda w: {}),
    "exam-attempt-leave": Write("post", OWN, lambda w: {}),
    "exam-practice-list": Write("post", NOT_ADMINS, lambda w: {"kind": "daily"}),
    "exam-practice-answer": Write("post", OWN, lambda w: {"question": 999_999, "response": ["A"]}),
}
