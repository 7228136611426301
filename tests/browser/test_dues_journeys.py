"""Browser journey of 党费 in Debian's Chromium on a phone-sized screen: dangyuan1 sees what they owe and pays
the arrears online (the offline provider), zhibu1 confirms the transfer, dangyuan1 downloads the receipt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from dangjian.dues.models import BillStatus, DuesBill, DuesPayment, PaymentStatus
from dangjian.members.models import Member
from tests.browser.conftest import login

SHOTS = Path(settings.BASE_DIR) / "test-results"
PASSWORD = settings.DEMO_PASSWORD or "Dangjian@2026"


@pytest.fixture
def demo(transactional_db: Any) -> Member:
    """A small demo enterprise with its documented accounts (seed_demo, as `make run` uses)."""
    call_command("seed_demo", "--members", "200", "--force", verbosity=0)
    return Member.objects.get(user__username="dangyuan1")


def test_member_pays_arrears_on_the_phone_and_the_treasurer_confirms(demo, page, live_server):
    member = demo
    SHOTS.mkdir(exist_ok=True)
    owed = list(DuesBill.objects.filter(member=member, status=BillStatus.UNPAID).order_by("month"))
    assert len(owed) == 2  # last month and this one

    login(page, live_server, "dangyuan1", PASSWORD)
    page.goto(f"{live_server.url}/dues/mine/")
    assert "未交 2 个月" in page.inner_text("#my-summary")
    # The form proposes 补交 of last month; submit it as it stands.
    assert page.input_value("#id_kind") == "arrears"
    page.click("#pay-form button[type=submit]")
    page.wait_for_selector("#payment-status")
    assert "待确认到账" in page.inner_text("#payment-status")
    payment = DuesPayment.objects.get(member=member, status=PaymentStatus.PENDING)
    assert payment.amount == owed[0].amount
    page.screenshot(path=str(SHOTS / "dues-pay-instructions.png"), full_page=True)
    page.context.clear_cookies()

    login(page, live_server, "zhibu1", PASSWORD)
    page.goto(f"{live_server.url}/dues/payments/{payment.pk}/")
    page.fill("#confirm-form input[name=reference]", "手机银行转账")
    page.click("#confirm-form button[type=submit]")
    page.wait_for_selector("#receipt-link")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED and payment.receipt_no
    page.context.clear_cookies()

    login(page, live_server, "dangyuan1", PASSWORD)
    page.goto(f"{live_server.url}/dues/payments/{payment.pk}/")
    href = page.get_attribute("#receipt-link", "href")
    receipt = page.request.get(f"{live_server.url}{href}")  # the link's download, with the page's session
    assert receipt.ok and receipt.headers["content-type"] == "application/pdf"
    assert receipt.body().startswith(b"%PDF")
    page.goto(f"{live_server.url}/dues/mine/")
    assert "未交 1 个月" in page.inner_text("#my-summary")
    member.refresh_from_db()
    assert member.dues_paid_until == owed[0].month
