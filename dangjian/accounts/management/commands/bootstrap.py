"""``python manage.py bootstrap --root-org NAME``: the first start of a production installation.

Creates the three administrator accounts (三员分立: 系统管理员, 安全管理员, 审计管理员) with random passwords
that are printed once and must be changed at first sign-in (with the second factor enrolled), and the root
organisation. Never creates a superuser. Refuses to run twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from dangjian.access import services as access_services
from dangjian.access.models import Grant
from dangjian.access.roles import ADMIN_ROLES, Role
from dangjian.accounts import services
from dangjian.orgs import services as org_services
from dangjian.orgs.models import Org


class Command(BaseCommand):
    help = "初始化：创建系统管理员、安全管理员、审计管理员三个账号和根党组织（仅可执行一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--root-org", required=False, help="根党组织全称，如“中共××集团有限公司委员会”")
        parser.add_argument("--system-admin", default="sysadmin")
        parser.add_argument("--security-admin", default="secadmin")
        parser.add_argument("--audit-admin", default="auditadmin")

    def handle(self, *args: Any, **options: Any) -> None:
        if Grant.objects.filter(role__in=ADMIN_ROLES).exists():
            raise CommandError("已初始化：管理员账号已存在（如需重置密码，请由系统管理员在“用户管理”中操作）")
        rows = []
        with transaction.atomic():
            for role, username in (
                (Role.SYSTEM_ADMIN, options["system_admin"]),
                (Role.SECURITY_ADMIN, options["security_admin"]),
                (Role.AUDIT_ADMIN, options["audit_admin"]),
            ):
                user, password = services.user_create(
                    actor=None, username=username, full_name=Role(role).label, bootstrap=True
                )
                access_services.grant_create(actor=None, user=user, role=role, bootstrap=True)
                rows.append((Role(role).label, username, password))
            if options["root_org"] and not Org.objects.exists():
                org_services.org_create(
                    actor=None, parent=None, name=options["root_org"], kind="committee", bootstrap=True
                )
        self.stdout.write("已创建管理员账号（密码只显示这一次，首次登录须修改密码并绑定动态口令）：")
        for label, username, password in rows:
            self.stdout.write(f"  {label}\t{username}\t{password}")
