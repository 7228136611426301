"""manage.py members_recount

Recounts every organisation's members on the roll (``OrgHeadcount``, which the member lists sum instead of
counting the whole roster) and reports how many counts it repaired. The Huey task ``recount_headcounts``
does the same every hour; run this after writing members outside the platform's services (raw SQL).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from dangjian.members import headcount


class Command(BaseCommand):
    help = "重新统计各党组织在册党员数（党员名册的总人数由此求和），报告修正的组织数"

    def handle(self, *args: Any, **options: Any) -> None:
        with tqdm(total=0, unit="个组织", desc="写入修正", disable=options["verbosity"] == 0) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            wrong = headcount.rebuild(progress=progress)
        self.stdout.write(
            f"已重新统计：{wrong} 个党组织的在册人数有误，已修正" if wrong else "各党组织在册人数无误"
        )
