"""Reads of 党建新鲜事. Published news (feed items not hidden, approved posts) is read by every signed-in user
of the enterprise; drafts and the review queue are scoped by news.publish / news.review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import CharField, Count, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from dangjian.access import scope
from dangjian.news.models import Feed, FeedItem, Post, PostPhoto, PostStatus
from dangjian.orgs.models import Org


def feed_list() -> QuerySet[Feed]:
    """Every configured source with its item count (one grouped query)."""
    return Feed.objects.annotate(item_count=Count("items")).order_by("name", "id")


def feed_item_list(*, include_hidden: bool = False) -> QuerySet[FeedItem]:
    """权威资讯, newest first, with their source."""
    qs = FeedItem.objects.select_related("feed").order_by("-published_at", "-id")
    return qs if include_hidden else qs.filter(hidden=False)


def _photos() -> Prefetch[Any]:
    return Prefetch("photos", queryset=PostPhoto.objects.select_related("file").order_by("position", "id"))


def published_post_list() -> QuerySet[Post]:
    """基层动态 approved for publication, newest first, with their organisation and photos (two queries)."""
    return (
        Post.objects.filter(status=PostStatus.PUBLISHED)
        .select_related("org")
        .prefetch_related(_photos())
        .order_by("-published_at", "-id")
    )


def post_list_for_publisher(*, user: Any) -> QuerySet[Post]:
    """Posts of the organisations the user publishes for, in every state."""
    qs = Post.objects.select_related("org", "author", "reviewed_by").prefetch_related(_photos())
    return scope.restrict(qs, user, "news.publish").order_by("-updated_at", "-id")


def review_filter(user: Any) -> Q | None:
    """Posts whose PARENT organisation lies in the user's news.review scope (plus the root's own posts under a
    grant at the root, which has no level above), as one filter; None when the user reviews nothing."""
    s = scope.scope_for(user, "news.review")
    if s.everywhere:
        return Q()
    if not (s.subtrees or s.nodes):
        return None
    q = Q(pk__in=[])
    for path in s.subtrees:
        q |= scope.subtree_q("org__path", path) & ~Q(org__path=path)
        if len(path) == Org.steplen:
            q |= Q(org__path=path)
    for path, depth in Org.objects.filter(pk__in=s.nodes).values_list("path", "depth"):
        q |= Q(org__path__startswith=path, org__depth=depth + 1)
        if depth == 1:
            q |= Q(org__path=path)
    return q


def post_list_for_reviewer(*, user: Any, status: str | None = PostStatus.PENDING) -> QuerySet[Post]:
    """Posts the user reviews (of the organisations below their news.review grants), not their own."""
    q = review_filter(user)
    if q is None:
        return Post.objects.none()
    qs = (
        Post.objects.filter(q)
        .exclude(author=user)
        .select_related("org", "author", "reviewed_by")
        .prefetch_related(_photos())
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("submitted_at", "id")


def post_get_for_reader(*, user: Any, pk: Any) -> Post | None:
    """A post the user may open: published ones for everyone; others for its publishers and reviewers."""
    post = (
        Post.objects.select_related("org", "author", "reviewed_by")
        .prefetch_related(_photos())
        .filter(pk=pk)
        .first()
    )
    if post is None:
        return None
    if post.status == PostStatus.PUBLISHED:
        return post
    if scope.org_in_scope(user, "news.publish", post.org):
        return post
    q = review_filter(user)
    if q is not None and Post.objects.filter(q, pk=post.pk).exists():
        return post
    return None


@dataclass(frozen=True)
class NewsEntry:
    """One line of the merged news list: a feed item (links out) or a branch post (opens here)."""

    kind: str  # "feed" | "post"
    id: int
    title: str
    at: datetime
    source: str
    link: str


def latest_queryset(*, kind: str = "") -> Any:
    """Rows (kind, id, title, at, source, url) of both kinds in one UNION query, newest first, for the API's
    merged, paginated list; ``kind`` "feed" or "post" gives one kind only."""
    text = CharField()
    items = (
        FeedItem.objects.filter(hidden=False)
        .annotate(
            kind=Value("feed", output_field=text), at=F("published_at"), source=F("feed__name"), url=F("link")
        )
        .order_by()
        .values_list("kind", "id", "title", "at", "source", "url")
    )
    posts = (
        Post.objects.filter(status=PostStatus.PUBLISHED)
        .annotate(
            kind=Value("post", output_field=text),
            at=F("published_at"),
            source=Coalesce(NullIf(F("org__short_name"), Value("")), F("org__name")),
            url=Value("", output_field=text),
        )
        .order_by()
        .values_list("kind", "id", "title", "at", "source", "url")
    )
    if kind == "feed":
        return items.order_by("-at", "-id")
    if kind == "post":
        return posts.order_by("-at", "-id")
    return items.union(posts, all=True).order_by("-at", "-id")


def latest(*, limit: int = 5) -> list[NewsEntry]:
    """The ``limit`` newest published entries of both kinds for the home page: two indexed queries of at most
    ``limit`` rows each (hidden/published_at and status/published_at), merged here."""
    items = (
        FeedItem.objects.filter(hidden=False)
        .order_by("-published_at", "-id")
        .values_list("id", "title", "published_at", "feed__name", "link")[:limit]
    )
    posts = (
        Post.objects.filter(status=PostStatus.PUBLISHED)
        .order_by("-published_at", "-id")
        .values_list("id", "title", "published_at", "org__short_name", "org__name")[:limit]
    )
    entries = [NewsEntry("feed", pk, title, at, source, link) for pk, title, at, source, link in items]
    entries += [
        NewsEntry("post", pk, title, at, short or name, "")
        for pk, title, at, short, name in posts
        if at is not None  # always set once published
    ]
    entries.sort(key=lambda e: (e.at, e.kind == "post", e.id), reverse=True)
    return entries[:limit]
