"""``python manage.py create_token USERNAME [--name NAME]``: print a new personal API token."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangjian.access import tokens
from dangjian.accounts.models import User


class Command(BaseCommand):
    help = "为用户创建个人 API 令牌并打印（令牌只显示这一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="命令行创建", help="令牌名称")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户不存在：{options['username']}")
        if not user.is_active:
            raise CommandError("该用户已停用")
        _, key = tokens.token_create(actor=None, user=user, name=options["name"])
        self.stdout.write(key)
