"""The news pages for the personas: reading on a phone, writing with photos, reviewing, feed settings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.audit.models import AuditEntry
from dangjian.core.models import Job
from dangjian.news import services
from dangjian.news.models import Feed, FeedItem, Post, PostStatus
from dangjian.news.tests.conftest import image_upload

PHONE = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"}


def published(world, title="第一党支部开展主题党日活动", photos=()):
    post = services.post_create(
        actor=world.secretary_a,
        org=world.branch_a,
        title=title,
        body="全体党员参观革命纪念馆。\n\n重温入党誓词。",
        happened_on=dt.date(2026, 3, 2),
        photos=list(photos),
    )
    services.post_submit(actor=world.secretary_a, post=post)
    return services.post_approve(actor=world.officer, post=post)


def feed_item(title="中共中央政治局召开会议", n=1):
    feed, _ = Feed.objects.get_or_create(name="权威发布", url="http://mirror.intranet.example/rss.xml")
    return FeedItem.objects.create(
        feed=feed,
        dedup_key=f"k{n}",
        link=f"http://mirror.intranet.example/news/{n}.html",
        title=title,
        summary="会议强调全面从严治党。",
        content_hash=f"h{n}",
        published_at=dt.datetime(2026, 3, 1, 2, 30, tzinfo=dt.UTC),
        fetched_at=dt.datetime(2026, 3, 1, 3, 0, tzinfo=dt.UTC),
    )


def test_a_member_on_a_phone_reads_both_columns(world, login):
    post = published(world, photos=[image_upload()])
    item = feed_item()
    client = login(world.member_user)
    page = client.get(reverse("news:index"), **PHONE)
    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="viewport"' in body and post.title in body and "style=" not in body
    assert reverse("core:file_download", args=[post.photos.get().file.public_id]) in body
    feeds_tab = client.get(reverse("news:index"), {"tab": "feeds"}, **PHONE).content.decode()
    assert item.title in feeds_tab and 'href="http://mirror.intranet.example/news/1.html"' in feeds_tab
    assert "来源：权威发布" in feeds_tab and "2026-03-01 10:30" in feeds_tab  # shown in Asia/Shanghai
    detail = client.get(reverse("news:post_detail", args=[post.pk]), **PHONE).content.decode()
    assert "重温入党誓词。" in detail and 'id="post-photos"' in detail
    assert "撰稿人" not in detail  # readers see the organisation, not who wrote it
    photo = client.get(reverse("core:file_download", args=[post.photos.get().file.public_id]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


def test_a_member_of_another_company_reads_published_posts_too(world, login):
    from conftest import make_user

    post = published(world)
    other = make_user("qian", "钱七")
    world.member_c.user = other
    world.member_c.save(update_fields=["user"])
    assert login(other).get(reverse("news:post_detail", args=[post.pk])).status_code == 200


def test_a_draft_is_not_found_for_members_and_other_branches(world, login, client):
    post = services.post_create(
        actor=world.secretary_a,
        org=world.branch_a,
        title="草稿",
        body="正文",
        happened_on=dt.date(2026, 3, 2),
    )
    for user in (world.member_user, world.secretary_b):
        client.force_login(user)
        assert client.get(reverse("news:post_detail", args=[post.pk])).status_code == 404
        assert post.title not in client.get(reverse("news:index")).content.decode()


def test_the_list_pages_paginate_newest_first(world, login):
    for n in range(25):
        feed_item(f"资讯{n:02d}", n)
    FeedItem.objects.filter(title="资讯24").update(published_at=dt.datetime(2026, 3, 5, tzinfo=dt.UTC))
    client = login(world.member_user)
    first = client.get(reverse("news:index"), {"tab": "feeds"})
    assert first.context["page_obj"].paginator.num_pages == 2
    assert first.context["page_obj"][0].title == "资讯24"


def test_secretary_writes_and_submits_a_post_with_photos_from_the_form(world, login):
    client = login(world.secretary_a)
    assert client.get(reverse("news:post_create")).status_code == 200
    response = client.post(
        reverse("news:post_create"),
        {
            "org": world.branch_a.pk,
            "title": "第一党支部开展志愿服务",
            "happened_on": "2026-03-02",
            "body": "党员志愿者走进社区。",
            "photos": [image_upload("a.jpg"), image_upload("b.png", fmt="PNG")],
            "action": "submit",
        },
    )
    post = Post.objects.get(title="第一党支部开展志愿服务")
    assert response.status_code == 302 and response["Location"] == reverse("news:post_detail", args=[post.pk])
    assert post.status == PostStatus.PENDING and post.photos.count() == 2
    assert AuditEntry.objects.filter(action="news.post.submit", target_id=str(post.pk)).exists()


def test_a_post_for_another_branch_from_the_form_is_refused_and_changes_nothing(world, login, news_snapshot):
    client = login(world.secretary_a)
    before = news_snapshot()
    response = client.post(
        reverse("news:post_create"),
        {
            "org": world.branch_b.pk,
            "title": "越权",
            "happened_on": "2026-03-02",
            "body": "x",
            "action": "save",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert news_snapshot() == before


def test_a_bad_photo_from_the_form_shows_a_chinese_message_and_changes_nothing(world, login, news_snapshot):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(world.secretary_a)
    before = news_snapshot()
    response = client.post(
        reverse("news:post_create"),
        {
            "org": world.branch_a.pk,
            "title": "带坏图片",
            "happened_on": "2026-03-02",
            "body": "x",
            "photos": [SimpleUploadedFile("x.jpg", b"<html>not an image</html>")],
            "action": "save",
        },
    )
    assert response.status_code == 200
    assert "x.jpg" in " ".join(response.context["form"].non_field_errors())
    assert news_snapshot() == before


def test_the_officer_approves_from_the_review_page_and_the_member_sees_it_on_home(world, login):
    post = services.post_create(
        actor=world.secretary_a,
        org=world.branch_a,
        title="支部书记讲党课",
        body="正文",
        happened_on=dt.date(2026, 3, 2),
    )
    services.post_submit(actor=world.secretary_a, post=post)
    officer = login(world.officer)
    review = officer.get(reverse("news:review_list")).content.decode()
    assert "支部书记讲党课" in review
    assert officer.post(reverse("news:post_approve", args=[post.pk])).status_code == 302
    assert Post.objects.get(pk=post.pk).status == PostStatus.PUBLISHED
    login(world.member_user)
    home = officer.get(reverse("core:home")).content.decode()
    assert 'id="home-news"' in home and "支部书记讲党课" in home


def test_secretary_b_cannot_approve_branch_as_post_and_nothing_changes(world, login, news_snapshot):
    post = services.post_create(
        actor=world.secretary_a,
        org=world.branch_a,
        title="待审",
        body="正文",
        happened_on=dt.date(2026, 3, 2),
    )
    services.post_submit(actor=world.secretary_a, post=post)
    before = news_snapshot()
    client = login(world.secretary_b)
    assert (
        client.post(reverse("news:post_approve", args=[post.pk])).status_code == 403
    )  # no news.review at all
    assert client.post(reverse("news:post_submit", args=[post.pk])).status_code == 404
    assert news_snapshot() == before


def test_returning_without_a_reason_shows_a_message_and_changes_nothing(world, login, news_snapshot):
    post = services.post_create(
        actor=world.secretary_a,
        org=world.branch_a,
        title="待审",
        body="正文",
        happened_on=dt.date(2026, 3, 2),
    )
    services.post_submit(actor=world.secretary_a, post=post)
    before = news_snapshot()
    response = login(world.officer).post(
        reverse("news:post_return", args=[post.pk]), {"reason": ""}, follow=True
    )
    assert "请填写退回原因" in response.content.decode()
    assert news_snapshot() == before


def test_system_admin_adds_a_feed_and_fetches_it_now_with_progress(
    world, login, feed_server, django_capture_on_commit_callbacks
):
    client = login(world.system_admin)
    url = feed_server.serve("/rss.xml", "rss.xml")
    response = client.post(
        reverse("news:feed_list"), {"name": "权威发布", "url": url, "interval_minutes": 60, "enabled": "on"}
    )
    assert response.status_code == 302
    feed = Feed.objects.get(url=url)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("news:feed_fetch"), {"feed": feed.pk})
    job = Job.objects.get(kind="news.fetch")
    assert response["Location"] == reverse("news:fetch_job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "新增 3 条" in page
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="fetch-progress"') or 'id="fetch-progress"' in fragment
    listing = client.get(reverse("news:feed_list")).content.decode()
    assert "正常，新增 3 条" in listing and ">3</td>" in listing


def test_a_failing_feed_shows_its_chinese_error_on_the_settings_page(world, login, feed_server):
    feed = Feed.objects.create(name="坏订阅", url=feed_server.serve("/bad", "bad.xml"))
    services.feed_fetch(feed=feed)
    listing = login(world.system_admin).get(reverse("news:feed_list")).content.decode()
    assert "订阅内容不是格式正确的 XML" in listing


def test_a_bad_feed_address_is_refused_on_the_form(world, login, news_snapshot):
    client = login(world.system_admin)
    before = news_snapshot()
    response = client.post(
        reverse("news:feed_list"), {"name": "x", "url": "file:///etc/passwd", "interval_minutes": 60}
    )
    assert response.status_code == 200 and "http://" in " ".join(response.context["form"].non_field_errors())
    assert news_snapshot() == before


@pytest.mark.parametrize("persona", ["officer", "member_user", "security_admin"])
def test_only_the_system_admin_opens_the_feed_settings(world, login, persona):
    assert login(getattr(world, persona)).get(reverse("news:feed_list")).status_code == 403


def test_the_home_page_block_costs_two_queries_whatever_the_number_of_items(world, login):
    for n in range(12):
        feed_item(f"资讯{n}", n)
    published(world, "动态一")
    published(world, "动态二")
    from dangjian.news import selectors

    with CaptureQueriesContext(connection) as ctx:
        entries = selectors.latest(limit=5)
    assert len(ctx.captured_queries) == 2 and len(entries) == 5
    assert entries[0].title in ("动态一", "动态二")  # approved just now: newest
    client = login(world.member_user)
    client.get(reverse("core:home"))  # the first request of a session does its own sign-in work
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("core:home"))
    for n in range(12, 40):
        feed_item(f"资讯{n}", n)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("core:home"))
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_news_index_does_not_grow_queries_with_posts(world, login):
    published(world, "动态一", photos=[image_upload()])
    client = login(world.member_user)
    client.get(reverse("news:index"))  # the first request of a session does its own sign-in work
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("news:index"))
    for n in range(5):
        published(world, f"动态{n + 2}", photos=[image_upload()])
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("news:index"))
    assert len(large.captured_queries) == len(small.captured_queries)
