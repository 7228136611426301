"""Writes of 党费: profiles and salary items, fixing, bills, payments, 少交/免交, campaigns,
reconciliation and
the yearly publication.

Every service checks scope itself, refuses with ``BusinessError("dues.<reason>", ...)`` before writing and
writes one audit entry ``dues.<noun>.<verb>`` in its transaction. ``Member.dues_paid_until`` is kept true by
``paid_until_refresh`` after every change of a member's bills.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone

from dangjian.access import scope
from dangjian.audit import services as audit
from dangjian.core.errors import BusinessError
from dangjian.dues import config, rules
from dangjian.dues.models import (
    BILL_KINDS,
    BillStatus,
    DuesBill,
    DuesCampaign,
    DuesCategory,
    DuesFixing,
    DuesPayment,
    DuesProfile,
    DuesPublication,
    DuesReconciliation,
    DuesReduction,
    FixingStatus,
    PayerKind,
    PaymentKind,
    PaymentStatus,
    ReductionKind,
    ReductionStatus,
    SalaryItem,
)
from dangjian.members.choices import Standing
from dangjian.members.models import Member
from dangjian.orgs.models import Org, OrgKind
from dangjian.orgs.rules import BRANCH_KINDS

MAX_AMOUNT = Decimal("9999999.99")
CAMPAIGN_KINDS = frozenset(
    {OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.TEMPORARY_COMMITTEE, OrgKind.TEMPORARY_GENERAL_BRANCH}
)


# --------------------------------------------------------------------------------------------------------
# Helpers


def _require(actor: Any, permission: str, org: Org, message: str = "无权管理该党组织的党费") -> None:
    if not scope.org_in_scope(actor, permission, org):
        raise BusinessError("dues.forbidden", message)


def _is_self(actor: Any, member: Member) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and member.user_id == actor.pk)


def _money(value: Any, *, field: str = "金额", allow_zero: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(rules.FEN)
    except (InvalidOperation, ValueError, TypeError):
        raise BusinessError("dues.bad_amount", f"{field}不是有效的金额") from None
    if amount < 0 or (amount == 0 and not allow_zero) or amount > MAX_AMOUNT:
        raise BusinessError("dues.bad_amount", f"{field}须大于 0 且不超过 {MAX_AMOUNT} 元")
    return amount


def _month(value: dt.date | None, field: str = "月份") -> dt.date:
    if value is None:
        raise BusinessError("dues.month_required", f"请选择{field}")
    if not 2000 <= value.year <= 2100:
        raise BusinessError("dues.bad_month", f"{field}超出范围")
    return rules.month_start(value)


def _active(member: Member) -> None:
    if not member.is_active:
        raise BusinessError("dues.member_exited", f"{member.name} 已出党，不再交纳党费")


# --------------------------------------------------------------------------------------------------------
# Profile, salary items and the base


@transaction.atomic
def profile_set(*, actor: Any, member: Member, category: str, items: Iterable[dict[str, Any]]) -> DuesProfile:
    """Set a member's dues category and salary items (each in or out of the base). Audit: dues.profile.update.

    The fixed monthly amount does not change by itself: it is re-fixed yearly or on a documented change."""
    _require(actor, "dues.manage", member.org)
    _active(member)
    if category not in DuesCategory.values:
        raise BusinessError("dues.bad_category", "请选择党费类别")
    clean: list[tuple[str, Decimal, bool]] = []
    for n, item in enumerate(items, 1):
        name = str(item.get("name") or "").strip()
        if not name:
            raise BusinessError("dues.item_name_required", f"第 {n} 个工资项目未填写名称")
        if len(name) > 50:
            raise BusinessError("dues.item_name_too_long", f"第 {n} 个工资项目名称过长")
        amount = _money(item.get("amount"), field=f"“{name}”的金额", allow_zero=True)
        clean.append((name, amount, bool(item.get("in_base"))))
    profile, _ = DuesProfile.objects.update_or_create(member=member, defaults={"category": category})
    SalaryItem.objects.filter(member=member).delete()
    SalaryItem.objects.bulk_create(
        [
            SalaryItem(member=member, name=name, amount=amount, in_base=in_base)
            for name, amount, in_base in clean
        ]
    )
    audit.record(
        actor=actor,
        action="dues.profile.update",
        target=profile,
        org_path=member.org.path,
        changes={"category": category, "items": len(clean)},
    )
    return profile


def base_of(member: Member) -> Decimal:
    items = [rules.Item(i.name, i.amount, i.in_base) for i in SalaryItem.objects.filter(member=member)]
    return rules.monthly_base(items)


def compute_for(member: Member) -> rules.Computation:
    """The amount the member's current category and items give (raises BusinessError without a profile)."""
    profile = DuesProfile.objects.filter(member=member).first()
    if profile is None:
        raise BusinessError("dues.no_profile", f"{member.name} 尚未登记党费类别和工资项目")
    return config.compute(profile.category, base_of(member))


# --------------------------------------------------------------------------------------------------------
# Fixing: the yearly proposal, the secretary's confirmation, re-fixing


