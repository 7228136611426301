"""Domain-free models: background jobs with visible progress, rate counters, uploaded files."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class JobStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "进行中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"


class Job(models.Model):
    """A piece of long work (import, export, bulk run) that a user can watch and come back to.

    ``progress``/``total`` drive the progress bar; ``result`` holds the outcome (e.g. an import's row
    report). Jobs are owned by their creator and, when ``org`` is set, lie in that organisation's scope.
    """

    kind = models.CharField("类型", max_length=50, db_index=True)
    status = models.CharField("状态", max_length=20, choices=JobStatus.choices, default=JobStatus.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name="党组织", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField("标题", max_length=200, blank=True)
    params = models.JSONField("参数", default=dict, blank=True)
    progress = models.PositiveIntegerField("进度", default=0)
    total = models.PositiveIntegerField("总量", default=0)
    message = models.CharField("说明", max_length=500, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    file = models.FileField("文件", upload_to="jobs/%Y/%m/", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    scope_org_field = "org"
    scope_self_field = "created_by"
    scope_self_always = True  # whoever started a job may always follow it

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title or self.kind

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        return int(self.progress * 100 / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class RateCounter(models.Model):
    """Requests per key in a fixed time window, shared by every process through the database."""

    key = models.CharField(max_length=200)
    window_start = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "访问频率计数"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="ratecounter_key_window")]

    def __str__(self) -> str:
        return f"{self.key}@{self.window_start}: {self.count}"


class FileKind(models.TextChoices):
    IMAGE = "image", "图片"
    VIDEO = "video", "视频"
    DOCUMENT = "document", "文档"
    AUDIO = "audio", "音频"


class StoredFile(models.Model):
    """One uploaded file that passed the upload pipeline (``dangjian.core.uploads``), kept in private storage.

    Rules (SECURITY.md "Uploads", "The anonymous mailbox"):
    - written only by ``uploads.file_store`` and removed only by ``uploads.file_delete``;
    - ``storage_name`` and ``public_id`` are random (``secrets.token_urlsafe``); the user's file name never
      reaches a path or a URL, only ``display_name`` after sanitising, and not even that for anonymous files;
    - ``content_type`` and ``kind`` were decided from the content, never from the name or the browser;
    - ``sha256`` is the digest of the bytes in storage (the ciphertext when ``encrypted``), checked on read;
      ``size`` is the size of the content (the plaintext); ``key_id`` names the field key that sealed it;
    - anonymous files (``anonymous``) hold no uploader and no time of day: ``created_at`` is empty and only
      ``created_on`` is kept. The primary key is a random UUID so that row order cannot reveal the time.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    public_id = models.CharField("下载编号", max_length=64, unique=True)
    storage_name = models.CharField("存储名", max_length=200, unique=True)
    display_name = models.CharField("文件名", max_length=120, blank=True)
    kind = models.CharField("类别", max_length=20, choices=FileKind.choices)
    content_type = models.CharField("内容类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    width = models.PositiveIntegerField("宽（像素）", null=True, blank=True)
    height = models.PositiveIntegerField("高（像素）", null=True, blank=True)
    purpose = models.CharField("用途", max_length=50, db_index=True)
    org = models.ForeignKey(
        "orgs.Org", verbose_name="党组织", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    encrypted = models.BooleanField("加密存储", default=False)
    key_id = models.CharField("密钥编号", max_length=50, blank=True)
    anonymous = models.BooleanField("匿名", default=False)
    created_on = models.DateField("上传日期", db_index=True)
    created_at = models.DateTimeField("上传时间", null=True, blank=True)

    scope_org_field = "org"
    scope_self_field = "uploader"

    class Meta:
        verbose_name = "上传文件"
        verbose_name_plural = verbose_name
        ordering = ["-created_on"]

    def __str__(self) -> str:
        return self.display_name or f"{self.get_kind_display()}（{self.created_on:%Y-%m-%d}）"
