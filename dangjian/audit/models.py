"""The audit log: one append-only row per business or security event."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    """One audited event. Written only by ``audit.services.record`` inside the caller's transaction.

    Rules: append-only (the product has no update or delete path); never holds passwords or raw identity
    numbers (``record`` masks known sensitive keys in ``changes``). Tamper evidence: entries form a chain,
    ``mac = HMAC-SM3(key, prev_mac ‖ canonical(entry))`` over a gap-free ``seq``, with the key kept outside
    the database (settings.AUDIT_HMAC_KEY); ``manage.py verify_audit`` reports the first broken link.
    """

    seq = models.BigIntegerField("序号", unique=True)
    prev_mac = models.CharField(max_length=64, blank=True)
    mac = models.CharField(max_length=64)

    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    action = models.CharField("操作", max_length=100, db_index=True)
    target_type = models.CharField("对象类型", max_length=100, blank=True)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    target_repr = models.CharField("对象", max_length=200, blank=True)
    org_path = models.CharField("组织路径", max_length=255, blank=True, db_index=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    success = models.BooleanField("成功", default=True)
    ip = models.CharField("来源地址", max_length=64, blank=True)
    request_id = models.CharField("请求编号", max_length=32, blank=True)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = verbose_name
        ordering = ["-id"]
        indexes = [models.Index(fields=["actor", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action}"


class AuditChainHead(models.Model):
    """The last link of the audit chain (one row). Locked while an entry is appended, so that concurrent
    writers on several processes still produce one gap-free chain."""

    seq = models.BigIntegerField(default=0)
    mac = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"#{self.seq}"