def _propose(member: Member, *, effective_from: dt.date, reason: str) -> DuesFixing | None:
    profile = DuesProfile.objects.filter(member=member).first()
    if profile is None:
        return None
    c = config.compute(profile.category, base_of(member))
    DuesFixing.objects.filter(member=member, status=FixingStatus.PROPOSED).update(
        status=FixingStatus.DISCARDED
    )
    return DuesFixing.objects.create(
        member=member,
        year=effective_from.year,
        effective_from=effective_from,
        category=profile.category,
        base=c.base,
        amount=c.amount,
        steps=c.steps_json(),
        reason=reason,
    )


@transaction.atomic
def fixing_propose(*, actor: Any, member: Member, effective_from: dt.date, reason: str) -> DuesFixing:
    """Re-fix a member's amount from ``effective_from`` on a documented change (党费通知2017: the
    amount normally
    stays for the year; [C] re-fix on a significant documented pay change). Audit: dues.fixing.propose."""
    _require(actor, "dues.manage", member.org)
    _active(member)
    month = _month(effective_from, "起始月份")
    reason = reason.strip()
    if not reason:
        raise BusinessError("dues.reason_required", "请写明重新核定的事由（如工资调整的文件或证明）")
    if month.month != 1 and not config.refix_allowed():
        raise BusinessError("dues.refix_disabled", "本单位规定党费每年年初核定一次，年中不调整")
    current = DuesFixing.objects.filter(member=member, status=FixingStatus.CONFIRMED).first()
    if current is not None and month <= current.effective_from:
        raise BusinessError(
            "dues.bad_month", f"起始月份须晚于现行核定的起始月份（{current.effective_from:%Y年%m月}）"
        )
    fixing = _propose(member, effective_from=month, reason=reason)
    if fixing is None:
        raise BusinessError("dues.no_profile", f"{member.name} 尚未登记党费类别和工资项目")
    audit.record(
        actor=actor,
        action="dues.fixing.propose",
        target=fixing,
        org_path=member.org.path,
        changes={"effective_from": month, "amount": fixing.amount},
    )
    return fixing


@dataclass
class ProposeResult:
    proposed: int = 0
    already: int = 0
    no_profile: int = 0


def fixings_propose_year(
    *, actor: Any, year: int, org: Org | None = None, progress: Callable[[int, int], None] | None = None
) -> ProposeResult:
    """The yearly job: propose each active member's amount for ``year`` from their category and items; the
    branch confirms (党费通知2017: fixed at the start of the year). Members already fixed from January of
    ``year`` are left alone. Audit: dues.fixing.propose_year (one entry)."""
    if not 2000 <= year <= 2100:
        raise BusinessError("dues.bad_year", "年度超出范围")
    members: QuerySet[Member]
    if org is not None:
        _require(actor, "dues.manage", org)
        members = Member.objects.active().filter(org__path__startswith=org.path)
    elif actor is not None:
        members = scope.restrict(Member.objects.active(), actor, "dues.manage")
    else:
        members = Member.objects.active()
    start = dt.date(year, 1, 1)
    result = ProposeResult()
    ids = list(members.order_by("id").values_list("id", flat=True))
    fixed = set(
        DuesFixing.objects.filter(
            member_id__in=ids,
            effective_from=start,
            status__in=(FixingStatus.CONFIRMED, FixingStatus.PROPOSED),
        ).values_list("member_id", flat=True)
    )
    for n, member in enumerate(
        Member.objects.filter(id__in=ids).select_related("org").order_by("id").iterator(), 1
    ):
        if member.id in fixed:
            result.already += 1
        else:
            with transaction.atomic():
                if _propose(member, effective_from=start, reason=f"{year}年度核定") is None:
                    result.no_profile += 1
                else:
                    result.proposed += 1
        if progress is not None and (n % 200 == 0 or n == len(ids)):
            progress(n, len(ids))
    audit.record(
        actor=actor,
        action="dues.fixing.propose_year",
        target=org,
        org_path=org.path if org is not None else "",
        changes={"year": year, "proposed": result.proposed, "no_profile": result.no_profile},
    )
    return result


@transaction.atomic
def fixing_confirm(*, actor: Any, fixing: DuesFixing) -> DuesFixing:
    """The branch confirms a proposed amount; the previous confirmed fixing ends the month before.
    Unpaid bills
    from the new first month take the new amount. Audit: dues.fixing.confirm."""
    fixing = DuesFixing.objects.select_for_update().select_related("member__org").get(pk=fixing.pk)
    member = fixing.member
    _require(actor, "dues.manage", member.org)
    if fixing.status != FixingStatus.PROPOSED:
        raise BusinessError("dues.bad_status", f"该核定{fixing.get_status_display()}，不能确认")
    old = DuesFixing.objects.filter(member=member, status=FixingStatus.CONFIRMED).first()
    if old is not None:
        if fixing.effective_from <= old.effective_from:
            raise BusinessError("dues.bad_month", "起始月份须晚于现行核定的起始月份")
        old.status = FixingStatus.SUPERSEDED
        old.effective_to = rules.add_months(fixing.effective_from, -1)
        old.save(update_fields=["status", "effective_to"])
    fixing.status = FixingStatus.CONFIRMED
    fixing.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    fixing.confirmed_at = timezone.now()
    fixing.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    DuesBill.objects.filter(
        member=member, status=BillStatus.UNPAID, reduction__isnull=True, month__gte=fixing.effective_from
    ).update(amount=fixing.amount, fixing=fixing)
    audit.record(
        actor=actor,
        action="dues.fixing.confirm",
        target=fixing,
        org_path=member.org.path,
        changes={"amount": fixing.amount, "effective_from": fixing.effective_from},
    )
    return fixing


