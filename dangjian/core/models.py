"""Domain-free models: background jobs with visible progress."""

from __future__ import annotations

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
