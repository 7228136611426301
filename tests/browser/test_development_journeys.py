"""Browser journey of 发展党员 in Debian's Chromium on a phone-sized screen: the secretary opens the
board, records the overdue talk (recorded with the late warning), then names the 入党介绍人 of a 发展对象 —
a 预备党员 is refused with the reason in Chinese and nothing is saved — and names two 正式党员."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from dangjian.development.models import Development, DevelopmentStep
from tests.browser.conftest import login

SHOTS = Path(settings.BASE_DIR) / "test-results"
PASSWORD = settings.DEMO_PASSWORD or "Dangjian@2026"


@pytest.fixture
def demo(transactional_db: Any) -> dict[str, Development]:
    """The demo enterprise (seed_demo, as `make run` uses): six people in development in zhibu1's branch."""
    call_command("seed_demo", "--members", "200", "--force", verbosity=0)
    return {d.name: d for d in Development.objects.filter(org__grants__user__username="zhibu1")}


def test_secretary_records_a_late_talk_and_an_introducer_who_is_not_full_is_refused(demo, page, live_server):
    SHOTS.mkdir(exist_ok=True)
    late, candidate = demo["林晓彤"], demo["黄嘉怡"]
    login(page, live_server, "zhibu1", PASSWORD)

    # The board: the stages of the branch and the overdue talk.
    page.goto(f"{live_server.url}/development/")
    page.wait_for_selector("#stage-totals")
    assert page.inner_text("[data-stage=applicant]").strip() == "2"
    assert "林晓彤" in page.inner_text("#overdue") and "党组织派人谈话" in page.inner_text("#overdue")
    page.screenshot(path=str(SHOTS / "development-board.png"), full_page=True)

    # The talk is recorded late: kept, with the warning of 发展细则 第八条.
    page.click("#overdue a:has-text('林晓彤')")
    page.wait_for_selector("#step-form")
    assert "② 党组织派人谈话" in page.inner_text("#next-step")
    page.fill("#step-form [name=responsible]", "支部书记、组织委员")
    page.click("#step-form button[type=submit]")
    page.wait_for_selector("text=谈话晚于规定期限")
    assert DevelopmentStep.objects.get(development=late, number=2).warnings

    # The 发展对象's introducers: a 预备党员 is refused with the reason, nothing is saved.
    page.goto(f"{live_server.url}/development/list/?stage=candidate")
    page.click("#roster a:has-text('黄嘉怡')")
    page.wait_for_selector("#step-form")
    assert "⑨ 确定入党介绍人" in page.inner_text("#next-step")
    page.get_by_label("吴子涵（预备党员）").check()
    fulls = page.locator("#step-form label:has-text('（正式党员）')")
    fulls.nth(0).click()
    page.click("#step-form button[type=submit]")
    page.wait_for_selector("#form-error")
    assert "吴子涵不是正式党员，不能作入党介绍人" in page.inner_text("#form-error")
    page.screenshot(path=str(SHOTS / "development-introducer-refused.png"), full_page=True)
    assert not DevelopmentStep.objects.filter(development=candidate, number=9).exists()

    # Two 正式党员: accepted, and the next step is the political review.
    page.get_by_label("吴子涵（预备党员）").uncheck()
    page.locator("#step-form label:has-text('（正式党员）')").nth(1).click()
    page.click("#step-form button[type=submit]")
    page.wait_for_selector("text=已登记：⑨ 确定入党介绍人")
    assert "⑩ 进行政治审查" in page.inner_text("#next-step")
    assert candidate.introducers.count() == 2