@transaction.atomic
def fixings_confirm_all(*, actor: Any, org: Org) -> int:
    """Confirm every proposed fixing of a branch at once (the secretary has checked the list)."""
    _require(actor, "dues.manage", org)
    n = 0
    for fixing in DuesFixing.objects.filter(status=FixingStatus.PROPOSED, member__org=org).order_by("id"):
        fixing_confirm(actor=actor, fixing=fixing)
        n += 1
    return n


# --------------------------------------------------------------------------------------------------------
# Monthly bills: set-based, idempotent


@dataclass
class GenerateResult:
    created: int
    existing: int
    without_fixing: int


def _bill_insert_sql(*, with_range: bool, org_path: str | None) -> str:
    """INSERT … SELECT of one month's bills: every active member in normal standing who has joined by then
    and has a fixing covering the month, without a bill for it yet. An approved 少交/免交 covering the month
    gives its amount (免交: 0, status exempt)."""
    m, f, r, b = (
        Member._meta.db_table,
        DuesFixing._meta.db_table,
        DuesReduction._meta.db_table,
        DuesBill._meta.db_table,
    )
    o = Org._meta.db_table
    where_org = f" AND m.org_id IN (SELECT id FROM {o} WHERE path LIKE %(org_path)s)" if org_path else ""  # noqa: S608
    where_range = " AND m.id >= %(lo)s AND m.id < %(hi)s" if with_range else ""
    # Table names come from the models' metadata; every value is a parameter.
    return f"""
        INSERT INTO {b} (member_id, org_id, month, amount, fixing_id, reduction_id, status, created_at)
        SELECT m.id, m.org_id, %(month)s,
               CASE WHEN r.id IS NULL THEN f.amount WHEN r.kind = 'exempt' THEN 0 ELSE r.monthly_amount END,
               f.id, r.id,
               CASE WHEN r.kind = 'exempt' THEN 'exempt' ELSE 'unpaid' END,
               %(now)s
        FROM {m} m
        JOIN {f} f ON f.member_id = m.id AND f.status IN ('confirmed', 'superseded')
             AND f.effective_from <= %(month)s AND (f.effective_to IS NULL OR f.effective_to >= %(month)s)
        LEFT JOIN {r} r ON r.member_id = m.id AND r.status = 'approved'
             AND r.months_from <= %(month)s AND r.months_to >= %(month)s
        WHERE m.exit_kind = '' AND m.standing = %(standing)s AND m.joined_on <= %(month_end)s
              {where_org}{where_range}
          AND NOT EXISTS (SELECT 1 FROM {b} x WHERE x.member_id = m.id AND x.month = %(month)s)
    """  # noqa: S608


def _month_end(month: dt.date) -> dt.date:
    return rules.add_months(month, 1) - dt.timedelta(days=1)


def bills_generate(
    *,
    actor: Any,
    month: dt.date,
    org: Org | None = None,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = 20000,
) -> GenerateResult:
    """Generate ``month``'s bills for every member (of ``org``'s subtree) with one INSERT … SELECT
    per chunk of
    member ids; idempotent (a second run creates nothing). Audit: dues.bill.generate (one entry).

    Members without a confirmed fixing get no bill and are counted (the warning rule reports them)."""
    month = _month(month)
    if org is not None:
        _require(actor, "dues.manage", org)
    elif actor is not None and not scope.scope_for(actor, "dues.manage").everywhere:
        raise BusinessError("dues.forbidden", "请选择要生成账单的党组织")
    members = Member.objects.active().filter(standing=Standing.NORMAL, joined_on__lte=_month_end(month))
    if org is not None:
        members = members.filter(org__path__startswith=org.path)
    bounds = members.aggregate(lo=Min("id"), hi=Max("id"))
    total = members.count()
    existing = DuesBill.objects.filter(month=month, member__in=members).count()
    params: dict[str, Any] = {
        "month": month,
        "month_end": _month_end(month),
        "now": timezone.now(),
        "standing": Standing.NORMAL,
        "org_path": (org.path + "%") if org is not None else None,
    }
    created = 0
    if bounds["lo"] is not None:
        sql = _bill_insert_sql(with_range=True, org_path=params["org_path"])
        lo, hi = bounds["lo"], bounds["hi"] + 1
        with transaction.atomic(), connection.cursor() as cursor:
            for start in range(lo, hi, chunk):
                cursor.execute(sql, {**params, "lo": start, "hi": min(start + chunk, hi)})
                created += max(cursor.rowcount, 0)
                if progress is not None:
                    progress(min(start + chunk, hi) - lo, hi - lo)
            audit.record(
                actor=actor,
                action="dues.bill.generate",
                target=org,
                org_path=org.path if org is not None else "",
                changes={"month": month, "created": created},
            )
    without = max(total - existing - created, 0)
    return GenerateResult(created=created, existing=existing, without_fixing=without)


