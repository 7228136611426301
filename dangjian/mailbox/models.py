"""Models of 书记信箱 (the secretary's mailbox) and 随手拍 (snapshot reports).

Written only by ``mailbox.services``. How the writer stays unknown (SECURITY.md "The anonymous mailbox"):

- An anonymous letter or case stores no user, no address, no browser, no session and no time of day: only
  the day it arrived (``received_on``). The writer's follow-ups carry the day only, too.
- Every row that the writer causes has a random UUID key, so that the order of keys cannot be set against
  rows that do carry a time (a handler's reply, an audit entry) to date the writer's row more precisely.
- The writer comes back with a 16-digit receipt from a CSPRNG, shown once. Only its keyed hash is stored
  (``receipt_hash``, HMAC-SM3 with the blind-index key, which lives outside the database), with an expiry.
- Bodies, subjects, the optional name and contact of a signed 群众, and attachments are encrypted at rest.
- Only the designated handlers read letters: users holding ``mailbox.handle`` through a grant *at the
  letter's organisation* (not the levels above, not the 三员); every read is audited.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from dangjian.core.fields import EncryptedTextField


class Kind(models.TextChoices):
    """性质 of a letter: what the writer wants."""

    REPORT = "report", "举报"
    COMPLAINT = "complaint", "投诉"
    SUGGESTION = "suggestion", "建议"
    HELP = "help", "求助"


class Source(models.TextChoices):
    """Who decided a letter's category or kind."""

    MODEL = "model", "自动分类"
    KEYWORDS = "keywords", "关键词规则"
    HANDLER = "handler", "人工更正"


class Category(models.Model):
    """A category of letters (作风纪律, 廉洁问题 …), kept by the system administrator (``mailbox.configure``).

    ``keywords`` feed the keyword rules that classify a letter when the trained model is unsure or knows
    nothing of the category yet. Categories are retired (``is_active``), never deleted, once used.
    """

    name = models.CharField("名称", max_length=30, unique=True)
    keywords = models.TextField("关键词", blank=True, help_text="以空格或逗号分隔；模型不确定时按关键词归类")
    sort_order = models.PositiveIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)
    is_fallback = models.BooleanField("兜底类别", default=False, help_text="无法归类时归入此类（如“其他”）")

    class Meta:
        verbose_name = "来信类别"
        verbose_name_plural = verbose_name
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name

    def keyword_list(self) -> list[str]:
        return [k for k in self.keywords.replace("，", " ").replace(",", " ").replace("、", " ").split() if k]


class LetterStatus(models.TextChoices):
    NEW = "new", "待办理"
    IN_PROGRESS = "in_progress", "办理中"
    REPLIED = "replied", "已答复"
    CLOSED = "closed", "已办结"


