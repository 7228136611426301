"""Question banks: creation, questions, the Excel import (validated in full, written all or nothing).

The rules every service keeps are in the package docstring (``dangjian.exams.services``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangjian.audit import services as audit
from dangjian.core.errors import BusinessError
from dangjian.core.jobs import job_create, job_finish, job_progress
from dangjian.core.models import Job
from dangjian.exams import rules
from dangjian.exams.models import (
    CHOICE_KINDS,
    Answer,
    Exam,
    ExamStatus,
    PaperItem,
    PaperRule,
    Question,
    QuestionBank,
    QuestionKind,
)
from dangjian.exams.services._common import MAX_OPTIONS, TEXT_LIMIT, _require, _text, grace_seconds
from dangjian.orgs.models import Org

# --------------------------------------------------------------------------------------------------------
# Question banks


@transaction.atomic
def bank_create(
    *, actor: Any, org: Org, name: str, description: str = "", shared_down: bool = True
) -> QuestionBank:
    """Create a 题库 for ``org``. Audit: exams.bank.create."""
    _require(actor, "exams.manage", org)
    bank = QuestionBank.objects.create(
        org=org,
        name=_text(name, "exams.name_required", "请填写题库名称", 100),
        description=str(description or "").strip()[:500],
        shared_down=bool(shared_down),
        created_by=actor,
    )
    audit.record(
        actor=actor, action="exams.bank.create", target=bank, org_path=org.path, changes={"name": bank.name}
    )
    return bank


def prepare_question(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Check one question as typed (a form or an Excel row) and turn it into model fields.

    ``data`` keys: kind (code or Chinese name), stem, options (list, A… in order), answer (text such as
    ``ABD``, ``对``, ``党的领导|中国共产党的领导``, or the reference answer), explanation, difficulty (1–3 or
    容易/中等/困难), tags (list or text separated by , ，、 ; or spaces), source. Returns (fields, problems)
    where problems maps a field key to a Chinese reason; fields are only usable when problems is empty.
    """
    problems: dict[str, str] = {}
    kind_text = str(data.get("kind") or "").strip()
    kind = next((k.value for k in QuestionKind if kind_text in (k.value, k.label, k.label[:-1])), "")
    if not kind:
        problems["kind"] = (
            f"未知的题型“{kind_text}”（应为单选题、多选题、判断题、填空题或简答题）"
            if kind_text
            else "缺少题型"
        )
    stem = str(data.get("stem") or "").strip()
    if not stem:
        problems["stem"] = "缺少题干"
    elif len(stem) > TEXT_LIMIT:
        problems["stem"] = f"题干过长（不超过 {TEXT_LIMIT} 字）"
    raw_options = [str(o or "").strip() for o in (data.get("options") or [])]
    while raw_options and not raw_options[-1]:
        raw_options.pop()
    options: list[str] = []
    answer: list[str] = []
    answer_text = str(data.get("answer") or "").strip()
    if kind in CHOICE_KINDS:
        if "" in raw_options:
            problems["options"] = "选项之间不能有空缺"
        elif len(raw_options) < 2:
            problems["options"] = "选择题至少需要两个选项"
        elif len(raw_options) > MAX_OPTIONS:
            problems["options"] = f"选项最多 {MAX_OPTIONS} 个"
        elif len({rules.fold(o) for o in raw_options}) != len(raw_options):
            problems["options"] = "选项有重复"
        options = raw_options
        letters = rules.parse_letters(answer_text)
        if not answer_text:
            problems["answer"] = "缺少答案"
        elif letters is None:
            problems["answer"] = f"答案“{answer_text}”应为选项字母，如 A 或 ABD"
        elif options and any(rules.LETTERS.index(x) >= len(options) for x in letters):
            problems["answer"] = f"答案“{answer_text}”不在选项之中"
        elif kind == QuestionKind.SINGLE and len(letters) != 1:
            problems["answer"] = "单选题只能有一个答案"
        elif kind == QuestionKind.MULTIPLE and len(letters) < 2:
            problems["answer"] = "多选题至少有两个正确选项"
        else:
            answer = letters
    elif kind == QuestionKind.JUDGE:
        judged = rules.parse_judge(answer_text)
        if not answer_text:
            problems["answer"] = "缺少答案"
        elif judged is None:
            problems["answer"] = f"判断题答案“{answer_text}”应为 对/错 或 √/×"
        else:
            answer = ["true" if judged else "false"]
    elif kind == QuestionKind.BLANK:
        answer = rules.split_blank_answers(answer_text)
        if not answer:
            problems["answer"] = "缺少答案"
    elif kind == QuestionKind.SHORT:
        answer = [answer_text] if answer_text else []
        if not answer_text:
            problems["answer"] = "缺少参考答案"
    if kind not in CHOICE_KINDS and kind and any(raw_options):
        problems.setdefault("options", "只有选择题可以填写选项")
    difficulty_text = str(data.get("difficulty") or "").strip()
    difficulty = 2
    if difficulty_text:
        found = {"1": 1, "2": 2, "3": 3, "容易": 1, "易": 1, "简单": 1, "中等": 2, "中": 2, "一般": 2}
        found |= {"困难": 3, "难": 3, "较难": 3}
        if difficulty_text not in found:
            problems["difficulty"] = f"难度“{difficulty_text}”应为 容易、中等 或 困难"
        else:
            difficulty = found[difficulty_text]
    tags_value = data.get("tags") or []
    if isinstance(tags_value, str):
        tags_value = rules.split_tags(tags_value)
    tags = ",".join(sorted({str(t).strip().replace(",", "")[:30] for t in tags_value if str(t).strip()}))[
        :300
    ]
    fields = {
        "kind": kind,
        "stem": stem,
        "options": options,
        "answer": answer,
        "explanation": str(data.get("explanation") or "").strip()[:TEXT_LIMIT],
        "difficulty": difficulty,
        "tags": tags,
        "source": str(data.get("source") or "").strip()[:200],
        "fingerprint": rules.fingerprint(stem) if stem else "",
    }
    return fields, problems


