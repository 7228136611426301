"""``manage.py meetings_rebuild_compliance``: recount the compliance summary (``meetings.CompliancePeriod``)
from the meeting records, in one transaction, with a progress bar.

When: after a restore, after meetings were loaded without the services (a bulk import), or after the local
frequency of 党课 (``MEETINGS_LOCAL_FREQUENCIES``) changed. Run it while nobody records meetings.

    manage.py meetings_rebuild_compliance            # recount now, with a progress bar
    manage.py meetings_rebuild_compliance --queue    # queue it for the background worker (a core.Job)
    manage.py meetings_rebuild_compliance --check    # compare the summary with the records; writes nothing
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from dangjian.meetings import selectors, services
from dangjian.orgs.models import Org
from dangjian.orgs.rules import BRANCH_KINDS


class Command(BaseCommand):
    help = "由会议记录重算组织生活落实汇总（落实情况页面所用）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", action="store_true", help="交给后台任务执行（可在后台任务中查看进度）")
        parser.add_argument("--check", action="store_true", help="只核对汇总与会议记录是否一致，不写入")
        parser.add_argument("--year", type=int, help="核对的年度（默认今年）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            self.check_summary(options["year"] or timezone.localdate().year, options["verbosity"])
            return
        if options["queue"]:
            job = services.compliance_rebuild_request(actor=None)
            self.stdout.write(f"已排队：后台任务 #{job.pk}")
            return
        total = services.compliance_rebuild_orgs()
        with tqdm(total=total, unit="个", desc="重算落实汇总", disable=options["verbosity"] < 1) as bar:
            counts = services.compliance_rebuild(progress=bar.update)
        self.stdout.write(
            f"党组织 {counts['orgs']} 个：会议 {counts['meetings']} 次，汇总 {counts['rows']} 行"
        )

    def check_summary(self, year: int, verbosity: int) -> None:
        today = timezone.localdate()
        start, end = dt.date(year, 1, 1), min(dt.date(year, 12, 31), max(today, dt.date(year, 1, 1)))
        branches = list(Org.objects.filter(kind__in=BRANCH_KINDS, is_active=True).order_by("path"))
        differ = 0
        step = 500
        with tqdm(total=len(branches), unit="个", desc="核对落实汇总", disable=verbosity < 1) as bar:
            for i in range(0, len(branches), step):
                chunk = branches[i : i + step]
                mine = selectors.compliance(chunk, start, end, today)
                reference = selectors.compliance_from_meetings(chunk, start, end, today)
                for a, b in zip(mine, reference, strict=True):
                    if a.periods != b.periods:
                        differ += 1
                        if verbosity > 1:
                            self.stdout.write(f"不一致：{a.org.label}")
                bar.update(len(chunk))
        if differ:
            raise CommandError(
                f"{year}年：{differ} 个党支部的汇总与会议记录不一致，"
                "请运行 manage.py meetings_rebuild_compliance"
            )
        self.stdout.write(f"{year}年：{len(branches)} 个党支部的汇总与会议记录一致")
