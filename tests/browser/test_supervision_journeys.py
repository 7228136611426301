"""Browser journey of 督办整改 in Debian's Chromium on a phone-sized screen: the committee scans, turns a
warning into a rectification task, the branch secretary reports with evidence, the committee accepts, and
the board shows it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from dangjian.access.models import Grant
from dangjian.orgs.models import Org
from dangjian.orgs.rules import add_years
from dangjian.supervision.models import Rectification, Warning
from tests.browser.conftest import login

SHOTS = Path(settings.BASE_DIR) / "test-results"
PASSWORD = settings.DEMO_PASSWORD or "Dangjian@2026"


@pytest.fixture
def branch(transactional_db: Any) -> Org:
    """The demo enterprise (seed_demo, as `make run` uses) in which zhibu1's branch's term ended ten days ago
    (its last election was recorded three years and ten days back), so the next scan finds 换届逾期."""
    call_command("seed_demo", "--members", "200", "--force", verbosity=0)
    org: Org = Grant.objects.get(user__username="zhibu1", role="branch_secretary").org
    elected = add_years(timezone.localdate() - dt.timedelta(days=10), -3)
    Org.objects.filter(pk=org.pk).update(elected_on=elected)
    return org


def test_a_warning_becomes_a_task_that_the_branch_rectifies_and_the_committee_accepts(
    branch: Org, page: Any, live_server: Any, tmp_path: Path
) -> None:
    SHOTS.mkdir(exist_ok=True)
    erji = Grant.objects.get(user__username="erji1").org

    # The committee officer scans now (a progress bar), finds the warning and turns it into a task.
    login(page, live_server, "erji1", PASSWORD)
    page.goto(f"{live_server.url}/supervision/warnings/")
    page.click("#scan-now")
    page.wait_for_selector("#scan-progress >> text=已完成")
    warning = Warning.objects.get(rule__code="orgs.election", org=branch, status="open")
    assert warning.severity == "serious"
    page.click("#scan-progress a")
    page.click(f"a[href='/supervision/warnings/{warning.pk}/']")
    page.wait_for_selector("#to-task")
    page.fill("#id_evidence_required", "补开会议的会议记录")
    page.click("#to-task button")
    page.wait_for_selector("text=已转为督办整改任务")
    task = Rectification.objects.get(warning=warning)
    assert task.status == "assigned" and task.supervisor == erji

    # The branch secretary reports on the phone with evidence and submits for acceptance.
    page.context.clear_cookies()
    login(page, live_server, "zhibu1", PASSWORD)
    page.goto(f"{live_server.url}/supervision/tasks/")
    page.click(f"a[href='/supervision/tasks/{task.pk}/']")
    evidence = tmp_path / "会议记录.txt"
    evidence.write_text("已于本周补开会议，会议记录如附件。", encoding="utf-8")
    page.fill("#id_note", "已补开会议，上传会议记录。")
    page.set_input_files("#id_file", str(evidence))
    page.check("#id_submit")
    page.screenshot(path=str(SHOTS / "supervision-report.png"), full_page=True)
    page.click("#report-form button")
    page.wait_for_selector("text=已提交验收")
    assert "待验收" in page.inner_text("#task-status")
    assert "会议记录" in page.inner_text("#steps")

    # The committee accepts.
    page.context.clear_cookies()
    login(page, live_server, "erji1", PASSWORD)
    page.goto(f"{live_server.url}/supervision/tasks/{task.pk}/")
    page.check("#check-form input[value=accept]")
    page.fill("#id_note", "经核实，予以销号。")
    page.click("#check-form button")
    page.wait_for_selector("text=已验收销号")
    task.refresh_from_db()
    assert task.status == "accepted"

    # The board of the committee shows the closed task, with its charts drawn.
    page.goto(f"{live_server.url}/supervision/?org={erji.pk}")
    page.wait_for_selector("#chart-tasks canvas")
    closed = Rectification.objects.filter(status="accepted", org__path__startswith=erji.path).count()
    assert page.inner_text("#tasks-closed").strip() == str(closed)
    page.screenshot(path=str(SHOTS / "supervision-board.png"), full_page=True)
