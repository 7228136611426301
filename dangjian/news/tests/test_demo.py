"""The demo content of 党建新鲜事 (seed_demo): feeds with items, posts in every state, one for erji1."""

from __future__ import annotations

import time

from dangjian.accounts.models import User
from dangjian.members import demo
from dangjian.news import demo_content, selectors
from dangjian.news.models import Feed, FeedItem, Post, PostPhoto, PostStatus


def test_demo_news_has_feeds_items_and_posts_with_one_waiting_for_erji1(db):
    demo.seed(members=200, seed=7, progress=lambda n: None)
    started = time.monotonic()
    line = demo_content.seed(seed=7)
    assert time.monotonic() - started < 10
    assert "党建新鲜事" in line
    assert Feed.objects.count() == 2 and all(
        f.url.startswith("http://mirror.intranet.example/") for f in Feed.objects.all()
    )
    assert FeedItem.objects.count() == 20
    assert set(Post.objects.values_list("status", flat=True)) == {
        PostStatus.PUBLISHED,
        PostStatus.PENDING,
        PostStatus.RETURNED,
        PostStatus.DRAFT,
    }
    assert Post.objects.count() == 11 and PostPhoto.objects.count() >= 6
    erji1 = User.objects.get(username="erji1")
    queue = list(selectors.post_list_for_reviewer(user=erji1))
    assert len(queue) == 1 and queue[0].author.username == "zhibu2"
    home = selectors.latest(limit=5)
    assert len(home) == 5 and {e.kind for e in home} == {"feed", "post"}


def test_the_demo_is_the_same_for_the_same_seed(db):
    demo.seed(members=200, seed=3, progress=lambda n: None)
    demo_content.seed(seed=3)
    first = list(FeedItem.objects.order_by("id").values_list("title", "link"))
    assert first[0][0] == demo_content.ITEMS[0][0]
