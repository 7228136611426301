"""Warning rules of 学时 (read by the supervision scan; see dangjian/supervision/registry.py).

The rule reads the same annotated roster as the 学时进度 page (``selectors._annotated_members``: hours this
year, the pro-rata expectation and whether the member is a secretary), in one statement.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import F, Value
from django.urls import reverse

from dangjian.studytime import rules, selectors
from dangjian.supervision.registry import Context, Finding, rule


@rule(
    code="studytime.behind",
    title="党员学时低于进度要求",
    source="《中国共产党党员教育管理工作条例》第二十条：党员每年集中学习培训一般不少于 32 学时"
    "（支部书记按本单位规定，默认 56 学时）",
    subject="member",
    severity="notice",
    params={"tolerance_hours": 4, "serious_ratio": 50},
    param_labels={"tolerance_hours": "低于进度超过（学时）", "serious_ratio": "完成不足进度的百分比为预警"},
)
def study_behind(ctx: Context) -> Iterable[Finding]:
    """Members whose 学时 this year are more than ``tolerance_hours`` below the pro-rata expectation
    (提示), below ``serious_ratio`` % of it (预警)."""
    tolerance = Decimal(str(ctx.params.get("tolerance_hours", 4)))
    ratio = Decimal(str(ctx.params.get("serious_ratio", 50))) / 100
    year = ctx.today.year
    qs = selectors._annotated_members(year, ctx.today).filter(
        hours__lt=F("expected") - Value(tolerance)  # type: ignore[misc]  # annotations, unknown to the stubs
    )
    if ctx.org_ids is not None:
        qs = qs.filter(org_id__in=ctx.org_ids)
    link = reverse("studytime:progress")
    # The message names the member and the year's requirement, not today's hours and pro-rata figure: those
    # change every day, and a message that changes is a write per warning per scan (the page shows them).
    required = {False: rules.REQUIRED_HOURS, True: selectors.secretary_hours()}
    rows = qs.values_list("pk", "org_id", "name", "hours", "expected", "secretary")  # type: ignore[misc]
    for pk, org_id, name, hours, expected, secretary in rows:
        yield Finding(
            org_id=org_id,
            key=f"member:{pk}:{year}",
            member_id=pk,
            message=f"{name}：{year} 年学时低于进度要求（全年应完成 {required[bool(secretary)]} 学时）",
            severity="warning" if hours < expected * ratio else None,
            link=f"{link}?org={org_id}",
        )
