"""The platform's user account (custom from the first migration)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A login. A member's account links to their record through ``Member.user``.

    Chinese names go in ``full_name`` (no first/last split). Administrators (三员) have no member record.
    """

    full_name = models.CharField("姓名", max_length=50, blank=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username
