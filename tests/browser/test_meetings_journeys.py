"""Browser journey of 组织生活 in Debian's Chromium on phone-sized screens: the secretary creates a 主题党日
and opens check-in, a member checks in on a phone with the code word, the secretary writes the minutes and
downloads the Word record."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from docx import Document

from dangjian.access.models import Grant
from dangjian.meetings.models import Attendance, Meeting, MeetingStatus
from tests.browser.conftest import login

SHOTS = Path(settings.BASE_DIR) / "test-results"
PASSWORD = settings.DEMO_PASSWORD or "Dangjian@2026"


@pytest.fixture
def demo(transactional_db: Any) -> Any:
    """A small demo enterprise with its documented accounts (seed_demo, as `make run` uses)."""
    call_command("seed_demo", "--members", "200", "--force", verbosity=0)
    return Grant.objects.select_related("org").get(user__username="zhibu1", role="branch_secretary").org


def _phone(browser: Any, live_server: Any) -> tuple[Any, Any, list[str]]:
    """A second phone (the member's), refusing any request that leaves the live server."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", timezone_id="Asia/Shanghai", is_mobile=True
    )
    allowed = urlparse(live_server.url).netloc
    external: list[str] = []

    def guard(route: Any) -> None:
        if urlparse(route.request.url).netloc not in (allowed, ""):
            external.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    return context, context.new_page(), external


def test_secretary_holds_a_theme_day_member_checks_in_by_code_word_and_record_is_downloaded(
    demo, page, browser, live_server
):
    branch = demo
    SHOTS.mkdir(exist_ok=True)
    login(page, live_server, "zhibu1", PASSWORD)

    # The secretary creates this month's 主题党日, starting a few minutes ago.
    page.goto(f"{live_server.url}/meetings/")
    page.click("#new-meeting")
    page.wait_for_url("**/meetings/new/")
    page.select_option("#id_org", str(branch.pk))
    page.select_option("#id_kind", "theme_day")
    page.fill("#id_topic", "浏览器测试主题党日：重温入党誓词")
    start = timezone.localtime() - dt.timedelta(minutes=3)
    page.fill("#id_starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_place", "党员活动室")
    page.click("#meeting-form button[type=submit]")
    page.wait_for_selector("#open-checkin")
    meeting = Meeting.objects.get(topic="浏览器测试主题党日：重温入党誓词")
    assert meeting.org_id == branch.pk and meeting.attendances.count() > 0

    # Opening check-in shows the on-site QR code and the code word.
    page.click("#open-checkin")
    page.wait_for_selector("#checkin-qr svg")
    code = page.inner_text("#checkin-code").strip()
    assert len(code) == 6 and code.isdigit()
    page.screenshot(path=str(SHOTS / "meetings-checkin-screen.png"), full_page=True)

    # The member types the code word on a phone.
    context, phone, external = _phone(browser, live_server)
    try:
        login(phone, live_server, "dangyuan1", PASSWORD)
        phone.goto(f"{live_server.url}/meetings/mine/")
        phone.fill("#id_code", code)
        phone.click("#checkin-form button[type=submit]")
        phone.wait_for_selector("text=签到成功")
        assert "浏览器测试主题党日" in phone.inner_text("#my-meetings")
        phone.screenshot(path=str(SHOTS / "meetings-member-checked-in.png"), full_page=True)
    finally:
        context.close()
    assert not external, external
    mine = Attendance.objects.get(meeting=meeting, member__user__username="dangyuan1")
    assert mine.present and mine.late and mine.check_in_method == "code"

    # The secretary writes the minutes once and downloads the standard 会议记录.
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    assert "迟到" in page.inner_text("#attendance")
    page.click("#write-minutes")
    page.fill("#id_minutes", "一、全体党员重温入党誓词。\n二、集中学习党章第一章。\n三、党员交流发言。")
    page.fill("#id_decisions", "下月开展志愿服务。")
    page.click("#record-form button[type=submit]")
    page.wait_for_selector("#download-record")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    with page.expect_download() as info:
        page.click("#download-record")
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    doc = Document(io.BytesIO(Path(download.path()).read_bytes()))
    text = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "重温入党誓词" in text and "下月开展志愿服务" in text and "实到人数" in text