class Letter(models.Model):
    """One letter to an organisation's secretary, signed or anonymous (see the module docstring).

    ``writer`` is set only for a signed letter from a signed-in member; a 群众 signing through the public
    link leaves a name and contact (encrypted) instead. Status: 待办理 → 办理中/已答复 → 已办结; a closed
    letter
    reopens only when the writer adds to it. ``due_on`` is set by a handler; past it and not closed the letter
    is overdue (warning rule ``mailbox.overdue``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(
        "orgs.Org", verbose_name="收信组织", on_delete=models.PROTECT, related_name="mailbox_letters"
    )
    anonymous = models.BooleanField("匿名", default=True)
    writer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="署名来信人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mailbox_letters",
    )
    signed_name = EncryptedTextField("署名", blank=True)
    contact = EncryptedTextField("联系方式", blank=True)
    subject = EncryptedTextField("标题")
    category = models.ForeignKey(
        Category, verbose_name="类别", null=True, blank=True, on_delete=models.PROTECT, related_name="letters"
    )
    category_source = models.CharField(
        "类别来源", max_length=20, choices=Source.choices, default=Source.MODEL
    )
    kind = models.CharField("性质", max_length=20, choices=Kind.choices, default=Kind.SUGGESTION)
    kind_source = models.CharField("性质来源", max_length=20, choices=Source.choices, default=Source.MODEL)
    status = models.CharField("状态", max_length=20, choices=LetterStatus.choices, default=LetterStatus.NEW)
    is_read = models.BooleanField("已读", default=False)
    has_news = models.BooleanField("有新补充", default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mailbox_assigned",
    )
    due_on = models.DateField("办理期限", null=True, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    received_on = models.DateField("收信日期", db_index=True)
    receipt_hash = models.CharField("回执码摘要", max_length=64, unique=True)
    receipt_expires_on = models.DateField("回执有效期至")

    scope_org_field = "org"

    class Meta:
        verbose_name = "来信"
        verbose_name_plural = verbose_name
        ordering = ["-received_on", "id"]
        indexes = [models.Index(fields=["org", "status"])]

    def __str__(self) -> str:
        return f"来信 {self.short_no}"

    @property
    def short_no(self) -> str:
        return self.id.hex[:8].upper()


class Author(models.TextChoices):
    WRITER = "writer", "来信人"
    HANDLER = "handler", "办理人"


class LetterMessage(models.Model):
    """One text in a letter's thread: the letter itself, the writer's additions, the handlers' replies.

    A writer's message has the day only (``created_on``); a handler's reply also has its time and author.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    letter = models.ForeignKey(Letter, verbose_name="来信", on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField("发言方", max_length=20, choices=Author.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = EncryptedTextField("内容")
    files = models.ManyToManyField("core.StoredFile", verbose_name="附件", blank=True, related_name="+")
    created_on = models.DateField("日期")
    created_at = models.DateTimeField("时间", null=True, blank=True)
    seq = models.PositiveIntegerField("序号")

    scope_org_field = "letter__org"

    class Meta:
        verbose_name = "来信往来"
        verbose_name_plural = verbose_name
        ordering = ["letter_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["letter", "seq"], name="mailbox_message_seq_unique")]

    def __str__(self) -> str:
        return f"{self.get_author_kind_display()} #{self.seq}"


class Correction(models.Model):
    """A handler's correction of a letter's category or kind: a training example for the classifier."""

    letter = models.ForeignKey(
        Letter, verbose_name="来信", on_delete=models.CASCADE, related_name="corrections"
    )
    category = models.ForeignKey(Category, verbose_name="更正后类别", null=True, on_delete=models.PROTECT)
    kind = models.CharField("更正后性质", max_length=20, choices=Kind.choices, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="更正人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("更正时间", auto_now_add=True)

    scope_org_field = "letter__org"

    class Meta:
        verbose_name = "分类更正"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"分类更正 {self.pk}"


class ClassifierModel(models.Model):
    """The trained classifier (multinomial naive Bayes): one row per target, replaced on each training.

    ``params`` holds per-class document counts and feature counts (features: words of the domain lexicon
    found by forward maximum matching, and character bigrams); no letter text is stored in it.
    """

    target = models.CharField("对象", max_length=20, unique=True)  # "category" or "kind"
    params = models.JSONField("参数", default=dict)
    samples = models.PositiveIntegerField("训练样本数", default=0)
    trained_at = models.DateTimeField("训练时间")

    class Meta:
        verbose_name = "分类模型"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"分类模型（{self.target}）"


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", "待受理"
    ACCEPTED = "accepted", "已受理"
    ASSIGNED = "assigned", "已分派"
    RECTIFYING = "rectifying", "整改中"
    REVIEWING = "reviewing", "待复核"
    CLOSED = "closed", "已销号"
    DECLINED = "declined", "不予受理"


# 受理 → 分派 → 整改 → 复核 → 销号; a review may send the case back to 整改; a report outside the platform's
# remit is declined at 受理 with a reason.
CASE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseStatus.SUBMITTED: (CaseStatus.ACCEPTED, CaseStatus.DECLINED),
    CaseStatus.ACCEPTED: (CaseStatus.ASSIGNED,),
    CaseStatus.ASSIGNED: (CaseStatus.RECTIFYING,),
    CaseStatus.RECTIFYING: (CaseStatus.REVIEWING,),
    CaseStatus.REVIEWING: (CaseStatus.CLOSED, CaseStatus.RECTIFYING),
    CaseStatus.CLOSED: (),
    CaseStatus.DECLINED: (),
}


class SnapshotReport(models.Model):
    """One 随手拍 report and the case it becomes (受理 → 分派 → 整改 → 复核 → 销号).

    Same anonymity rules as a letter: no reporter for an anonymous report, the day only, a hashed receipt.
    ``location`` is what the reporter chose to give (a place name or coordinates), encrypted.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(
        "orgs.Org", verbose_name="受理组织", on_delete=models.PROTECT, related_name="mailbox_snapshots"
    )
    anonymous = models.BooleanField("匿名", default=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="署名反映人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mailbox_snapshots",
    )
    description = EncryptedTextField("问题描述")
    location = EncryptedTextField("位置", blank=True)
    files = models.ManyToManyField("core.StoredFile", verbose_name="照片或视频", blank=True, related_name="+")
    status = models.CharField("状态", max_length=20, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="整改责任人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mailbox_snapshot_cases",
    )
    due_on = models.DateField("整改期限", null=True, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    received_on = models.DateField("反映日期", db_index=True)
    receipt_hash = models.CharField("回执码摘要", max_length=64, unique=True)
    receipt_expires_on = models.DateField("回执有效期至")

    scope_org_field = "org"

    class Meta:
        verbose_name = "随手拍"
        verbose_name_plural = verbose_name
        ordering = ["-received_on", "id"]
        indexes = [models.Index(fields=["org", "status"])]

    def __str__(self) -> str:
        return f"随手拍 {self.short_no}"

    @property
    def short_no(self) -> str:
        return self.id.hex[:8].upper()


class CaseStep(models.Model):
    """One step of a 随手拍 case, taken by a handler (the reporter sees the status, note and day)."""

    report = models.ForeignKey(
        SnapshotReport, verbose_name="随手拍", on_delete=models.CASCADE, related_name="steps"
    )
    status = models.CharField("进入状态", max_length=20, choices=CaseStatus.choices)
    note = EncryptedTextField("说明", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="办理人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    scope_org_field = "report__org"

    class Meta:
        verbose_name = "随手拍办理步骤"
        verbose_name_plural = verbose_name
        ordering = ["report_id", "created_at", "id"]

    def __str__(self) -> str:
        return self.get_status_display()
