"""Writes of 党建新鲜事: feeds and their fetching, branch activity posts and their review.

Feeds are platform configuration held by the 系统管理员 (``news.feeds``). Posts are written by users with
``news.publish`` over the post's organisation and reviewed by users with ``news.review`` over its parent
organisation (the level above), never by their author. Every business event writes one audit entry
``news.<noun>.<verb>`` in the same transaction; a refusal raises ``BusinessError`` and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from dangjian.access import scope
from dangjian.audit import services as audit
from dangjian.core import uploads
from dangjian.core.errors import BusinessError
from dangjian.core.jobs import job_create, job_finish, job_progress
from dangjian.core.models import Job
from dangjian.news import feeds
from dangjian.news.models import Feed, FeedItem, Post, PostPhoto, PostStatus
from dangjian.orgs.models import Org, OrgKind

logger = logging.getLogger(__name__)

FEED_FIELDS = ("name", "url", "interval_minutes", "enabled")
MIN_INTERVAL, MAX_INTERVAL = 10, 7 * 24 * 60
FETCH_JOB_KIND = "news.fetch"
PHOTO_PURPOSE = "news.photo"
TITLE_MAX, BODY_MAX, NOTE_MAX = 120, 20000, 500

# --------------------------------------------------------------------------------------------------------
# Feeds


def _require_feeds(actor: Any) -> None:
    if not scope.has_permission(actor, "news.feeds"):
        raise BusinessError("news.forbidden", "无权管理资讯源")


def _clean_feed(data: dict[str, Any], *, feed: Feed | None) -> dict[str, Any]:
    unknown = set(data) - set(FEED_FIELDS)
    if unknown:
        raise BusinessError("news.bad_field", f"不能修改：{'、'.join(sorted(unknown))}")
    out = dict(data)
    if "name" in out:
        out["name"] = str(out["name"] or "").strip()
        if not out["name"]:
            raise BusinessError("news.name_required", "请填写资讯源名称")
        if len(out["name"]) > 100:
            raise BusinessError("news.name_too_long", "名称不能超过 100 个字")
    if "url" in out:
        out["url"] = feeds.check_url(str(out["url"] or ""))
        if len(out["url"]) > 500:
            raise BusinessError("news.bad_url", "订阅地址不能超过 500 个字符")
        others = Feed.objects.filter(url=out["url"])
        if feed is not None:
            others = others.exclude(pk=feed.pk)
        if others.exists():
            raise BusinessError("news.feed_exists", "该订阅地址已配置")
    if "interval_minutes" in out:
        minutes = out["interval_minutes"]
        if not isinstance(minutes, int) or not MIN_INTERVAL <= minutes <= MAX_INTERVAL:
            raise BusinessError(
                "news.bad_interval", f"抓取间隔须在 {MIN_INTERVAL} 分钟到 {MAX_INTERVAL // 60} 小时之间"
            )
    if "enabled" in out:
        out["enabled"] = bool(out["enabled"])
    return out


@transaction.atomic
def feed_create(*, actor: Any, name: str, url: str, interval_minutes: int = 60, enabled: bool = True) -> Feed:
    """Configure a new RSS/Atom source (http/https only, each address once, interval 10 min – 7 days).
    Needs news.feeds. Audit: news.feed.create."""
    _require_feeds(actor)
    data = _clean_feed(
        {"name": name, "url": url, "interval_minutes": interval_minutes, "enabled": enabled}, feed=None
    )
    feed = Feed.objects.create(**data)
    audit.record(
        actor=actor, action="news.feed.create", target=feed, changes={"name": feed.name, "url": feed.url}
    )
    return feed


@transaction.atomic
def feed_update(*, actor: Any, feed: Feed, **fields: Any) -> Feed:
    """Change a source's name, address, interval or enabled flag (disabling stops fetching; its items stay).
    A new address forgets the conditional-request validators. Needs news.feeds. Audit: news.feed.update."""
    _require_feeds(actor)
    data = _clean_feed(fields, feed=feed)
    feed = Feed.objects.select_for_update().get(pk=feed.pk)
    changes = {k: [getattr(feed, k), v] for k, v in data.items() if getattr(feed, k) != v}
    if not changes:
        return feed
    for name, (_, new) in changes.items():
        setattr(feed, name, new)
    if "url" in changes:
        feed.etag = feed.last_modified = ""
    feed.save()
    audit.record(actor=actor, action="news.feed.update", target=feed, changes=changes)
    return feed


@dataclass
class FetchResult:
    feed_id: int
    name: str
    added: int = 0
    skipped: int = 0
    not_modified: bool = False
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "feed": self.feed_id,
            "name": self.name,
            "added": self.added,
            "skipped": self.skipped,
            "not_modified": self.not_modified,
            "error": self.error,
        }

    @property
    def message(self) -> str:
        if self.error:
            return f"{self.name}：{self.error}"
        if self.not_modified:
            return f"{self.name}：内容未更新"
        return f"{self.name}：新增 {self.added} 条，重复 {self.skipped} 条"


def _known(items: Sequence[feeds.ParsedItem]) -> tuple[set[str], set[str], set[str]]:
    """The dedup keys, links and content hashes among ``items`` that are already stored (three queries)."""
    keys = {i.dedup_key for i in items}
    links = {i.link for i in items if i.link}
    hashes = {i.content_hash for i in items}
    return (
        set(FeedItem.objects.filter(dedup_key__in=keys).values_list("dedup_key", flat=True)),
        set(FeedItem.objects.filter(link__in=links).values_list("link", flat=True)) if links else set(),
        set(FeedItem.objects.filter(content_hash__in=hashes).values_list("content_hash", flat=True)),
    )


def feed_fetch(*, feed: Feed, now: dt.datetime | None = None) -> FetchResult:
    """Fetch one feed now and store its new items; the machine action behind the schedule and “立即抓取”.

    The download happens outside any transaction. Then, in one transaction: items whose normalised guid/link
    or content hash is already stored (from any feed, or earlier in the same document) are skipped; the rest
    are stored with their source, original link, publication time (UTC; a missing or far-future time becomes
    the fetch time) and fetch time; the feed's last fetch and success times are set and its error cleared.
    A failure (network, status, size, not XML, malformed XML, DTD) stores only the time and a Chinese
    ``last_error`` on the feed and changes no item. No audit entry: the person who asked is audited by
    ``feed_fetch_request``.
    """
    now = now or timezone.now()
    result = FetchResult(feed.pk, feed.name)
    try:
        fetched = feeds.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        parsed = None if fetched.not_modified else feeds.parse(fetched.body, base_url=feed.url)
    except BusinessError as exc:
        result.error = exc.message
        Feed.objects.filter(pk=feed.pk).update(last_fetched_at=now, last_error=exc.message[:500])
        return result
    if parsed is None:
        result.not_modified = True
        Feed.objects.filter(pk=feed.pk).update(
            last_fetched_at=now, last_success_at=now, last_error="", last_added=0
        )
        return result
    with transaction.atomic():
        keys, links, hashes = _known(parsed.items)
        for item in parsed.items:
            digest = item.content_hash
            if item.dedup_key in keys or (item.link and item.link in links) or digest in hashes:
                result.skipped += 1
                continue
            published = item.published_at
            if published is None or published > now + dt.timedelta(days=1):
                published = now
            try:
                with transaction.atomic():
                    FeedItem.objects.create(
                        feed=feed,
                        dedup_key=item.dedup_key,
                        guid=item.guid,
                        link=item.link,
                        title=item.title,
                        summary=item.summary,
                        author=item.author,
                        content_hash=digest,
                        published_at=published,
                        fetched_at=now,
                    )
            except IntegrityError:  # stored meanwhile by a parallel fetch of another feed
                result.skipped += 1
                continue
            keys.add(item.dedup_key)
            hashes.add(digest)
            if item.link:
                links.add(item.link)
            result.added += 1
        Feed.objects.filter(pk=feed.pk).update(
            last_fetched_at=now,
            last_success_at=now,
            last_error="",
            last_added=result.added,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
        )
    return result


def feeds_due(now: dt.datetime | None = None) -> list[Feed]:
    """Enabled feeds never fetched, or fetched longer ago than their interval."""
    now = now or timezone.now()
    return [
        f
        for f in Feed.objects.filter(enabled=True).order_by("last_fetched_at", "id")
        if f.last_fetched_at is None or f.last_fetched_at + dt.timedelta(minutes=f.interval_minutes) <= now
    ]


def feeds_fetch_due(*, now: dt.datetime | None = None) -> list[FetchResult]:
    """Fetch every due feed, one after the other (the periodic job)."""
    results = []
    for feed in feeds_due(now):
        try:
            results.append(feed_fetch(feed=feed))
        except Exception:  # one broken feed must not stop the others
            logger.exception("news: fetching feed %s failed", feed.pk)
            Feed.objects.filter(pk=feed.pk).update(
                last_fetched_at=timezone.now(), last_error="抓取时发生内部错误"
            )
    return results


@transaction.atomic
def feed_fetch_request(*, actor: Any, feeds_to_fetch: Iterable[Feed]) -> Job:
    """“立即抓取”: queue a background Job that fetches the given feeds (Huey; the page shows its progress).
    Needs news.feeds. Audit: news.feed.fetch."""
    _require_feeds(actor)
    chosen = list(feeds_to_fetch)
    if not chosen:
        raise BusinessError("news.no_feed", "没有可抓取的资讯源")
    title = f"抓取资讯：{chosen[0].name}" + (f" 等 {len(chosen)} 个" if len(chosen) > 1 else "")
    job = job_create(
        kind=FETCH_JOB_KIND,
        user=actor,
        title=title[:200],
        params={"feeds": [f.pk for f in chosen]},
        total=len(chosen),
    )
    Job.objects.filter(pk=job.pk).update(message="排队中，等待后台处理")
    audit.record(
        actor=actor,
        action="news.feed.fetch",
        target=chosen[0] if len(chosen) == 1 else None,
        changes={"feeds": [f.pk for f in chosen], "job": job.pk},
    )
    job_id = job.pk

    def enqueue() -> None:
        from dangjian.news.tasks import fetch_feeds_task

        fetch_feeds_task(job_id)

    transaction.on_commit(enqueue)
    return job


def fetch_job_run(*, job_id: int) -> Job:
    """Run a fetch Job: one feed after the other, progress on the Job, each feed's outcome in
    ``job.result["feeds"]``; 失败 when any feed failed."""
    job = Job.objects.get(pk=job_id)
    if job.is_finished:
        return job
    ids = list((job.params or {}).get("feeds", []))
    by_id = Feed.objects.in_bulk(ids)
    results: list[FetchResult] = []
    for n, pk in enumerate(ids):
        feed = by_id.get(pk)
        if feed is None:
            continue
        job_progress(job, n, len(ids), f"正在抓取：{feed.name}")
        try:
            results.append(feed_fetch(feed=feed))
        except Exception:
            logger.exception("news: fetch job %s, feed %s", job.pk, pk)
            results.append(FetchResult(feed.pk, feed.name, error="抓取时发生内部错误"))
    failed = [r for r in results if r.error]
    message = "；".join(r.message for r in results)[:500] or "没有可抓取的资讯源"
    job_finish(job, ok=not failed, message=message, result={"feeds": [r.as_dict() for r in results]})
    return job


@transaction.atomic
def feed_item_hide(*, actor: Any, item: FeedItem, hidden: bool) -> FeedItem:
    """Take an item down from the news page (or put it back), e.g. one reposted by mistake; it stays stored
    so a later fetch does not bring it back. Needs news.feeds. Audit: news.feed_item.hide / .unhide."""
    _require_feeds(actor)
    item = FeedItem.objects.select_for_update().get(pk=item.pk)
    if item.hidden == hidden:
        return item
    item.hidden = hidden
    item.save(update_fields=["hidden"])
    audit.record(
        actor=actor,
        action="news.feed_item.hide" if hidden else "news.feed_item.unhide",
        target=item,
        changes={"title": item.title},
    )
    return item


# --------------------------------------------------------------------------------------------------------
# Posts: who may do what


PUBLISHING_KINDS = frozenset(k for k in OrgKind.values if k != OrgKind.GROUP)


def may_publish(actor: Any, org: Org) -> bool:
    return bool(
        org.is_active and org.kind in PUBLISHING_KINDS and scope.org_in_scope(actor, "news.publish", org)
    )


def parent_path(org: Org) -> str:
    return org.path[: -Org.steplen] if org.depth > 1 else ""


def may_review(actor: Any, post: Post) -> bool:
    """Whether ``actor`` may approve, return or take down ``post``: news.review over the post's PARENT
    organisation (the level above), and not its author. The root organisation has no level above: there a
    grant at the root itself counts."""
    if actor is None or post.author_id == actor.pk:
        return False
    org = post.org
    if org.depth <= 1:
        return scope.org_in_scope(actor, "news.review", org)
    s = scope.scope_for(actor, "news.review")
    if s.everywhere:
        return True
    above = parent_path(org)
    if any(above.startswith(p) for p in s.subtrees):
        return True
    return bool(s.nodes) and Org.objects.filter(pk__in=s.nodes, path=above).exists()


def _require_publish(actor: Any, org: Org) -> None:
    if not scope.org_in_scope(actor, "news.publish", org):
        raise BusinessError("news.forbidden", "无权为该党组织发布动态")
    if org.kind not in PUBLISHING_KINDS:
        raise BusinessError("news.group_not_allowed", "党小组不单独发布动态，请以所在党支部的名义发布")
    if not org.is_active:
        raise BusinessError("news.org_inactive", "该党组织已撤销，不能发布动态")


def _require_review(actor: Any, post: Post) -> None:
    if post.author_id == getattr(actor, "pk", None):
        raise BusinessError("news.own_post", "不能审核自己撰写的动态，须由上级党组织的其他审核人审核")
    if not may_review(actor, post):
        raise BusinessError("news.not_reviewer", "只有上级党组织的审核人可以审核本组织的动态")


def _move(post: Post, status: str) -> None:
    if not post.can_become(status):
        raise BusinessError(
            "news.bad_status",
            f"该动态当前为“{post.get_status_display()}”，不能改为“{PostStatus(status).label}”",
        )
    post.status = status


def _locked(post: Post) -> Post:
    return Post.objects.select_for_update().select_related("org").get(pk=post.pk)


def _clean_post(title: str, body: str, happened_on: dt.date) -> tuple[str, str]:
    title = " ".join((title or "").split())
    body = (body or "").replace("\r\n", "\n").strip()
    if not title:
        raise BusinessError("news.title_required", "请填写标题")
    if len(title) > TITLE_MAX:
        raise BusinessError("news.title_too_long", f"标题不能超过 {TITLE_MAX} 个字")
    if not body:
        raise BusinessError("news.body_required", "请填写正文")
    if len(body) > BODY_MAX:
        raise BusinessError("news.body_too_long", f"正文不能超过 {BODY_MAX} 个字")
    if happened_on > timezone.localdate():
        raise BusinessError("news.future_date", "活动日期不能晚于今天")
    if happened_on < dt.date(1921, 7, 1):
        raise BusinessError("news.bad_date", "活动日期不正确")
    return title, body


def _add_photos(actor: Any, post: Post, photos: Sequence[Any]) -> list[PostPhoto]:
    """Store photos through the upload pipeline (images only: JPEG, PNG, WebP; re-encoded). If one is
    refused, the bytes already stored for the others are removed and the error raised (the caller's
    transaction then rolls back the rows)."""
    if not photos:
        return []
    existing = post.photos.count()
    if existing + len(photos) > Post.MAX_PHOTOS:
        raise BusinessError("news.too_many_photos", f"每条动态最多 {Post.MAX_PHOTOS} 张图片")
    stored_names: list[str] = []
    added = []
    try:
        for n, upload in enumerate(photos):
            stored = uploads.file_store(actor=actor, purpose=PHOTO_PURPOSE, upload=upload, org=post.org)
            stored_names.append(stored.storage_name)
            added.append(PostPhoto.objects.create(post=post, file=stored, position=existing + n))
    except BusinessError as exc:
        storage = uploads.upload_storage()
        for name in stored_names:
            storage.delete(name)
        name = getattr(photos[len(stored_names)], "name", "") if len(stored_names) < len(photos) else ""
        raise BusinessError(exc.code, f"图片“{name}”：{exc.message}" if name else exc.message) from None
    return added


# --------------------------------------------------------------------------------------------------------
# Posts: writes


@transaction.atomic
def post_create(
    *,
    actor: Any,
    org: Org,
    title: str,
    body: str,
    happened_on: dt.date,
    photos: Sequence[Any] = (),
) -> Post:
    """Write a draft activity post for ``org`` with up to nine photos. Needs news.publish over ``org`` (not a
    党小组). Audit: news.post.create (and core.file.store per photo)."""
    _require_publish(actor, org)
    title, body = _clean_post(title, body, happened_on)
    post = Post.objects.create(org=org, title=title, body=body, happened_on=happened_on, author=actor)
    _add_photos(actor, post, photos)
    audit.record(
        actor=actor,
        action="news.post.create",
        target=post,
        org_path=org.path,
        changes={"title": title, "photos": len(photos)},
    )
    return post


@transaction.atomic
def post_update(
    *,
    actor: Any,
    post: Post,
    title: str | None = None,
    body: str | None = None,
    happened_on: dt.date | None = None,
    photos: Sequence[Any] = (),
) -> Post:
    """Edit a post that is a draft, returned or taken down, and add photos. Needs news.publish over its
    organisation. Audit: news.post.update."""
    post = _locked(post)
    _require_publish(actor, post.org)
    if not post.editable:
        raise BusinessError("news.not_editable", f"“{post.get_status_display()}”的动态不能修改")
    new_title, new_body = _clean_post(
        post.title if title is None else title,
        post.body if body is None else body,
        post.happened_on if happened_on is None else happened_on,
    )
    new_date = post.happened_on if happened_on is None else happened_on
    changes: dict[str, Any] = {}
    for name, value in (("title", new_title), ("body", new_body), ("happened_on", new_date)):
        if getattr(post, name) != value:
            changes[name] = [getattr(post, name), value] if name != "body" else "changed"
            setattr(post, name, value)
    if photos:
        changes["photos_added"] = len(_add_photos(actor, post, photos))
    if changes:
        post.save()
        audit.record(
            actor=actor, action="news.post.update", target=post, org_path=post.org.path, changes=changes
        )
    return post


@transaction.atomic
def post_photo_delete(*, actor: Any, photo: PostPhoto) -> None:
    """Remove a photo from an editable post; the stored file goes with it. Needs news.publish over the post's
    organisation. Audit: news.post_photo.delete (and core.file.delete)."""
    post = _locked(photo.post)
    _require_publish(actor, post.org)
    if not post.editable:
        raise BusinessError("news.not_editable", f"“{post.get_status_display()}”的动态不能修改")
    stored = photo.file
    audit.record(
        actor=actor,
        action="news.post_photo.delete",
        target=post,
        org_path=post.org.path,
        changes={"photo": photo.pk},
    )
    photo.delete()
    uploads.file_delete(actor=actor, stored=stored, authorised=True)


@transaction.atomic
def post_delete(*, actor: Any, post: Post) -> None:
    """Delete a post that was never published (a draft or a returned one), with its photos. A post once
    published is taken down (``post_withdraw``), never deleted. Needs news.publish.
    Audit: news.post.delete."""
    post = _locked(post)
    _require_publish(actor, post.org)
    if post.published_at is not None or post.status not in (PostStatus.DRAFT, PostStatus.RETURNED):
        raise BusinessError("news.not_deletable", "只能删除从未发布过的草稿或被退回的动态")
    audit.record(
        actor=actor,
        action="news.post.delete",
        target=post,
        org_path=post.org.path,
        changes={"title": post.title},
    )
    for photo in list(post.photos.select_related("file")):
        stored = photo.file
        photo.delete()
        uploads.file_delete(actor=actor, stored=stored, authorised=True)
    post.delete()


@transaction.atomic
def post_submit(*, actor: Any, post: Post) -> Post:
    """Send a draft (or a returned or taken-down post) to the level above for review. Needs news.publish.
    Audit: news.post.submit."""
    post = _locked(post)
    _require_publish(actor, post.org)
    _move(post, PostStatus.PENDING)
    post.submitted_at = timezone.now()
    post.save(update_fields=["status", "submitted_at", "updated_at"])
    audit.record(
        actor=actor,
        action="news.post.submit",
        target=post,
        org_path=post.org.path,
        changes={"status": ["", PostStatus.PENDING]},
    )
    return post


@transaction.atomic
def post_approve(*, actor: Any, post: Post) -> Post:
    """Approve a pending post: it is published at once to everyone signed in. Only a reviewer of the level
    above, not the author (``may_review``). Audit: news.post.approve."""
    post = _locked(post)
    _require_review(actor, post)
    _move(post, PostStatus.PUBLISHED)
    now = timezone.now()
    post.reviewed_by, post.reviewed_at, post.review_note = actor, now, ""
    post.published_at = post.published_at or now
    post.save()
    audit.record(
        actor=actor,
        action="news.post.approve",
        target=post,
        org_path=post.org.path,
        changes={"status": [PostStatus.PENDING, PostStatus.PUBLISHED]},
    )
    return post


def _note(reason: str, what: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise BusinessError("news.reason_required", f"请填写{what}原因")
    if len(reason) > NOTE_MAX:
        raise BusinessError("news.reason_too_long", f"原因不能超过 {NOTE_MAX} 个字")
    return reason


@transaction.atomic
def post_return(*, actor: Any, post: Post, reason: str) -> Post:
    """Return a pending post to its organisation with a reason, for changes. Only a reviewer of the level
    above. Audit: news.post.return."""
    post = _locked(post)
    _require_review(actor, post)
    reason = _note(reason, "退回")
    _move(post, PostStatus.RETURNED)
    post.reviewed_by, post.reviewed_at, post.review_note = actor, timezone.now(), reason
    post.save()
    audit.record(
        actor=actor,
        action="news.post.return",
        target=post,
        org_path=post.org.path,
        changes={"reason": reason},
    )
    return post


@transaction.atomic
def post_withdraw(*, actor: Any, post: Post, reason: str) -> Post:
    """Take a published post down (it disappears from the news page and the home page), with a reason: by a
    reviewer of the level above, or by a publisher of the post's own organisation. It can then be edited and
    submitted again. Audit: news.post.withdraw."""
    post = _locked(post)
    if not (may_review(actor, post) or scope.org_in_scope(actor, "news.publish", post.org)):
        raise BusinessError("news.forbidden", "无权撤下该动态")
    reason = _note(reason, "撤下")
    _move(post, PostStatus.WITHDRAWN)
    post.reviewed_by, post.reviewed_at, post.review_note = actor, timezone.now(), reason
    post.save()
    audit.record(
        actor=actor,
        action="news.post.withdraw",
        target=post,
        org_path=post.org.path,
        changes={"reason": reason},
    )
    return post
