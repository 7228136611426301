"""Warning rules of the supervision app's own data: 监督责任清单 items not performed in an ended period."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.urls import reverse

from dangjian.supervision import rules
from dangjian.supervision.models import ResponsibilityItem, ResponsibilityRecord
from dangjian.supervision.registry import Context, Finding, rule


@rule(
    code="supervision.duty_overdue",
    title="监督责任事项逾期未履责",
    source="《党委（党组）落实全面从严治党主体责任规定》第十一条、第二十二条（责任清单与履责纪实）",
    subject="org",
    severity="warning",
    params={"serious_periods": 2},
    param_labels={"serious_periods": "逾期周期数达此数为严重"},
)
def duty_overdue(ctx: Context) -> Iterable[Finding]:
    """Each active item of this year with periods that ended without a 履责记录 (two queries in all)."""
    serious = int(ctx.params.get("serious_periods", 2))
    year = ctx.today.year
    items = ResponsibilityItem.objects.filter(is_active=True, year=year)
    if ctx.org_ids is not None:
        items = items.filter(org_id__in=ctx.org_ids)
    rows = list(items.values_list("pk", "org_id", "title", "holder_title", "period"))
    done: dict[int, set[dt.date]] = defaultdict(set)
    for item_id, start in ResponsibilityRecord.objects.filter(item__in=items).values_list(
        "item_id", "period_start"
    ):
        done[item_id].add(start)
    detail = reverse("supervision:duty_detail", args=[0]).replace("/0/", "/{}/")
    for pk, org_id, title, holder_title, period in rows:
        c = rules.completion(period, year, done.get(pk, set()), ctx.today)
        if not c.overdue:
            continue
        labels = "、".join(p.label(period) for p in c.overdue)
        yield Finding(
            org_id=org_id,
            key=f"item:{pk}",
            message=f"{holder_title}“{title}”：{labels}未记录履责情况",
            severity="serious" if len(c.overdue) >= serious else None,
            due=c.overdue[-1].end,
            link=detail.format(pk),
        )
