"""Export of the members behind the 学时 schedule (for the secretary's follow-up). Audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangjian.audit import services as audit
from dangjian.core import excel
from dangjian.orgs.models import Org
from dangjian.studytime import selectors


def progress_export(*, actor: Any, org: Org, year: int, on: dt.date, behind_only: bool) -> bytes:
    """Members of ``org``'s subtree in scope with their 学时, expected and status, as .xlsx.
    Audit: studytime.progress.export."""
    rows = selectors.members_progress(user=actor, org=org, year=year, on=on, behind_only=behind_only)
    content = excel.write_workbook(
        headers=["姓名", "所在组织", "本年学时", "应完成学时（截至今日）", "状态"],
        rows=(
            [m.name, m.org.name, float(m.hours), float(m.expected), "落后" if m.behind else "正常"]  # type: ignore[attr-defined]
            for m in rows.iterator(chunk_size=2000)
        ),
        sheet_title="学时进度",
        title=f"{org.name} {year} 年学时进度（截至 {on:%Y-%m-%d}）",
    )
    audit.record(
        actor=actor,
        action="studytime.progress.export",
        org_path=org.path,
        changes={"org": org.pk, "year": year, "behind_only": behind_only},
        target_repr=f"{org.name} 学时进度",
    )
    return content
