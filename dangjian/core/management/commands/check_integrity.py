"""``python manage.py check_integrity [--limit N]``: verify the HMAC of every money and score row;
exit 1 when any row fails."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from dangjian.core import integrity


class Command(BaseCommand):
    help = "校验党费、成绩等受保护数据行的完整性（HMAC-SM3），报告校验值不符的行；有不符时退出码为 1"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=20, help="每个模型最多列出多少条不符的行（默认 20）")

    def handle(self, *args: Any, **options: Any) -> None:
        protected = integrity.protected_models()
        if not protected:
            self.stdout.write("没有受完整性保护的数据模型")
            return
        total = sum(m._base_manager.count() for m in protected)
        with tqdm(
            total=total,
            unit="行",
            desc="校验完整性",
            file=sys.stderr,
            disable=True if options["verbosity"] < 1 else None,
        ) as bar:
            report = integrity.check(models_to_check=protected, progress=bar.update)
        for label, checked in report.checked.items():
            failed = report.failed[label]
            if not failed:
                self.stdout.write(f"{label}：{checked} 行，全部通过")
                continue
            shown = "、".join(str(pk) for pk in failed[: options["limit"]])
            more = f" 等 {len(failed)} 行" if len(failed) > options["limit"] else ""
            self.stdout.write(f"{label}：{checked} 行，{len(failed)} 行校验值不符：{shown}{more}")
        if not report.ok:
            bad = sum(len(v) for v in report.failed.values())
            raise CommandError(f"完整性校验失败：{bad} 行数据的校验值不符（可能被绕过系统修改）")
        self.stdout.write("完整性校验通过")