# --------------------------------------------------------------------------------------------------------
# dues_paid_until


def paid_until_refresh(member: Member) -> dt.date | None:
    """Keep ``Member.dues_paid_until`` (the first day of the month paid up to) true after a change of the
    member's bills: the month before the earliest unsettled bill, else the latest settled bill; unchanged when
    the member has no bills. Called inside the service's transaction."""
    bills = DuesBill.objects.filter(member=member)
    earliest_unpaid = bills.filter(status=BillStatus.UNPAID).aggregate(m=Min("month"))["m"]
    if earliest_unpaid is not None:
        value: dt.date | None = rules.add_months(earliest_unpaid, -1)
        earlier_settled = bills.filter(month__lt=earliest_unpaid).exclude(status=BillStatus.UNPAID).exists()
        if not earlier_settled and member.dues_paid_until is not None:
            value = min(member.dues_paid_until, value) if value else member.dues_paid_until
    else:
        value = bills.aggregate(m=Max("month"))["m"]
        if value is None:
            return member.dues_paid_until
    if value != member.dues_paid_until:
        Member.objects.filter(pk=member.pk).update(dues_paid_until=value)
        member.dues_paid_until = value
    return value


# --------------------------------------------------------------------------------------------------------
# Payments


def _fixing_for(member: Member, month: dt.date) -> DuesFixing | None:
    return (
        DuesFixing.objects.filter(
            member=member,
            status__in=(FixingStatus.CONFIRMED, FixingStatus.SUPERSEDED),
            effective_from__lte=month,
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=month))
        .first()
    )


def _bills_for_months(member: Member, months: list[dt.date]) -> list[DuesBill]:
    """The bills of ``months``, creating those not generated yet (预交, the rest of a quarter) from
    the fixing."""
    existing = {b.month: b for b in DuesBill.objects.filter(member=member, month__in=months)}
    out: list[DuesBill] = []
    for month in months:
        bill = existing.get(month)
        if bill is None:
            fixing = _fixing_for(member, month)
            if fixing is None:
                raise BusinessError(
                    "dues.no_fixing", f"{member.name} {month:%Y年%m月} 的党费尚未核定，不能交纳"
                )
            reduction = DuesReduction.objects.filter(
                member=member, status=ReductionStatus.APPROVED, months_from__lte=month, months_to__gte=month
            ).first()
            amount = fixing.amount
            status = BillStatus.UNPAID
            if reduction is not None:
                amount = Decimal("0") if reduction.kind == ReductionKind.EXEMPT else reduction.monthly_amount
                status = BillStatus.EXEMPT if reduction.kind == ReductionKind.EXEMPT else BillStatus.UNPAID
            bill = DuesBill.objects.create(
                member=member,
                org=member.org,
                month=month,
                amount=amount,
                fixing=fixing,
                reduction=reduction,
                status=status,
                created_at=timezone.now(),
            )
        out.append(bill)
    return out


def _open_payment_for(member: Member, months: list[dt.date]) -> DuesPayment | None:
    return (
        DuesPayment.objects.filter(
            member=member,
            kind__in=BILL_KINDS,
            status__in=(PaymentStatus.AWAITING_APPROVAL, PaymentStatus.PENDING),
            months_from__lte=months[-1],
            months_to__gte=months[0],
        )
        .order_by("id")
        .first()
    )


