"""The development roster (发展党员花名册) as Excel (openpyxl through ``dangjian.core.excel``, formula cells
neutralised). Identity numbers and phones are masked: the roster is a working list, not the file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from dangjian.core import excel
from dangjian.orgs.models import Org

HEADERS = (
    "序号",
    "姓名",
    "性别",
    "出生日期",
    "公民身份号码",
    "学历",
    "工作岗位",
    "所在党支部",
    "阶段",
    "状态",
    "递交申请书日期",
    "确定积极分子日期",
    "确定发展对象日期",
    "培养联系人",
    "入党介绍人",
    "支部大会通过日期",
    "预备期满日期",
    "转正日期",
    "下一步",
)


def _d(day: Any) -> str:
    return f"{day:%Y-%m-%d}" if isinstance(day, dt.date) else ""


def roster_rows(rows: Sequence[dict[str, Any]]) -> list[list[object]]:
    out: list[list[object]] = []
    for n, row in enumerate(rows, start=1):
        d = row["development"]
        out.append(
            [
                n,
                d.name,
                d.get_gender_display(),
                _d(d.birth_date),
                d.id_number_masked,
                d.get_education_display(),
                d.job_title,
                d.org.name,
                d.get_stage_display(),
                d.get_status_display(),
                _d(d.applied_on),
                _d(row["activist_on"]),
                _d(row["candidate_on"]),
                row["mentors"],
                row["introducers"],
                _d(row["resolution_on"]),
                _d(row["probation_ends"]),
                _d(row["full_on"]),
                row["next_step"],
            ]
        )
    return out


def roster_response(org: Org | None, rows: Sequence[dict[str, Any]]) -> HttpResponse:
    today = timezone.localdate()
    name = org.name if org else "发展党员"
    content = excel.write_workbook(
        headers=HEADERS,
        rows=roster_rows(rows),
        sheet_title="发展党员花名册",
        title=f"{name} 发展党员花名册（{today:%Y年%m月%d日}导出，共{len(rows)}人）",
        widths={1: 10, 4: 20, 7: 24},
        text_columns=(4,),
    )
    return excel.workbook_response(content, filename=f"{name}发展党员花名册{today:%Y%m%d}.xlsx")
