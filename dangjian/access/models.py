"""Grants of roles at org nodes, and personal API tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangjian.access.roles import Role


class Grant(models.Model):
    """A role given to a user at an organisation, optionally covering its whole subtree.

    Administrator roles (三员) are granted with no organisation and apply platform-wide to their own
    (non-business) permissions. Rules enforced by ``access.services.grant_create``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="grants"
    )
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name="党组织",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grants",
    )
    include_subtree = models.BooleanField("含下级组织", default=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="授权人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("授权时间", auto_now_add=True)

    scope_org_field = "org"

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "org"], name="grant_unique_user_role_org")
        ]

    def __str__(self) -> str:
        where = self.org.label if self.org else "全平台"
        return f"{self.user} · {self.get_role_display()} · {where}"


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 of the key is stored; the key is shown once at creation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("名称", max_length=100)
    prefix = models.CharField("前缀", max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
