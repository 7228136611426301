"""Browser journey of 民主评议党员 in Debian's Chromium on a phone-sized screen: a member writes a
self-assessment
and rates the others; the secretary closes rating, sees the tally and proposes grades against the ≤1/3 优秀
guard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from dangjian.appraisal.models import Appraisal, AppraisalStatus, BallotReceipt, Participant
from tests.browser.conftest import login

SHOTS = Path(settings.BASE_DIR) / "test-results"
PASSWORD = settings.DEMO_PASSWORD or "Dangjian@2026"


@pytest.fixture
def demo(transactional_db: Any) -> Appraisal:
    """The demo enterprise (seed_demo, as `make run` uses): zhibu1's branch has this year's appraisal open."""
    call_command("seed_demo", "--members", "200", "--force", verbosity=0)
    return Appraisal.objects.get(org__grants__user__username="zhibu1", year=timezone.localdate().year)


def test_member_rates_on_a_phone_and_secretary_proposes_grades_with_the_third_guard(demo, page, live_server):
    appraisal = demo
    SHOTS.mkdir(exist_ok=True)
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations before a final step

    # The member writes a self-assessment on the phone.
    login(page, live_server, "dangyuan1", PASSWORD)
    page.goto(f"{live_server.url}/appraisal/mine/")
    page.click(f"#self-assessment-{appraisal.pk}")
    page.fill(
        "#id_text", "一年来认真学习党的创新理论，按时参加组织生活，在班组攻坚中带头。不足是理论学习不够系统。"
    )
    page.select_option("#id_self_grade", "qualified")
    page.click("#self-assessment-form button[type=submit]")
    page.wait_for_selector("text=个人自评已保存")

    # … and rates every other participant: one 优秀, the rest 合格 with one tap.
    page.click(f"#ballot-{appraisal.pk}")
    page.wait_for_selector("#ballot-form")
    first = page.locator("#ballot-form [data-ratee]").first
    first.locator("label", has_text="优秀").click()
    page.click("#fill-qualified")
    total = page.locator("#ballot-form [data-ratee]").count()
    assert page.inner_text("[data-rated]").strip() == str(total)
    page.screenshot(path=str(SHOTS / "appraisal-member-ballot.png"), full_page=True)
    page.click("#ballot-form button[type=submit]")
    page.wait_for_selector("text=测评票已提交")
    me = Participant.objects.get(appraisal=appraisal, member__user__username="dangyuan1")
    assert me.self_grade == "qualified" and BallotReceipt.objects.filter(rater=me).exists()
    assert "已投票" in page.inner_text("#my-appraisals")

    # The secretary closes rating and sees the tally.
    page.context.clear_cookies()
    login(page, live_server, "zhibu1", PASSWORD)
    page.goto(f"{live_server.url}/appraisal/{appraisal.pk}/")
    page.click("#close-rating")
    page.wait_for_selector("#tally")
    assert "参与率" in page.inner_text("#tally")
    appraisal.refresh_from_db()
    assert appraisal.status == AppraisalStatus.TALLIED

    # Proposing 优秀 for everyone trips the ≤1/3 guard, in the page and on the server.
    page.click("#propose-grades")
    page.wait_for_selector("#propose-form")
    for select in page.locator("select[data-grade]").all():
        select.select_option("excellent")
    assert page.is_visible("#excellent-warning")
    page.screenshot(path=str(SHOTS / "appraisal-propose-guard.png"), full_page=True)
    page.click("#propose-form button[type=submit]")
    page.wait_for_selector("#propose-error")
    assert "三分之一" in page.inner_text("#propose-error")
    appraisal.refresh_from_db()
    assert appraisal.status == AppraisalStatus.TALLIED

    # Back within the limit: 合格 for all but the first, and the proposal is saved.
    selects = page.locator("select[data-grade]").all()
    for select in selects[1:]:
        select.select_option("qualified")
    assert not page.is_visible("#excellent-warning")
    page.click("#propose-form button[type=submit]")
    page.wait_for_selector("text=支委会提出的评定等次已保存")
    appraisal.refresh_from_db()
    assert appraisal.status == AppraisalStatus.PROPOSED
    grades = list(
        Participant.objects.filter(appraisal=appraisal, excluded_reason="").values_list(
            "proposed_grade", flat=True
        )
    )
    assert grades.count("excellent") == 1 and all(grades)
