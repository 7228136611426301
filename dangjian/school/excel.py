"""Export of a course's statistics to Excel. One audit entry per export."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from dangjian.audit import services as audit
from dangjian.core import excel
from dangjian.orgs.models import Org
from dangjian.school import rules, selectors
from dangjian.school.models import Course


def stats_export(*, actor: Any, course: Course, node: Org) -> bytes:
    """The organisation rows under ``node`` and, for a branch, its members' progress, as .xlsx.
    Audit: school.stats.export."""
    total, rows = selectors.course_stats(course, node)
    lessons = course.lessons.count()
    headers = [
        "党组织",
        "应学人数",
        "已选课",
        "已结业",
        "参学率(%)",
        "完成率(%)",
        "党员",
        "已完成课时",
        "进度(%)",
        "结业时间",
    ]
    out: list[list[object]] = []
    for r in [total, *rows]:
        name = (r.org.short_name or r.org.name) + (
            "（合计）" if r is total else "（本级）" if r.own_level else ""
        )
        out.append(
            [name, r.members, r.enrolled, r.completed, r.enrol_rate, r.completion_rate, "", "", "", ""]
        )
    if not any(not r.own_level for r in rows):
        for m in selectors.branch_members(course, node).iterator():
            completed = getattr(m, "completed_at", None)
            done = getattr(m, "done_lessons", 0) or 0
            out.append(
                [
                    node.short_name or node.name,
                    "",
                    "",
                    "",
                    "",
                    "",
                    m.name,
                    done if getattr(m, "enrolled_at", None) else "未选课",
                    rules.progress_percent(done, lessons) if getattr(m, "enrolled_at", None) else "",
                    timezone.localdate(completed) if completed else "",
                ]
            )
    content = excel.write_workbook(
        headers=headers,
        rows=out,
        sheet_title="课程统计",
        title=f"网络党校课程统计：{course.title}（{node.short_name or node.name}）",
    )
    audit.record(
        actor=actor,
        action="school.stats.export",
        target=course,
        org_path=node.path,
        changes={"org": node.pk, "rows": len(out)},
    )
    return content
