"""Scope contract of 党建新鲜事: see tests/contracts/__init__.py.

The objects: a post of 第一党支部 (branch_a) written by secretary_a and submitted for review, with one photo;
a published post of the same branch; a feed with one item; a fetch job. secretary_a and the officer
(committee over branch_a, news.publish) manage the pending post, secretary_b (branch_b) gets 404; only the
officer reviews it (news.review over the PARENT of branch_a). Published news is read by every signed-in
user, the 三员 included (it is published news, not a record about a person). Feeds are the 系统管理员's
(news.feeds).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.contracts import ORG_WORKERS, SIGNED_IN, Write, api, html

PUBLISHERS_A = ("secretary_a", "officer")  # news.publish over branch_a
REVIEWER = ("officer",)
FEEDS = ("system_admin",)


def _image(name: str = "现场.jpg") -> SimpleUploadedFile:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (32, 24), "red").save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def _pending(w: SimpleNamespace) -> Any:
    """Submitted by secretary_a, with one photo (made once per world)."""
    if not hasattr(w, "news_pending"):
        from dangjian.news import services

        post = services.post_create(
            actor=w.secretary_a,
            org=w.branch_a,
            title="第一党支部开展主题党日活动",
            body="全体党员参观革命纪念馆。",
            happened_on=dt.date(2026, 3, 2),
            photos=[_image()],
        )
        w.news_pending = services.post_submit(actor=w.secretary_a, post=post)
    return w.news_pending


def _published(w: SimpleNamespace) -> Any:
    if not hasattr(w, "news_published"):
        from dangjian.news import services

        post = services.post_create(
            actor=w.secretary_a,
            org=w.branch_a,
            title="第一党支部志愿服务",
            body="党员志愿者走进社区。",
            happened_on=dt.date(2026, 3, 1),
        )
        services.post_submit(actor=w.secretary_a, post=post)
        w.news_published = services.post_approve(actor=w.officer, post=post)
    return w.news_published


def _feed(w: SimpleNamespace) -> Any:
    if not hasattr(w, "news_feed"):
        from dangjian.news.models import Feed, FeedItem

        feed = Feed.objects.create(name="权威发布", url="http://mirror.intranet.example/rss.xml")
        FeedItem.objects.create(
            feed=feed,
            dedup_key="contract-item",
            link="http://mirror.intranet.example/news/1.html",
            title="中共中央政治局召开会议",
            content_hash="contract-hash",
            published_at=dt.datetime(2026, 3, 1, 2, 30, tzinfo=dt.UTC),
            fetched_at=dt.datetime(2026, 3, 1, 3, 0, tzinfo=dt.UTC),
        )
        w.news_feed = feed
    return w.news_feed


def _item(w: SimpleNamespace) -> Any:
    return _feed(w).items.get()


def _job(w: SimpleNamespace) -> Any:
    from dangjian.core.jobs import job_create

    return job_create(
        kind="news.fetch", user=w.system_admin, title="抓取资讯：权威发布", params={"feeds": []}
    )


def _photo(w: SimpleNamespace) -> Any:
    return _pending(w).photos.get()


def _post_form(w: SimpleNamespace) -> dict[str, Any]:
    return {
        "org": w.branch_a.pk,
        "title": "越权发布",
        "happened_on": "2026-03-02",
        "body": "正文",
        "action": "submit",
    }


def _feed_form(w: SimpleNamespace) -> dict[str, Any]:
    return {"name": "新资讯源", "url": "http://mirror.intranet.example/new.xml", "interval_minutes": 60}


EXPECTED: dict[str, dict[str, Any]] = {
    # pages
    "news:index": html(SIGNED_IN),
    "news:post_detail": html(PUBLISHERS_A, others=404),  # a pending post: publishers and the reviewer only
    "news:post_manage": html(ORG_WORKERS),
    "news:post_create": html(ORG_WORKERS),
    "news:post_edit": html(PUBLISHERS_A, secretary_b=404),
    "news:post_submit": html(PUBLISHERS_A, ok=405, secretary_b=405),
    "news:post_delete": html(PUBLISHERS_A, ok=405, secretary_b=405),
    "news:post_approve": html(REVIEWER, ok=405),
    "news:post_return": html(REVIEWER, ok=405),
    "news:post_withdraw": html(ORG_WORKERS, ok=405),
    "news:photo_delete": html(ORG_WORKERS, ok=405),
    "news:review_list": html(REVIEWER),
    "news:feed_list": html(FEEDS),
    "news:feed_edit": html(FEEDS),
    "news:feed_fetch": html(FEEDS, ok=405),
    "news:fetch_job": html(FEEDS),
    "news:item_hide": html(FEEDS, ok=405),
    # API
    "news-item-list": api(SIGNED_IN),
    "news-published-list": api(SIGNED_IN),
    "news-published-detail": api(SIGNED_IN),
    "news-post-list": api(ORG_WORKERS),
    "news-post-detail": api(PUBLISHERS_A, secretary_b=404),
    "news-post-photos": api(ORG_WORKERS, ok=405),
    "news-post-photo": api(ORG_WORKERS, ok=405),
    "news-post-submit": api(ORG_WORKERS, ok=405),
    "news-post-withdraw": api(ORG_WORKERS, ok=405),
    "news-review-list": api(REVIEWER),
    "news-review-detail": api(REVIEWER),
    "news-review-approve": api(REVIEWER, ok=405),
    "news-review-return": api(REVIEWER, ok=405),
    "news-review-withdraw": api(REVIEWER, ok=405),
    "news-feed-list": api(FEEDS),
    "news-feed-detail": api(FEEDS),
    "news-feed-fetch": api(FEEDS, ok=405),
    "news-feed-fetch-all": api(FEEDS, ok=405),
    "news-fetch-job-detail": api(FEEDS),
    "news-feed-item-list": api(FEEDS),
    "news-feed-item-detail": api(FEEDS),
    "news-feed-item-hide": api(FEEDS, ok=405),
    "news-feed-item-unhide": api(FEEDS, ok=405),
}


def _pk(make: Callable[[SimpleNamespace], Any]) -> Callable[[SimpleNamespace], dict[str, Any]]:
    return lambda w: {"pk": make(w).pk}


KWARGS: dict[str, Callable[[SimpleNamespace], dict[str, Any]]] = {
    "news:post_detail": _pk(_pending),
    "news:post_edit": _pk(_pending),
    "news:post_submit": _pk(_pending),
    "news:post_delete": _pk(_pending),
    "news:post_approve": _pk(_pending),
    "news:post_return": _pk(_pending),
    "news:post_withdraw": _pk(_published),
    "news:photo_delete": _pk(_photo),
    "news:feed_edit": _pk(_feed),
    "news:fetch_job": _pk(_job),
    "news:item_hide": _pk(_item),
    "news-published-detail": _pk(_published),
    "news-post-detail": _pk(_pending),
    "news-post-photos": _pk(_pending),
    "news-post-photo": lambda w: {"pk": _pending(w).pk, "photo_id": _photo(w).pk},
    "news-post-submit": _pk(_pending),
    "news-post-withdraw": _pk(_published),
    "news-review-detail": _pk(_pending),
    "news-review-approve": _pk(_pending),
    "news-review-return": _pk(_pending),
    "news-review-withdraw": _pk(_published),
    "news-feed-detail": _pk(_feed),
    "news-feed-fetch": _pk(_feed),
    "news-fetch-job-detail": _pk(_job),
    "news-feed-item-detail": _pk(_item),
    "news-feed-item-hide": _pk(_item),
    "news-feed-item-unhide": _pk(_item),
}

_reason: Callable[[SimpleNamespace], dict[str, Any]] = lambda w: {"reason": "不符合要求"}  # noqa: E731
_none: Callable[[SimpleNamespace], dict[str, Any]] = lambda w: {}  # noqa: E731

WRITES: dict[str, Write] = {
    "news:post_create": Write("post", ORG_WORKERS, _post_form),
    "news:post_edit": Write("post", PUBLISHERS_A, _post_form),
    "news:post_submit": Write("post", PUBLISHERS_A, _none),
    "news:post_delete": Write("post", PUBLISHERS_A, _none),
    "news:post_approve": Write("post", REVIEWER, _none),
    "news:post_return": Write("post", REVIEWER, _reason),
    "news:post_withdraw": Write("post", PUBLISHERS_A, _reason),
    "news:photo_delete": Write("post", PUBLISHERS_A, _none),
    "news:feed_list": Write("post", FEEDS, _feed_form),
    "news:feed_edit": Write("post", FEEDS, _feed_form),
    "news:feed_fetch": Write("post", FEEDS, _none),  # every enabled feed
    "news:item_hide": Write("post", FEEDS, lambda w: {"hidden": "1"}),
    "news-post-list": Write(
        "post",
        PUBLISHERS_A,
        lambda w: {"org": w.branch_a.pk, "title": "越权", "body": "x", "happened_on": "2026-03-02"},
    ),
    "news-post-detail": Write("patch", PUBLISHERS_A, lambda w: {"title": "改标题"}),
    "news-post-photos": Write("post", PUBLISHERS_A, lambda w: {"photos": _image()}, multipart=True),
    "news-post-photo": Write("delete", PUBLISHERS_A, _none),
    "news-post-submit": Write("post", PUBLISHERS_A, _none),
    "news-post-withdraw": Write("post", PUBLISHERS_A, _reason),
    "news-review-approve": Write("post", REVIEWER, _none),
    "news-review-return": Write("post", REVIEWER, _reason),
    "news-review-withdraw": Write("post", REVIEWER, _reason),
    "news-feed-list": Write("post", FEEDS, _feed_form),
    "news-feed-detail": Write("patch", FEEDS, lambda w: {"interval_minutes": 120}),
    "news-feed-fetch": Write("post", FEEDS, _none),
    "news-feed-fetch-all": Write("post", FEEDS, _none),
    "news-feed-item-hide": Write("post", FEEDS, _none),
    "news-feed-item-unhide": Write("post", FEEDS, _none),
}
