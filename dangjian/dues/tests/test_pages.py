"""Pages and API of 党费: the calculator, a member paying on their phone, the treasurer confirming, the
receipt, the ledger export and the bills job with its progress."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.audit.models import AuditEntry
from dangjian.core.models import Job
from dangjian.dues.models import BillStatus, DuesBill, DuesPayment, PaymentStatus
from dangjian.dues.tests.test_services import fix

THIS = timezone.localdate().replace(day=1)


def test_the_calculator_page_shows_each_step(world: SimpleNamespace, login: Any) -> None:
    client = login(world.member_user)
    page = client.get(
        reverse("dues:calculator"), {"category": "in_service", "base": "3000.01"}
    ).content.decode()
    assert "每月应交 30.00 元" in page
    assert "3000 元以上至 5000 元（含），按 1% 交纳" in page


def test_the_calculator_api_returns_the_steps(world: SimpleNamespace, login: Any) -> None:
    client = login(world.member_user)
    r = client.post(
        reverse("dues-calculator"), {"category": "retired", "base": "5000"}, content_type="application/json"
    )
    assert r.status_code == 200
    assert r.json()["amount"] == "25.00"
    assert [s["label"] for s in r.json()["steps"]][-1] == "每月应交"
    bad = client.post(reverse("dues-calculator"), {"category": "x"}, content_type="application/json")
    assert bad.status_code == 400


def test_a_member_pays_on_their_page_and_gets_a_receipt(
    world: SimpleNamespace, client: Any, login: Any
) -> None:
    fix(world, world.member)
    login(world.secretary_a).post(
        reverse("dues:bills_generate", args=[world.branch_a.pk]), {"month": f"{THIS:%Y-%m}"}
    )
    assert DuesBill.objects.filter(member=world.member, month=THIS).exists()
    job = Job.objects.get(kind="dues.bills")
    assert job.status == "succeeded" and job.result["created"] == 1  # Huey runs immediately in tests
    assert "新生成 1 张" in client.get(reverse("dues:job", args=[job.pk])).content.decode()
    client.logout()

    member = login(world.member_user)
    page = member.get(reverse("dues:mine")).content.decode()
    assert "未交 1 个月，共 90.00 元" in page
    r = member.post(
        reverse("dues:mine"),
        {
            "kind": "monthly",
            "months_from": f"{THIS:%Y-%m}",
            "months_to": f"{THIS:%Y-%m}",
            "payer_kind": "self",
        },
    )
    payment = DuesPayment.objects.get(member=world.member)
    assert r.status_code == 302 and r["Location"] == reverse("dues:payment_detail", args=[payment.pk])
    assert "转账附言" in member.get(r["Location"]).content.decode()
    member.logout()

    treasurer = login(world.secretary_a)
    treasurer.post(reverse("dues:payment_confirm", args=[payment.pk]), {"reference": "现金"})
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert DuesBill.objects.get(member=world.member, month=THIS).status == BillStatus.PAID
    treasurer.logout()

    member = login(world.member_user)
    receipt = member.get(reverse("dues:receipt", args=[payment.pk]))
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")


def test_a_bad_payment_on_the_page_says_why_and_changes_nothing(
    world: SimpleNamespace, login: Any, snapshot: Any
) -> None:
    fix(world, world.member)
    before = snapshot()
    r = login(world.member_user).post(
        reverse("dues:mine"), {"kind": "voluntary", "amount": "", "payer_kind": "relative", "payer_name": ""}
    )
    assert r.status_code == 400
    assert "代交时请填写代交人姓名" in r.content.decode()
    assert snapshot() == before


def test_the_ledger_export_lists_the_bills_and_is_audited(world: SimpleNamespace, login: Any) -> None:
    fix(world, world.member)
    client = login(world.officer)
    client.post(
        reverse("dues-generate"),
        {"org": world.committee.pk, "month": f"{THIS:%Y-%m}-01"},
        content_type="application/json",
    )
    r = client.get(reverse("dues:ledger_export", args=[world.committee.pk]), {"month": f"{THIS:%Y-%m}"})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][:3] == ("党支部", "党员", "月份")
    assert rows[2][1] == "党员甲" and rows[2][5] == 90
    assert AuditEntry.objects.filter(action="dues.ledger.export").exists()


def test_the_index_shows_statistics_per_organisation(world: SimpleNamespace, login: Any) -> None:
    fix(world, world.member)
    client = login(world.officer)
    client.post(
        reverse("dues-generate"),
        {"org": world.committee.pk, "month": f"{THIS:%Y-%m}-01"},
        content_type="application/json",
    )
    page = client.get(reverse("dues:index"), {"org": world.committee.pk}).content.decode()
    assert "一公司党委（合计）" in page and "第一党支部" in page


def test_the_member_api_lists_only_own_bills(world: SimpleNamespace, login: Any) -> None:
    fix(world, world.member)
    fix(world, world.member_b)
    login(world.officer).post(
        reverse("dues-generate"),
        {"org": world.committee.pk, "month": f"{THIS:%Y-%m}-01"},
        content_type="application/json",
    )
    rows = login(world.member_user).get(reverse("dues-bill-list")).json()["results"]
    assert [r["member_name"] for r in rows] == ["党员甲"]
