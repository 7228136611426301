"""Question banks: creation, questions, the Excel import (validated in full, written all or nothing).

The rules every service keeps are in the package docstring (``dangjian.exams.services``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from dangjian.audit import services as audit
from dangjian.core.errors import BusinessError
from dangjian.exams import rules
from dangjian.exams.models import (
    CHOICE_KINDS,
    Question,
    QuestionBank,
    QuestionKind,
)
from dangjian.exams.services._common import MAX_OPTIONS, TEXT_LIMIT, _require, _text
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


@transaction.atomic
def bank_import(
    *, actor: Any, bank: QuestionBank, rows: Sequence[tuple[int, dict[str, Any]]], dry_run: bool
) -> dict[str, Any]:
    """Import questions into ``bank``: every row is checked first; with problems, or on a dry run, nothing
    is written. Otherwise all rows are written in this one transaction. Audit: exams.bank.import (real runs).
    Returns {"rows", "valid", "problems", "created"}."""
    _require(actor, "exams.manage", bank.org)
    if not rows:
        raise BusinessError("exams.import_empty", "表格中没有试题")
    prepared, problems = import_check(bank=bank, rows=rows)
    result: dict[str, Any] = {"rows": len(rows), "valid": len(prepared), "problems": problems, "created": 0}
    if dry_run or problems:
        return result
    Question.objects.bulk_create([Question(bank=bank, **fields) for fields in prepared])
    result["created"] = len(prepared)
    audit.record(
        actor=actor,
        action="exams.bank.import",
        target=bank,
        org_path=bank.org.path,
        changes={"created": len(prepared)},
    )
    return result