@transaction.atomic
def question_create(*, actor: Any, bank: QuestionBank, **data: Any) -> Question:
    """Add one question to ``bank`` (fields as in ``prepare_question``). Audit: exams.question.create."""
    _require(actor, "exams.manage", bank.org)
    fields, problems = prepare_question(data)
    if problems:
        raise BusinessError("exams.bad_question", "；".join(problems.values()), details=problems)
    if Question.objects.filter(bank=bank, fingerprint=fields["fingerprint"]).exists():
        raise BusinessError("exams.duplicate_question", "题库中已有相同题干的试题")
    question = Question.objects.create(bank=bank, **fields)
    audit.record(
        actor=actor,
        action="exams.question.create",
        target=question,
        org_path=bank.org.path,
        changes={"kind": question.kind},
    )
    return question


def question_locked_reason(question: Question) -> str:
    """Why ``question`` may no longer be edited, or "" when it may.

    Editing is refused — not versioned — once an exam has started that asks or may ask it: an ``Answer``
    row exists (an attempt drew it: locked for good, the attempt is kept), or an exam is running (published,
    opened, not closed yet counting the grace period) on a fixed paper holding it or on a random paper with
    a rule drawing from its bank and kind (it may be drawn at the next start). The models make
    refusal the sound choice: an attempt keeps only question ids (``Attempt.layout``, ``Answer.question``)
    and is graded and reviewed against the live row, and a bank refuses two questions with the same stem
    (``exams_question_unique_stem``), so a copy-on-write version could not live beside the original.
    Before an exam starts, a change simply flows into every paper that uses the question.
    """
    if Answer.objects.filter(question=question).exists():
        return "已有考生作答过这道题，不能再修改（可停用后新增一道题）"
    now = timezone.now()
    started = Q(
        status=ExamStatus.PUBLISHED,
        opens_at__lte=now,
        closes_at__gt=now - dt.timedelta(seconds=grace_seconds()),
    )
    fixed = PaperItem.objects.filter(
        question=question, paper__exams__in=Exam.objects.filter(started).values("pk")
    )
    drawn = PaperRule.objects.filter(
        bank_id=question.bank_id,
        kind=question.kind,
        paper__exams__in=Exam.objects.filter(started).values("pk"),
    )
    if fixed.exists() or drawn.exists():
        return "这道题所在试卷的考试已经开始，不能再修改（可停用后新增一道题）"
    return ""


