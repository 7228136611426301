"""The supervision board as Excel: one row per child subtree and the total (``dangjian.core.excel``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from dangjian.audit import services as audit
from dangjian.core import excel
from dangjian.supervision.selectors import Board, BoardRow

HEADERS = (
    "党组织",
    "严重预警",
    "预警",
    "提示",
    "数据缺失",
    "督办未销号",
    "其中逾期",
    "待验收",
    "已销号",
    "履责应完成（周期）",
    "已履责",
    "履责完成率",
)


def _row(label: str, r: BoardRow, extra: list[Any]) -> list[object]:
    rate = r.duty_rate
    return [
        label,
        r.warnings["serious"],
        r.warnings["warning"],
        r.warnings["notice"],
        r.missing,
        r.tasks_open,
        r.overdue,
        r.tasks["submitted"],
        r.tasks_closed,
        r.duty_ended,
        r.duty_done,
        "无已到期周期" if rate is None else f"{rate}%",
        *extra,
    ]


def board_workbook(board: Board) -> bytes:
    headers = list(HEADERS) + [f"{s.title}·{c}" for s in board.sections for c in s.columns]
    rows = [_row(f"{board.org.label}（本级）", board.own, board.own.extra)]
    rows += [_row(c.org.label if c.org else c.path, c, c.extra) for c in board.children]
    rows.append(_row("合计", board.total, board.total.extra))
    title = f"{board.org.name} 监督工作看板（{board.today:%Y-%m-%d}）"
    return excel.write_workbook(
        headers=headers, rows=rows, sheet_title="监督工作看板", title=title, widths={0: 30}
    )


def board_response(*, actor: Any, board: Board) -> HttpResponse:
    """The export, audited (supervision.board.export)."""
    content = board_workbook(board)
    audit.record(
        actor=actor,
        action="supervision.board.export",
        target=board.org,
        org_path=board.org.path,
        changes={"rows": len(board.children) + 2},
    )
    return excel.workbook_response(content, filename=f"{board.org.label}监督工作看板.xlsx")
