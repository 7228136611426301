"""Warning rules of 组织关系转接, 流动党员 and 失联党员 (see ``dangjian.supervision.registry``).

Each rule is one set-based query over ``ctx.org_ids``; thresholds come from ``ctx.params`` (defaults from
DOMAIN.md and ``transfers.config``). Rules never write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse

from dangjian.members.choices import Standing
from dangjian.members.models import Member
from dangjian.orgs.rules import add_months
from dangjian.supervision.registry import Context, Finding, rule
from dangjian.transfers import config, rules, selectors
from dangjian.transfers.models import MobileRegistration, Transfer, TransferKind, TransferStatus

EXTERNAL = (TransferKind.NATIONAL, TransferKind.OUTSIDE)


def _in(field: str, ctx: Context) -> Q:
    return Q() if ctx.org_ids is None else Q(**{f"{field}__in": list(ctx.org_ids)})


def _link(transfer_id: int) -> str:
    return reverse("transfers:transfer_detail", args=[transfer_id])


def _d(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@rule(
    code="transfers.approval_pending",
    title="组织关系转接申请未及时审批",
    source="DOMAIN.md §6 转接流程（待办步骤超期预警）；审批时限为本单位规定",
    subject="member",
    severity="notice",
    params={"days": config.DEFAULT_REVIEW_DAYS},
    param_labels={"days": "每一级审批时限（天）"},
)
def approval_pending(ctx: Context) -> Iterable[Finding]:
    limit = ctx.today - dt.timedelta(days=int(ctx.params.get("days", config.DEFAULT_REVIEW_DAYS)))
    qs = Transfer.objects.filter(_in("from_org_id", ctx)).filter(
        Q(status=TransferStatus.REQUESTED, requested_on__lt=limit)
        | Q(status=TransferStatus.BRANCH_APPROVED, branch_approved_on__lt=limit)
    )
    for t in qs.select_related("member").only(
        "id", "status", "requested_on", "branch_approved_on", "from_org_id", "member__name", "member_id"
    ):
        since = t.requested_on if t.status == TransferStatus.REQUESTED else t.branch_approved_on
        step = "党支部审核" if t.status == TransferStatus.REQUESTED else "上级党委审批"
        assert since is not None and t.from_org_id is not None
        yield Finding(
            org_id=t.from_org_id,
            key=f"transfer:{t.pk}:{t.status}",
            message=f"{t.member.name} 的组织关系转接自{_d(since)}起待{step}，已超过时限",
            member_id=t.member_id,
            link=_link(t.pk),
        )


@rule(
    code="transfers.letter_validity",
    title="介绍信即将到期或已过期，党员尚未报到",
    source="DOMAIN.md §6：介绍信有效期（本单位规定，默认30天，最长90天）；接收前转出党组织仍负管理责任",
    subject="member",
    severity="warning",
    params={"days_before": config.DEFAULT_EXPIRING_DAYS},
    param_labels={"days_before": "到期前提前预警天数"},
)
def letter_validity(ctx: Context) -> Iterable[Finding]:
    soon = ctx.today + dt.timedelta(days=int(ctx.params.get("days_before", config.DEFAULT_EXPIRING_DAYS)))
    qs = Transfer.objects.filter(_in("from_org_id", ctx)).filter(
        status__in=(TransferStatus.ISSUED, TransferStatus.ACCEPTED), expires_on__lte=soon
    )
    for t in qs.select_related("member").only(
        "id", "status", "kind", "expires_on", "letter_number", "from_org_id", "member__name", "member_id"
    ):
        assert t.expires_on is not None and t.from_org_id is not None
        if t.kind in EXTERNAL and t.expires_on < ctx.today:
            continue  # past its validity the external letter waits for its 回执 (transfers.receipt_overdue)
        expired = t.expires_on < ctx.today
        state = "已于" if expired else "将于"
        what = "过期" if expired else "到期"
        yield Finding(
            org_id=t.from_org_id,
            key=f"transfer:{t.pk}:letter:{t.letter_number}",
            message=(
                f"{t.member.name} 的介绍信（第{t.letter_number}号）{state}{_d(t.expires_on)}{what}，尚未报到"
            ),
            member_id=t.member_id,
            severity="serious" if expired else "notice",
            due=t.expires_on,
            link=_link(t.pk),
        )


@rule(
    code="transfers.receipt_overdue",
    title="组织关系介绍信回执逾期未返回",
    source="DOMAIN.md §6：回执由最终接收党组织在1个月内退回转出党组织",
    subject="member",
    severity="warning",
)
def receipt_overdue(ctx: Context) -> Iterable[Finding]:
    # Reported: the receiving side owes the 回执 (within the platform, or for a member received from
    # outside); an external letter past its validity plus one month: the sender is still waiting.
    internal = Transfer.objects.filter(
        _in("to_org_id", ctx), status=TransferStatus.REPORTED, receipt_due__lt=ctx.today
    )
    for t in internal.select_related("member"):
        assert t.receipt_due is not None and t.to_org_id is not None
        yield Finding(
            org_id=t.to_org_id,
            key=f"transfer:{t.pk}:receipt",
            message=(
                f"{t.member.name} 已于{_d(t.reported_on or t.receipt_due)}报到，"
                f"回执应于{_d(t.receipt_due)}前寄回转出党组织"
            ),
            member_id=t.member_id,
            due=t.receipt_due,
            link=_link(t.pk),
        )
    latest_expiry = add_months(ctx.today, -rules.RECEIPT_MONTHS)
    external = Transfer.objects.filter(
        _in("from_org_id", ctx),
        kind__in=EXTERNAL,
        status__in=(TransferStatus.ISSUED, TransferStatus.ACCEPTED),
        expires_on__lt=latest_expiry,
    )
    for t in external.select_related("member"):
        assert t.expires_on is not None and t.from_org_id is not None
        due = rules.external_receipt_due(t.expires_on)
        if due >= ctx.today:
            continue
        yield Finding(
            org_id=t.from_org_id,
            key=f"transfer:{t.pk}:receipt",
            message=f"{t.member.name} 转往{t.to_org_name}的介绍信回执应最迟于{_d(due)}返回，至今未收到",
            member_id=t.member_id,
            due=due,
            link=_link(t.pk),
        )


@rule(
    code="transfers.lost_contact",
    title="失联党员满6个月未处置",
    source="《中国共产党党员教育管理工作条例》第二十四条；《中国共产党章程》第九条",
    subject="member",
    severity="warning",
    params={"months": rules.LOST_CONTACT_MONTHS, "removal_years": rules.LOST_CONTACT_REMOVAL_YEARS},
    param_labels={"months": "失联满几个月应停止党籍", "removal_years": "停止党籍后满几年仍失联应除名"},
)
def lost_contact(ctx: Context) -> Iterable[Finding]:
    months = int(ctx.params.get("months", rules.LOST_CONTACT_MONTHS))
    years = int(ctx.params.get("removal_years", rules.LOST_CONTACT_REMOVAL_YEARS))
    limit = add_months(ctx.today, -months)
    base = Member.objects.filter(_in("org_id", ctx), exit_kind="", lost_contact=True)
    for m in base.filter(standing=Standing.NORMAL, lost_contact_on__lte=limit).only(
        "id", "name", "org_id", "lost_contact_on"
    ):
        assert m.lost_contact_on is not None
        due = add_months(m.lost_contact_on, months)
        yield Finding(
            org_id=m.org_id,
            key=f"member:{m.pk}:lost_contact",
            message=(
                f"{m.name} 自{_d(m.lost_contact_on)}失去联系已满{months}个月，"
                "应由党支部或上级党组织研究停止党籍"
            ),
            member_id=m.pk,
            due=due,
            link=reverse("transfers:lost_contact_list"),
        )
    # 停止党籍 and still unreachable 2 years on: raise the 自行脱党 case (the platform never removes anyone).
    suspended = list(base.filter(standing=Standing.SUSPENDED).only("id", "name", "org_id"))
    dates = selectors.suspension_dates([m.pk for m in suspended])
    for m in suspended:
        since = dates.get(m.pk)
        if since is None:
            yield Finding(
                org_id=m.org_id,
                key=f"member:{m.pk}:lost_contact_removal",
                message=f"{m.name} 为失联党员且已停止党籍，但未登记停止党籍日期，无法判断是否满{years}年",
                member_id=m.pk,
                missing=True,
                link=reverse("transfers:lost_contact_list"),
            )
            continue
        due = add_months(since, 12 * years)
        if due > ctx.today:
            continue
        yield Finding(
            org_id=m.org_id,
            key=f"member:{m.pk}:lost_contact_removal",
            message=(
                f"{m.name} 自{_d(since)}停止党籍满{years}年仍失联，"
                "应按自行脱党提请支部大会讨论除名并报上级批准"
            ),
            member_id=m.pk,
            severity="serious",
            due=due,
            link=reverse("transfers:lost_contact_list"),
        )


@rule(
    code="transfers.mobile_should_transfer",
    title="流动党员外出满6个月，应转接组织关系",
    source="《中国共产党党员教育管理工作条例》第二十五条、第三十二条",
    subject="member",
    severity="notice",
    params={"months": rules.AWAY_MONTHS_TO_TRANSFER},
    param_labels={"months": "外出满几个月提示转接"},
)
def mobile_should_transfer(ctx: Context) -> Iterable[Finding]:
    months = int(ctx.params.get("months", rules.AWAY_MONTHS_TO_TRANSFER))
    limit = add_months(ctx.today, -months)
    qs = MobileRegistration.objects.filter(_in("org_id", ctx), ended_on__isnull=True, started_on__lte=limit)
    for r in qs.select_related("member"):
        yield Finding(
            org_id=r.org_id,
            key=f"mobile:{r.pk}",
            message=(
                f"{r.member.name} 自{_d(r.started_on)}外出（{r.destination}）已满{months}个月，"
                "在外地点固定的应转接组织关系"
            ),
            member_id=r.member_id,
            due=add_months(r.started_on, months),
            link=reverse("transfers:mobile_detail", args=[r.pk]),
        )
