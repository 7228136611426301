"""Browser journey of 学习专题 in Debian's Chromium on a phone-sized screen: a member opens an assigned
article, stays until the server has credited the reading time (heartbeat interval shortened through the
STUDY_HEARTBEAT_INTERVAL setting), writes a shared note and sees today's points."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from conftest import PASSWORD
from dangjian.points import services as points
from dangjian.study import services
from dangjian.study.models import ItemProgress, Note
from tests.browser.conftest import login


def test_member_reads_an_assigned_article_writes_a_shared_note_and_sees_todays_points(
    world, page, live_server, settings
):
    settings.STUDY_HEARTBEAT_INTERVAL = 1  # the page's timer; the server still measures every second
    settings.STUDY_READ_SECONDS = 5  # an article counts as read after 5 s here (30 in production)
    points.points_seed_rules()
    topic = services.topic_create(actor=world.officer, org=world.committee, title="党章党规学习")
    article = services.item_add_article(
        actor=world.officer,
        topic=topic,
        title="党员的义务和权利",
        body="<p>党章规定了党员必须履行的义务和享有的权利。</p><p>请对照党章逐条自查。</p>",
    )
    services.assignment_add(
        actor=world.officer,
        topic=topic,
        org=world.branch_a,
        required=True,
        deadline=timezone.localdate() + dt.timedelta(days=7),
    )
    services.topic_publish(actor=world.officer, topic=topic)

    login(page, live_server, "dangyuan", PASSWORD)
    page.goto(f"{live_server.url}/study/")
    page.click("#my-topics >> text=党章党规学习")
    page.click("#topic-items >> text=党员的义务和权利")
    assert page.locator("#item-body").inner_text().startswith("党章规定")
    # The heartbeat credits time only while the page is visible; wait for the server's STUDY_READ_SECONDS.
    page.wait_for_function(
        "() => Number(document.querySelector('[data-study-today]').getAttribute('data-seconds') || 0) >= 6",
        timeout=60000,
    )
    progress = ItemProgress.objects.get(member=world.member, item=article)
    assert progress.completed_at is not None and progress.seconds >= 5

    page.fill("#id_body", "对照党章自查，我要在批评和自我批评上下功夫。")
    page.check("#id_shared")
    page.click("#note-box button[type=submit]")
    page.wait_for_selector("text=笔记已保存并分享到支部")
    assert Note.objects.get(member=world.member).shared
    page.reload()
    assert "已学完" in page.locator("#item-status").inner_text()

    page.goto(f"{live_server.url}/study/notes/branch/")
    assert "批评和自我批评" in page.locator("#branch-notes").inner_text()

    page.goto(f"{live_server.url}/points/")
    today = page.locator("#points-today").inner_text()
    assert "阅读文章" in today
    read = page.locator("#points-today li", has_text="阅读文章").inner_text()
    assert read.split("阅读文章")[1].strip().startswith("1")
