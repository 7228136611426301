#!/usr/bin/env python
"""Benchmark of 预警监督 and the 监督工作看板 (issue 8, performance): a full warning scan over the seeded
enterprise (100,000 members, ~5,000 branches, a year of meetings, 学时 for most members) against the raw SQL of
its heaviest rule, and the root committee's board against the raw SQL of its grouped aggregates, in one run.

    .venv/bin/python bench/supervision.py                         # SQLite, 100,000 members
    .venv/bin/python bench/supervision.py --postgres              # then PostgreSQL (dangjian_bench_sup)
    .venv/bin/python bench/supervision.py --members 5000 --runs 3 # quick

Per database, from a fresh database: ``migrate``, ``seed_demo --members N`` (timed; it includes the demo
content, whose own scan is the first full scan), then ``--generate`` (a child process: a year of meetings
through ``bench.meetings.generate``, 学时 for 70 % of the members, responsibility items for every committee),
then ``--measure`` (another child process):

- the raw SQL of each rule's main query (the query the rule's check runs, sent with ``cursor.execute`` and
  fetched), the heaviest of them being the reference;
- the **first scan** after the data changed (one sample: it inserts the new warnings in bulk) and the
  **steady scan** (median of ``--runs``: every warning refreshed, none new), each against the heaviest rule's
  raw SQL; target: scan ≤ 10 × that rule and ≤ 60 s;
- the board of the root committee for ``jituan`` (``selectors.board``) against the raw SQL of its grouped
  queries (``selectors.board_queries``); target ≤ 1.5 × raw + 5 ms; and the page ``/supervision/`` (HTTP,
  informative).

Results: bench/var/supervision-<database>.json and bench/var/supervision-report.md. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.meetings import _timings  # noqa: E402
from bench.run import VAR, _env, _fresh_database, _timed, machine, wait_for_quiet  # noqa: E402

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/dangjian_bench_sup"
SCAN_FACTOR, SCAN_MAX_S = 10.0, 60.0
BOARD_FACTOR, BOARD_PLUS_MS = 1.5, 5.0
P_HOURS = 0.7  # share of members with 学时 recorded this year


def run_database(label: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    print(f"== {label}: {url}", flush=True)
    env = _env(url)
    log = VAR / f"supervision-{label}.log"
    manage = [sys.executable, "manage.py"]
    gen_json = VAR / f"supervision-{label}-generate.json"
    out = VAR / f"supervision-{label}.json"
    log.unlink(missing_ok=True)
    _fresh_database(label, url)
    _timed([*manage, "migrate", "--noinput", "-v0"], env, log)
    _timed([*manage, "createcachetable"], env, log)
    load_seed = wait_for_quiet(args.max_load, args.max_wait)
    seed_s = _timed([*manage, "seed_demo", "--members", str(args.members)], {**env, "DEMO_MODE": "1"}, log)
    print(f"   seed_demo --members {args.members}: {seed_s:.1f} s", flush=True)
    subprocess.run(
        [sys.executable, str(Path(__file__)), "--generate", "--json", str(gen_json)],
        env=env,
        cwd=ROOT,
        check=True,
    )
    generated = json.loads(gen_json.read_text())
    print(f"   generated in {generated['seconds']:.1f} s", flush=True)
    cmd = [
        sys.executable,
        str(Path(__file__)),
        "--measure",
        "--json",
        str(out),
        "--runs",
        str(args.runs),
        "--max-wait",
        str(args.max_wait),
        *(["--max-load", str(args.max_load)] if args.max_load else []),
    ]
    subprocess.run(cmd, env=env, cwd=ROOT, check=True)
    result: dict[str, Any] = json.loads(out.read_text())
    result.update(
        {
            "label": label,
            "members": args.members,
            "seed_s": seed_s,
            "load_seed": load_seed,
            "generate": generated,
        }
    )
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return result


# ------------------------------------------------------------------------------------------------------------
# Data (child process)
# ------------------------------------------------------------------------------------------------------------


def generate(seed: int = 2026) -> dict[str, Any]:
    """A year of meetings (bench.meetings), 学时 for 70 % of the members (0–40 hours, so some are behind),
    two responsibility items per committee with the first quarter recorded. Bulk inserts."""
    from decimal import Decimal

    from django.db import connection, transaction
    from django.utils import timezone

    from bench.meetings import generate as meetings_generate
    from dangjian.members.models import Member
    from dangjian.orgs.models import Org
    from dangjian.studytime.models import StudyHours
    from dangjian.supervision.models import ResponsibilityItem, ResponsibilityRecord

    started = time.perf_counter()
    meetings = meetings_generate(seed)
    rng = random.Random(seed)
    today = timezone.localdate()
    hours: list[StudyHours] = []
    with transaction.atomic():
        for pk in Member.objects.active().values_list("pk", flat=True).iterator(chunk_size=5000):
            if rng.random() < P_HOURS:
                hours.append(
                    StudyHours(
                        member_id=pk,
                        year=today.year,
                        hours=Decimal(rng.randint(0, 40)),
                        kind="course",
                        title="集中学习",
                        source_key=f"bench:{pk}",
                        credited_on=today,
                    )
                )
        StudyHours.objects.bulk_create(hours, batch_size=5000)
        committees = list(Org.objects.filter(kind="committee", is_active=True).values_list("pk", flat=True))
        items = ResponsibilityItem.objects.bulk_create(
            [
                ResponsibilityItem(
                    org_id=pk, duty=duty, year=today.year, title=title, holder_title=holder, period="quarter"
                )
                for pk in committees
                for duty, title, holder in (
                    ("primary", "每季度研究党风廉政建设", "党委书记"),
                    ("supervisory", "每季度开展监督检查", "纪委书记"),
                )
            ]
        )
        ResponsibilityRecord.objects.bulk_create(
            [
                ResponsibilityRecord(
                    item=i,
                    period_start=dt.date(today.year, 1, 1),
                    period_end=dt.date(today.year, 3, 31),
                    done_on=dt.date(today.year, 3, 20),
                    note="已履责",
                )
                for i in items[::2]
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "meetings": meetings,
        "hours": len(hours),
        "items": len(items),
        "seconds": time.perf_counter() - started,
    }


# ------------------------------------------------------------------------------------------------------------
# Measurements (child process)
# ------------------------------------------------------------------------------------------------------------


def _raw_queries(today: dt.date) -> dict[str, tuple[str, Any]]:
    """The main query of each rule, as the rule builds it (SQL and parameters)."""
    from django.db.models import Count, F, Value

    from dangjian.meetings import config, rules
    from dangjian.meetings.models import HELD_STATUSES, Meeting
    from dangjian.orgs.models import Org
    from dangjian.orgs.rules import BRANCH_KINDS, add_months
    from dangjian.studytime import selectors as study
    from dangjian.supervision.models import ResponsibilityItem

    freqs = config.frequencies()
    start = add_months(today, -6)
    first = min(rules.period_bounds(f.period, start)[0] for f in freqs.values())
    branch_ids = list(Org.objects.filter(kind__in=BRANCH_KINDS, is_active=True).values_list("pk", flat=True))
    meetings = (
        Meeting.objects.filter(org__in=branch_ids, planned_on__range=(first, today), status__in=HELD_STATUSES)
        .values("org_id", "kind", "planned_on", "held_on")
        .annotate(n=Count("id"))
        .order_by()
    )
    behind = study._annotated_members(today.year, today).filter(hours__lt=F("expected") - Value(4))  # type: ignore[misc]
    elections = Org.objects.filter(
        kind__in=["committee", "general_branch", "branch", "joint_branch"], is_active=True
    ).values_list("pk", "name", "short_name", "kind", "elected_on")
    duties = ResponsibilityItem.objects.filter(is_active=True, year=today.year).values_list(
        "pk", "org_id", "title", "holder_title", "period"
    )
    return {
        "meetings.missing": meetings.query.sql_with_params(),
        "studytime.behind": behind.values_list(
            "pk", "org_id", "name", "hours", "expected"
        ).query.sql_with_params(),  # type: ignore[misc]
        "orgs.election": elections.query.sql_with_params(),
        "supervision.duty_overdue": duties.query.sql_with_params(),
    }


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from dangjian.accounts.models import User
    from dangjian.supervision import selectors, services
    from dangjian.supervision.models import Warning

    today = timezone.localdate()
    load = wait_for_quiet(args.max_load, args.max_wait)
    out: dict[str, Any] = {
        "server": f"{connection.vendor} {connection.cursor().connection.__class__.__module__}",
        "runs": args.runs,
        "load": load,
    }

    def run_sql(sql: str, params: Any) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return len(cursor.fetchall())

    # Warm up what a long-running worker has loaded already (the URL resolver, the rule modules).
    from django.urls import reverse

    from dangjian.supervision import registry

    reverse("supervision:board"), registry.all_rules()
    raw = {}
    for code, (sql, params) in _raw_queries(today).items():
        rows = run_sql(sql, params)
        raw[code] = {**_timings(lambda s=sql, p=params: run_sql(s, p), args.runs), "rows": rows}
    heaviest = max(raw, key=lambda c: raw[c]["median"])
    out["raw"], out["heaviest"] = raw, heaviest
    # The first scan after the data changed: the demo seed scanned before the year of meetings and 学时 existed.
    t0 = time.perf_counter()
    first = services.scan_run(trigger="manual", today=today)
    out["first_scan"] = {
        "ms": (time.perf_counter() - t0) * 1000,
        "opened": first.opened,
        "closed": first.closed,
        "refreshed": first.refreshed,
        "details": first.details,
    }
    with CaptureQueriesContext(connection) as ctx:
        steady_run = services.scan_run(trigger="manual", today=today)
    out["scan_queries"] = len(ctx.captured_queries)
    out["steady_details"] = steady_run.details
    out["steady_scan"] = _timings(lambda: services.scan_run(trigger="manual", today=today), args.runs, warm=0)
    out["open_warnings"] = Warning.objects.filter(status="open").count()
    by_rule: dict[str, int] = {}
    for code in Warning.objects.filter(status="open").values_list("rule__code", flat=True).iterator():
        by_rule[code] = by_rule.get(code, 0) + 1
    out["open_by_rule"] = by_rule
    # The board of the root committee for jituan.
    jituan = User.objects.get(username="jituan")
    root = selectors.default_org(jituan)
    assert root is not None
    queries = selectors.board_queries(jituan, root, today)
    compiled = [q.query.sql_with_params() for q in queries.values()]
    out["board_raw"] = _timings(lambda: [run_sql(s, p) for s, p in compiled], args.runs)
    out["board"] = _timings(lambda: selectors.board(user=jituan, org=root, today=today), args.runs)
    with CaptureQueriesContext(connection) as ctx:
        b = selectors.board(user=jituan, org=root, today=today)
    out["board_queries"] = len(ctx.captured_queries)
    out["board_children"] = len(b.children)
    out["board_totals"] = {
        "warnings": b.total.warnings_total,
        "missing": b.total.missing,
        "tasks_open": b.total.tasks_open,
        "duty_rate": b.total.duty_rate,
    }
    client = Client()
    client.force_login(jituan)
    out["page"] = _timings(lambda: client.get("/supervision/"), args.runs)
    out["load_end"] = [round(x, 2) for x in os.getloadavg()]
    return out


# ------------------------------------------------------------------------------------------------------------
# Report
# ------------------------------------------------------------------------------------------------------------


def _ok(flag: bool) -> str:
    return "PASS" if flag else "FAIL"


def report(results: list[dict[str, Any]], info: dict[str, str]) -> str:
    lines = [
        f"Run {info['date']} · {info['cores']} cores · {info['memory']} · {info['cpu']} · "
        f"Python {info['python']}",
        "",
    ]
    for r in results:
        g, h = r["generate"], r["heaviest"]
        ref = r["raw"][h]["median"]
        lines += [
            f"### {r['label']} ({r['server']})",
            "",
            f"Members {r['members']:,} · meetings {g['meetings']['meetings']:,} over "
            f"{g['meetings']['branches']:,} branches · 学时 rows {g['hours']:,} · responsibility items "
            f"{g['items']:,} · seed_demo {r['seed_s']:.0f} s · open warnings after the scan "
            f"{r['open_warnings']:,} ({', '.join(f'{k} {v:,}' for k, v in r['open_by_rule'].items())}) · runs "
            f"{r['runs']} · load (1, 5, 15 min): seeding {r['load_seed']}, measuring {r['load']} → {r['load_end']}",
            "",
            "| What | median ms | vs heaviest rule's raw SQL | target | |",
            "|---|---|---|---|---|",
        ]
        for code, m in r["raw"].items():
            mark = " (heaviest)" if code == h else ""
            lines.append(
                f"| raw SQL of `{code}`{mark}: {m['rows']:,} rows | {m['median']:.1f} | "
                f"{m['median'] / ref:.2f}× | | |"
            )
        fs = r["first_scan"]["ms"]
        lines.append(
            f"| first full scan after the data changed (1 sample; opened {r['first_scan']['opened']:,}, closed "
            f"{r['first_scan']['closed']:,}) | {fs:.0f} | {fs / ref:.2f}× | ≤ {SCAN_FACTOR:.0f}× and ≤ "
            f"{SCAN_MAX_S:.0f} s | {_ok(fs <= SCAN_FACTOR * ref and fs <= SCAN_MAX_S * 1000)} |"
        )
        ss = r["steady_scan"]["median"]
        lines.append(
            f"| steady full scan (every warning refreshed; {r['scan_queries']} queries) | {ss:.0f} | "
            f"{ss / ref:.2f}× | ≤ {SCAN_FACTOR:.0f}× and ≤ {SCAN_MAX_S:.0f} s | "
            f"{_ok(ss <= SCAN_FACTOR * ref and ss <= SCAN_MAX_S * 1000)} |"
        )
        br, bb = r["board_raw"]["median"], r["board"]["median"]
        limit = BOARD_FACTOR * br + BOARD_PLUS_MS
        lines += [
            "",
            "| Board of the root committee (jituan) | median ms | vs raw | target | |",
            "|---|---|---|---|---|",
            f"| raw SQL of the board's grouped aggregates (4 GROUP BY) | {br:.1f} | 1.00× | | |",
            f"| `selectors.board` ({r['board_queries']} queries, {r['board_children']} children) | {bb:.1f} | "
            f"{bb / br:.2f}× | ≤ {limit:.1f} ms | {_ok(bb <= limit)} |",
            f"| page `/supervision/` (HTTP, informative) | {r['page']['median']:.1f} | {r['page']['median'] / br:.2f}× "
            "| | |",
            "",
            "Per-rule times inside the steady scan (check = the rule's own query and Python; total = with the "
            "reconciliation of its warnings):",
            "",
        ]
        for code, d in r["steady_details"].items():
            if "check_s" in d:
                lines.append(
                    f"- `{code}`: found {d['found']:,} (missing data {d['missing']:,}), check "
                    f"{d['check_s'] * 1000:.0f} ms, total {d['total_s'] * 1000:.0f} ms"
                )
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measurement")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=DEFAULT_PG,
        default=None,
        help=f"also run on PostgreSQL (default URL {DEFAULT_PG})",
    )
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    parser.add_argument("--max-load", type=float)
    parser.add_argument("--max-wait", type=int, default=30)
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    parser.add_argument("--report", action="store_true", help="rewrite the report from the last JSON results")
    args = parser.parse_args()
    if args.report:
        found = [
            json.loads((VAR / f"supervision-{d}.json").read_text())
            for d in ("sqlite", "postgres")
            if (VAR / f"supervision-{d}.json").exists()
        ]
        text = report([r for r in found if "generate" in r], machine())
        (VAR / "supervision-report.md").write_text(text)
        print(text)
        return
    if args.generate or args.measure:
        import django

        django.setup()
        data = generate() if args.generate else measure(args)
        Path(args.json).write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    VAR.mkdir(parents=True, exist_ok=True)
    targets = [("sqlite", f"sqlite:///{VAR / 'supervision.sqlite3'}")]
    if args.postgres:
        targets.append(("postgres", args.postgres))
    if args.only:
        targets = [t for t in targets if t[0] == args.only]
    info = machine()
    results = [run_database(label, url, args) for label, url in targets]
    text = report(results, info)
    (VAR / "supervision-report.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
