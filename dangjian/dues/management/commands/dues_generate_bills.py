"""``manage.py dues_generate_bills [--month YYYY-MM] [--org ID]``: a month's bills for every member
(idempotent: a second run creates nothing), with a progress bar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from dangjian.core.errors import BusinessError
from dangjian.dues import services
from dangjian.orgs.models import Org


class Command(BaseCommand):
    help = "生成某月的党费账单（可重复执行，已有的不会重复生成）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--month", help="月份，如 2026-11（默认本月）")
        parser.add_argument("--org", type=int, help="只生成该党组织（含下级）的账单")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = (
                dt.date.fromisoformat(options["month"] + "-01")
                if options["month"]
                else dt.date.today().replace(day=1)
            )
        except ValueError:
            raise CommandError("月份格式应为 YYYY-MM") from None
        org = Org.objects.filter(pk=options["org"]).first() if options["org"] else None
        if options["org"] and org is None:
            raise CommandError("没有该党组织")
        with tqdm(total=0, unit="人", desc="生成账单", disable=options["verbosity"] == 0) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.n = done
                bar.refresh()

            try:
                result = services.bills_generate(actor=None, month=month, org=org, progress=progress)
            except BusinessError as exc:
                raise CommandError(exc.message) from None
        self.stdout.write(
            f"{month:%Y年%m月}：新生成 {result.created} 张，已有 {result.existing} 张，"
            f"未核定党费 {result.without_fixing} 人"
        )
