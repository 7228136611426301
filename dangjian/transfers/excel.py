"""The transfer register (组织关系转接台账) as Excel (openpyxl through ``dangjian.core.excel``; formula cells
neutralised; identity numbers masked)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.http import HttpResponse

from dangjian.core import excel
from dangjian.transfers import selectors
from dangjian.transfers.models import Transfer

MAX_ROWS = 20000
HEADERS = (
    "序号",
    "姓名",
    "公民身份号码",
    "党员类别",
    "转接类型",
    "转接原因",
    "转出党组织",
    "转入党组织",
    "介绍信编号",
    "全国系统编号",
    "党费交至",
    "申请日期",
    "开具日期",
    "有效期至",
    "接收日期",
    "报到日期",
    "回执应返回",
    "回执返回日期",
    "办理状态",
    "待办期限",
)


def _month(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月" if day else ""


def register_workbook(transfers: Sequence[Transfer], *, today: dt.date) -> bytes:
    rows = []
    for n, t in enumerate(transfers, start=1):
        deadline = selectors.deadline_of(t, today)
        due = ""
        if deadline is not None:
            due = f"{deadline.label}{deadline.due:%Y-%m-%d}" + ("（已超期）" if deadline.overdue else "")
        rows.append(
            [
                n,
                t.member.name,
                t.member.id_number_masked,
                t.get_member_status_display(),
                t.get_kind_display(),
                t.get_reason_display() + (f"：{t.reason_detail}" if t.reason_detail else ""),
                t.from_org_name,
                t.to_org_name,
                t.letter_number,
                t.system_ref,
                _month(t.dues_paid_until),
                t.requested_on,
                t.issued_on,
                t.expires_on,
                t.accepted_on,
                t.reported_on,
                t.receipt_due,
                t.receipt_returned_on,
                t.get_status_display(),
                due,
            ]
        )
    return excel.write_workbook(
        headers=HEADERS,
        rows=rows,
        sheet_title="转接台账",
        title=f"组织关系转接台账（导出日期 {today:%Y-%m-%d}，共{len(rows)}条）",
        widths={1: 10, 2: 20, 6: 30, 7: 30},
        text_columns=(2, 8, 9),
    )


def register_response(transfers: Sequence[Transfer], *, today: dt.date) -> HttpResponse:
    return excel.workbook_response(
        register_workbook(transfers, today=today), filename=f"组织关系转接台账_{today:%Y%m%d}.xlsx"
    )
