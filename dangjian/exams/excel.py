"""Question banks in Excel, in the layout people use: 题型, 题干, 选项A…选项F, 答案, 解析, 难度, 标签
(and 出处).

An export re-imports unchanged (same headers, answers written as ``ABD``, ``对``/``错``, accepted blank texts
joined with ``|``). Reading goes through ``core.excel.read_table`` (any column order, a title row allowed).
"""

from __future__ import annotations

from typing import Any

from dangjian.core import excel
from dangjian.exams import rules
from dangjian.exams.models import Difficulty, Question, QuestionBank, QuestionKind

OPTION_KEYS = [f"option_{letter}" for letter in rules.LETTERS]
COLUMNS = [
    excel.Column("kind", "题型", ("题目类型", "类型"), required=True),
    excel.Column("stem", "题干", ("题目", "试题", "题目内容"), required=True),
    *[
        excel.Column(key, f"选项{letter}", (letter, f"选项 {letter}"))
        for key, letter in zip(OPTION_KEYS, rules.LETTERS, strict=True)
    ],
    excel.Column("answer", "答案", ("正确答案", "参考答案", "标准答案"), required=True),
    excel.Column("explanation", "解析", ("答案解析", "试题解析")),
    excel.Column("difficulty", "难度", ("难易程度",)),
    excel.Column("tags", "标签", ("知识点", "知识点标签")),
    excel.Column("source", "出处", ("来源",)),
]
HEADERS: dict[str, str] = {c.key: c.header for c in COLUMNS} | {"options": "选项"}


def read_rows(upload: Any) -> list[tuple[int, dict[str, Any]]]:
    """The rows of an uploaded bank as (Excel row number, question data for ``services.prepare_question``).
    Raises BusinessError ``excel.*`` for a file that is not a readable .xlsx with the needed columns."""
    excel.check_upload(upload)
    table = excel.read_table(upload, COLUMNS)
    rows = []
    for number, values in table.rows:
        text = {k: excel.cell_text(v) for k, v in values.items()}
        rows.append(
            (
                number,
                {
                    "kind": text.get("kind", ""),
                    "stem": text.get("stem", ""),
                    "options": [text.get(k, "") for k in OPTION_KEYS],
                    "answer": text.get("answer", ""),
                    "explanation": text.get("explanation", ""),
                    "difficulty": text.get("difficulty", ""),
                    "tags": text.get("tags", ""),
                    "source": text.get("source", ""),
                },
            )
        )
    return rows


def answer_text(question: Question) -> str:
    if question.kind == QuestionKind.JUDGE:
        return "对" if question.answer[:1] == ["true"] else "错"
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return "".join(question.answer)
    if question.kind == QuestionKind.BLANK:
        return "|".join(question.answer)
    return question.answer[0] if question.answer else ""


def export_bank(bank: QuestionBank) -> bytes:
    """The bank's active questions as an .xlsx in the import layout."""
    headers = [c.header for c in COLUMNS]

    def rows() -> Any:
        for q in bank.questions.filter(is_active=True).order_by("id").iterator():
            options = list(q.options) + [""] * (len(OPTION_KEYS) - len(q.options))
            yield [
                QuestionKind(q.kind).label,
                q.stem,
                *options,
                answer_text(q),
                q.explanation,
                Difficulty(q.difficulty).label,
                "、".join(q.tag_list),
                q.source,
            ]

    return excel.write_workbook(
        headers=headers,
        rows=rows(),
        sheet_title="试题",
        widths={1: 60, 12: 40},
        text_columns=range(len(headers)),
    )


def template_workbook() -> bytes:
    """An import template with one example row of each type."""
    headers = [c.header for c in COLUMNS]
    examples = [
        ["单选题", "党的最高领导机关是（  ）。", "党的全国代表大会和它所产生的中央委员会", "中央政治局",
         "中央书记处", "中央军事委员会", "", "", "A", "见《中国共产党章程》第十条。", "容易", "党章",
         "《中国共产党章程》"],
        ["多选题", "党的纪律主要包括（  ）。", "政治纪律", "组织纪律", "廉洁纪律", "群众纪律", "工作纪律",
         "生活纪律", "ABCDEF", "六项纪律。", "中等", "纪律处分条例", "《中国共产党纪律处分条例》"],
        ["判断题", "预备党员的预备期为一年。", "", "", "", "", "", "", "对", "党章第七条。", "容易", "党章",
         ""],
        ["填空题", "党的思想路线是一切从实际出发，理论联系实际，________，在实践中检验真理和发展真理。",
         "", "", "", "", "", "", "实事求是", "", "中等", "党章", ""],
        ["简答题", "简述党员的八项义务中的任意三项。", "", "", "", "", "", "",
         "认真学习…；贯彻执行…；坚持党和人民的利益高于一切…", "", "困难", "党章", ""],
]  # fmt: skip
    return excel.write_workbook(headers=headers, rows=examples, sheet_title="试题", widths={1: 60})


def export_results(exam: Any, attempts: list[Any], stats: dict[str, Any]) -> bytes:
    """An exam's results: one sheet of each taker's best attempt (what an organiser files and prints)."""
    headers = ["序号", "姓名", "所在组织", "第几次", "开始时间", "交卷时间", "自动交卷", "得分", "满分"]
    headers += ["是否及格", "离开页面次数"]

    def fmt(value: Any) -> str:
        from django.utils import timezone

        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""

    rows = [
        [
            i,
            a.member.name if a.member else (a.user.full_name or a.user.username),
            str(a.taker_org) if a.taker_org else "",
            a.number,
            fmt(a.started_at),
            fmt(a.submitted_at),
            "是" if a.auto_submitted else "否",
            float(a.score or 0),
            float(a.max_score),
            "待阅卷" if a.passed is None else ("及格" if a.passed else "不及格"),
            a.leave_count,
        ]
        for i, a in enumerate(attempts, start=1)
    ]
    title = (
        f"{exam.title}：应考 {stats['takers']} 人，参考 {stats['taken']} 人，"
        f"参考率 {stats['participation']}%，"
        f"及格率 {stats['pass_rate']}%，平均分 {stats['average']}"
    )
    return excel.write_workbook(headers=headers, rows=rows, sheet_title="成绩", title=title, widths={2: 30})
