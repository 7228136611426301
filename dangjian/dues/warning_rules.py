"""Warning rules owned by 党费 (see ``dangjian.supervision.registry``).

Each rule reads members in one set-based query over ``ctx.org_ids`` and yields a Finding per cause. The months
unpaid are counted from ``Member.dues_paid_until`` (or, never paid, from the month of joining, 预备党员 paying
from the 支部大会 resolution): completed months after the month paid up to. Members in normal standing without
a confirmed dues amount cannot be judged and are reported as missing, once per branch.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet

from dangjian.dues import rules
from dangjian.dues.models import DuesFixing, FixingStatus
from dangjian.members.choices import Standing
from dangjian.members.models import Member
from dangjian.supervision.registry import Context, Finding, rule

NAMES_SHOWN = 5


def _members(ctx: Context) -> QuerySet[Member]:
    qs = Member.objects.active().filter(standing=Standing.NORMAL)
    if ctx.org_ids is not None:
        qs = qs.filter(org_id__in=ctx.org_ids)
    return qs


def _behind(ctx: Context, months: int) -> Iterable[tuple[int, str, int, int, object]]:
    """(id, name, org_id, months unpaid, paid_until) of members with a confirmed amount ≥
    ``months`` behind."""
    current = rules.month_start(ctx.today)
    threshold = rules.add_months(current, -(months + 1))
    fixed = DuesFixing.objects.filter(member_id=OuterRef("pk"), status=FixingStatus.CONFIRMED)
    rows = (
        _members(ctx)
        .filter(Exists(fixed))
        .filter(
            Q(dues_paid_until__lte=threshold)
            | Q(dues_paid_until__isnull=True, joined_on__lt=rules.add_months(threshold, 2))
        )
        .values_list("id", "name", "org_id", "dues_paid_until", "joined_on")
        .order_by("org_id", "id")
    )
    for pk, name, org_id, paid_until, joined_on in rows:
        effective = paid_until or rules.add_months(rules.first_billable_month(joined_on), -1)
        n = rules.unpaid_months(effective, ctx.today) or 0
        if n >= months:
            yield pk, name, org_id, n, paid_until


def _until(paid_until: object) -> str:
    return f"交至 {paid_until:%Y年%m月}" if paid_until else "从未交纳"


@rule(
    code="dues.arrears",
    title="党员连续未交纳党费",
    source="《中国共产党章程》第九条；《关于中国共产党党费收缴、使用和管理的规定》",
    subject="member",
    severity="warning",
    params={"months": 3, "serious_months": 6},
    param_labels={"months": "连续未交月数", "serious_months": "严重预警月数"},
)
def dues_arrears(ctx: Context) -> Iterable[Finding]:
    months = int(ctx.params.get("months", 3))
    serious = int(ctx.params.get("serious_months", 6))
    for pk, name, org_id, n, paid_until in _behind(ctx, months):
        yield Finding(
            org_id=org_id,
            key=f"member:{pk}",
            member_id=pk,
            message=f"{name} 已连续 {n} 个月未交纳党费（{_until(paid_until)}）",
            severity="serious" if n >= serious else "warning",
            link=f"/dues/members/{pk}/",
        )
    # Members who cannot be judged: one finding per branch (a branch that has not fixed its members' dues yet
    # is one thing to set up, not fifty warnings), naming the first few.
    fixed = DuesFixing.objects.filter(member_id=OuterRef("pk"), status=FixingStatus.CONFIRMED)
    unfixed: dict[int, list[str]] = {}
    for name, org_id in (
        _members(ctx).filter(~Exists(fixed)).values_list("name", "org_id").order_by("org_id", "id")
    ):
        unfixed.setdefault(org_id, []).append(name)
    for org_id, names in unfixed.items():
        shown = "、".join(names[:NAMES_SHOWN]) + ("等" if len(names) > NAMES_SHOWN else "")
        yield Finding(
            org_id=org_id,
            key=f"org:{org_id}:no_base",
            message=f"{len(names)} 名党员尚未核定党费基数和每月应交金额，无法判断交纳情况（{shown}）",
            missing=True,
            link=f"/dues/branches/{org_id}/",
        )


@rule(
    code="dues.lapse",
    title="连续六个月不交纳党费（自行脱党情形）",
    source="《中国共产党章程》第九条：党员连续六个月不交纳党费，没有正当理由的，就被认为是自行脱党",
    subject="member",
    severity="serious",
    params={"months": rules.LAPSE_MONTHS},
    param_labels={"months": "连续未交月数"},
)
def dues_lapse(ctx: Context) -> Iterable[Finding]:
    months = int(ctx.params.get("months", rules.LAPSE_MONTHS))
    for pk, name, org_id, n, paid_until in _behind(ctx, months):
        yield Finding(
            org_id=org_id,
            key=f"member:{pk}:lapse",
            member_id=pk,
            message=(
                f"{name} 已连续 {n} 个月未交纳党费（{_until(paid_until)}）。"
                "如无正当理由，按党章第九条属自行脱党情形："
                "须由党支部查明情况、支部大会讨论决定并报上级党组织批准，系统不会自动除名"
            ),
            link=f"/dues/members/{pk}/",
        )
