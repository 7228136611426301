"""The news API: the merged list, writing and reviewing posts, feeds and their fetch job."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangjian.audit.models import AuditEntry
from dangjian.news import services
from dangjian.news.models import Feed, FeedItem, Post, PostStatus
from dangjian.news.tests.conftest import image_upload


def _published(world, title: str) -> Post:
    post = services.post_create(
        actor=world.secretary_a, org=world.branch_a, title=title, body="正文", happened_on=dt.date(2026, 3, 2)
    )
    services.post_submit(actor=world.secretary_a, post=post)
    return services.post_approve(actor=world.officer, post=post)


def test_the_merged_list_holds_both_kinds_newest_first(world, login):
    feed = Feed.objects.create(name="权威发布", url="http://mirror.intranet.example/rss.xml")
    FeedItem.objects.create(
        feed=feed,
        dedup_key="a",
        link="http://mirror.intranet.example/1.html",
        title="权威资讯一",
        content_hash="a",
        published_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        fetched_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
    )
    FeedItem.objects.create(
        feed=feed,
        dedup_key="b",
        title="已隐藏",
        content_hash="b",
        hidden=True,
        published_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
        fetched_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
    )
    post = _published(world, "基层动态一")
    client = login(world.member_user)
    body = client.get(reverse("news-item-list")).json()
    assert body["count"] == 2
    first, second = body["results"]
    assert first == {
        "kind": "post",
        "id": post.pk,
        "title": "基层动态一",
        "at": first["at"],
        "source": "第一党支部",
        "link": "",
    }
    assert second["kind"] == "feed" and second["link"] == "http://mirror.intranet.example/1.html"
    assert [r["kind"] for r in client.get(reverse("news-item-list"), {"kind": "feed"}).json()["results"]] == [
        "feed"
    ]
    detail = client.get(reverse("news-published-detail", args=[post.pk])).json()
    assert detail["org_name"] == "第一党支部" and "author" not in detail


def test_a_secretary_writes_uploads_photos_and_submits_through_the_api(world, login):
    client = login(world.secretary_a)
    created = client.post(
        reverse("news-post-list"),
        {"org": world.branch_a.pk, "title": "接口发布的动态", "body": "正文", "happened_on": "2026-03-02"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    photos = client.post(
        reverse("news-post-photos", args=[pk]), {"photos": [image_upload("a.jpg"), image_upload("b.jpg")]}
    )
    assert photos.status_code == 201 and len(photos.json()) == 2
    assert photos.json()[0]["url"].startswith("/files/")
    submitted = client.post(reverse("news-post-submit", args=[pk]))
    assert submitted.json()["status"] == "pending"
    refused = client.patch(
        reverse("news-post-detail", args=[pk]), {"title": "改"}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "news.not_editable"


def test_a_bad_photo_through_the_api_is_a_400_and_changes_nothing(world, login, news_snapshot):
    post = services.post_create(
        actor=world.secretary_a,
        org=world.branch_a,
        title="草稿",
        body="正文",
        happened_on=dt.date(2026, 3, 2),
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = news_snapshot()
    response = login(world.secretary_a).post(
        reverse("news-post-photos", args=[post.pk]), {"photos": [SimpleUploadedFile("x.svg", b"<svg></svg>")]}
    )
    assert response.status_code == 400 and response.json()["code"].startswith("upload.")
    assert news_snapshot() == before


def test_the_officer_reviews_through_the_api(world, login):
    post = services.post_create(
        actor=world.secretary_a,
        org=world.branch_a,
        title="待审",
        body="正文",
        happened_on=dt.date(2026, 3, 2),
    )
    services.post_submit(actor=world.secretary_a, post=post)
    client = login(world.officer)
    queue = client.get(reverse("news-review-list")).json()
    assert [p["id"] for p in queue["results"]] == [post.pk]
    returned = client.post(
        reverse("news-review-return", args=[post.pk]), {"reason": ""}, content_type="application/json"
    )
    assert returned.status_code == 400
    approved = client.post(reverse("news-review-approve", args=[post.pk]))
    assert approved.status_code == 200 and approved.json()["status"] == PostStatus.PUBLISHED
    assert AuditEntry.objects.filter(action="news.post.approve", target_id=str(post.pk)).exists()


def test_the_officer_does_not_review_the_committees_own_post_through_the_api(world, login, news_snapshot):
    post = services.post_create(
        actor=world.officer,
        org=world.committee,
        title="党委动态",
        body="正文",
        happened_on=dt.date(2026, 3, 2),
    )
    services.post_submit(actor=world.officer, post=post)
    client = login(world.officer)
    before = news_snapshot()
    assert post.pk not in [p["id"] for p in client.get(reverse("news-review-list")).json()["results"]]
    assert client.post(reverse("news-review-approve", args=[post.pk])).status_code == 404
    assert news_snapshot() == before


def test_feeds_through_the_api_with_a_fetch_job(
    world, login, feed_server, django_capture_on_commit_callbacks
):
    client = login(world.system_admin)
    url = feed_server.serve("/atom.xml", "atom.xml")
    created = client.post(
        reverse("news-feed-list"),
        {"name": "理论学习", "url": url, "interval_minutes": 30},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["item_count"] == 0
    pk = created.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("news-feed-fetch", args=[pk]))
    assert started.status_code == 202
    job = client.get(reverse("news-fetch-job-detail", args=[started.json()["id"]])).json()
    assert job["status"] == "succeeded" and job["result"]["feeds"][0]["added"] == 2
    assert client.get(reverse("news-feed-detail", args=[pk])).json()["item_count"] == 2
    bad = client.patch(
        reverse("news-feed-detail", args=[pk]), {"url": "gopher://x"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["code"] == "news.bad_url"
    item = FeedItem.objects.first()
    assert client.post(reverse("news-feed-item-hide", args=[item.pk])).json()["hidden"] is True
    assert item.pk not in [
        r["id"] for r in login(world.member_user).get(reverse("news-item-list")).json()["results"]
    ]
