"""``python manage.py backup [--output FILE]``: an encrypted, compressed backup of the whole database."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from dangjian.core import backup
from dangjian.core.errors import BusinessError


class Command(BaseCommand):
    help = "备份整个数据库到一个加密（SM4-GCM）、压缩的文件；加密字段在备份中仍为密文"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", "-o", help="备份文件路径（默认 var/backups/dangjian-<时间>.djbk；不会覆盖已有文件）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["output"]) if options["output"] else backup.default_path()
        with tqdm(
            total=0,
            unit="行",
            desc="备份",
            file=sys.stderr,
            disable=True if options["verbosity"] < 1 else None,
        ) as bar:

            def on_total(total: int) -> None:
                bar.total = total
                bar.refresh()

            try:
                result = backup.backup_create(path=path, on_total=on_total, progress=bar.update)
            except BusinessError as exc:
                raise CommandError(exc.message) from exc
        self.stdout.write(f"备份完成：{result.path}")
        self.stdout.write(f"共 {len(result.counts)} 张表、{result.total} 行；密钥 {result.key_id}")
        self.stdout.write(f"内容校验和（SHA-256）：{result.payload_sha256}")
