"""``manage.py points_seed_rules``: create the default points rules of DOMAIN.md §7 that do not exist yet.

Not a data migration, so that a freshly migrated database stays empty for ``manage.py restore``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dangjian.points import services


class Command(BaseCommand):
    help = "创建缺少的默认积分规则（可重复执行）"

    def handle(self, *args: Any, **options: Any) -> None:
        created = services.points_seed_rules()
        self.stdout.write(f"新建积分规则 {created} 条")
