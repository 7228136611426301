"""manage.py import_members FILE [--dry-run] [--skip-invalid] [--user USERNAME]

Imports the roster from a 党员信息采集表 (.xlsx) through the same service as the web page and the API
(``members.imports.member_import``), with a progress bar on the terminal. Without ``--user`` it is a system
import: every branch may be named and the audit entry has no actor.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from dangjian.core.errors import BusinessError
from dangjian.members.imports import ImportReport, member_import


class Command(BaseCommand):
    help = "从党员信息采集表（.xlsx）导入党员：先校验全部行，有错误时不写入（除非 --skip-invalid）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Excel 文件（.xlsx）")
        parser.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")
        parser.add_argument("--skip-invalid", action="store_true", help="跳过有错误的行，只导入正确的行")
        parser.add_argument("--user", dest="username", help="以该用户的身份和数据范围导入（缺省为系统导入）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        if path.suffix.lower() != ".xlsx":
            raise CommandError("仅支持 .xlsx 文件")
        actor = None
        if options["username"]:
            actor = get_user_model().objects.filter(username=options["username"], is_active=True).first()
            if actor is None:
                raise CommandError(f"用户不存在或已停用：{options['username']}")
        bar = tqdm(
            total=0,
            unit="行",
            file=sys.stderr,
            disable=None if options["verbosity"] else True,
            dynamic_ncols=True,
        )

        def progress(done: int, total: int, message: str) -> None:
            if total:
                bar.total = total
            bar.n = done
            bar.set_description_str(message.split("第")[0].strip() or message, refresh=False)
            bar.refresh()

        try:
            with path.open("rb") as fh:
                report = member_import(
                    actor=actor,
                    source=fh,
                    filename=path.name,
                    dry_run=options["dry_run"],
                    skip_invalid=options["skip_invalid"],
                    on_progress=progress,
                )
        except BusinessError as exc:
            raise CommandError(exc.message) from exc
        finally:
            bar.close()
        self._print(report)
        if report.outcome in ("refused", "empty") or (report.dry_run and report.errors):
            raise CommandError(report.message)

    def _print(self, report: ImportReport) -> None:
        out = self.stdout
        out.write(f"文件：{report.filename}（表头在第 {report.header_row} 行）")
        out.write(f"共 {report.total} 行，可导入 {report.valid} 行，有错误 {report.error_rows} 行")
        if report.missing_columns:
            out.write(f"未提供的列（按空白处理）：{'、'.join(report.missing_columns)}")
        if report.unknown_columns:
            out.write(f"未识别的列（已忽略）：{'、'.join(report.unknown_columns)}")
        for error in report.errors:
            who = f"（{error.name}）" if error.name else ""
            out.write(f"第 {error.row} 行  {error.column}：{error.message}{who}")
        style = self.style.SUCCESS if report.ok and not report.errors else self.style.WARNING
        out.write(style(report.message))
