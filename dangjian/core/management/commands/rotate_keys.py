"""``python manage.py rotate_keys [--dry-run] [--batch N] [--status]``: move every encrypted value onto
the current field key (the last one in ``FIELD_KEYS``), or show which key ids protect how many values."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from tqdm import tqdm

from dangjian.audit import services as audit
from dangjian.core import crypto, keys
from dangjian.core.models import StoredFile
from dangjian.core.uploads import file_reseal


class Command(BaseCommand):
    help = "字段加密密钥轮换：把旧密钥加密的数据用当前密钥（FIELD_KEYS 中最后一个）重新加密；可中断后重跑"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只统计需要重新加密的数据，不写入")
        parser.add_argument("--batch", type=int, default=500, help="每批处理的行数（默认 500）")
        parser.add_argument("--status", action="store_true", help="只显示各密钥编号保护的数据条数")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["status"]:
            self._status()
            return
        if options["batch"] < 1:
            raise CommandError("--batch 必须为正整数")
        dry_run = options["dry_run"]
        total = keys.stale_count()
        with tqdm(
            total=total,
            unit="项",
            desc="检查" if dry_run else "重新加密",
            file=sys.stderr,
            disable=True if options["verbosity"] < 1 else None,
        ) as bar:
            report = keys.rotate(batch=options["batch"], dry_run=dry_run, progress=bar.update)
        verb = "需要重新加密" if dry_run else "已重新加密"
        self.stdout.write(f"当前密钥：{report.current_key_id}；{verb} {report.total} 项")
        for label, n in sorted(report.rotated.items()):
            self.stdout.write(f"  {label}：{n}")
        for kid, n in sorted(report.from_keys.items()):
            self.stdout.write(f"  原密钥 {kid}：{n}")
        if report.changed_meanwhile:
            self.stdout.write(f"处理期间被修改的行：{report.changed_meanwhile}（请再运行一次）")
        # Encrypted uploads (mailbox attachments) are sealed on disk, not in a column: re-seal them too.
        stale_files = StoredFile.objects.filter(encrypted=True).exclude(key_id=report.current_key_id)
        files = stale_files.count() if dry_run else sum(file_reseal(stored=f) for f in stale_files.iterator())
        self.stdout.write(f"  加密文件：{files}")
        if not dry_run and (report.total or report.failed or report.changed_meanwhile or files):
            with transaction.atomic():
                audit.record(
                    actor=None, action=keys.ROTATE_ACTION, changes={**report.as_changes(), "files": files}
                )
        if report.failed:
            detail = "，".join(f"{label} {n} 项" for label, n in sorted(report.failed.items()))
            raise CommandError(f"以下数据无法解密（密钥不可用或数据已被篡改），未处理：{detail}")

    def _status(self) -> None:
        current = crypto.current_key_id()
        configured = list(settings.FIELD_ENCRYPTION_KEYS)
        status = keys.key_status()
        per_key = dict.fromkeys(configured, 0)
        for counts in status.values():
            for kid, n in counts.items():
                per_key[kid] = per_key.get(kid, 0) + n
        self.stdout.write(f"当前密钥：{current}")
        for label, counts in status.items():
            shown = "，".join(f"{kid} {n}" for kid, n in counts.items()) or "无数据"
            self.stdout.write(f"  {label}：{shown}")
        for kid, n in per_key.items():
            if kid == current:
                note = "（当前密钥）"
            elif kid not in configured:
                note = "（未配置：这些数据无法解密）"
            elif n == 0:
                note = "（已无数据，可从 FIELD_KEYS 中移除）"
            else:
                note = "（请运行 rotate_keys）"
            self.stdout.write(f"密钥 {kid}：{n} 项{note}")
