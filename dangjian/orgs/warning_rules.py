"""Warning rules of the organisation tree (read by the supervision scan; see supervision/registry.py)."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from dangjian.orgs.models import Org
from dangjian.orgs.rules import add_months, election_due, term_years
from dangjian.supervision.registry import Context, Finding, Severity, rule

_ELECTED_KINDS = [k for k in ("committee", "general_branch", "branch", "joint_branch") if term_years(k)]


@rule(
    code="orgs.election",
    title="党组织换届到期或逾期",
    source="《关于党的基层组织任期的意见》（2018）：基层党委每届 5 年，党总支、党支部每届 3 年，"
    "任期届满应按期换届",
    subject="org",
    severity="warning",
    params={"remind_months": 3, "urgent_months": 1},
    param_labels={"remind_months": "提前提示月数", "urgent_months": "提前预警月数"},
)
def election(ctx: Context) -> Iterable[Finding]:
    """An organisation whose term ends within ``remind_months`` (提示), within ``urgent_months`` (预警) or has
    ended (严重, 逾期未换届); an organisation without a recorded election date is reported as missing data."""
    remind = int(ctx.params.get("remind_months", 3))
    urgent = int(ctx.params.get("urgent_months", 1))
    qs = Org.objects.filter(kind__in=_ELECTED_KINDS, is_active=True)
    if ctx.org_ids is not None:
        qs = qs.filter(pk__in=ctx.org_ids)
    remind_by, urgent_by = add_months(ctx.today, remind), add_months(ctx.today, urgent)
    detail = reverse("orgs:org_detail", args=[0]).replace("/0/", "/{}/")  # one reverse per run
    for pk, name, short, kind, elected_on in qs.values_list("pk", "name", "short_name", "kind", "elected_on"):
        label = short or name
        link = detail.format(pk)
        if elected_on is None:
            yield Finding(
                org_id=pk,
                key=f"org:{pk}:unknown",
                message=f"{label}：未登记本届选举日期，无法判断换届时间",
                missing=True,
                link=link,
            )
            continue
        due = election_due(kind, elected_on)
        if due is None or due > remind_by:
            continue
        severity: Severity
        if due < ctx.today:
            severity, text = "serious", f"任期已于 {due:%Y-%m-%d} 届满，逾期未换届"
        elif due <= urgent_by:
            severity, text = "warning", f"任期将于 {due:%Y-%m-%d} 届满，请抓紧换届"
        else:
            severity, text = "notice", f"任期将于 {due:%Y-%m-%d} 届满，请做好换届准备"
        yield Finding(
            org_id=pk,
            key=f"org:{pk}:{elected_on:%Y%m%d}",
            message=f"{label}：{text}",
            severity=severity,
            due=due,
            link=link,
        )
