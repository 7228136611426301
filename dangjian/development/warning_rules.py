"""Warning rules of 发展党员 (registry: dangjian/supervision/registry.py).

- ``development.deadline``: a deadline of the process is near or missed — ② the talk within 1 month of the
  application, ⑥ the half-yearly evaluation of a 积极分子, ⑰ the 上级党委 approval within 3 months (6 when
  extended), ㉔ the approval of 转正 within 3 months, the [C] 思想汇报. Upcoming within ``notice_days`` as a
  notice; missed as a warning, serious after ``serious_days``.
- ``development.probation_due``: 预备期满 without the 支部大会 discussion of 转正 (党章 第七条): a notice
  ``notice_days`` before the end, a warning once it has passed, serious after ``serious_days`` (DOMAIN.md §5:
  even a postponed discussion of a transferred-in 预备党员 is held within 6 months).
"""

from __future__ import annotations

from collections.abc import Iterable

from dangjian.development.models import Development, Status
from dangjian.development.selectors import due_items
from dangjian.supervision.registry import Context, Finding, rule


def _open(ctx: Context) -> list[Development]:
    qs = Development.objects.filter(status=Status.OPEN).select_related("org")
    if ctx.org_ids is not None:
        qs = qs.filter(org_id__in=ctx.org_ids)
    return list(qs)


def _link(dev: Development) -> str:
    return f"/development/{dev.pk}/"


@rule(
    code="development.deadline",
    title="发展党员流程期限临近或逾期",
    source="《中国共产党发展党员工作细则》：收到入党申请书后一个月内谈话、每半年考察一次、上级党委三个月内审批"
    "（最长六个月）；转正审批三个月内",
    subject="member",
    severity="warning",
    params={"notice_days": 14, "serious_days": 30},
    param_labels={"notice_days": "提前提醒天数", "serious_days": "逾期多少天为严重"},
)
def development_deadline(ctx: Context) -> Iterable[Finding]:
    notice, serious = int(ctx.params.get("notice_days", 14)), int(ctx.params.get("serious_days", 30))
    for item in due_items(_open(ctx), ctx.today):
        d, deadline = item.development, item.deadline
        if deadline.code == "probation_end":
            continue  # development.probation_due
        if item.overdue:
            late = -item.days_left
            yield Finding(
                org_id=d.org_id,
                key=f"development:{d.pk}:{deadline.code}",
                message=f"{d.name}（{d.get_stage_display()}）{deadline.label}已逾期{late}天"
                f"（应在{deadline.due:%Y年%m月%d日}前，{deadline.source}）",
                severity="serious" if late > serious else "warning",
                due=deadline.due,
                link=_link(d),
            )
        elif item.days_left <= notice:
            yield Finding(
                org_id=d.org_id,
                key=f"development:{d.pk}:{deadline.code}",
                message=f"{d.name}（{d.get_stage_display()}）{deadline.label}将于{deadline.due:%Y年%m月%d日}到期"
                f"（还有{item.days_left}天）",
                severity="notice",
                due=deadline.due,
                link=_link(d),
            )


@rule(
    code="development.probation_due",
    title="预备期满未讨论转正",
    source="《中国共产党章程》第七条：预备期为一年，预备期满，党支部应当及时讨论其能否转为正式党员",
    subject="member",
    severity="warning",
    params={"notice_days": 30, "serious_days": 180},
    param_labels={"notice_days": "期满前提醒天数", "serious_days": "期满后多少天为严重"},
)
def probation_due(ctx: Context) -> Iterable[Finding]:
    notice, serious = int(ctx.params.get("notice_days", 30)), int(ctx.params.get("serious_days", 180))
    for item in due_items(_open(ctx), ctx.today):
        d, deadline = item.development, item.deadline
        if deadline.code != "probation_end":
            continue
        key = f"development:{d.pk}:probation"
        if item.overdue:
            late = -item.days_left
            yield Finding(
                org_id=d.org_id,
                member_id=d.member_id,
                key=key,
                message=f"预备党员{d.name}的预备期已于{deadline.due:%Y年%m月%d日}期满{late}天，支部大会尚未讨论转正",
                severity="serious" if late > serious else "warning",
                due=deadline.due,
                link=_link(d),
            )
        elif item.days_left <= notice:
            yield Finding(
                org_id=d.org_id,
                member_id=d.member_id,
                key=key,
                message=f"预备党员{d.name}的预备期将于{deadline.due:%Y年%m月%d日}期满，请及时安排转正申请和支部大会讨论",
                severity="notice",
                due=deadline.due,
                link=_link(d),
            )
