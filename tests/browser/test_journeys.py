"""Browser journeys in Debian's Chromium on a phone-sized screen (issue: foundation, item 10)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command

from dangjian.access.models import Grant
from dangjian.core import idcard
from dangjian.members.models import Member
from tests.browser.conftest import login

SHOTS = Path(settings.BASE_DIR) / "test-results"


@pytest.fixture
def demo(transactional_db):
    """A small demo enterprise with its documented accounts (seed_demo, as `make run` uses)."""
    call_command("seed_demo", "--members", "200", "--force", verbosity=0)
    secretary = Grant.objects.select_related("org").get(user__username="zhibu1", role="branch_secretary")
    return secretary.org


def roster_file(branch_name: str) -> Path:
    """Two good rows and one bad row (a wrong check character), with a title row above the header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["党员信息采集表（浏览器测试）"])
    ws.append(
        [
            "姓名",
            "性别",
            "公民身份号码",
            "民族",
            "出生日期",
            "学历",
            "人员类别",
            "所在党支部",
            "入党日期",
            "转正日期",
            "工作岗位",
            "联系电话",
            "家庭住址",
            "党籍状态",
            "是否失联党员",
            "是否流动党员",
        ]
    )
    good1 = idcard.make("420102", dt.date(1991, 4, 5), 901, "female")
    good2 = idcard.make("420102", dt.date(1988, 9, 9), 903, "male")
    bad = good2[:-1] + ("0" if good2[-1] != "0" else "1")
    ws.append(
        [
            "周晓燕",
            "女",
            good1,
            "汉族",
            "1991年4月5日",
            "大学本科",
            "专业技术人员",
            branch_name,
            "2015.07.01",
            "2016/7/1",
            "工程师",
            "13912345678",
            "武汉市江岸区",
            "正常",
            "否",
            "否",
        ]
    )
    ws.append(
        [
            "吴建国",
            "男",
            bad,
            "汉族",
            "19880909",
            "大学专科",
            "工人",
            branch_name,
            "2012-06-30",
            "2013-06-30",
            "班组长",
            "13812345678",
            "武汉市洪山区",
            "正常",
            "否",
            "否",
        ]
    )
    buf = io.BytesIO()
    wb.save(buf)
    path = SHOTS / "browser-import.xlsx"
    SHOTS.mkdir(exist_ok=True)
    path.write_bytes(buf.getvalue())
    return path


def test_secretary_imports_a_file_with_a_bad_row_and_sees_the_report(demo, page, live_server):
    branch = demo
    before = Member.objects.count()
    login(page, live_server, "zhibu1", settings.DEMO_PASSWORD or "Dangjian@2026")
    assert "您好" in page.content()

    # The roster, reached through the phone menu.
    page.click("button.navbar-toggler")
    page.click("#mainnav >> text=组织与党员")
    page.click("#mainnav >> text=党员名册")
    page.wait_for_url("**/members/")
    rows = page.locator("#member-table tbody tr")
    assert rows.count() > 0
    assert branch.label in page.inner_text("#member-table")
    page.screenshot(path=str(SHOTS / "roster-phone.png"), full_page=False)

    # Import a file with one bad row: a dry run lists the bad row and changes nothing.
    page.goto(f"{live_server.url}/members/import/")
    page.set_input_files("#import-form input[type=file]", str(roster_file(branch.name)))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("text=错误明细")
    report = page.inner_text("main")
    assert "第 4 行" in report and "公民身份号码" in report and "校验位" in report
    assert "未导入" in report or "不导入" in report or "失败" in report
    page.screenshot(path=str(SHOTS / "import-report-phone.png"), full_page=True)
    assert Member.objects.count() == before


def test_the_tree_shows_rolled_up_counts_and_notices_to_the_group_officer(demo, page, live_server):
    login(page, live_server, "jituan", settings.DEMO_PASSWORD or "Dangjian@2026")
    page.goto(f"{live_server.url}/orgs/")
    table = page.inner_text("#org-tree")
    total = Member.objects.filter(exit_kind="").count()
    assert str(total) in table  # the root row carries the whole enterprise's count
    page.screenshot(path=str(SHOTS / "tree-phone.png"), full_page=False)
