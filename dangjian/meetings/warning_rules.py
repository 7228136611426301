"""Warning rules of 组织生活 (read by the supervision scan; see dangjian/supervision/registry.py).

The rule reads compliance through ``meetings.selectors.compliance`` — the same numbers the 落实情况 page
shows — so it never repeats the compliance queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse

from dangjian.meetings import config, rules, selectors
from dangjian.orgs.models import Org
from dangjian.orgs.rules import BRANCH_KINDS, add_months
from dangjian.supervision.registry import Context, Finding, rule


@rule(
    code="meetings.missing",
    title="组织生活未按期召开",
    source="《中国共产党支部工作条例（试行）》第十四条、第十九条（三会一课、主题党日、组织生活会）",
    subject="org",
    severity="warning",
    params={"months": 6, "serious_missing": 3},
    param_labels={"months": "检查最近月数", "serious_missing": "缺开次数达此数为严重"},
)
def meetings_missing(ctx: Context) -> Iterable[Finding]:
    """One finding per branch and meeting kind with meetings missing in the periods that ended within the
    last ``months`` months (a period still running is not missing; a meeting held late (补开) is not)."""
    months = int(ctx.params.get("months", 6))
    serious = int(ctx.params.get("serious_missing", 3))
    qs = Org.objects.filter(kind__in=BRANCH_KINDS, is_active=True).order_by("path")
    if ctx.org_ids is not None:
        qs = qs.filter(pk__in=ctx.org_ids)
    branches = list(qs)
    freqs = config.frequencies()
    link = reverse("meetings:compliance_branch", args=[0]).replace("/0/", "/{}/")  # one reverse per run
    start = add_months(ctx.today, -months)
    end = ctx.today - dt.timedelta(days=1)
    for row in selectors.compliance(branches, start, max(start, end), ctx.today):
        for kind, periods in row.by_kind().items():
            gone = [p for p in periods if p.missing]
            count = sum(p.missing for p in gone)
            if not count:
                continue
            labels = "、".join(rules.period_label(freqs[kind].period, p.start) for p in gone[:6])
            more = " 等" if len(gone) > 6 else ""
            yield Finding(
                org_id=row.org.pk,
                key=f"org:{row.org.pk}:{kind}",
                message=f"{row.org.short_name or row.org.name}：近 {months} 个月{rules.KIND_LABELS[kind]}"
                f"缺开 {count} 次（{labels}{more}）",
                severity="serious" if count >= serious else None,
                link=link.format(row.org.pk),
            )
