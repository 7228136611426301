"""``manage.py points_rebuild_totals``: recompute the per-day and per-period points totals (``PointDay``,
``PointTotal``, ``PointOrgTotal``) from the sealed ledger, in one transaction, with a progress bar.

When: after a restore, after the organisation tree changed (an organisation moved or became a committee), or
when a check finds the totals and the ledger disagree. Run it with the workers stopped.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Count
from tqdm import tqdm

from dangjian.points import services
from dangjian.points.models import PointEntry


class Command(BaseCommand):
    help = "由积分明细重算每日积分与各周期积分（排行榜所用）"

    def handle(self, *args: Any, **options: Any) -> None:
        members = PointEntry.objects.order_by().aggregate(n=Count("member_id", distinct=True))["n"]
        with tqdm(total=members, unit="人", desc="重算积分汇总", disable=options["verbosity"] < 1) as bar:
            counts = services.points_rebuild_totals(progress=bar.update)
        self.stdout.write(
            f"党员 {counts['members']} 人：每日积分 {counts['days']} 行，周期积分 {counts['totals']} 行，"
            f"组织周期积分 {counts['org_totals']} 行"
        )
