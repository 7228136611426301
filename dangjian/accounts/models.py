"""Accounts: the platform's user (custom from the first migration), password history, login throttling
and the security policy the 安全管理员 sets."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from dangjian.core.fields import EncryptedTextField


class User(AbstractUser):
    """A login. A member's account links to their record through ``Member.user``.

    Chinese names go in ``full_name`` (no first/last split). Administrators (三员) have no member record.
    ``totp_*`` hold the second factor (required for administrators, optional for others); the secret is
    encrypted at rest and ``totp_last_step`` stops a code from being used twice.
    """

    full_name = models.CharField("姓名", max_length=50, blank=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", default=timezone.now)
    totp_secret = EncryptedTextField("动态口令密钥", blank=True)
    totp_confirmed = models.BooleanField("已启用动态口令", default=False)
    totp_last_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class PasswordHistory(models.Model):
    """Earlier password hashes of a user, to refuse reuse of the last N (SECURITY.md)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class LoginThrottle(models.Model):
    """Failed sign-in attempts per login name (known or not), counted atomically across processes."""

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "登录失败计数"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"


class SecurityPolicy(models.Model):
    """The security policy (one row), edited by the 安全管理员; defaults come from settings.

    等保 2.0 level 3 (GB/T 22239-2019 §8.1.4.1): password complexity and periodic change, login failure
    handling, session timeouts.
    """

    password_min_length = models.PositiveSmallIntegerField("密码最短长度", default=8)
    password_min_classes = models.PositiveSmallIntegerField(
        "密码至少包含的字符类别数", default=3, help_text="大写字母、小写字母、数字、符号四类中的几类"
    )
    password_max_age_days = models.PositiveSmallIntegerField("密码有效期（天）", default=90)
    password_history = models.PositiveSmallIntegerField("不得重复使用最近几次密码", default=5)
    login_max_failures = models.PositiveSmallIntegerField("连续登录失败锁定次数", default=5)
    login_lock_minutes = models.PositiveSmallIntegerField("锁定时长（分钟）", default=15)
    session_idle_minutes = models.PositiveSmallIntegerField("会话空闲超时（分钟）", default=30)
    session_absolute_hours = models.PositiveSmallIntegerField("会话最长时长（小时）", default=12)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "安全策略"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return "安全策略"
