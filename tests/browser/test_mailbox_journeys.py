"""Browser journey of 书记信箱 in Debian's Chromium on a phone-sized screen: a member writes an anonymous
letter and keeps the receipt; the branch secretary (the designated handler) reads and answers it; the writer,
signed out, reads the answer with the receipt and adds to the letter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from dangjian.access.models import Grant
from dangjian.audit.models import AuditEntry
from dangjian.mailbox.models import Letter
from tests.browser.conftest import login

SHOTS = Path(settings.BASE_DIR) / "test-results"
PASSWORD = settings.DEMO_PASSWORD or "Dangjian@2026"
SUBJECT = "反映班组长让人代打卡"


@pytest.fixture
def branch(transactional_db: Any) -> Any:
    """The demo enterprise (seed_demo, as `make run` uses); zhibu1 handles the letters of her branch."""
    call_command("seed_demo", "--members", "200", "--force", verbosity=0)
    return Grant.objects.get(user__username="zhibu1", role="branch_secretary").org


def _logout(page: Any, live_server: Any) -> None:
    """Sign out from the phone menu (the writer's pages have none: from the home page)."""
    page.goto(f"{live_server.url}/")
    page.click(".navbar-toggler")
    page.click("#mainnav form[action='/accounts/logout/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/login/**")


def test_member_writes_anonymously_handler_replies_writer_reads_the_reply_by_receipt(
    branch: Any, page: Any, live_server: Any
) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.on("dialog", lambda dialog: dialog.accept())

    # The member, signed in, writes an anonymous letter to the branch secretary from the phone.
    login(page, live_server, "dangyuan1", PASSWORD)
    page.goto(f"{live_server.url}/mailbox/write/")
    assert "从不记录您是谁" in page.inner_text("#anonymous-promise")
    page.select_option("#id_org", str(branch.pk))
    page.fill("#id_subject", SUBJECT)
    page.fill("#id_body", "我们班组长经常让徒弟帮他打卡，自己上班时间在外面办私事，请组织核实。")
    assert page.is_checked("#id_anonymous_0")  # 匿名 is the default
    page.click("#letter-submit")
    page.wait_for_selector("#receipt-code")
    code = page.inner_text("#receipt-code").replace(" ", "").strip()
    assert len(code) == 16 and code.isdigit()
    page.screenshot(path=str(SHOTS / "mailbox-receipt.png"), full_page=True)
    [letter] = [x for x in Letter.objects.filter(org=branch) if x.subject == SUBJECT]  # encrypted column
    assert letter.writer is None and letter.anonymous
    assert letter.category is not None and letter.category.name == "作风纪律"
    assert not AuditEntry.objects.filter(actor__username="dangyuan1", action__startswith="mailbox.").exists()
    _logout(page, live_server)

    # The branch secretary sees it unread, opens it (audited) and answers.
    login(page, live_server, "zhibu1", PASSWORD)
    page.goto(f"{live_server.url}/mailbox/")
    page.click(f"text={SUBJECT}")
    page.wait_for_selector("#reply-form")
    assert "作风纪律" in page.inner_text("#letter-category")
    page.fill("#reply-form textarea", "来信收悉，支部已约谈该班组长，考勤已纠正。感谢您的监督。")
    page.click("#reply-submit")
    page.wait_for_selector("text=答复已发送")
    assert AuditEntry.objects.filter(action="mailbox.letter.read", actor__username="zhibu1").exists()
    _logout(page, live_server)

    # The writer, signed out, reads the answer with the receipt and adds to the letter.
    page.goto(f"{live_server.url}/mailbox/receipt/")
    page.fill("#id_receipt", code)
    page.click("#receipt-submit")
    page.wait_for_selector("#thread")
    assert "支部已约谈该班组长" in page.inner_text("#thread")
    assert code not in page.url
    page.fill("#add-form textarea", "谢谢组织，问题已经解决。")
    page.click("#add-submit")
    page.wait_for_selector("text=问题已经解决")
    page.screenshot(path=str(SHOTS / "mailbox-reply-by-receipt.png"), full_page=True)
    letter.refresh_from_db()
    assert letter.has_news and letter.messages.count() == 3


def test_the_committee_turns_a_letter_into_a_rectification_task_from_the_phone(
    branch: Any, page: Any, live_server: Any
) -> None:
    """erji1 (党委组织干部 of the 二级党委: handles its letters, assigns supervised tasks) turns an
    anonymous letter into a 督办整改 task for a branch below; the letter shows the task and its state, the
    task its source, and nothing about the writer."""
    from dangjian.mailbox import services
    from dangjian.supervision.models import Rectification

    SHOTS.mkdir(exist_ok=True)
    committee = Grant.objects.get(user__username="erji1", role="committee_officer").org
    target = branch if branch.path.startswith(committee.path) else committee
    letter, _ = services.letter_submit(
        writer=None,
        org=committee,
        subject="反映食堂采购不透明",
        body="食堂采购没有公示，价格偏高。",
        anonymous=True,
    )
    login(page, live_server, "erji1", PASSWORD)
    page.goto(f"{live_server.url}/mailbox/letters/{letter.pk}/")
    page.click("#source-task-button")
    page.wait_for_selector("#source-task-form")
    assert page.input_value("#id_title") == "书记信箱来信：反映食堂采购不透明"
    assert "价格偏高" in page.input_value("#id_description")
    page.select_option("#id_org", str(target.pk))
    page.fill("#id_evidence_required", "采购公示照片")
    page.click("#source-task-submit")
    page.wait_for_selector("#source-task-link")
    assert page.inner_text("#source-task-state") == "待整改"
    assert page.locator("#source-task-button").count() == 0
    page.screenshot(path=str(SHOTS / "mailbox-letter-task.png"), full_page=True)
    task = Rectification.objects.get(source_id=letter.pk)
    assert task.org == target and task.source_kind == "letter"
    page.click("#source-task-link")
    page.wait_for_selector("#task-source-link")
    assert "书记信箱来信" in page.inner_text("main") and "匿名" not in page.inner_text("main")
