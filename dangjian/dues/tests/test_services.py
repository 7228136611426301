"""党费 services: fixing, bills, payments, dues_paid_until, 少交免交, campaigns, reconciliation and the
publication."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_member
from dangjian.audit.models import AuditEntry
from dangjian.core.errors import BusinessError
from dangjian.dues import rules, services
from dangjian.dues.models import (
    BillStatus,
    DuesBill,
    DuesFixing,
    FixingStatus,
    PaymentStatus,
    ReductionStatus,
)
from dangjian.members.models import Member

TODAY = timezone.localdate()
THIS = TODAY.replace(day=1)


def months_ago(n: int) -> dt.date:
    return rules.add_months(THIS, -n)


def fix(w: SimpleNamespace, member: Member, pay: str = "6000", category: str = "in_service") -> DuesFixing:
    actor = w.secretary_a if member.org == w.branch_a else w.officer
    services.profile_set(
        actor=actor,
        member=member,
        category=category,
        items=[
            {"name": "岗位工资", "amount": pay, "in_base": True},
            {"name": "住房公积金", "amount": "800", "in_base": False},
        ],
    )
    fixing = services.fixing_propose(
        actor=actor, member=member, effective_from=months_ago(12), reason="年度核定"
    )
    return services.fixing_confirm(actor=actor, fixing=fixing)


@pytest.fixture
def fixed(world: SimpleNamespace) -> SimpleNamespace:
    fix(world, world.member)
    return world


def test_profile_and_fixing_give_the_amount_from_the_items_in_the_base(fixed: SimpleNamespace) -> None:
    fixing = DuesFixing.objects.get(member=fixed.member, status=FixingStatus.CONFIRMED)
    assert fixing.base == D("6000.00")
    assert fixing.amount == D("90.00")  # 6000 × 1.5%
    assert fixing.steps[-1] == {"label": "每月应交", "value": "90.00 元"}
    assert AuditEntry.objects.filter(action="dues.fixing.confirm", target_id=str(fixing.pk)).exists()


def test_refixing_needs_a_documented_reason_and_supersedes_the_old_amount(
    fixed: SimpleNamespace, snapshot: Any
) -> None:
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.fixing_propose(actor=fixed.secretary_a, member=fixed.member, effective_from=THIS, reason=" ")
    assert exc.value.code == "dues.reason_required"
    assert snapshot() == before
    services.profile_set(
        actor=fixed.secretary_a,
        member=fixed.member,
        category="in_service",
        items=[{"name": "岗位工资", "amount": "12000", "in_base": True}],
    )
    new = services.fixing_propose(
        actor=fixed.secretary_a, member=fixed.member, effective_from=THIS, reason="调资文件〔2026〕8号"
    )
    services.fixing_confirm(actor=fixed.secretary_a, fixing=new)
    old = DuesFixing.objects.get(member=fixed.member, status=FixingStatus.SUPERSEDED)
    assert old.effective_to == months_ago(1)
    assert DuesFixing.objects.get(member=fixed.member, status=FixingStatus.CONFIRMED).amount == D("240.00")


def test_the_yearly_proposal_waits_for_the_secretary(world: SimpleNamespace) -> None:
    services.profile_set(
        actor=world.secretary_a,
        member=world.member,
        category="retired",
        items=[{"name": "基本退休费", "amount": "5000", "in_base": True}],
    )
    result = services.fixings_propose_year(actor=world.secretary_a, year=TODAY.year + 1, org=world.branch_a)
    assert (result.proposed, result.no_profile) == (1, 2)  # 李四 and 王五 have no profile
    proposed = DuesFixing.objects.get(member=world.member)
    assert proposed.status == FixingStatus.PROPOSED and proposed.amount == D("25.00")
    again = services.fixings_propose_year(actor=world.secretary_a, year=TODAY.year + 1, org=world.branch_a)
    assert again.proposed == 0 and again.already == 1
    assert services.fixings_confirm_all(actor=world.secretary_a, org=world.branch_a) == 1


def test_bills_are_generated_once_per_member_and_month(fixed: SimpleNamespace) -> None:
    fix(fixed, fixed.member_b)
    first = services.bills_generate(actor=fixed.officer, month=THIS, org=fixed.committee)
    assert first.created == 2
    assert first.without_fixing == 2  # 李四 and 王五 have no amount fixed
    again = services.bills_generate(actor=fixed.officer, month=THIS, org=fixed.committee)
    assert again.created == 0 and again.existing == 2
    bill = DuesBill.objects.get(member=fixed.member, month=THIS)
    assert bill.amount == D("90.00") and bill.status == BillStatus.UNPAID and bill.org == fixed.branch_a


def test_bills_skip_exited_suspended_and_not_yet_joined_members(fixed: SimpleNamespace) -> None:
    late = make_member(fixed.branch_a, "新同志", full_on=None)
    fix(fixed, late)
    Member.objects.filter(pk=late.pk).update(joined_on=rules.add_months(THIS, 1))
    Member.objects.filter(pk=fixed.member.pk).update(standing="suspended")
    assert services.bills_generate(actor=fixed.secretary_a, month=THIS, org=fixed.branch_a).created == 0


def test_a_secretary_cannot_generate_for_another_branch(fixed: SimpleNamespace, snapshot: Any) -> None:
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.bills_generate(actor=fixed.secretary_b, month=THIS, org=fixed.branch_a)
    assert exc.value.code == "dues.forbidden"
    assert snapshot() == before


def test_a_member_pays_online_and_the_treasurer_confirms(fixed: SimpleNamespace) -> None:
    services.bills_generate(actor=fixed.secretary_a, month=months_ago(1), org=fixed.branch_a)
    services.bills_generate(actor=fixed.secretary_a, month=THIS, org=fixed.branch_a)
    Member.objects.filter(pk=fixed.member.pk).update(dues_paid_until=months_ago(2))
    payment = services.payment_create(
        actor=fixed.member_user,
        member=fixed.member,
        kind="arrears",
        months_from=months_ago(1),
        months_to=months_ago(1),
    )
    assert payment.status == PaymentStatus.PENDING and payment.amount == D("90.00")
    services.payment_confirm(actor=fixed.secretary_a, payment=payment, reference="银行流水 001")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED and payment.receipt_no
    assert DuesBill.objects.get(member=fixed.member, month=months_ago(1)).status == BillStatus.PAID
    fixed.member.refresh_from_db()
    assert fixed.member.dues_paid_until == months_ago(1)
    monthly = services.payment_create(
        actor=fixed.member_user, member=fixed.member, kind="monthly", months_from=THIS, months_to=THIS
    )
    services.payment_confirm(actor=fixed.secretary_a, payment=monthly)
    fixed.member.refresh_from_db()
    assert fixed.member.dues_paid_until == THIS
    assert AuditEntry.objects.filter(action="dues.payment.confirm").count() == 2


def test_paying_a_month_twice_is_refused(fixed: SimpleNamespace, snapshot: Any) -> None:
    services.bills_generate(actor=fixed.secretary_a, month=THIS, org=fixed.branch_a)
    services.payment_create(actor=fixed.member_user, member=fixed.member, kind="monthly", months_from=THIS)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.payment_create(
            actor=fixed.member_user, member=fixed.member, kind="monthly", months_from=THIS
        )
    assert exc.value.code == "dues.already_pending"
    assert snapshot() == before


def test_arrears_older_than_six_months_are_refused(fixed: SimpleNamespace, snapshot: Any) -> None:
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.payment_create(
            actor=fixed.member_user,
            member=fixed.member,
            kind="arrears",
            months_from=months_ago(7),
            months_to=months_ago(6),
        )
    assert exc.value.code == "dues.arrears_too_old"
    assert snapshot() == before
    ok = services.payment_create(
        actor=fixed.member_user,
        member=fixed.member,
        kind="arrears",
        months_from=months_ago(6),
        months_to=months_ago(5),
    )
    assert ok.amount == D("180.00")  # bills created from the fixing on the way


def test_quarterly_and_advance_need_the_branch_and_advance_creates_future_bills(
    fixed: SimpleNamespace,
) -> None:
    quarter = rules.quarter_months(rules.add_months(THIS, 3))
    q = services.payment_create(
        actor=fixed.member_user,
        member=fixed.member,
        kind="quarterly",
        months_from=quarter[0],
        months_to=quarter[-1],
    )
    assert q.status == PaymentStatus.AWAITING_APPROVAL
    with pytest.raises(BusinessError):
        services.payment_confirm(actor=fixed.secretary_a, payment=q)
    services.payment_approve(actor=fixed.secretary_a, payment=q)
    services.payment_confirm(actor=fixed.secretary_a, payment=q)
    assert (
        DuesBill.objects.filter(member=fixed.member, month__in=quarter, status=BillStatus.PAID).count() == 3
    )
    # 预交 recorded by the treasurer carries the branch's agreement at once.
    nxt = rules.add_months(quarter[-1], 1)
    a = services.payment_create(actor=fixed.secretary_a, member=fixed.member, kind="advance", months_from=nxt)
    assert a.status == PaymentStatus.PENDING and a.approved_by == fixed.secretary_a
    with pytest.raises(BusinessError) as exc:
        services.payment_create(
            actor=fixed.member_user, member=fixed.member, kind="quarterly", months_from=THIS
        )
    assert exc.value.code == "dues.bad_months"


def test_voluntary_above_one_thousand_is_large_and_remitted_upward(fixed: SimpleNamespace) -> None:
    small = services.payment_create(
        actor=fixed.member_user, member=fixed.member, kind="voluntary", amount="1000"
    )
    assert small.kind == "voluntary" and not small.remit_upward
    large = services.payment_create(
        actor=fixed.member_user, member=fixed.member, kind="voluntary", amount="1000.01"
    )
    assert large.kind == "large_voluntary" and large.remit_upward


def test_on_behalf_needs_the_payers_name_and_only_own_dues_without_a_grant(
    fixed: SimpleNamespace, snapshot: Any
) -> None:
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.payment_create(
            actor=fixed.member_user, member=fixed.member, kind="voluntary", amount="5", payer_kind="relative"
        )
    assert exc.value.code == "dues.payer_name_required"
    with pytest.raises(BusinessError) as exc:
        services.payment_create(actor=fixed.member_user, member=fixed.member_b, kind="voluntary", amount="5")
    assert exc.value.code == "dues.forbidden"
    assert snapshot() == before
    p = services.payment_create(
        actor=fixed.secretary_a,
        member=fixed.member,
        kind="voluntary",
        amount="5",
        payer_kind="member",
        payer_name="李四",
    )
    assert p.payer_name == "李四"


def test_a_reduction_needs_the_level_above_unless_a_retiree_in_hardship(
    fixed: SimpleNamespace, snapshot: Any
) -> None:
    services.bills_generate(actor=fixed.secretary_a, month=THIS, org=fixed.branch_a)
    r = services.reduction_create(
        actor=fixed.secretary_a,
        member=fixed.member,
        kind="exempt",
        months_from=THIS,
        months_to=rules.add_months(THIS, 2),
        reason="重病住院",
        studied_on=TODAY,
        study_note="支委会研究同意报批",
    )
    assert r.status == ReductionStatus.STUDIED
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.reduction_decide(actor=fixed.secretary_a, reduction=r, approve=True)
    assert exc.value.code == "dues.forbidden"
    assert snapshot() == before
    services.reduction_decide(actor=fixed.officer, reduction=r, approve=True, note="同意")
    bill = DuesBill.objects.get(member=fixed.member, month=THIS)
    assert bill.status == BillStatus.EXEMPT and bill.amount == 0
    # The next month's generated bill is exempt too.
    services.bills_generate(actor=fixed.secretary_a, month=rules.add_months(THIS, 1), org=fixed.branch_a)
    assert (
        DuesBill.objects.get(member=fixed.member, month=rules.add_months(THIS, 1)).status == BillStatus.EXEMPT
    )

    retiree = make_member(fixed.branch_a, "老同志")
    fix(fixed, retiree, pay="3000", category="retired")
    with pytest.raises(BusinessError) as exc:
        services.reduction_create(
            actor=fixed.secretary_a,
            member=fixed.member,
            kind="reduce",
            monthly_amount="1",
            months_from=rules.add_months(THIS, 6),
            months_to=rules.add_months(THIS, 6),
            reason="困难",
            studied_on=TODAY,
            study_note="同意",
            retiree_hardship=True,
        )
    assert exc.value.code == "dues.not_retired"
    decided = services.reduction_create(
        actor=fixed.secretary_a,
        member=retiree,
        kind="reduce",
        monthly_amount="5",
        months_from=THIS,
        months_to=THIS,
        reason="老伴重病，生活困难",
        studied_on=TODAY,
        study_note="支部研究同意",
        retiree_hardship=True,
    )
    assert decided.status == ReductionStatus.APPROVED and decided.decided_by == fixed.secretary_a


def test_campaigns_only_by_a_higher_organisation(fixed: SimpleNamespace, snapshot: Any) -> None:
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.campaign_create(
            actor=fixed.secretary_a,
            org=fixed.branch_a,
            title="捐款",
            purpose="x",
            starts_on=TODAY,
            ends_on=TODAY,
        )
    assert exc.value.code == "dues.campaign_by_branch"
    assert snapshot() == before
    c = services.campaign_create(
        actor=fixed.officer,
        org=fixed.committee,
        title="抗洪救灾",
        purpose="支援灾区",
        starts_on=TODAY,
        ends_on=TODAY + dt.timedelta(days=30),
    )
    p = services.payment_create(
        actor=fixed.member_user, member=fixed.member, kind="campaign", amount="100", campaign=c
    )
    assert p.campaign == c
    with pytest.raises(BusinessError) as exc:
        services.payment_create(actor=fixed.secretary_b, member=fixed.member_b, kind="campaign", amount="1")
    assert exc.value.code == "dues.campaign_required"


def test_reconciliation_freezes_the_month_after_pending_payments_are_settled(fixed: SimpleNamespace) -> None:
    services.bills_generate(actor=fixed.secretary_a, month=THIS, org=fixed.branch_a)
    p = services.payment_create(
        actor=fixed.member_user, member=fixed.member, kind="monthly", months_from=THIS
    )
    with pytest.raises(BusinessError) as exc:
        services.reconciliation_close(actor=fixed.secretary_a, org=fixed.branch_a, month=THIS)
    assert exc.value.code == "dues.pending_payments"
    services.payment_confirm(actor=fixed.secretary_a, payment=p)
    rec = services.reconciliation_close(actor=fixed.secretary_a, org=fixed.branch_a, month=THIS)
    assert (rec.billed_count, rec.paid_count, rec.paid_amount, rec.collected_amount) == (
        1,
        1,
        D("90.00"),
        D("90.00"),
    )
    with pytest.raises(BusinessError):
        services.reconciliation_close(actor=fixed.secretary_a, org=fixed.branch_a, month=THIS)


def test_the_yearly_publication_sums_the_confirmed_payments(fixed: SimpleNamespace) -> None:
    p = services.payment_create(actor=fixed.member_user, member=fixed.member, kind="voluntary", amount="1200")
    services.payment_confirm(actor=fixed.secretary_a, payment=p)
    pub = services.publication_create(
        actor=fixed.officer,
        org=fixed.committee,
        year=TODAY.year,
        used="300",
        usage="订阅党报党刊、慰问困难党员",
    )
    assert (pub.collected, pub.remitted, pub.used) == (D("1200.00"), D("1200.00"), D("300.00"))
    with pytest.raises(BusinessError) as exc:
        services.publication_create(
            actor=fixed.officer, org=fixed.committee, year=TODAY.year, used="1", usage="x"
        )
    assert exc.value.code == "dues.already_published"


def test_payments_are_sealed_and_a_raw_edit_is_detected(fixed: SimpleNamespace) -> None:
    from dangjian.core import integrity
    from dangjian.dues.models import DuesPayment

    p = services.payment_create(actor=fixed.member_user, member=fixed.member, kind="voluntary", amount="50")
    services.payment_confirm(actor=fixed.secretary_a, payment=p)
    p.refresh_from_db()
    assert integrity.verify(instance=p)
    DuesPayment.objects.filter(pk=p.pk).update(amount=D("5000"))
    p.refresh_from_db()
    assert not integrity.verify(instance=p)