@transaction.atomic
def payment_create(
    *,
    actor: Any,
    member: Member,
    kind: str,
    months_from: dt.date | None = None,
    months_to: dt.date | None = None,
    amount: Any = None,
    payer_kind: str = PayerKind.SELF,
    payer_name: str = "",
    campaign: DuesCampaign | None = None,
    provider: str = "offline",
    note: str = "",
    today: dt.date | None = None,
) -> DuesPayment:
    """Start a payment by the member (own dues) or record one as the treasurer (``dues.manage``).

    Bill kinds (monthly, quarterly, 补交, 预交) pay the months ``months_from``–``months_to`` at their billed
    amounts; 补交 reaches back at most 6 months (党费规定); quarterly and 预交 need the branch's agreement
    (given
    at once when the treasurer records it). Voluntary amounts are free; above 1000 元 one-off they are
    大额党费, flagged for remittance in full upward. Campaign payments go to an open campaign of a higher
    organisation. The organisation must not pay for members (垫交): the payer is the member, a relative or
    another member. Audit: dues.payment.create.
    """
    from dangjian.dues import providers

    today = today or timezone.localdate()
    treasurer = scope.org_in_scope(actor, "dues.manage", member.org)
    if not treasurer and not _is_self(actor, member):
        raise BusinessError("dues.forbidden", "只能交纳本人的党费")
    _active(member)
    if member.standing != Standing.NORMAL:
        raise BusinessError("dues.suspended", f"{member.name} 已停止党籍，不能交纳党费")
    if kind not in PaymentKind.values:
        raise BusinessError("dues.bad_kind", "请选择交纳方式")
    if payer_kind not in PayerKind.values:
        raise BusinessError("dues.bad_payer", "请选择交纳人")
    payer_name = payer_name.strip()
    if payer_kind != PayerKind.SELF and not payer_name:
        raise BusinessError("dues.payer_name_required", "代交时请填写代交人姓名")
    provider_obj = providers.get(provider)
    current = rules.month_start(today)
    payment = DuesPayment(
        member=member,
        org=member.org,
        kind=kind,
        payer_kind=payer_kind,
        payer_name=payer_name if payer_kind != PayerKind.SELF else "",
        provider=provider_obj.code,
        note=note.strip()[:300],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    bills: list[DuesBill] = []
    if kind in BILL_KINDS:
        first = _month(months_from, "起始月份")
        last = _month(months_to or months_from, "截止月份")
        if last < first:
            raise BusinessError("dues.bad_months", "截止月份不能早于起始月份")
        months = rules.month_range(first, last)
        if len(months) > 12:
            raise BusinessError("dues.too_many_months", "一次最多交纳 12 个月")
        if member.joined_on and first < rules.first_billable_month(member.joined_on):
            raise BusinessError(
                "dues.before_joining", "预备党员自支部大会通过之月起交纳党费，此前的月份无须交纳"
            )
        if kind == PaymentKind.MONTHLY and (len(months) != 1 or first > current):
            raise BusinessError("dues.bad_months", "按月交纳只能交纳一个已到期的月份")
        if kind == PaymentKind.QUARTERLY and months != rules.quarter_months(first):
            raise BusinessError("dues.bad_months", "按季交纳须交纳一个完整季度（如1—3月）")
        if kind == PaymentKind.ARREARS and last >= current:
            raise BusinessError("dues.bad_months", "补交只用于本月以前欠交的月份")
        if kind == PaymentKind.ADVANCE and first <= current:
            raise BusinessError("dues.bad_months", "预交只用于以后的月份")
        if kind in (
            PaymentKind.ARREARS,
            PaymentKind.MONTHLY,
            PaymentKind.QUARTERLY,
        ) and not rules.arrears_allowed(first, today):
            raise BusinessError(
                "dues.arrears_too_old",
                f"补交一般不超过 {rules.ARREARS_MAX_MONTHS} 个月；更早的欠交须由党支部研究处理",
            )
        if _open_payment_for(member, months) is not None:
            raise BusinessError("dues.already_pending", "所选月份已有待处理的交纳记录")
        bills = _bills_for_months(member, months)
        settled = [b for b in bills if b.status != BillStatus.UNPAID]
        if settled:
            raise BusinessError(
                "dues.already_paid",
                f"{settled[0].month:%Y年%m月} 已{settled[0].get_status_display()}，无须再交",
            )
        payment.months_from, payment.months_to = first, last
        payment.amount = sum((b.amount for b in bills), Decimal("0"))
        if payment.amount <= 0:
            raise BusinessError("dues.bad_amount", "所选月份无须交纳")
    else:
        payment.amount = _money(amount)
        if kind == PaymentKind.CAMPAIGN:
            if campaign is None:
                raise BusinessError("dues.campaign_required", "请选择专项收缴")
            if not (campaign.starts_on <= today <= campaign.ends_on):
                raise BusinessError("dues.campaign_closed", "该专项收缴不在收缴期内")
            if not member.org.path.startswith(campaign.org.path):
                raise BusinessError("dues.campaign_other_org", "该专项收缴不面向您所在的党组织")
            payment.campaign = campaign
        elif rules.is_large_voluntary(payment.amount):
            payment.kind = PaymentKind.LARGE_VOLUNTARY
        if payment.kind == PaymentKind.LARGE_VOLUNTARY:
            if not rules.is_large_voluntary(payment.amount):
                raise BusinessError("dues.not_large", "大额党费是一次性自愿交纳 1000 元以上的党费")
            payment.remit_upward = True
    if rules.payment_needs_branch_approval(payment.kind) and not treasurer:
        payment.status = PaymentStatus.AWAITING_APPROVAL
    else:
        payment.status = PaymentStatus.PENDING
        if rules.payment_needs_branch_approval(payment.kind):
            payment.approved_by, payment.approved_at = actor, timezone.now()
    payment.save()
    audit.record(
        actor=actor,
        action="dues.payment.create",
        target=payment,
        org_path=member.org.path,
        changes={"kind": payment.kind, "amount": payment.amount, "payer_kind": payer_kind},
    )
    return payment


@transaction.atomic
def payment_approve(*, actor: Any, payment: DuesPayment) -> DuesPayment:
    """The branch agrees to a quarterly or 预交 payment. Audit: dues.payment.approve."""
    payment = DuesPayment.objects.select_for_update().get(pk=payment.pk)
    _require(actor, "dues.manage", payment.org)
    if payment.status != PaymentStatus.AWAITING_APPROVAL:
        raise BusinessError("dues.bad_status", f"该记录{payment.get_status_display()}，无须同意")
    payment.status = PaymentStatus.PENDING
    payment.approved_by, payment.approved_at = actor, timezone.now()
    payment.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record(actor=actor, action="dues.payment.approve", target=payment, org_path=payment.org.path)
    return payment


@transaction.atomic
def payment_reject(*, actor: Any, payment: DuesPayment, reason: str) -> DuesPayment:
    """Return a payment not agreed or not received (the money, if any, is handed back offline).
    Audit: dues.payment.reject."""
    payment = DuesPayment.objects.select_for_update().get(pk=payment.pk)
    _require(actor, "dues.manage", payment.org)
    if payment.status not in (PaymentStatus.AWAITING_APPROVAL, PaymentStatus.PENDING):
        raise BusinessError("dues.bad_status", f"该记录{payment.get_status_display()}，不能退回")
    reason = reason.strip()
    if not reason:
        raise BusinessError("dues.reason_required", "请填写退回原因")
    payment.status = PaymentStatus.REJECTED
    payment.rejected_reason = reason[:300]
    payment.save(update_fields=["status", "rejected_reason"])
    audit.record(actor=actor, action="dues.payment.reject", target=payment, org_path=payment.org.path)
    return payment


def _receipt_no(payment: DuesPayment, when: dt.datetime) -> str:
    return f"DF{when:%Y%m}{payment.org_id:04d}{payment.pk:07d}"


def payment_settle(*, payment: DuesPayment, actor: Any, reference: str = "") -> DuesPayment:
    """Mark a pending payment received (called by a provider inside a transaction): its bills become paid,
    the receipt gets its number, ``dues_paid_until`` moves. Audit: dues.payment.confirm."""
    payment = DuesPayment.objects.select_for_update().select_related("member", "org").get(pk=payment.pk)
    if payment.status != PaymentStatus.PENDING:
        raise BusinessError("dues.bad_status", f"该记录{payment.get_status_display()}，不能确认到账")
    now = timezone.now()
    if payment.kind in BILL_KINDS:
        assert payment.months_from is not None and payment.months_to is not None
        months = rules.month_range(payment.months_from, payment.months_to)
        bills = _bills_for_months(payment.member, months)
        if any(b.status != BillStatus.UNPAID for b in bills):
            raise BusinessError("dues.already_paid", "所选月份已有交纳记录，请退回本笔")
        DuesBill.objects.filter(pk__in=[b.pk for b in bills]).update(status=BillStatus.PAID, payment=payment)
    payment.status = PaymentStatus.CONFIRMED
    payment.provider_ref = reference.strip()[:100] or payment.provider_ref
    payment.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    payment.confirmed_at = now
    payment.receipt_no = _receipt_no(payment, now)
    payment.save(update_fields=["status", "provider_ref", "confirmed_by", "confirmed_at", "receipt_no"])
    paid_until_refresh(payment.member)
    audit.record(
        actor=actor,
        action="dues.payment.confirm",
        target=payment,
        org_path=payment.org.path,
        changes={"amount": payment.amount, "receipt_no": payment.receipt_no},
    )
    return payment


@transaction.atomic
def payment_confirm(*, actor: Any, payment: DuesPayment, reference: str = "") -> DuesPayment:
    """The treasurer confirms the transfer or cash of a payment through its provider (offline)."""
    from dangjian.dues import providers

    _require(actor, "dues.manage", payment.org)
    settled: DuesPayment = providers.get(payment.provider).confirm(
        payment=payment, actor=actor, reference=reference
    )
    return settled


# --------------------------------------------------------------------------------------------------------
# 少交/免交


@transaction.atomic
def reduction_create(
    *,
    actor: Any,
    member: Member,
    kind: str,
    months_from: dt.date,
    months_to: dt.date,
    reason: str,
    studied_on: dt.date,
    study_note: str,
    monthly_amount: Any = 0,
    retiree_hardship: bool = False,
) -> DuesReduction:
    """Record the branch's study of a 少交/免交 request. For a retiree in hardship the branch's
    decision is final
    (approved at once); otherwise it waits for the 上一级党委 (党费规定). Audit: dues.reduction.create."""
    _require(actor, "dues.manage", member.org)
    _active(member)
    if kind not in ReductionKind.values:
        raise BusinessError("dues.bad_kind", "请选择少交或免交")
    first, last = _month(months_from, "起始月份"), _month(months_to, "截止月份")
    if last < first:
        raise BusinessError("dues.bad_months", "截止月份不能早于起始月份")
    if rules.months_between(first, last) >= 12:
        raise BusinessError("dues.too_many_months", "少交免交每次最长批准 12 个月，期满可重新申请")
    if not reason.strip() or not study_note.strip():
        raise BusinessError("dues.reason_required", "请填写困难情况和支部研究意见")
    if studied_on is None or studied_on > timezone.localdate():
        raise BusinessError("dues.bad_date", "支部研究日期不能晚于今天")
    amount = Decimal("0")
    if kind == ReductionKind.REDUCE:
        amount = _money(monthly_amount, field="每月交纳金额")
        fixing = DuesFixing.objects.filter(member=member, status=FixingStatus.CONFIRMED).first()
        if fixing is not None and amount >= fixing.amount:
            raise BusinessError("dues.not_reduced", f"少交后的金额须低于核定的 {fixing.amount} 元")
    if retiree_hardship:
        profile = DuesProfile.objects.filter(member=member).first()
        if profile is None or profile.category != DuesCategory.RETIRED:
            raise BusinessError("dues.not_retired", "只有离退休党员的困难情况由党支部直接决定")
    overlapping = DuesReduction.objects.filter(
        member=member,
        status__in=(ReductionStatus.STUDIED, ReductionStatus.APPROVED),
        months_from__lte=last,
        months_to__gte=first,
    )
    if overlapping.exists():
        raise BusinessError("dues.overlap", "该期间已有少交免交申请")
    branch_decides = rules.reduction_decided_by_branch(retired=retiree_hardship, hardship=retiree_hardship)
    reduction = DuesReduction.objects.create(
        member=member,
        org=member.org,
        kind=kind,
        monthly_amount=amount,
        months_from=first,
        months_to=last,
        reason=reason.strip(),
        retiree_hardship=retiree_hardship,
        studied_on=studied_on,
        study_note=study_note.strip()[:500],
        status=ReductionStatus.APPROVED if branch_decides else ReductionStatus.STUDIED,
        created_by=actor,
        decided_by=actor if branch_decides else None,
        decided_at=timezone.now() if branch_decides else None,
        decision_note="离退休党员生活困难，由党支部研究决定" if branch_decides else "",
    )
    if branch_decides:
        _apply_reduction(reduction)
    audit.record(
        actor=actor,
        action="dues.reduction.create",
        target=reduction,
        org_path=member.org.path,
        changes={"kind": kind, "status": reduction.status},
    )
    return reduction


def _apply_reduction(reduction: DuesReduction) -> None:
    bills = DuesBill.objects.filter(
        member=reduction.member,
        status=BillStatus.UNPAID,
        month__gte=reduction.months_from,
        month__lte=reduction.months_to,
    )
    if reduction.kind == ReductionKind.EXEMPT:
        bills.update(status=BillStatus.EXEMPT, amount=0, reduction=reduction)
    else:
        bills.update(amount=reduction.monthly_amount, reduction=reduction)
    paid_until_refresh(reduction.member)


@transaction.atomic
def reduction_decide(*, actor: Any, reduction: DuesReduction, approve: bool, note: str = "") -> DuesReduction:
    """The 上一级党委 approves or refuses a 少交/免交 the branch studied (``dues.approve`` on the branch's
    parent).
    Approval applies to the unpaid bills of the period. Audit: dues.reduction.approve /
    dues.reduction.reject."""
    reduction = DuesReduction.objects.select_for_update().select_related("org", "member").get(pk=reduction.pk)
    parent = Org.objects.filter(path=reduction.org.path[: -Org.steplen]).first()
    if parent is None or not scope.org_in_scope(actor, "dues.approve", parent):
        raise BusinessError("dues.forbidden", "少交免交由上一级党委审批")
    if reduction.status != ReductionStatus.STUDIED:
        raise BusinessError("dues.bad_status", f"该申请{reduction.get_status_display()}")
    note = note.strip()
    if not approve and not note:
        raise BusinessError("dues.reason_required", "不批准时请写明意见")
    reduction.status = ReductionStatus.APPROVED if approve else ReductionStatus.REJECTED
    reduction.decided_by, reduction.decided_at, reduction.decision_note = actor, timezone.now(), note[:500]
    reduction.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve:
        _apply_reduction(reduction)
    audit.record(
        actor=actor,
        action="dues.reduction.approve" if approve else "dues.reduction.reject",
        target=reduction,
        org_path=reduction.org.path,
    )
    return reduction


# --------------------------------------------------------------------------------------------------------
# Campaigns, reconciliation, publication


@transaction.atomic
def campaign_create(
    *, actor: Any, org: Org, title: str, purpose: str, starts_on: dt.date, ends_on: dt.date
) -> DuesCampaign:
    """A campaign collection, created only by a higher organisation (a 党委 or 党总支), never by a branch;
    members give voluntarily ("特殊党费" must not be demanded). Audit: dues.campaign.create."""
    _require(actor, "dues.manage", org)
    if org.kind not in CAMPAIGN_KINDS:
        raise BusinessError("dues.campaign_by_branch", "专项收缴只能由上级党委（党总支）发起，党支部不能发起")
    if not title.strip() or not purpose.strip():
        raise BusinessError("dues.title_required", "请填写名称和用途说明")
    if starts_on is None or ends_on is None or ends_on < starts_on:
        raise BusinessError("dues.bad_dates", "截止日期不能早于开始日期")
    campaign = DuesCampaign.objects.create(
        org=org,
        title=title.strip()[:100],
        purpose=purpose.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    audit.record(actor=actor, action="dues.campaign.create", target=campaign, org_path=org.path)
    return campaign


@dataclass(frozen=True)
class MonthFigures:
    billed_count: int
    billed_amount: Decimal
    paid_count: int
    paid_amount: Decimal
    exempt_count: int
    unpaid_count: int
    unpaid_amount: Decimal
    collected_amount: Decimal
    voluntary_amount: Decimal
    remit_amount: Decimal


def month_figures(org: Org, month: dt.date) -> MonthFigures:
    """A branch's month: bills by status, and what arrived in the month by kind (对账)."""
    from django.db.models import Count, Sum

    rows: dict[str, dict[str, Any]] = {
        r["status"]: dict(r)
        for r in DuesBill.objects.filter(org=org, month=month)
        .values("status")
        .annotate(n=Count("id"), s=Sum("amount"))
    }
    zero = Decimal("0.00")

    def n(status: str) -> int:
        return int(rows.get(status, {}).get("n") or 0)

    def s(status: str) -> Decimal:
        return Decimal(rows.get(status, {}).get("s") or zero)

    arrived = DuesPayment.objects.filter(
        org=org,
        status=PaymentStatus.CONFIRMED,
        confirmed_at__date__gte=month,
        confirmed_at__date__lte=_month_end(month),
    )
    by_kind = {r["kind"]: Decimal(r["s"] or 0) for r in arrived.values("kind").annotate(s=Sum("amount"))}
    return MonthFigures(
        billed_count=sum(n(x) for x in BillStatus.values),
        billed_amount=sum((s(x) for x in BillStatus.values), zero),
        paid_count=n(BillStatus.PAID),
        paid_amount=s(BillStatus.PAID),
        exempt_count=n(BillStatus.EXEMPT),
        unpaid_count=n(BillStatus.UNPAID),
        unpaid_amount=s(BillStatus.UNPAID),
        collected_amount=sum(by_kind.values(), zero),
        voluntary_amount=by_kind.get(PaymentKind.VOLUNTARY, zero),
        remit_amount=by_kind.get(PaymentKind.LARGE_VOLUNTARY, zero),
    )


@transaction.atomic
def reconciliation_close(
    *, actor: Any, org: Org, month: dt.date, note: str = "", today: dt.date | None = None
) -> DuesReconciliation:
    """The treasurer closes a branch's month: the figures are frozen as they stand. Payments still waiting
    for confirmation must be confirmed or returned first. Audit: dues.reconciliation.close."""
    _require(actor, "dues.manage", org)
    if org.kind not in BRANCH_KINDS:
        raise BusinessError("dues.not_a_branch", "对账按党支部进行")
    month = _month(month)
    today = today or timezone.localdate()
    if month > rules.month_start(today):
        raise BusinessError("dues.bad_month", "不能对以后的月份对账")
    if DuesReconciliation.objects.filter(org=org, month=month).exists():
        raise BusinessError("dues.already_closed", f"{month:%Y年%m月} 已对账")
    if DuesPayment.objects.filter(
        org=org,
        status__in=(PaymentStatus.PENDING, PaymentStatus.AWAITING_APPROVAL),
        created_at__date__lte=_month_end(month),
    ).exists():
        raise BusinessError("dues.pending_payments", "还有待确认的交纳记录，请先确认到账或退回")
    f = month_figures(org, month)
    record = DuesReconciliation.objects.create(
        org=org,
        month=month,
        billed_count=f.billed_count,
        billed_amount=f.billed_amount,
        paid_count=f.paid_count,
        paid_amount=f.paid_amount,
        exempt_count=f.exempt_count,
        collected_amount=f.collected_amount,
        voluntary_amount=f.voluntary_amount,
        remit_amount=f.remit_amount,
        note=note.strip()[:500],
        closed_by=actor,
    )
    audit.record(
        actor=actor,
        action="dues.reconciliation.close",
        target=record,
        org_path=org.path,
        changes={"month": month, "collected": f.collected_amount},
    )
    return record


def year_collected(org: Org, year: int) -> tuple[Decimal, Decimal]:
    """Confirmed payments of the subtree in ``year``: (all, remitted upward in full)."""
    from django.db.models import Sum

    qs = DuesPayment.objects.filter(
        org__path__startswith=org.path, status=PaymentStatus.CONFIRMED, confirmed_at__year=year
    )
    total = qs.aggregate(s=Sum("amount"))["s"] or Decimal("0")
    remit = qs.filter(remit_upward=True).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    return Decimal(total).quantize(rules.FEN), Decimal(remit).quantize(rules.FEN)


@transaction.atomic
def publication_create(*, actor: Any, org: Org, year: int, used: Any, usage: str) -> DuesPublication:
    """Publish a year's collection and use to the members of ``org``'s subtree (党费规定: once a year). The
    collected and remitted sums are the confirmed payments. Audit: dues.publication.create."""
    _require(actor, "dues.manage", org)
    if not 2000 <= year <= timezone.localdate().year:
        raise BusinessError("dues.bad_year", "只能公布本年度或以前年度的情况")
    if DuesPublication.objects.filter(org=org, year=year).exists():
        raise BusinessError("dues.already_published", f"{year}年度已公布")
    if not usage.strip():
        raise BusinessError("dues.usage_required", "请填写党费使用情况说明")
    collected, remitted = year_collected(org, year)
    publication = DuesPublication.objects.create(
        org=org,
        year=year,
        collected=collected,
        remitted=remitted,
        used=_money(used, field="使用合计", allow_zero=True),
        usage=usage.strip(),
        published_by=actor,
    )
    audit.record(actor=actor, action="dues.publication.create", target=publication, org_path=org.path)
    return publication
