"""``python manage.py restore FILE [--force] [--check]``: verify a backup and load it into this database."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from dangjian.core import backup
from dangjian.core.errors import BusinessError


class Command(BaseCommand):
    help = (
        "从加密备份文件恢复数据库：先完整校验文件，目标库须已 migrate 且没有数据（--force 则先清空），"
        "恢复后逐表核对行数"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="备份文件（.djbk）")
        parser.add_argument("--force", action="store_true", help="目标库已有数据时，清空后恢复")
        parser.add_argument("--check", action="store_true", help="只校验备份文件并显示清单，不写入数据库")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            if options["check"]:
                manifest = backup.backup_verify(path=path)
                self._print_counts(manifest["models"], manifest)
                self.stdout.write("备份文件校验通过")
                return
            with tqdm(
                total=0,
                unit="行",
                desc="恢复",
                file=sys.stderr,
                disable=True if options["verbosity"] < 1 else None,
            ) as bar:

                def on_total(total: int) -> None:
                    bar.total = total
                    bar.refresh()

                result = backup.backup_restore(
                    path=path, force=options["force"], on_total=on_total, progress=bar.update
                )
        except BusinessError as exc:
            raise CommandError(exc.message) from exc
        self._print_counts(result.counts, result.manifest)
        self.stdout.write(f"恢复完成：{len(result.counts)} 张表、{result.total} 行，行数与备份清单一致")

    def _print_counts(self, counts: dict[str, int], manifest: dict[str, Any]) -> None:
        self.stdout.write(
            f"备份时间：{manifest['created_at']}；版本：{manifest['app_version']}；"
            f"来源数据库：{manifest['database_vendor']}"
        )
        for label, n in counts.items():
            if n:
                self.stdout.write(f"  {label}：{n}")
