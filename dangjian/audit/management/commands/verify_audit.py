"""``python manage.py verify_audit``: check the audit chain; exit 1 at the first broken link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from dangjian.audit.models import AuditEntry
from dangjian.audit.verify import verify_chain


class Command(BaseCommand):
    help = "校验审计日志的完整性（HMAC-SM3 链），报告第一条被篡改或缺失的记录"

    def handle(self, *args: Any, **options: Any) -> None:
        total = AuditEntry.objects.count()
        with tqdm(total=total, unit="条", desc="校验审计日志", disable=options["verbosity"] < 1) as bar:
            done = [0]

            def step(n: int) -> None:
                bar.update(n - done[0])
                done[0] = n

            report = verify_chain(progress=step)
        if not report.ok:
            raise CommandError(f"审计日志校验失败：{report.problem}（已校验 {report.checked} 条）")
        self.stdout.write(f"审计日志完整：共 {report.checked} 条，校验通过")
