"""``python manage.py purge_audit``: remove audit entries older than the retention period now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dangjian.audit import retention


class Command(BaseCommand):
    help = "清理超过保存期限的审计日志（保存期限不少于 184 天；不会删除更新的记录）"

    def handle(self, *args: Any, **options: Any) -> None:
        count = retention.purge()
        self.stdout.write(f"已清理 {count} 条超过 {retention.retention_days()} 天的审计日志")
