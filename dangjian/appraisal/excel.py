"""The tally of 民主测评 as Excel (openpyxl through ``dangjian.core.excel``, formula cells neutralised)."""

from __future__ import annotations

from django.http import HttpResponse

from dangjian.appraisal import rules
from dangjian.appraisal.models import Appraisal
from dangjian.appraisal.selectors import Tally
from dangjian.core import excel

HEADERS = (
    "序号",
    "姓名",
    "党员类别",
    "优秀（票）",
    "合格（票）",
    "基本合格（票）",
    "不合格（票）",
    "有效票",
    "优秀率",
    "自评等次",
    "支委会建议等次",
    "党员大会确定等次",
)


def tally_workbook(appraisal: Appraisal, tally: Tally) -> bytes:
    """One row per participant taking part, with the counts (blank when too few ballots were cast to show
    them), the self-grade and the proposed and final grades; the title carries the participation."""
    p = tally.progress
    title = (
        f"{appraisal.org.name} {appraisal.title}测评结果（参评{p.taking_part}人，投票{p.cast}人，"
        f"参与率{p.rate}%）"
    )
    rows = []
    for n, row in enumerate(tally.rows, start=1):
        part, counts = row.participant, row.tally
        figures: list[object] = (
            [counts.counts.get(g, 0) for g in rules.GRADES]
            + [counts.total, f"{counts.share(rules.EXCELLENT)}%"]
            if tally.visible
            else ["", "", "", "", "", ""]
        )
        rows.append(
            [
                n,
                part.member.name,
                part.status_label,
                *figures,
                rules.GRADE_LABELS.get(part.self_grade, ""),
                rules.GRADE_LABELS.get(part.proposed_grade, ""),
                rules.GRADE_LABELS.get(part.final_grade, ""),
            ]
        )
    return excel.write_workbook(
        headers=HEADERS, rows=rows, sheet_title="测评结果", title=title, widths={1: 12, 2: 10}
    )


def tally_response(appraisal: Appraisal, tally: Tally) -> HttpResponse:
    content = tally_workbook(appraisal, tally)
    return excel.workbook_response(
        content, filename=f"{appraisal.org.label}{appraisal.year}年度民主评议测评结果.xlsx"
    )