@transaction.atomic
def question_update(*, actor: Any, question: Question, **data: Any) -> Question:
    """Change every field of a question (as typed, like ``question_create``). Refused with
    ``exams.question_in_use`` when an exam that asks it has started (``question_locked_reason``), with
    ``exams.bad_question`` for bad input and ``exams.duplicate_question`` for a stem already in the bank;
    nothing is changed then. Audit: exams.question.update with the changed field names."""
    locked = Question.objects.select_for_update(of=("self",)).select_related("bank__org").get(pk=question.pk)
    _require(actor, "exams.manage", locked.bank.org)
    reason = question_locked_reason(locked)
    if reason:
        raise BusinessError("exams.question_in_use", reason)
    fields, problems = prepare_question(data)
    if problems:
        raise BusinessError("exams.bad_question", "；".join(problems.values()), details=problems)
    duplicate = Question.objects.filter(bank=locked.bank, fingerprint=fields["fingerprint"]).exclude(
        pk=locked.pk
    )
    if duplicate.exists():
        raise BusinessError("exams.duplicate_question", "题库中已有相同题干的试题")
    changed = sorted(k for k, v in fields.items() if getattr(locked, k) != v and k != "fingerprint")
    for key, value in fields.items():
        setattr(locked, key, value)
    locked.save(update_fields=list(fields))
    audit.record(
        actor=actor,
        action="exams.question.update",
        target=locked,
        org_path=locked.bank.org.path,
        changes={"fields": changed},
    )
    question.refresh_from_db()
    return locked


@transaction.atomic
def question_set_active(*, actor: Any, question: Question, active: bool) -> Question:
    """Take a question out of use (or back): papers already drawn keep it; new draws skip it.
    Audit: exams.question.disable / exams.question.enable."""
    _require(actor, "exams.manage", question.bank.org)
    question.is_active = active
    question.save(update_fields=["is_active"])
    verb = "enable" if active else "disable"
    audit.record(
        actor=actor, action=f"exams.question.{verb}", target=question, org_path=question.bank.org.path
    )
    return question


