"""Models of 党建新鲜事: 权威资讯 reposted from configured RSS/Atom feeds, and 基层动态 (branch activity
posts) published after review by the organisation above."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangjian.orgs.models import Org


class Feed(models.Model):
    """One RSS 2.0 or Atom source of 权威资讯, configured by the 系统管理员 (``news.feeds``).

    Platform configuration, not org-owned (like ``points.PointRule``): every signed-in user reads its items.
    On an intranet the URL points at an internal mirror. Fetched by the periodic job when due (``enabled`` and
    ``last_fetched_at`` older than ``interval_minutes``) or at once by “立即抓取”. A failed fetch records a
    Chinese ``last_error`` and changes no item. Written only by ``news.services``.
    """

    name = models.CharField("名称", max_length=100)
    url = models.URLField("订阅地址", max_length=500, unique=True)
    interval_minutes = models.PositiveIntegerField("抓取间隔（分钟）", default=60)
    enabled = models.BooleanField("启用", default=True)
    last_fetched_at = models.DateTimeField("上次抓取时间", null=True, blank=True)
    last_success_at = models.DateTimeField("上次成功时间", null=True, blank=True)
    last_error = models.CharField("上次错误", max_length=500, blank=True)
    last_added = models.PositiveIntegerField("上次新增条数", default=0)
    etag = models.CharField("ETag", max_length=200, blank=True)
    last_modified = models.CharField("Last-Modified", max_length=100, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "资讯源"
        verbose_name_plural = verbose_name
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class FeedItem(models.Model):
    """One news item fetched from a feed, kept with its source, original link and times.

    De-duplicated (``services.feed_fetch``): ``dedup_key`` (the normalised guid, or the normalised link when
    there is no guid) is unique across all feeds; an item whose normalised ``link`` or ``content_hash``
    (title and summary) is already stored is skipped too, so a story carried by two feeds appears once.
    ``published_at`` is stored in UTC (shown in Asia/Shanghai); ``summary`` is plain text (HTML stripped after
    sanitising). ``hidden`` items (taken down by ``news.feeds``) are shown to nobody but the administrator.
    """

    feed = models.ForeignKey(Feed, verbose_name="资讯源", on_delete=models.PROTECT, related_name="items")
    dedup_key = models.CharField("去重键", max_length=64, unique=True)
    guid = models.CharField("原始标识", max_length=500, blank=True)
    link = models.CharField("原文链接", max_length=1000, blank=True, db_index=True)
    title = models.CharField("标题", max_length=300)
    summary = models.TextField("摘要", blank=True)
    author = models.CharField("作者", max_length=200, blank=True)
    content_hash = models.CharField("内容摘要值", max_length=64, db_index=True)
    published_at = models.DateTimeField("发布时间")
    fetched_at = models.DateTimeField("抓取时间")
    hidden = models.BooleanField("已隐藏", default=False)

    class Meta:
        verbose_name = "资讯"
        verbose_name_plural = verbose_name
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["hidden", "-published_at"], name="news_item_hidden_published")]

    def __str__(self) -> str:
        return self.title


class PostStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PENDING = "pending", "待审核"
    RETURNED = "returned", "已退回"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤下"


class Post(models.Model):
    """A branch's activity post (基层动态): title, plain-text body, activity date and photos.

    Written by a user with ``news.publish`` over ``org``; submitted for review; approved or returned (with a
    reason) by a user with ``news.review`` over the PARENT organisation — never by the author, and never on
    the strength of a grant at the post's own organisation (a committee's officer does not approve the
    committee's own posts; the root organisation, having no parent, is reviewed at its own level by someone
    other than the author). Approved posts are published to every signed-in user of the enterprise.
    Allowed status changes are ``TRANSITIONS``, enforced by ``news.services``.
    """

    TRANSITIONS: dict[str, set[str]] = {
        PostStatus.DRAFT: {PostStatus.PENDING},
        PostStatus.PENDING: {PostStatus.PUBLISHED, PostStatus.RETURNED},
        PostStatus.RETURNED: {PostStatus.PENDING},
        PostStatus.PUBLISHED: {PostStatus.WITHDRAWN},
        PostStatus.WITHDRAWN: {PostStatus.PENDING},
    }
    EDITABLE = frozenset({PostStatus.DRAFT, PostStatus.RETURNED, PostStatus.WITHDRAWN})
    MAX_PHOTOS = 9

    org = models.ForeignKey(Org, verbose_name="党组织", on_delete=models.PROTECT, related_name="news_posts")
    title = models.CharField("标题", max_length=120)
    body = models.TextField("正文")
    happened_on = models.DateField("活动日期")
    status = models.CharField("状态", max_length=20, choices=PostStatus.choices, default=PostStatus.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="撰稿人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.CharField("退回或撤下原因", max_length=500, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    scope_org_field = "org"

    class Meta:
        verbose_name = "基层动态"
        verbose_name_plural = verbose_name
        ordering = ["-published_at", "-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-published_at"], name="news_post_status_published")]

    def __str__(self) -> str:
        return self.title

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[PostStatus(self.status)]

    @property
    def editable(self) -> bool:
        return self.status in self.EDITABLE

    def paragraphs(self) -> list[str]:
        """The body split into paragraphs at blank lines (plain text; the template escapes it)."""
        text = self.body.replace("\r\n", "\n")
        return [p.strip() for p in text.split("\n\n") if p.strip()]


class PostPhoto(models.Model):
    """A photo of a post, stored through the upload pipeline (purpose ``news.photo``: re-encoded, no EXIF)."""

    post = models.ForeignKey(Post, verbose_name="基层动态", on_delete=models.CASCADE, related_name="photos")
    file = models.OneToOneField(
        "core.StoredFile", verbose_name="文件", on_delete=models.PROTECT, related_name="+"
    )
    caption = models.CharField("说明", max_length=100, blank=True)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    scope_org_field = "post__org"

    class Meta:
        verbose_name = "动态图片"
        verbose_name_plural = verbose_name
        ordering = ["post_id", "position", "id"]

    def __str__(self) -> str:
        return self.caption or f"图片 {self.position + 1}"
