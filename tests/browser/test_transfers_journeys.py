"""Browser journey of 组织关系转接 in Debian's Chromium on a phone-sized screen: dangyuan1 asks to transfer
from zhibu1's branch to zhibu2's; zhibu1 agrees; erji1 (the committee over both) issues the numbered letter
and accepts it on the receiving side; dangyuan1 reports on the phone; zhibu2 returns the 回执, which closes
the transfer; dangyuan1's record now shows the new branch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from dangjian.access.models import Grant
from dangjian.members.models import Member
from dangjian.transfers.models import Transfer
from tests.browser.conftest import login

SHOTS = Path(settings.BASE_DIR) / "test-results"
PASSWORD = settings.DEMO_PASSWORD or "Dangjian@2026"


@pytest.fixture
def demo(transactional_db: Any) -> tuple[Member, Any]:
    """The demo enterprise (seed_demo, as `make run` uses): dangyuan1 is in zhibu1's branch."""
    call_command("seed_demo", "--members", "200", "--force", verbosity=0)
    me = Member.objects.select_related("org").get(user__username="dangyuan1")
    target = Grant.objects.select_related("org").get(user__username="zhibu2", role="branch_secretary").org
    return me, target


def _as(page: Any, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username, PASSWORD)


def _step(page: Any, live_server: Any, transfer: Transfer, action: str) -> None:
    page.goto(f"{live_server.url}/transfers/{transfer.pk}/")
    page.click(f"#action-{action} button[type=submit]")
    page.wait_for_selector("text=已办理")


def test_a_transfer_goes_out_is_approved_accepted_reported_and_closed_by_its_receipt(demo, page, live_server):
    me, target = demo
    SHOTS.mkdir(exist_ok=True)
    old_org = me.org

    # The member asks on the phone.
    login(page, live_server, "dangyuan1", PASSWORD)
    page.goto(f"{live_server.url}/transfers/mine/")
    page.select_option("#id_kind", "internal")
    page.select_option("#id_to_org", str(target.pk))
    page.select_option("#id_reason", "job")
    page.fill("#id_reason_detail", "调入第二党支部所在车间工作")
    page.click("#request-form button[type=submit]")
    page.wait_for_selector("text=转接申请已提交")
    transfer = Transfer.objects.get(member=me, status="requested")
    assert "待支部审核" in page.inner_text("#status")

    # The sending branch agrees; the committee above issues the letter and accepts on the receiving side.
    _as(page, live_server, "zhibu1")
    page.goto(f"{live_server.url}/transfers/?status=requested")
    page.click(f"a[href='/transfers/{transfer.pk}/']")
    page.click("#action-branch_approve button[type=submit]")
    page.wait_for_selector("text=已办理：支部同意")
    _as(page, live_server, "erji1")
    page.goto(f"{live_server.url}/transfers/{transfer.pk}/")
    assert page.input_value("#id_valid_days_issue") == "30"  # the configured default
    page.click("#action-issue button[type=submit]")
    page.wait_for_selector("#letter-number")
    transfer.refresh_from_db()
    assert transfer.letter_number in page.inner_text("#letter-number")
    page.screenshot(path=str(SHOTS / "transfers-issued.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#letter-pdf")
    assert download.value.suggested_filename.endswith(".pdf")
    _step(page, live_server, transfer, "accept")

    # The member reports to the new branch on the phone.
    _as(page, live_server, "dangyuan1")
    page.goto(f"{live_server.url}/transfers/mine/")
    page.click("#my-report button[type=submit]")
    page.wait_for_selector("text=已办理：确认报到")
    transfer.refresh_from_db()
    assert transfer.status == "reported" and transfer.receipt_due is not None

    # The receiving branch returns the 回执: the transfer closes and the record moves.
    _as(page, live_server, "zhibu2")
    page.goto(f"{live_server.url}/transfers/?direction=in")
    assert me.name in page.inner_text("#transfers")
    _step(page, live_server, transfer, "receipt")
    assert "已办结" in page.inner_text("#status")
    transfer.refresh_from_db()
    me.refresh_from_db()
    assert transfer.status == "completed" and me.org == target and me.org != old_org

    _as(page, live_server, "dangyuan1")
    page.goto(f"{live_server.url}/transfers/mine/")
    assert target.name in page.inner_text("#my-org")
    assert "已办结" in page.inner_text("#my-transfers")
    page.screenshot(path=str(SHOTS / "transfers-member-done.png"), full_page=True)


def test_a_mobile_member_downloads_the_certificate_then_leaves_the_platform_by_letter(
    demo, page, live_server
):
    """dangyuan1, registered as a 流动党员, downloads the 活动证 PDF on the phone; later a paper letter to an
    organisation outside the platform is issued and zhibu1 records its 回执: dangyuan1 leaves the roll
    (已转出) and stays readable under the 已转出 filter."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from dangjian.transfers import services

    me, _ = demo
    SHOTS.mkdir(exist_ok=True)
    users = get_user_model().objects
    zhibu1, erji1 = users.get(username="zhibu1"), users.get(username="erji1")
    today = dt.date.today()
    services.mobile_register(
        actor=zhibu1,
        member=me,
        destination="广东省深圳市",
        reason="work",
        started_on=today,
        expected_until=today + dt.timedelta(days=120),
    )

    login(page, live_server, "dangyuan1", PASSWORD)
    page.goto(f"{live_server.url}/transfers/mine/")
    with page.expect_download() as download:
        page.click("#my-certificate-pdf")
    assert download.value.suggested_filename.endswith(".pdf")
    page.goto(f"{live_server.url}/transfers/mine/")
    page.click("#my-record a")  # the 活动证 page
    page.wait_for_selector("#certificate-pdf")
    page.screenshot(path=str(SHOTS / "transfers-mobile-certificate.png"), full_page=True)

    t = services.transfer_request(
        actor=zhibu1, member=me, kind="outside", reason="job", to_org_name="中共某市某区委组织部"
    )
    t = services.transfer_issue(actor=erji1, transfer=t)
    _as(page, live_server, "zhibu1")
    page.goto(f"{live_server.url}/transfers/{t.pk}/")
    page.fill("#id_reported_on", today.isoformat())
    page.click("#action-receipt button[type=submit]")
    page.wait_for_selector("text=已办理")
    me.refresh_from_db()
    assert me.exit_kind == "transferred_out" and not me.mobile
    page.goto(f"{live_server.url}/members/?q={me.name}")
    assert me.name not in page.inner_text("#member-table")
    page.check("input[name=transferred_out]")
    page.click("#member-filter button[type=submit]")
    assert "已转出" in page.inner_text("#member-table") and me.name in page.inner_text("#member-table")
    page.screenshot(path=str(SHOTS / "members-transferred-out.png"), full_page=True)
