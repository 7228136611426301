"""Export of a points leaderboard to Excel (for performance appraisal). One audit entry per export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangjian.audit import services as audit
from dangjian.core import excel
from dangjian.points import rules, selectors


def board_export(*, actor: Any, level: str, period: str, on: dt.date) -> bytes:
    """The leaderboard the user sees, as .xlsx. Audit: points.board.export."""
    rows = selectors.leaderboard(user=actor, level=level, period=period, on=on)
    start, end = rules.period_range(period, on)
    headers = ["名次", rules.LEVELS[level], "所在组织", "积分"]
    content = excel.write_workbook(
        headers=headers,
        rows=([r.rank, r.name, r.org_name, r.points] for r in rows),
        sheet_title="积分排行",
        title=f"积分排行（{rules.LEVELS[level]}，{start:%Y-%m-%d} 至 {end:%Y-%m-%d}）",
    )
    audit.record(
        actor=actor,
        action="points.board.export",
        changes={"level": level, "period": period, "on": on.isoformat(), "rows": len(rows)},
        target_repr="积分排行",
    )
    return content
