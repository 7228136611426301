"""Scope contract of 党费: see tests/contracts/__init__.py.

The objects: 党员甲 (member_user) of 第一党支部 (branch_a) with a confirmed amount, this month's bill, a
payment waiting for confirmation, a confirmed one with its receipt, a proposed re-fixing and a 少交 request
the branch studied. secretary_a and the officer (committee over branch_a) keep them; secretary_b (branch_b)
gets 404; only the officer decides the 少交 (dues.approve, the level above) and creates campaigns (a
committee); members without a grant reach only their own page, bills, payments and receipts; the 三员 are
refused everything but the calculator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from tests.contracts import NOT_ADMINS, ORG_WORKERS, SIGNED_IN, Write, api, html

A = ("secretary_a", "officer")
OWN = (*A, "member_user")


def objects(w: SimpleNamespace) -> SimpleNamespace:
    """Create (once per world) the dues objects of branch_a named above."""
    from django.utils import timezone

    from dangjian.dues import services
    from dangjian.dues.models import DuesFixing, DuesPayment, DuesReduction

    cached = getattr(w, "_dues", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    today = timezone.localdate()
    month = today.replace(day=1)
    services.profile_set(
        actor=w.secretary_a,
        member=w.member,
        category="in_service",
        items=[{"name": "岗位工资", "amount": "6000", "in_base": True}],
    )
    fixing = services.fixing_propose(
        actor=w.secretary_a, member=w.member, effective_from=dt.date(2024, 1, 1), reason="年度核定"
    )
    services.fixing_confirm(actor=w.secretary_a, fixing=fixing)
    services.bills_generate(actor=w.secretary_a, month=month, org=w.branch_a)
    earlier = (month - dt.timedelta(days=1)).replace(day=1)
    services.bills_generate(actor=w.secretary_a, month=earlier, org=w.branch_a)
    paid = services.payment_create(
        actor=w.member_user, member=w.member, kind="arrears", months_from=earlier, months_to=earlier
    )
    paid = services.payment_confirm(actor=w.secretary_a, payment=paid)
    pending = services.payment_create(actor=w.member_user, member=w.member, kind="voluntary", amount="50")
    proposed = services.fixing_propose(
        actor=w.secretary_a, member=w.member, effective_from=month, reason="工资调整"
    )
    reduction = services.reduction_create(
        actor=w.secretary_a,
        member=w.member,
        kind="reduce",
        monthly_amount="10",
        months_from=month,
        months_to=month,
        reason="家庭困难",
        studied_on=today,
        study_note="同意报批",
    )
    from dangjian.core.jobs import job_create
    from dangjian.dues import tasks

    job = job_create(
        kind=tasks.BILLS_JOB_KIND,
        user=w.secretary_a,
        title="生成账单",
        org=w.branch_a,
        params={"month": month.isoformat()},
    )
    w._dues = SimpleNamespace(
        bill=w.member.dues_bills.get(month=month),
        paid=DuesPayment.objects.get(pk=paid.pk),
        pending=pending,
        proposed=DuesFixing.objects.get(pk=proposed.pk),
        reduction=DuesReduction.objects.get(pk=reduction.pk),
        job=job,
        month=month,
    )
    return w._dues  # type: ignore[no-any-return]


def _branch(w: SimpleNamespace) -> dict[str, Any]:
    return {"pk": w.branch_a.pk}


def _member(w: SimpleNamespace) -> dict[str, Any]:
    return {"pk": w.member.pk}


def _pending(w: SimpleNamespace) -> dict[str, Any]:
    return {"pk": objects(w).pending.pk}


EXPECTED: dict[str, dict[str, Any]] = {
    "dues:index": html(ORG_WORKERS),
    "dues:ledger_export": html(A, secretary_b=404),
    "dues:branch": html(A, secretary_b=404),
    "dues:bills_generate": html(ORG_WORKERS, ok=405),
    "dues:fixings_propose": html(ORG_WORKERS, ok=405),
    "dues:fixings_confirm_all": html(ORG_WORKERS, ok=405),
    "dues:reconcile": html(ORG_WORKERS, ok=405),
    "dues:job": html(A, secretary_b=404),
    "dues:member": html(A, secretary_b=404),
    "dues:profile_edit": html(A, secretary_b=404),
    "dues:refix": html(ORG_WORKERS, ok=405),
    "dues:payment_record": html(A, secretary_b=404),
    "dues:reduction_create": html(A, secretary_b=404),
    "dues:fixing_confirm": html(ORG_WORKERS, ok=405),
    "dues:payment_list": html(ORG_WORKERS),
    "dues:payment_detail": html(OWN, secretary_b=404, outsider=404),
    "dues:payment_confirm": html(ORG_WORKERS, ok=405),
    "dues:payment_approve": html(ORG_WORKERS, ok=405),
    "dues:payment_reject": html(ORG_WORKERS, ok=405),
    "dues:receipt": html(OWN, secretary_b=404, outsider=404),
    "dues:reduction_list": html(ORG_WORKERS),
    "dues:reduction_decide": html(("officer",), ok=405),
    "dues:campaign_list": html(ORG_WORKERS),
    "dues:publication_list": html(ORG_WORKERS),
    "dues:calculator": html(SIGNED_IN),
    "dues:mine": html(NOT_ADMINS),
    "dues-calculator": api(SIGNED_IN, ok=405),
    "dues-generate": api(SIGNED_IN, ok=405),
    "dues-bill-list": api(NOT_ADMINS),
    "dues-bill-detail": api(OWN, secretary_b=404, outsider=404),
    "dues-payment-list": api(NOT_ADMINS),
    "dues-payment-detail": api(OWN, secretary_b=404, outsider=404),
    "dues-payment-confirm": api(NOT_ADMINS, ok=405),
    "dues-payment-approve": api(NOT_ADMINS, ok=405),
    "dues-reduction-list": api(NOT_ADMINS),
    "dues-reduction-detail": api(OWN, secretary_b=404, outsider=404),
    "dues-reduction-decide": api(NOT_ADMINS, ok=405),
}
assert all(set(v) == {"anonymous", *SIGNED_IN} for v in EXPECTED.values())

KWARGS: dict[str, Callable[[SimpleNamespace], dict[str, Any]]] = {
    "dues:ledger_export": _branch,
    "dues:branch": _branch,
    "dues:bills_generate": _branch,
    "dues:fixings_propose": _branch,
    "dues:fixings_confirm_all": _branch,
    "dues:reconcile": _branch,
    "dues:job": lambda w: {"pk": objects(w).job.pk},
    "dues:member": _member,
    "dues:profile_edit": _member,
    "dues:refix": _member,
    "dues:payment_record": _member,
    "dues:reduction_create": _member,
    "dues:fixing_confirm": lambda w: {"pk": objects(w).proposed.pk},
    "dues:payment_detail": _pending,
    "dues:payment_confirm": _pending,
    "dues:payment_approve": _pending,
    "dues:payment_reject": _pending,
    "dues:receipt": lambda w: {"pk": objects(w).paid.pk},
    "dues:reduction_decide": lambda w: {"pk": objects(w).reduction.pk},
    "dues-bill-detail": lambda w: {"pk": objects(w).bill.pk},
    "dues-payment-detail": _pending,
    "dues-payment-confirm": _pending,
    "dues-payment-approve": _pending,
    "dues-reduction-detail": lambda w: {"pk": objects(w).reduction.pk},
    "dues-reduction-decide": lambda w: {"pk": objects(w).reduction.pk},
}


def _month(w: SimpleNamespace) -> str:
    from django.utils import timezone

    return f"{timezone.localdate():%Y-%m}"


WRITES: dict[str, Write] = {
    "dues:bills_generate": Write("post", A, lambda w: {"month": _month(w)}),
    "dues:fixings_propose": Write("post", A, lambda w: {"year": 2026}),
    "dues:fixings_confirm_all": Write("post", A, lambda w: {}),
    "dues:reconcile": Write("post", A, lambda w: {"month": _month(w)}),
    "dues:profile_edit": Write(
        "post",
        A,
        lambda w: {
            "category": "retired",
            "item-0-name": "基本退休费",
            "item-0-amount": "4000",
            "item-0-in_base": "on",
        },
    ),
    "dues:refix": Write("post", A, lambda w: {"effective_from": _month(w), "reason": "调资"}),
    "dues:payment_record": Write(
        "post", A, lambda w: {"kind": "voluntary", "amount": "20", "payer_kind": "self"}
    ),
    "dues:reduction_create": Write(
        "post",
        A,
        lambda w: {
            "kind": "exempt",
            "months_from": "2030-01",
            "months_to": "2030-02",
            "reason": "重病",
            "studied_on": "2026-01-05",
            "study_note": "同意",
        },
    ),
    "dues:fixing_confirm": Write("post", A, lambda w: {}),
    "dues:payment_confirm": Write("post", A, lambda w: {"reference": "流水1"}),
    "dues:payment_approve": Write("post", A, lambda w: {}),
    "dues:payment_reject": Write("post", A, lambda w: {"reason": "未到账"}),
    "dues:reduction_decide": Write("post", ("officer",), lambda w: {"approve": "1", "note": "同意"}),
    "dues:campaign_list": Write(
        "post",
        ("officer",),
        lambda w: {
            "org": w.committee.pk,
            "title": "抗洪救灾",
            "purpose": "支援灾区",
            "starts_on": "2026-01-01",
            "ends_on": "2030-12-31",
        },
    ),
    "dues:publication_list": Write(
        "post", A, lambda w: {"org": w.branch_a.pk, "year": 2025, "used": "100", "usage": "订阅党报党刊"}
    ),
    "dues:mine": Write(
        "post", ("member_user",), lambda w: {"kind": "voluntary", "amount": "30", "payer_kind": "self"}
    ),
    "dues-calculator": Write("post", SIGNED_IN, lambda w: {"category": "in_service", "base": "5100"}),
    "dues-generate": Write("post", A, lambda w: {"org": w.branch_a.pk, "month": f"{_month(w)}-01"}),
    "dues-payment-list": Write(
        "post", OWN, lambda w: {"member": w.member.pk, "kind": "voluntary", "amount": "10"}
    ),
    "dues-payment-confirm": Write("post", A, lambda w: {"reference": "流水2"}),
    "dues-payment-approve": Write("post", A, lambda w: {}),
    "dues-reduction-decide": Write("post", ("officer",), lambda w: {"approve": True, "note": "同意"}),
}
