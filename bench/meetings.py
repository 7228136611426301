#!/usr/bin/env python
"""Benchmark of 组织生活 compliance (issue 5, performance): a committee's compliance over ~5,000 branches for a
year — the whole-scope totals and branches behind (``meetings.selectors.compliance_overview``) and every
period of every branch (``selectors.compliance``), both served from the maintained summary
``meetings.CompliancePeriod`` — against the raw SQL aggregate of the same counts over the meetings, in the
same run.

    .venv/bin/python bench/meetings.py                       # SQLite, 100,000 members (~5,000 branches)
    .venv/bin/python bench/meetings.py --postgres            # then PostgreSQL (dangjian_bench_meetings)
    .venv/bin/python bench/meetings.py --members 5000 --runs 5   # quick

Per database, from a fresh database: ``migrate``, ``seed_demo --members N`` (timed), a year of meetings for
every active branch (``--generate``, a child process, tqdm bar, ``bulk_create``, which bypasses the services),
``manage.py meetings_rebuild_compliance`` (timed: the summary of those meetings), then the measurements
(``--measure``, another child process, Django's test client with ``force_login``). Ratios are against the
raw aggregate measured in the same process; nothing here asserts a time except the reported PASS/FAIL.
Results: bench/var/meetings-<database>.json and bench/var/meetings-report.md. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import VAR, _env, _fresh_database, _timed, machine, wait_for_quiet  # noqa: E402

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/dangjian_bench_meetings"
USERS = ("jituan", "erji1")
FACTOR, PLUS_MS = 1.5, 5.0  # target: selector ≤ 1.5 × raw + 5 ms
PAGE = "/meetings/compliance/"
API = "/api/v1/meetings/compliance/"
# The generated year: per owed meeting, held on time / held late (补开) / planned but not held / no record.
P_LATE, P_PLANNED, P_ABSENT = 0.05, 0.05, 0.05


# ------------------------------------------------------------------------------------------------------------
# Orchestration (parent process)
# ------------------------------------------------------------------------------------------------------------


def run_database(label: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    print(f"== {label}: {url}", flush=True)
    env = _env(url)
    log = VAR / f"meetings-{label}.log"
    manage = [sys.executable, "manage.py"]
    gen_json = VAR / f"meetings-{label}-generate.json"
    out = VAR / f"meetings-{label}.json"
    if args.reuse:
        previous = json.loads(out.read_text())
        seed_s, load_seed = previous["seed_s"], previous["load_seed"]
    else:
        log.unlink(missing_ok=True)
        _fresh_database(label, url)
        _timed([*manage, "migrate", "--noinput", "-v0"], env, log)
        _timed([*manage, "createcachetable"], env, log)
        load_seed = wait_for_quiet(args.max_load, args.max_wait)
        seed_s = _timed(
            [*manage, "seed_demo", "--members", str(args.members)], {**env, "DEMO_MODE": "1"}, log
        )
        print(f"   seed_demo --members {args.members}: {seed_s:.1f} s", flush=True)
        cmd = [sys.executable, str(Path(__file__)), "--generate", "--json", str(gen_json)]
        subprocess.run(cmd, env=env, cwd=ROOT, check=True)
        rebuild_s = _timed([*manage, "meetings_rebuild_compliance", "-v0"], env, log)
        gen = json.loads(gen_json.read_text())
        gen_json.write_text(json.dumps({**gen, "rebuild_s": rebuild_s}, ensure_ascii=False, indent=2))
    generated = json.loads(gen_json.read_text())
    print(f"   meetings_rebuild_compliance: {generated['rebuild_s']:.1f} s", flush=True)
    print(f"   meetings: {generated['meetings']:,} in {generated['seconds']:.1f} s", flush=True)
    cmd = [sys.executable, str(Path(__file__)), "--measure", "--json", str(out), "--runs", str(args.runs),
           "--max-wait", str(args.max_wait),
           *(["--max-load", str(args.max_load)] if args.max_load is not None else [])]  # fmt: skip
    subprocess.run(cmd, env=env, cwd=ROOT, check=True)
    result = json.loads(out.read_text())
    result.update({"label": label, "members": args.members, "seed_s": seed_s, "load_seed": load_seed,
                   "generate": generated})  # fmt: skip
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return result


def _ok(flag: bool) -> str:
    return "PASS" if flag else "FAIL"


def _t(m: dict[str, float]) -> str:
    return f"{m['median']:.1f} / {m['p99']:.1f}"


def report(results: list[dict[str, Any]], info: dict[str, str]) -> str:
    lines = [f"Run {info['date']} · {info['cores']} cores · {info['memory']} · {info['cpu']} · "
             f"Python {info['python']}", ""]  # fmt: skip
    for r in results:
        g = r["generate"]
        lines += [
            f"### {r['label']} ({r['server']})",
            "",
            f"Members {r['members']:,} · branches {g['branches']:,} · meetings {g['meetings']:,} in {g['year']} "
            f"(held on time {g['on_time']:,}, late {g['late']:,}, planned not held {g['planned']:,}, owed without a "
            f"record {g['absent']:,}) · seed_demo {r['seed_s']:.0f} s · generated in {g['seconds']:.0f} s · "
            f"summary rebuilt (`meetings_rebuild_compliance`) in {g.get('rebuild_s', 0):.1f} s · "
            f"runs {r['runs']} (p99 = the slowest run below 100 runs) · load average (1, 5, 15 min): "
            f"seeding {r['load_seed']}, measuring {r['load']} → {r['load_end']}",
            "",
            "| User (branches) | What | median / p99 ms | queries | vs raw (median) | target ≤ 1.5× raw + 5 ms | |",
            "|---|---|---|---|---|---|---|",
        ]
        for u in r["users"]:
            raw = u["raw_all"]
            name = f"{u['user']} ({u['branches']:,})"
            lines.append(
                f"| {name} | raw SQL aggregate, whole scope (1 GROUP BY) | {_t(raw)} | 1 | 1.00× | | |"
            )
            if "overview" in u:
                m = u["overview"]
                limit = FACTOR * raw["median"] + PLUS_MS
                lines.append(
                    f"| {name} | **`selectors.compliance_overview`**: whole-scope totals and branches behind "
                    f"(the committee page's headline) | {_t(m)} | {u['queries']['overview']} | "
                    f"{m['median'] / raw['median']:.2f}× | ≤ {limit:.1f} ms | {_ok(m['median'] <= limit)} |"
                )
            whole = "`branch_list` + `selectors.compliance` + `totals`, every period, whole scope in one call"
            if u.get("selector_error"):
                lines.append(f"| {name} | {whole} | **error**: `{u['selector_error'][:120]}` | | | | FAIL |")
                whole = ""
            for key, what in (
                ("selector", whole),
                (
                    "selector_paged",
                    "the same, called page by page (50 branches; at most 5 runs, informative)",
                ),
            ):
                if not what or key not in u:
                    continue
                m = u[key]
                limit = FACTOR * raw["median"] + PLUS_MS
                lines.append(
                    f"| {name} | {what} | {_t(m)} | {u['queries'][key] if key in u['queries'] else 1 + 2 * math.ceil(u['branches'] / 50)} | {m['median'] / raw['median']:.2f}× | "
                    f"≤ {limit:.1f} ms | {_ok(m['median'] <= limit)} |"
                )
            rawp = u["raw_page"]
            lines.append(
                f"| {name} | raw SQL aggregate, the page's {u['page_branches']} branches | {_t(rawp)} | 1 | | | |"
            )
            for key, what in (
                ("page", f"page `{PAGE}` (50 branches)"),
                ("api", f"API `{API}` (50 branches)"),
            ):
                m = u[key]
                limit = FACTOR * rawp["median"] + PLUS_MS
                lines.append(
                    f"| {name} | {what} | {_t(m)} | {u['queries'][key]} | {m['median'] / rawp['median']:.2f}× "
                    f"(page's raw) | ≤ {limit:.1f} ms (HTTP, informative) | {_ok(m['median'] <= limit)} |"
                )
            c = u["correct"]
            lines.append(
                f"| {name} | selector = raw aggregate: {c['periods']:,} owed periods, held {c['held']:,}, late "
                f"{c['late']:,}, missing {c['missing']:,}, pending {c['pending']:,}; raw groups not owed "
                f"{c['unowed_groups']} | {c['mismatches']} mismatches | | | | {_ok(c['mismatches'] == 0)} |"
            )
            if "overview_equal" in u:
                lines.append(
                    f"| {name} | `compliance_overview` = `totals(compliance(…))` and its branches behind: "
                    f"{u['totals']} | {'equal' if u['overview_equal'] else 'DIFFERENT'} | | | | "
                    f"{_ok(u['overview_equal'])} |"
                )
        lines += ["", "Queries of `compliance_overview` and of the selector (first 300 characters each):", ""]
        for u in r["users"]:
            for q in [*u.get("overview_sql", []), *u["selector_sql"]]:
                lines.append(f"- {u['user']}: {q['ms']:.1f} ms `{q['sql'][:300]}`")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20, help="timed runs per measurement (after 2 warm-ups)")
    parser.add_argument("--postgres", nargs="?", const=DEFAULT_PG, default=None,
                        help=f"also run on PostgreSQL (default URL {DEFAULT_PG})")  # fmt: skip
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    parser.add_argument("--reuse", action="store_true", help="measure again on the last run's database")
    parser.add_argument("--max-load", type=float)
    parser.add_argument("--max-wait", type=int, default=30)
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    parser.add_argument("--report", action="store_true", help="rewrite the report from the last JSON results")
    args = parser.parse_args()
    if args.report:
        found = [json.loads((VAR / f"meetings-{d}.json").read_text()) for d in ("sqlite", "postgres")
                 if (VAR / f"meetings-{d}.json").exists()]  # fmt: skip
        text = report([r for r in found if "generate" in r], machine())
        (VAR / "meetings-report.md").write_text(text)
        print(text)
        return
    if args.generate or args.measure:
        import django

        django.setup()
        data = generate() if args.generate else measure(args)
        Path(args.json).write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    VAR.mkdir(parents=True, exist_ok=True)
    targets = [("sqlite", f"sqlite:///{VAR / 'meetings.sqlite3'}")]
    if args.postgres:
        targets.append(("postgres", args.postgres))
    if args.only:
        targets = [t for t in targets if t[0] == args.only]
    info = machine()
    results = [run_database(label, url, args) for label, url in targets]
    text = report(results, info)
    (VAR / "meetings-report.md").write_text(text)
    print(text)


# ------------------------------------------------------------------------------------------------------------
# The year of meetings (child process)
# ------------------------------------------------------------------------------------------------------------


def generate(seed: int = 2026) -> dict[str, Any]:
    """A year of meetings for every active branch: each owed meeting (``rules.dues_between``) is held on time,
    held after its period (补开), planned but not held, or has no record at all; periods after today are
    planned. Rows go in by ``bulk_create`` (no services: nothing else reads these rows here)."""
    from django.db import connection, transaction
    from django.utils import timezone
    from tqdm import tqdm

    from dangjian.meetings import config, rules
    from dangjian.meetings.models import Meeting, MeetingStatus
    from dangjian.orgs.models import Org, OrgKind
    from dangjian.orgs.rules import BRANCH_KINDS

    started = time.perf_counter()
    rng = random.Random(seed)
    today = timezone.localdate()
    year = today.year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    freqs = config.frequencies()
    branches = list(Org.objects.filter(kind__in=BRANCH_KINDS, is_active=True).order_by("path"))
    groups: dict[str, list[int]] = {}
    for pk, path in Org.objects.filter(kind=OrgKind.GROUP, is_active=True).values_list("pk", "path"):
        groups.setdefault(path[: -Org.steplen], []).append(pk)
    counts = {"on_time": 0, "late": 0, "planned": 0, "absent": 0}
    batch: list[Meeting] = []
    total = 0
    with transaction.atomic():
        for b in tqdm(branches, desc="meetings", unit="branch"):
            gs = groups.get(b.path, [])
            facts = rules.BranchFacts(b.has_committee, len(gs))
            for due in rules.dues_between(facts, start, end, freqs):
                span = (due.end - due.start).days
                for i in range(due.count):
                    planned = due.start + dt.timedelta(days=rng.randint(0, span))
                    group = gs[i] if due.kind == rules.GROUP_MEETING else None
                    status, held_on = MeetingStatus.PLANNED, None
                    x = rng.random()
                    if planned >= today:
                        pass  # the future: planned
                    elif x < P_ABSENT:
                        counts["absent"] += 1
                        continue
                    elif x < P_ABSENT + P_PLANNED:
                        counts["planned"] += 1
                    elif x < P_ABSENT + P_PLANNED + P_LATE and due.end < today - dt.timedelta(days=2):
                        held_on = min(due.end + dt.timedelta(days=rng.randint(1, 30)), today)
                        status = rng.choice((MeetingStatus.HELD, MeetingStatus.REVIEWED))
                        counts["late"] += 1
                    else:
                        held_on = planned
                        status = rng.choice(
                            (MeetingStatus.HELD, MeetingStatus.REVIEWED, MeetingStatus.REVIEWED)
                        )
                        counts["on_time"] += 1
                    batch.append(
                        Meeting(
                            org_id=b.pk,
                            group_id=group,
                            kind=due.kind,
                            topic=f"{rules.KIND_LABELS[due.kind]}（{planned:%Y年%-m月}）",
                            planned_on=planned,
                            status=status,
                            held_on=held_on,
                            place="党员活动室",
                        )
                    )
            if len(batch) >= 20_000:
                Meeting.objects.bulk_create(batch, batch_size=2000)
                total += len(batch)
                batch = []
        Meeting.objects.bulk_create(batch, batch_size=2000)
        total += len(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"year": year, "branches": len(branches), "meetings": Meeting.objects.count(), "generated": total,
            "seconds": time.perf_counter() - started, **counts}  # fmt: skip


# ------------------------------------------------------------------------------------------------------------
# Measurements (child process)
# ------------------------------------------------------------------------------------------------------------


def _timings(fn: Any, runs: int, warm: int = 2) -> dict[str, float]:
    for _ in range(warm):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {
        "median": statistics.median(times),
        "p99": times[max(math.ceil(0.99 * len(times)) - 1, 0)],
        "min": times[0],
        "runs": len(times),
    }


def _period_key_sql(vendor: str, col: str, freqs: dict[str, Any]) -> tuple[str, list[str]]:
    """SQL for the key of the period (of its kind's frequency) containing ``col``: 'YYYY-MM', 'YYYY-Qn' or
    'YYYY' — keys of one period kind sort like their periods."""
    if vendor == "postgresql":
        month, quarter, year = (f"to_char({col}, 'YYYY-MM')", f"to_char({col}, 'YYYY-\"Q\"Q')",
                                f"to_char({col}, 'YYYY')")  # fmt: skip
    else:
        # SQLite stores a date as ISO text: slicing is the cheapest exact key.
        month = f"substr({col}, 1, 7)"
        quarter = f"(substr({col}, 1, 4) || '-Q' || ((CAST(substr({col}, 6, 2) AS INTEGER) + 2) / 3))"
        year = f"substr({col}, 1, 4)"
    params: list[str] = []
    whens = []
    for period, expr in (("month", month), ("quarter", quarter)):
        kinds = [k for k, f in freqs.items() if f.period == period]
        if kinds:
            whens.append(f"WHEN kind IN ({', '.join(['%s'] * len(kinds))}) THEN {expr}")
            params += kinds
    return f"(CASE {' '.join(whens)} ELSE {year} END)", params


def _py_key(period: str, start: dt.date) -> str:
    if period == "month":
        return f"{start.year}-{start.month:02d}"
    if period == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}"


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from dangjian.access import scope
    from dangjian.meetings import config, selectors
    from dangjian.meetings.models import HELD_STATUSES
    from dangjian.orgs.models import Org
    from dangjian.orgs.rules import BRANCH_KINDS

    load = wait_for_quiet(args.max_load, args.max_wait)
    vendor = connection.vendor
    freqs = config.frequencies()
    today = timezone.localdate()
    start, end = dt.date(today.year, 1, 1), today
    first = start  # every period of the year starts on or after 1 January
    planned_sql, held_sql = (
        _period_key_sql(vendor, "m.planned_on", freqs),
        _period_key_sql(vendor, "COALESCE(m.held_on, m.planned_on)", freqs),
    )
    pk_, pp = planned_sql
    hk, hp = held_sql
    # One pass over the rows: the period keys are computed once per row in a derived table, then grouped.
    select = (
        "SELECT org_id, kind, period, SUM(CASE WHEN held <= period THEN 1 ELSE 0 END) AS on_time, "
        "SUM(CASE WHEN held > period THEN 1 ELSE 0 END) AS late FROM ("
        f"SELECT m.org_id, m.kind, {pk_} AS period, {hk} AS held FROM meetings_meeting m "
    )
    select_params = [*pp, *hp]
    group = ") t GROUP BY org_id, kind, period"
    where_tail = " AND m.planned_on BETWEEN %s AND %s AND m.status IN (%s, %s, %s)"
    tail_params = [first, end, *[str(s) for s in HELD_STATUSES]]
    kinds = sorted(BRANCH_KINDS)

    def raw_scope(root: Org) -> tuple[str, list[Any]]:
        if vendor == "sqlite":
            cond, cparams = "o.path >= %s AND o.path < %s", [root.path, root.path + "~"]
        else:
            cond, cparams = "o.path LIKE %s", [root.path + "%"]
        sub = (f"SELECT o.id FROM orgs_org o WHERE {cond} AND o.kind IN ({', '.join(['%s'] * len(kinds))}) "
               "AND o.is_active")  # fmt: skip
        sql = f"{select}WHERE m.org_id IN ({sub}){where_tail}{group}"
        return sql, [*select_params, *cparams, *kinds, *tail_params]

    def raw_ids(ids: list[int]) -> tuple[str, list[Any]]:
        sql = f"{select}WHERE m.org_id IN ({', '.join(['%s'] * len(ids))}){where_tail}{group}"
        return sql, [*select_params, *ids, *tail_params]

    def run_raw(q: tuple[str, list[Any]]) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(*q)
            return cursor.fetchall()

    users = []
    for username in USERS:
        user = get_user_model().objects.get(username=username)
        root = scope.restrict(Org.objects.all(), user, "meetings.view").order_by("depth", "path").first()
        assert root is not None, username

        def selector(user: Any = user) -> Any:
            rows = selectors.compliance(list(selectors.branch_list(user=user)), start, end, today)
            return rows, selectors.totals(rows)

        def overview(user: Any = user) -> Any:
            # What the committee's page shows on top: the whole scope's totals and the branches behind.
            return selectors.compliance_overview(selectors.branch_list(user=user), start, end, today)

        def selector_paged(user: Any = user) -> Any:
            # What the dashboard does for the whole scope: the selector called page by page (50 branches).
            branches = list(selectors.branch_list(user=user))
            rows = []
            for i in range(0, len(branches), 50):
                rows += selectors.compliance(branches[i : i + 50], start, end, today)
            return rows, selectors.totals(rows)

        client = Client()
        client.force_login(user)
        for url in (PAGE, API):
            assert client.get(url).status_code == 200, url
        branches = list(selectors.branch_list(user=user))
        page_ids = [b.pk for b in branches[:50]]
        q_all, q_page = raw_scope(root), raw_ids(page_ids)
        entry: dict[str, Any] = {"user": username, "root": root.name, "branches": len(branches),
                                 "page_branches": len(page_ids), "queries": {}}  # fmt: skip
        # Interleave nothing: each measurement runs its runs back to back, the raw one first and last (averaged)
        raw1 = _timings(lambda q=q_all: run_raw(q), args.runs)
        try:
            selector()
            entry["selector_error"] = ""
        except Exception as exc:  # e.g. SQLite's expression depth limit: record it and measure by pages
            entry["selector_error"] = f"{type(exc).__name__}: {exc}"
            print(
                f"   {username}: selector over the whole scope failed: {entry['selector_error']}", flush=True
            )
            selector = selector_paged
        entry["overview"] = _timings(overview, args.runs)
        entry["selector"] = _timings(selector, args.runs)
        # Informative only (what the page did before the summary): a few runs.
        entry["selector_paged"] = _timings(selector_paged, min(args.runs, 5), warm=1)
        raw2 = _timings(lambda q=q_all: run_raw(q), args.runs)
        entry["raw_all"] = {k: (raw1[k] + raw2[k]) / 2 for k in raw1}
        entry["raw_page"] = _timings(lambda q=q_page: run_raw(q), args.runs)
        entry["page"] = _timings(lambda c=client: c.get(PAGE), args.runs)
        entry["api"] = _timings(lambda c=client: c.get(API), args.runs)
        with CaptureQueriesContext(connection) as ctx:
            rows, tot = selector()
        entry["queries"]["selector"] = len(ctx.captured_queries)
        entry["selector_sql"] = [
            {"ms": float(q["time"]) * 1000, "sql": q["sql"]} for q in ctx.captured_queries
        ]
        with CaptureQueriesContext(connection) as ctx:
            ov = overview()
        entry["queries"]["overview"] = len(ctx.captured_queries)
        entry["overview_sql"] = [
            {"ms": float(q["time"]) * 1000, "sql": q["sql"]} for q in ctx.captured_queries
        ]
        entry["overview_equal"] = ov.totals == tot and ov.behind == [r.org.pk for r in rows if r.missing]
        for key, url in (("page", PAGE), ("api", API)):
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            entry["queries"][key] = len(ctx.captured_queries)
        entry["correct"] = check(rows, run_raw(q_all), freqs)
        entry["totals"] = tot.__dict__
        print(f"   {username}: {len(branches):,} branches · selector {entry['selector']['median']:.1f} ms · raw "
              f"{entry['raw_all']['median']:.1f} ms · overview {entry['overview']['median']:.1f} ms · page {entry['page']['median']:.1f} ms · api "
              f"{entry['api']['median']:.1f} ms · mismatches {entry['correct']['mismatches']}", flush=True)  # fmt: skip
        users.append(entry)
    server = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if vendor == "sqlite" else "SHOW server_version")
        server += " " + str(cursor.fetchone()[0])
    return {"server": server, "runs": args.runs, "load": load, "load_end": [round(x, 2) for x in os.getloadavg()],
            "users": users, "raw_sql": q_all[0]}  # fmt: skip


def check(rows: list[Any], raw: list[tuple[Any, ...]], freqs: dict[str, Any]) -> dict[str, Any]:
    """The selector's periods against the raw aggregate: held = min(on time, due), late = min(late, due −
    held), for every owed period; groups of the raw aggregate with no owed period are counted apart."""
    counts = {(org, kind, period): (int(on_time), int(late)) for org, kind, period, on_time, late in raw}
    seen = set()
    out: dict[str, Any] = {
        "periods": 0,
        "held": 0,
        "late": 0,
        "missing": 0,
        "pending": 0,
        "mismatches": 0,
        "examples": [],
    }
    for r in rows:
        for p in r.periods:
            key = (r.org.pk, p.kind, _py_key(freqs[p.kind].period, p.start))
            seen.add(key)
            on_time, late = counts.get(key, (0, 0))
            held = min(on_time, p.due)
            expected = (held, min(late, p.due - held))
            out["periods"] += 1
            for k in ("held", "late", "missing", "pending"):
                out[k] += getattr(p, k)
            if (p.held, p.late) != expected:
                out["mismatches"] += 1
                if len(out["examples"]) < 5:
                    out["examples"].append([*key, p.held, p.late, *expected])
    out["unowed_groups"] = len(set(counts) - seen)
    return out


if __name__ == "__main__":
    main()
