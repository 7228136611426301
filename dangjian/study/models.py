"""Models of 学习专题 (study topics) and 学习笔记 (study notes).

A topic (``Topic``) is published by an organisation and made of items (``TopicItem``: articles, videos,
audio, documents). It is assigned (``TopicAssignment``) to organisations (with or without their subtree)
or to people, optionally as required study with a deadline. A member's progress on an item
(``ItemProgress``) is written only by the study-time hook (server-measured time, dangjian.studytime).

A note (``Note``) belongs to its author. A private note is read by its author only (nobody else, not even
an administrator); a shared note is read by the members of the author's branch and by those holding
``study.view`` over that branch, who may like it (``NoteLike``, once per person) and comment on it
(``NoteComment``) — 互学互促.
"""

from __future__ import annotations

from django.db import models


class TopicStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    CLOSED = "closed", "已结束"


class ItemKind(models.TextChoices):
    ARTICLE = "article", "文章"
    VIDEO = "video", "视频"
    AUDIO = "audio", "音频"
    DOCUMENT = "document", "文档"


class DocFormat(models.TextChoices):
    NONE = "", "—"
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word"


class Topic(models.Model):
    """A 学习专题 published by ``org``. Drafts are seen only by those who may manage it; a published topic is
    studied by its assignees and, when ``is_open``, by every member in ``org``'s subtree. Written only by
    ``study.services``; status moves draft → published → closed (closing stops new study, keeps records)."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name="发布组织", on_delete=models.PROTECT, related_name="study_topics"
    )
    title = models.CharField("专题名称", max_length=100)
    summary = models.TextField("专题简介", max_length=2000, blank=True)
    status = models.CharField("状态", max_length=20, choices=TopicStatus.choices, default=TopicStatus.DRAFT)
    is_open = models.BooleanField("向下级党组织公开", default=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="创建人", on_delete=models.PROTECT, related_name="+", null=True
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope_org_field = "org"

    class Meta:
        verbose_name = "学习专题"
        verbose_name_plural = verbose_name
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "org"], name="study_topic_status_org")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == TopicStatus.PUBLISHED


# Allowed status moves (enforced by services.topic_publish / topic_close).
TRANSITIONS: dict[str, frozenset[str]] = {
    TopicStatus.DRAFT: frozenset({TopicStatus.PUBLISHED}),
    TopicStatus.PUBLISHED: frozenset({TopicStatus.CLOSED}),
    TopicStatus.CLOSED: frozenset({TopicStatus.PUBLISHED}),
}


class TopicItem(models.Model):
    """One piece of a topic: an article (sanitised HTML in ``body``), a video or audio (``file``, with its
    length in ``duration_seconds``, needed to know when it was watched), or a document (``file``; a Word
    file is also converted to HTML in ``body`` on upload, a PDF is shown by the browser's viewer)."""

    topic = models.ForeignKey(Topic, verbose_name="学习专题", on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField("顺序", default=0)
    kind = models.CharField("类型", max_length=20, choices=ItemKind.choices)
    title = models.CharField("标题", max_length=150)
    body = models.TextField("正文", blank=True)
    file = models.ForeignKey(
        "core.StoredFile",
        verbose_name="文件",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    doc_format = models.CharField("文档格式", max_length=10, choices=DocFormat.choices, blank=True)
    duration_seconds = models.PositiveIntegerField("时长（秒）", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    scope_org_field = "topic__org"

    class Meta:
        verbose_name = "专题内容"
        verbose_name_plural = verbose_name
        ordering = ["topic_id", "position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def content_key(self) -> str:
        return f"topic_item:{self.pk}"

    @property
    def duration_label(self) -> str:
        if not self.duration_seconds:
            return ""
        minutes, seconds = divmod(self.duration_seconds, 60)
        return f"{minutes}:{seconds:02d}"


class TopicAssignment(models.Model):
    """A topic assigned to an organisation (``include_subtree``: and every organisation below it) or to one
    member; ``required`` study with an optional ``deadline``. Within the publisher's study.manage scope."""

    topic = models.ForeignKey(
        Topic, verbose_name="学习专题", on_delete=models.CASCADE, related_name="assignments"
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name="党组织", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    include_subtree = models.BooleanField("含下级组织", default=True)
    member = models.ForeignKey(
        "members.Member",
        verbose_name="党员",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="study_assignments",
    )
    required = models.BooleanField("必学", default=False)
    deadline = models.DateField("完成期限", null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="指派人", on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField("指派时间", auto_now_add=True)

    scope_org_field = "topic__org"

    class Meta:
        verbose_name = "专题指派"
        verbose_name_plural = verbose_name
        ordering = ["topic_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(org__isnull=False, member__isnull=True)
                | models.Q(org__isnull=True, member__isnull=False),
                name="study_assignment_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic_id} → {self.org_id or self.member_id}"


class ItemProgress(models.Model):
    """A member's progress on one topic item: the server-credited seconds (all days) and when it counted as
    done (an article or document read for ``studytime.rules.READ_SECONDS``; a video or audio credited for
    90% of its length). Written only by ``services.item_progress_record`` (the study-time hook)."""

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="study_progress"
    )
    item = models.ForeignKey(
        TopicItem, verbose_name="专题内容", on_delete=models.CASCADE, related_name="progress"
    )
    topic = models.ForeignKey(Topic, verbose_name="学习专题", on_delete=models.CASCADE, related_name="+")
    seconds = models.PositiveIntegerField("有效学习秒数", default=0)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope_org_field = "member__org"
    scope_self_field = "member__user"

    class Meta:
        verbose_name = "学习进度"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["member", "item"], name="study_progress_unique")]
        indexes = [models.Index(fields=["topic", "member"], name="study_progress_topic")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.item_id}: {self.seconds}s"


class Note(models.Model):
    """A 学习笔记 of ``member`` on a studiable content (any study-time key: ``topic_item:12``, ``lesson:5``).

    ``branch`` is the author's branch when the note was written (who may read it once shared).
    ``content_title`` keeps the content's title for lists and the Word export."""

    member = models.ForeignKey(
        "members.Member", verbose_name="作者", on_delete=models.PROTECT, related_name="notes"
    )
    branch = models.ForeignKey(
        "orgs.Org", verbose_name="所在支部", on_delete=models.PROTECT, related_name="+"
    )
    content_key = models.CharField("学习内容", max_length=64)
    content_title = models.CharField("内容标题", max_length=200)
    body = models.TextField("笔记内容", max_length=5000)
    shared = models.BooleanField("分享到支部", default=False)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    scope_org_field = "branch"
    scope_self_field = "member__user"

    class Meta:
        verbose_name = "学习笔记"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["member", "created_at"], name="study_note_member"),
            models.Index(fields=["branch", "shared", "created_at"], name="study_note_branch"),
        ]

    def __str__(self) -> str:
        return f"{self.content_title}（{self.member_id}）"


class NoteLike(models.Model):
    """One member's like of a shared note (once per person; liking again takes it back)."""

    note = models.ForeignKey(Note, verbose_name="学习笔记", on_delete=models.CASCADE, related_name="likes")
    member = models.ForeignKey(
        "members.Member", verbose_name="点赞人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("点赞时间", auto_now_add=True)

    scope_org_field = "note__branch"
    scope_self_field = "member__user"

    class Meta:
        verbose_name = "笔记点赞"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["note", "member"], name="study_like_once")]

    def __str__(self) -> str:
        return f"{self.member_id} ♥ {self.note_id}"


class NoteComment(models.Model):
    """A comment on a shared note (互学互促); earns the ``comment`` points rule once (per comment)."""

    note = models.ForeignKey(Note, verbose_name="学习笔记", on_delete=models.CASCADE, related_name="comments")
    member = models.ForeignKey(
        "members.Member", verbose_name="评论人", on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField("评论内容", max_length=1000)
    created_at = models.DateTimeField("评论时间", auto_now_add=True)

    scope_org_field = "note__branch"
    scope_self_field = "member__user"

    class Meta:
        verbose_name = "笔记评论"
        verbose_name_plural = verbose_name
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.note_id}"
