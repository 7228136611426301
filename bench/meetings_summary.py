#!/usr/bin/env python
"""What a maintained compliance summary would cost to read (a sketch for RESULTS.md, not app code).

Historical: the summary it sketched is now built (``meetings.CompliancePeriod``, read by
``selectors.compliance_overview``) and measured by ``bench/meetings.py``; this script is kept because
RESULTS.md cites its numbers.

Run after ``bench/meetings.py`` on its database (the environment as ``bench/meetings.py`` sets it):

    DATABASE_URL=sqlite:///bench/var/meetings.sqlite3 DJANGO_SETTINGS_MODULE=bench.settings_bench \\
        .venv/bin/python bench/meetings_summary.py

It fills a temporary table ``bench_compliance(org_id, kind, period_start, period_end, due, held, late)`` from
``selectors.compliance`` for every branch (what services would maintain), then times the committee's totals
for jituan and erji1 — due, held, late, missing, pending and the number of branches behind — as one aggregate
joined to the org path range, against the raw aggregate of ``bench/meetings.py``'s baseline (not repeated
here: compare with its JSON). Prints median / p99 over 15 runs.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.meetings import _timings  # noqa: E402
from dangjian.access import scope  # noqa: E402
from dangjian.meetings import selectors  # noqa: E402
from dangjian.orgs.models import Org  # noqa: E402


def main() -> None:
    today = timezone.localdate()
    start = dt.date(today.year, 1, 1)
    branches = list(selectors.branch_list(user=get_user_model().objects.get(username="jituan")))
    rows = []
    for i in range(0, len(branches), 500):
        rows += selectors.compliance(branches[i : i + 500], start, today, today)
    with connection.cursor() as c:
        c.execute(
            "CREATE TEMPORARY TABLE bench_compliance (org_id integer, kind varchar(30), period_start date, "
            "period_end date, due integer, held integer, late integer)"
        )
        c.executemany(
            "INSERT INTO bench_compliance VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [(r.org.pk, p.kind, p.start, p.end, p.due, p.held, p.late) for r in rows for p in r.periods],
        )
        c.execute("CREATE INDEX bench_compliance_org ON bench_compliance (org_id, period_start)")
        c.execute("ANALYZE")
    greatest = "MAX" if connection.vendor == "sqlite" else "GREATEST"
    for username in ("jituan", "erji1"):
        user = get_user_model().objects.get(username=username)
        root = scope.restrict(Org.objects.all(), user, "meetings.view").order_by("depth", "path").first()
        assert root is not None
        sql = (
            "SELECT COUNT(DISTINCT s.org_id), SUM(s.due), SUM(s.held), SUM(s.late), "
            f"SUM(CASE WHEN s.period_end < %s THEN {greatest}(s.due - s.held - s.late, 0) ELSE 0 END), "
            f"SUM(CASE WHEN s.period_end >= %s THEN {greatest}(s.due - s.held - s.late, 0) ELSE 0 END), "
            "COUNT(DISTINCT CASE WHEN s.period_end < %s AND s.due > s.held + s.late THEN s.org_id END) "
            "FROM bench_compliance s JOIN orgs_org o ON o.id = s.org_id "
            "WHERE o.path >= %s AND o.path < %s AND s.period_start >= %s"
        )
        params = [today, today, today, root.path, root.path + "~", start]

        def run(sql: str = sql, params: list[object] = params) -> tuple[object, ...]:
            with connection.cursor() as c:
                c.execute(sql, params)
                return tuple(c.fetchone())

        mine = [r for r in rows if r.org.path.startswith(root.path)]
        t = selectors.totals(mine)
        expected = (t.branches, t.due, t.held, t.late, t.missing, t.pending, t.behind)
        got = run()
        m = _timings(run, 15)
        print(
            f"{connection.vendor} {username}: summary totals {m['median']:.1f} / {m['p99']:.1f} ms; "
            f"{got} {'= selector totals' if tuple(int(x or 0) for x in got) == expected else f'!= {expected}'}"
        )


if __name__ == "__main__":
    main()
