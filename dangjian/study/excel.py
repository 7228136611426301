"""Export of a topic's statistics (participation and completion per organisation, and the members of an
organisation with their status) to Excel. One audit entry per export."""

from __future__ import annotations

from typing import Any

from dangjian.audit import services as audit
from dangjian.core import excel
from dangjian.orgs.models import Org
from dangjian.study import selectors
from dangjian.study.models import Topic


def topic_stats_export(*, actor: Any, topic: Topic, org: Org) -> bytes:
    """Two parts in one sheet: the organisations below ``org`` with their rates, then every member the topic
    concerns in ``org``'s subtree with their status (within the actor's scope). Audit: study.stats.export."""
    total, children = selectors.topic_org_rates(actor, topic, org)
    members = selectors.topic_member_statuses(actor, topic, org, limit=100_000)
    headers = [
        "组织 / 党员",
        "所在组织",
        "应学人数 / 状态",
        "参学人数 / 已完成内容",
        "参学率 / 学习分钟",
        "完成人数",
        "完成率",
    ]
    rows: list[list[object]] = []
    for r in [total, *children]:
        rows.append(
            [
                r.label,
                "",
                r.members,
                r.participants,
                f"{r.participation_rate}%",
                r.completed,
                f"{r.completion_rate}%",
            ]
        )
    rows.append([])
    for m in members:
        rows.append(
            [m.member.name, m.member.org.label, m.status, f"{m.done_items}/{m.items}", m.minutes, "", ""]
        )
    content = excel.write_workbook(
        headers=headers,
        rows=rows,
        sheet_title="学习统计",
        title=f"学习专题统计：{topic.title}（{org.label}）",
    )
    audit.record(
        actor=actor,
        action="study.stats.export",
        target=topic,
        org_path=org.path,
        changes={"org": org.pk, "members": len(members)},
    )
    return content