def import_check(
    *, bank: QuestionBank, rows: Iterable[tuple[int, dict[str, Any]]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Validate every row of an import against ``bank``: (prepared questions, problems with row, column
    and reason). Duplicates are refused against the bank and within the file."""
    from dangjian.exams.excel import HEADERS

    prepared: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    existing = set(Question.objects.filter(bank=bank).values_list("fingerprint", flat=True))
    for row_number, data in rows:
        fields, row_problems = prepare_question(data)
        for key, reason in row_problems.items():
            problems.append({"row": row_number, "column": HEADERS.get(key, key), "reason": reason})
        fp = fields["fingerprint"]
        if not row_problems:
            if fp in existing:
                problems.append({"row": row_number, "column": "题干", "reason": "题库中已有相同题干的试题"})
                continue
            if fp in seen:
                problems.append(
                    {"row": row_number, "column": "题干", "reason": f"与第 {seen[fp]} 行题干重复"}
                )
                continue
            seen[fp] = row_number
            prepared.append(fields)
    return prepared, problems


IMPORT_JOB_KIND = "exams.import"
IMPORT_BATCH = 200


@transaction.atomic
def bank_import(
    *,
    actor: Any,
    bank: QuestionBank,
    rows: Sequence[tuple[int, dict[str, Any]]],
    dry_run: bool,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Import questions into ``bank``: every row is checked first; with problems, or on a dry run, nothing
    is written. Otherwise all rows are written in this one transaction (in batches, reporting
    ``progress(done, total)``). Audit: exams.bank.import (real runs).
    Returns {"rows", "valid", "problems", "created"}."""
    _require(actor, "exams.manage", bank.org)
    if not rows:
        raise BusinessError("exams.import_empty", "表格中没有试题")
    prepared, problems = import_check(bank=bank, rows=rows)
    result: dict[str, Any] = {"rows": len(rows), "valid": len(prepared), "problems": problems, "created": 0}
    if dry_run or problems:
        return result
    for start in range(0, len(prepared), IMPORT_BATCH):
        batch = prepared[start : start + IMPORT_BATCH]
        Question.objects.bulk_create([Question(bank=bank, **fields) for fields in batch])
        if progress is not None:
            progress(start + len(batch), len(prepared))
    result["created"] = len(prepared)
    audit.record(
        actor=actor,
        action="exams.bank.import",
        target=bank,
        org_path=bank.org.path,
        changes={"created": len(prepared)},
    )
    return result


def bank_import_start(
    *, actor: Any, bank: QuestionBank, rows: Sequence[tuple[int, dict[str, Any]]]
) -> dict[str, Any]:
    """The commit step of an import, in the background: every row is checked now (the same report as a
    dry run; with any problem nothing is queued), then a ``core.Job`` holding the rows is filed under the
    bank's organisation and the Huey task ``import_questions_task`` writes them (``bank_import_run``).
    Returns the check's {"rows", "valid", "problems", "created": 0} plus "job" (its id, or None)."""
    result = bank_import(actor=actor, bank=bank, rows=rows, dry_run=True)
    result["job"] = None
    if result["problems"]:
        return result
    job = job_create(
        kind=IMPORT_JOB_KIND,
        user=actor,
        title=f"导入试题到“{bank.name}”",
        org=bank.org,
        params={"bank": bank.pk, "rows": [[number, data] for number, data in rows]},
        total=result["valid"],
    )
    Job.objects.filter(pk=job.pk).update(message="排队中，等待后台处理")
    result["job"] = job.pk
    from dangjian.exams.tasks import import_questions_task

    job_id = job.pk
    transaction.on_commit(lambda: import_questions_task(job_id))  # the worker must find the job
    return result


def bank_import_run(*, job_id: int) -> Job:
    """Run a queued import Job: ``bank_import`` (all rows or none, rows checked again inside the
    transaction) as the job's creator, with progress on the Job. The stored rows are dropped when it ends;
    the Job keeps the report (``result``) and a Chinese message."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:
        return job
    params = job.params or {}
    bank = QuestionBank.objects.select_related("org").filter(pk=int(params.get("bank") or 0)).first()
    rows = [(int(number), dict(data)) for number, data in params.get("rows", [])]
    job_progress(job, 0, len(rows), "正在检查并写入试题")
    try:
        if bank is None or job.created_by is None or not job.created_by.is_active:
            raise BusinessError("exams.not_found", "题库不存在或发起人已停用，未写入任何试题")
        result = bank_import(actor=job.created_by, bank=bank, rows=rows, dry_run=False)
    except BusinessError as exc:
        job_finish(job, ok=False, message=exc.message, result={"message": exc.message, "created": 0})
    else:
        ok = not result["problems"]
        message = (
            f"已导入 {result['created']} 道试题"
            if ok
            else f"发现 {len(result['problems'])} 处问题（可能有人同时导入了相同的题），未写入任何试题"
        )
        job_finish(job, ok=ok, message=message, result=result)
    Job.objects.filter(pk=job.pk).update(params={"bank": params.get("bank")})
    job.refresh_from_db()
    return job
