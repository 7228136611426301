"""Browser journey of 考试中心 in Debian's Chromium on a phone-sized screen: the committee officer imports a
bank (dry run, then for real), builds a random paper and runs an exam for the committee's subtree; two
members take it on their phones, one of them losing the connection mid-way — the answers stay in the page,
are sent when it returns and none is lost; the officer's statistics match the database."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from openpyxl import Workbook

from dangjian.exams.models import Answer, Attempt, Exam
from tests.browser.conftest import login

SHOTS = Path(settings.BASE_DIR) / "test-results"
PASSWORD = settings.DEMO_PASSWORD or "Dangjian@2026"
TITLE = "第三季度应知应会测试"

ROWS = [
    ["单选题", "党的最高领导机关是？", "全国代表大会和中央委员会", "政治局", "书记处", "A", "容易", "党章"],
    ["单选题", "党的根本组织原则是（  ）。", "民主集中制", "集体领导", "个人分工负责", "A", "容易", "党章"],
    ["单选题", "预备党员的预备期为（  ）。", "半年", "一年", "两年", "B", "容易", "党章"],
    ["单选题", "“三会一课”中的“一课”是指（  ）。", "党课", "业务课", "形势课", "A", "容易", "组织生活"],
    ["判断题", "党小组会一般每月召开1次。", "", "", "", "对", "容易", "组织生活"],
    ["判断题", "党员的党龄从申请入党之日算起。", "", "", "", "错", "中等", "党章"],
    ["判断题", "发展党员必须经过党的支部，坚持个别吸收的原则。", "", "", "", "√", "容易", "党章"],
]  # fmt: skip


def _bank_file(tmp_path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["题型", "题干", "选项A", "选项B", "选项C", "答案", "难度", "标签"])
    for row in ROWS:
        ws.append(row)
    path = tmp_path / "季度题库.xlsx"
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    return path


@pytest.fixture
def demo(transactional_db: Any) -> None:
    """The demo enterprise (seed_demo, as `make run` uses): erji1 runs the committee of zhibu1's branch."""
    call_command("seed_demo", "--members", "200", "--force", verbosity=0)


def _switch(page: Any, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username, PASSWORD)


def _answer_card(page: Any, card: Any, choice: int) -> None:
    """Answer one question card: the ``choice``-th option (or 对/错 for a 判断题)."""
    kind = card.get_attribute("data-kind")
    labels = card.locator("label")
    labels.nth(choice % labels.count()).click()
    assert kind in ("single", "judge")


def _saved(page: Any) -> None:
    page.wait_for_selector("#save-status[data-state=saved]")


def test_officer_runs_an_exam_and_a_member_loses_the_connection_without_losing_an_answer(
    demo, page, live_server, tmp_path
):
    SHOTS.mkdir(exist_ok=True)
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmation before handing in

    # The committee officer imports a bank: a dry run first, then for real.
    login(page, live_server, "erji1", PASSWORD)
    page.goto(f"{live_server.url}/exams/banks/")
    page.fill("#id_name", "季度测试题库")
    page.click("#bank-form button[type=submit]")
    page.wait_for_selector("text=题库已创建")
    page.click("#import-bank")
    page.set_input_files("#id_file", str(_bank_file(tmp_path)))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("text=检查通过")
    page.set_input_files("#id_file", str(_bank_file(tmp_path)))
    page.uncheck("#id_dry_run")
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("text=已导入 7 道试题")

    # … builds a random paper: 3 single-choice and 2 true/false questions per examinee, 20 points each.
    page.goto(f"{live_server.url}/exams/papers/")
    page.fill("#id_title", "季度测试随机卷")
    page.select_option("#id_mode", "random")
    page.click("#paper-form button[type=submit]")
    page.wait_for_selector("text=试卷已创建")
    for kind, count in (("single", "3"), ("judge", "2")):
        page.select_option("#id_bank", label="季度测试题库")
        page.select_option("#id_kind", kind)
        page.fill("#id_count", count)
        page.fill("#id_score", "20")
        page.click("#paper-part-form button[type=submit]")
        page.wait_for_selector("text=抽题规则已添加")
    assert "满分 100" in page.inner_text("h1")

    # … and runs an exam for the committee's whole subtree.
    page.click("text=用此试卷组织考试")
    page.fill("#id_title", TITLE)
    page.fill("#id_duration_minutes", "30")
    page.fill("#id_pass_score", "60")
    committee = page.locator("#id_org option").first.get_attribute("value")
    page.select_option("#id_target_orgs", [committee])
    page.click("#exam-form button[type=submit]")
    page.wait_for_selector("text=考试已创建")
    page.click("#publish-exam")
    page.wait_for_selector("text=考试已发布")
    exam = Exam.objects.get(title=TITLE)

    # A member takes it on the phone and loses the connection after the first answers.
    _switch(page, live_server, "dangyuan1")
    page.goto(f"{live_server.url}/exams/mine/")
    page.locator("#my-exams .list-group-item", has_text=TITLE).locator("button").click()
    page.wait_for_selector("#exam-form")
    cards = page.locator("[data-question]")
    assert cards.count() == 5
    _answer_card(page, cards.nth(0), 0)
    _answer_card(page, cards.nth(1), 1)
    _saved(page)
    attempt = Attempt.objects.get(exam=exam, user__username="dangyuan1")
    assert Answer.objects.filter(attempt=attempt, seq__gt=0).count() == 2

    page.context.set_offline(True)
    for i in (2, 3, 4):
        _answer_card(page, cards.nth(i), i)
    page.wait_for_selector("#save-status[data-state=offline]")
    assert page.is_visible("#offline-note")
    page.screenshot(path=str(SHOTS / "exams-offline.png"), full_page=False)
    assert Answer.objects.filter(attempt=attempt, seq__gt=0).count() == 2  # nothing reached the server

    page.context.set_offline(False)
    _saved(page)
    shown = {}
    for i in range(5):
        card = cards.nth(i)
        checked = card.locator("input:checked")
        shown[int(card.get_attribute("data-question"))] = checked.get_attribute("value")
    stored = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
    assert all(a.seq > 0 and a.response for a in stored.values())  # every answer arrived, once each
    assert len(stored) == 5
    judge = {qid: v for qid, v in shown.items() if v in ("true", "false")}
    assert all(stored[qid].response == [v] for qid, v in judge.items())

    page.click("#submit-exam")
    page.wait_for_selector("#attempt-result")
    attempt.refresh_from_db()
    assert attempt.status == "submitted" and not attempt.auto_submitted
    assert f"{attempt.score}" in page.inner_text("#attempt-result")

    # A second member takes it without trouble.
    _switch(page, live_server, "zhibu1")
    page.goto(f"{live_server.url}/exams/mine/")
    page.locator("#my-exams .list-group-item", has_text=TITLE).locator("button").click()
    page.wait_for_selector("#exam-form")
    for i in range(5):
        _answer_card(page, page.locator("[data-question]").nth(i), 0)
    _saved(page)
    page.click("#submit-exam")
    page.wait_for_selector("#attempt-result")

    # The officer's statistics are those of the database.
    _switch(page, live_server, "erji1")
    page.goto(f"{live_server.url}/exams/{exam.pk}/")
    scores = list(Attempt.objects.filter(exam=exam, status="submitted").values_list("score", flat=True))
    assert len(scores) == 2
    assert page.inner_text("#stat-taken").strip() == "2"
    average = (sum(scores, Decimal(0)) / 2).quantize(Decimal("0.1"))
    assert Decimal(page.inner_text("#stat-average").strip()) == average
    page.screenshot(path=str(SHOTS / "exams-results.png"), full_page=True)
