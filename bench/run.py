#!/usr/bin/env python
"""Benchmarks: seeding, the member list (page and API) against its own raw SQL, query counts, Excel import.

    .venv/bin/python bench/run.py                      # SQLite (and PostgreSQL if DATABASE_URL points at one)
    .venv/bin/python bench/run.py --postgres           # also PostgreSQL at postgres://postgres@127.0.0.1:5432/dangjian_bench
    .venv/bin/python bench/run.py --members 5000 --runs 5 --import-rows 1000   # a quick run

For each database, in a fresh database: ``migrate``, then ``seed_demo --members N`` timed as a user runs it; then,
in a fresh process, the measurements (see ``measure``). Results go to bench/var/<database>.json and a Markdown
report to bench/var/report.md (bench/RESULTS.md records a real run). See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("BENCH_VAR") or ROOT / "bench" / "var")  # results, logs, keys, the SQLite file
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/dangjian_bench"
USERS = ("jituan", "zhibu1")
LIST_PAGE = "/members/"
LIST_API = "/api/v1/members/?page_size=50"
QUERY_COUNT_URLS = ("/", "/orgs/", LIST_PAGE, LIST_API, "/api/v1/members/?page_size=10")
# Targets (the brief of the benchmark): API ≤ 15 × raw SQL + 5 ms; import of 10,000 rows ≤ 30 s;
# seeding 100,000 members "in a few minutes" on 2 cores (taken as ≤ 300 s).
API_FACTOR, API_SLACK_MS = 15, 5.0
IMPORT_TARGET_S = 30.0
SEED_TARGET_S = 300.0
# Regions used for the imported members' identity numbers: real county codes the demo seed never uses,
# so the imported numbers cannot collide with seeded ones.
IMPORT_REGIONS = ("445281", "522601", "360702", "431102", "371102", "411302", "210881", "420881")


# ------------------------------------------------------------------------------------------------------------
# Orchestration (parent process)
# ------------------------------------------------------------------------------------------------------------


def _env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "VAR_DIR": str(VAR),
            "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
            "PYTHONPATH": str(ROOT),
            "HTTPS": "0",
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.pop("DEMO_MODE", None)
    return env


def _fresh_database(label: str, url: str) -> None:
    if label == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    with psycopg.connect(
        f"{base}/postgres".replace("postgres://", "postgresql://", 1), autocommit=True
    ) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _timed(cmd: list[str], env: dict[str, str], log: Path) -> float:
    started = time.perf_counter()
    with log.open("a") as out:
        out.write(f"\n$ {' '.join(cmd)}\n")
        out.flush()
        subprocess.run(cmd, env=env, cwd=ROOT, stdout=out, stderr=out, check=True)
    return time.perf_counter() - started


def run_database(label: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    print(f"== {label}: {url}", flush=True)
    env = _env(url)
    log = VAR / f"{label}.log"
    log.unlink(missing_ok=True)
    _fresh_database(label, url)
    manage = [sys.executable, "manage.py"]
    migrate_s = _timed([*manage, "migrate", "--noinput", "-v0"], env, log)
    _timed([*manage, "createcachetable"], env, log)  # list counts are cached in the database cache
    print(f"   migrate: {migrate_s:.1f} s", flush=True)
    seed_env = {**env, "DEMO_MODE": "1"}
    load_seed = wait_for_quiet(args.max_load, args.max_wait)
    seed_s = _timed([*manage, "seed_demo", "--members", str(args.members)], seed_env, log)
    print(f"   seed_demo --members {args.members}: {seed_s:.1f} s", flush=True)
    out = VAR / f"{label}.json"
    cmd = [
        sys.executable,
        str(Path(__file__)),
        "--measure",
        "--runs",
        str(args.runs),
        "--import-rows",
        str(args.import_rows),
        "--wait-import",
        str(args.wait_import),
        *(["--max-load", str(args.max_load)] if args.max_load is not None else []),
        "--max-wait",
        str(args.max_wait),
        "--json",
        str(out),
    ]
    subprocess.run(cmd, env=env, cwd=ROOT, check=True)
    result = json.loads(out.read_text())
    result.update(
        {
            "label": label,
            "members": args.members,
            "migrate_s": migrate_s,
            "seed_s": seed_s,
            "load_seed": load_seed,
        }
    )
    if label == "sqlite":
        result["db_bytes"] = Path(url.removeprefix("sqlite:///")).stat().st_size
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return result


def machine() -> dict[str, str]:
    cpu = ""
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    mem = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "memory": mem,
        "python": platform.python_version(),
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
    }


def _ok(flag: bool) -> str:
    return "PASS" if flag else "FAIL"


def report(results: list[dict[str, Any]], info: dict[str, str]) -> str:
    lines = [
        f"Run {info['date']} · {info['cores']} cores · {info['memory']} · {info['cpu']} · "
        f"Python {info['python']}",
        "",
    ]
    for r in results:
        lines += [
            f"### {r['label']} ({r['server']})",
            "",
            f"Members {r['members']:,} · organisations {r['orgs']:,} · branches {r['branches']:,} · "
            f"runs per measurement {r['runs']} (median) · load average (1, 5, 15 min) at seeding "
            f"{r.get('load_seed')}, measuring {r.get('load_current')}, importing {r.get('load_import')}",
            "",
            "| Step | Result | Target | |",
            "|---|---|---|---|",
            f"| migrate | {r['migrate_s']:.1f} s | | |",
            f"| seed_demo --members {r['members']:,} | {r['seed_s']:.1f} s | ≤ {SEED_TARGET_S:.0f} s | "
            f"{_ok(r['seed_s'] <= SEED_TARGET_S)} |",
        ]
        imp = r.get("import")
        if imp and imp.get("seconds") is not None:
            lines.append(
                f"| import {imp['rows']:,} rows (validate {imp['validate_s']:.1f} s + write "
                f"{imp['write_s']:.1f} s) | {imp['seconds']:.1f} s | ≤ {IMPORT_TARGET_S:.0f} s | "
                f"{_ok(imp['seconds'] <= IMPORT_TARGET_S)} |"
            )
        elif imp:
            lines.append(f"| import | not measured: {imp.get('skipped', '')} | ≤ {IMPORT_TARGET_S:.0f} s | |")
        lines += [
            "",
            "Page and API: first request after emptying the cache / cold median (cache emptied before each "
            "run) / warm median. Count from: `kept` = summed from the per-organisation roll counts "
            "(`members.OrgHeadcount`), `cached` = counted and cached (above "
            f"{r['lists'][next(iter(r['lists']))].get('cache_above', 5000):,} rows), `counted` = counted.",
            "",
            "| User | Scope rows | count from | Raw SQL | COUNT(*) | Page /members/ first / cold / warm | "
            "API ?page_size=50 first / cold / warm | API target (15×raw+5 ms) | cold | warm |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for user, m in r["lists"].items():
            limit = API_FACTOR * m["raw_ms"] + API_SLACK_MS
            lines.append(
                f"| {user} | {m['rows_in_scope']:,} | "
                f"{m.get('count_source', 'cached' if m['count_cached'] else 'counted')} | "
                f"{m['raw_ms']:.2f} ms | {m['count_ms']:.1f} ms | {m['page_first_ms']:.1f} / "
                f"{m['page_cold_ms']:.1f} / {m['page_ms']:.1f} ms | {m['api_first_ms']:.1f} / "
                f"{m['api_cold_ms']:.1f} / {m['api_ms']:.1f} ms | ≤ {limit:.1f} ms | "
                f"{_ok(m['api_cold_ms'] <= limit)} | {_ok(m['api_ms'] <= limit)} |"
            )
        lines += ["", "| User | / | /orgs/ |", "|---|---|---|"]
        for user, m in r["lists"].items():
            lines.append(f"| {user} | {m['home_ms']:.1f} ms | {m['orgs_ms']:.1f} ms |")
        lines += [
            "",
            "Queries per request, warm (no N+1: the count does not grow with the rows shown):",
            "",
            "| User | " + " | ".join(QUERY_COUNT_URLS) + " |",
            "|---" * (len(QUERY_COUNT_URLS) + 1) + "|",
        ]
        for user, counts in r["queries"].items():
            lines.append(f"| {user} | " + " | ".join(str(counts[u]) for u in QUERY_COUNT_URLS) + " |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15, help="timed runs per measurement (median reported)")
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=DEFAULT_PG,
        default=None,
        help=f"also run on PostgreSQL (default URL {DEFAULT_PG})",
    )
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    parser.add_argument("--wait-import", type=int, default=40, help="minutes to wait for members.imports")
    parser.add_argument(
        "--max-load",
        type=float,
        help="before each measurement, wait (≤ 30 min) for a 1-minute load below this",
    )
    parser.add_argument(
        "--max-wait", type=int, default=30, help="minutes to wait at most for --max-load, per phase"
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        Path(args.json).write_text(json.dumps(measure(args), ensure_ascii=False, indent=2))
        return
    VAR.mkdir(parents=True, exist_ok=True)
    pg = args.postgres
    if pg is None and os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        pg = os.environ["DATABASE_URL"]
    targets = [("sqlite", f"sqlite:///{VAR / 'bench.sqlite3'}")]
    if pg:
        targets.append(("postgres", pg))
    if args.only:
        targets = [t for t in targets if t[0] == args.only]
    info = machine()
    results = [run_database(label, url, args) for label, url in targets]
    text = report(results, info)
    (VAR / "report.md").write_text(text)
    print(text)


# ------------------------------------------------------------------------------------------------------------
# Measurements (child process, Django set up against the fresh database)
# ------------------------------------------------------------------------------------------------------------


def wait_for_quiet(max_load: float | None, minutes: int = 30) -> list[float]:
    """Wait (up to ``minutes``) until the 1-minute load average is below ``max_load``: the machine may be
    shared, and a busy neighbour doubles the timings. Returns the load averages at the start."""
    if max_load is not None:
        deadline = time.monotonic() + minutes * 60
        while os.getloadavg()[0] > max_load and time.monotonic() < deadline:
            print(
                f"   waiting for a quieter machine (load {os.getloadavg()[0]:.1f} > {max_load})", flush=True
            )
            time.sleep(20)
    return [round(x, 2) for x in os.getloadavg()]


def _median_ms(fn: Any, runs: int, warm: int = 2, before: Any = None) -> float:
    """Median wall time of ``fn`` over ``runs`` runs after ``warm`` untimed ones; ``before`` (untimed) runs
    ahead of each call, e.g. to empty the cache for a cold measurement."""
    for _ in range(warm):
        if before:
            before()
        fn()
    times = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _once_ms(fn: Any) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def measure(args: argparse.Namespace) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from dangjian.orgs.models import Org
    from dangjian.orgs.rules import BRANCH_KINDS

    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if connection.vendor == "sqlite" else "show server_version")
        server = f"{connection.vendor} {cursor.fetchone()[0]}"
    result: dict[str, Any] = {
        "server": server,
        "runs": args.runs,
        "orgs": Org.objects.count(),
        "branches": Org.objects.filter(kind__in=BRANCH_KINDS).count(),
    }
    result["load_current"] = wait_for_quiet(args.max_load, args.max_wait)
    result["lists"], result["queries"], result["explain"] = measure_lists(args.runs)
    result["load_import"] = wait_for_quiet(args.max_load, args.max_wait)
    result["import"] = measure_import(args)
    return result


def measure_lists(runs: int) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """For each user: the list's raw SQL, its COUNT, the page and the API, the home and tree pages, query
    counts per page, and the plans of the list and count queries.

    The list's paginator (``dangjian.core.paging.CachedCountPaginator``) keeps a count above ``CACHE_ABOVE``
    rows in Django's cache for a minute, so the page and the API are measured twice: cold (the cache emptied
    before each run: the count is run and stored) and warm (the count read from the cache). ``*_first_ms``
    is the user's very first request after emptying the cache (one sample; the first user's also carries the
    process's first-request costs)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dangjian.access import scope
    from dangjian.accounts.models import User
    from dangjian.core.paging import CACHE_ABOVE
    from dangjian.members.filters import roll_count
    from dangjian.members.models import Member

    def check(response: Any, url: str) -> Any:
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        return response

    lists: dict[str, Any] = {}
    queries: dict[str, Any] = {}
    plans: dict[str, Any] = {}
    for username in USERS:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        # The queryset the list view and the API use: scoped, ordered, sliced.
        qs = scope.restrict(Member.objects.select_related("org").filter(exit_kind=""), user, "members.view")
        sql, params = qs.order_by("org__path", "name", "id")[:50].query.sql_with_params()
        with CaptureQueriesContext(connection) as ctx:
            rows_in_scope = qs.count()
        count_sql = ctx.captured_queries[-1]["sql"]  # the paginator's COUNT, as Django sent it

        def run_sql(sql: str, params: Any) -> list[Any]:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        def get(url: str, client: Any = client) -> Any:
            return lambda: check(client.get(url), url)

        raw_ids = [row[0] for row in run_sql(sql, params)]
        cache.clear()
        started = time.perf_counter()
        first = check(client.get(LIST_API), LIST_API)
        api_first_ms = (time.perf_counter() - started) * 1000
        api_ids = [item["id"] for item in first.json()["results"]]
        if api_ids != raw_ids:
            raise SystemExit(f"{username}: the API's rows differ from the raw SQL's rows")
        if first.json()["count"] != rows_in_scope:
            raise SystemExit(f"{username}: the API's count {first.json()['count']} is not {rows_in_scope}")
        kept = roll_count(user, {}) is not None
        cache.clear()
        page_first_ms = _once_ms(get(LIST_PAGE))
        m = {
            "rows_in_scope": rows_in_scope,
            "count_cached": rows_in_scope > CACHE_ABOVE,
            "count_source": "kept" if kept else ("cached" if rows_in_scope > CACHE_ABOVE else "counted"),
            "cache_above": CACHE_ABOVE,
            "raw_ms": _median_ms(lambda sql=sql, params=params: run_sql(sql, params), runs),
            "count_ms": _median_ms(lambda count_sql=count_sql: run_sql(count_sql, None), runs),
            "api_first_ms": api_first_ms,
            "page_first_ms": page_first_ms,
            "page_cold_ms": _median_ms(get(LIST_PAGE), runs, before=cache.clear),
            "api_cold_ms": _median_ms(get(LIST_API), runs, before=cache.clear),
            "page_ms": _median_ms(get(LIST_PAGE), runs),
            "api_ms": _median_ms(get(LIST_API), runs),
            "home_ms": _median_ms(get("/"), max(3, runs // 3), warm=1),
            "orgs_ms": _median_ms(get("/orgs/"), max(3, runs // 3), warm=1),
            "sql": sql,
            "params": [str(p) for p in params],
            "count_sql": count_sql,
        }
        lists[username] = m
        counts = {}
        captured = {}
        for url in QUERY_COUNT_URLS:  # warm: a cached count is read from the cache (one query)
            check(client.get(url), url)
            with CaptureQueriesContext(connection) as ctx:
                check(client.get(url), url)
            counts[url] = len(ctx.captured_queries)
            captured[url] = [q["sql"][:400] for q in ctx.captured_queries]
        queries[username] = counts
        m["captured"] = captured
        plans[username] = [
            *explain(connection, sql, params),
            "-- count:",
            *explain(connection, count_sql, None),
        ]
        print(
            f"   {username}: raw {m['raw_ms']:.2f} ms, count {m['count_ms']:.1f} ms, page first "
            f"{m['page_first_ms']:.1f} / cold {m['page_cold_ms']:.1f} / warm {m['page_ms']:.1f} ms, api first "
            f"{m['api_first_ms']:.1f} / cold {m['api_cold_ms']:.1f} / warm {m['api_ms']:.1f} ms, "
            f"/ {m['home_ms']:.0f} ms, "
            f"/orgs/ {m['orgs_ms']:.0f} ms, queries {counts}",
            flush=True,
        )
    return lists, queries, plans


def explain(connection: Any, sql: str, params: Any) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return [str(row[-1]) for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return [row[0] for row in cursor.fetchall()]


def _import_function(wait_minutes: int) -> Any:
    """members.imports.member_import, waiting (polling each minute) while it is being written."""
    deadline = time.monotonic() + wait_minutes * 60
    while True:
        try:
            from dangjian.members.imports import member_import

            return member_import
        except ImportError as exc:
            if time.monotonic() >= deadline:
                print(f"   import: dangjian.members.imports unavailable ({exc})", flush=True)
                return None
            print("   import: waiting for dangjian.members.imports …", flush=True)
            time.sleep(60)


def import_workbook(rows: int, branches: list[Any], seed: int = 2026) -> bytes:
    """An .xlsx of ``rows`` valid new members (national 党员信息采集表 headers) spread over ``branches``."""
    import random

    from openpyxl import Workbook

    from dangjian.core import idcard
    from dangjian.members.choices import Category, Education
    from dangjian.members.demo import Planner
    from dangjian.members.demo.data import ALL_REGIONS, BUSINESSES, PROVINCES
    from dangjian.members.demo.plan import OrgPlan, Unit
    from dangjian.members.excel import HEADERS

    assert not set(IMPORT_REGIONS) & {code for code, _ in ALL_REGIONS}
    rng = random.Random(seed)
    planner = Planner(members=10_000, seed=seed, today=dt.date.today())
    unit = Unit("导入单位", "国有控股企业", "", PROVINCES["山西"], BUSINESSES["发电"])
    plans = {
        p: OrgPlan(name="", short_name="", kind="branch", unit=unit, profile=p) for p in ("field", "office")
    }
    education = dict(Education.choices)
    category = dict(Category.choices)
    used: dict[tuple[str, dt.date, str], int] = {}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("党员信息")
    ws.append(list(HEADERS))  # the national 党员信息采集表's 16 items, in order
    for i in range(rows):
        person = planner.person(plans["office" if i % 3 == 0 else "field"], probationary=i % 40 == 0)
        region = rng.choice(IMPORT_REGIONS)
        key = (region, person["birth_date"], person["gender"])
        k = used[key] = used.get(key, -1) + 1
        number = idcard.make(
            region, person["birth_date"], 2 * k + (1 if person["gender"] == "male" else 2), person["gender"]
        )
        ws.append(
            [
                person["name"],
                "男" if person["gender"] == "male" else "女",
                number,
                person["ethnicity"],
                person["birth_date"],
                education[person["education"]],
                category[person["category"]],
                branches[i % len(branches)].name,
                person["joined_on"],
                person["full_on"],
                person["job_title"],
                person["phone"],
                person["address"],
                "正常",
                "否",
                "否",
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def measure_import(args: argparse.Namespace) -> dict[str, Any]:
    from collections import Counter

    from dangjian.accounts.models import User
    from dangjian.orgs.models import Org

    if args.import_rows <= 0:
        return {"skipped": "--import-rows 0"}
    member_import = _import_function(args.wait_import)
    if member_import is None:
        return {"skipped": "dangjian.members.imports.member_import missing"}
    names = Counter(Org.objects.filter(kind="branch", is_active=True).values_list("name", flat=True))
    branches = [
        o for o in Org.objects.filter(kind="branch", is_active=True).order_by("path") if names[o.name] == 1
    ]
    content = import_workbook(args.import_rows, branches)
    jituan = User.objects.get(username="jituan")
    marks: dict[str, float] = {}

    def progress(done: int, total: int, message: str) -> None:
        if "写入" in message and "write" not in marks:
            marks["write"] = time.perf_counter()

    started = time.perf_counter()
    report = member_import(
        actor=jituan,
        source=io.BytesIO(content),
        filename=f"bench-{args.import_rows}.xlsx",
        on_progress=progress,
    )
    seconds = time.perf_counter() - started
    if report.outcome != "committed" or report.created != args.import_rows:
        raise SystemExit(f"import: {report.outcome}: {report.message}; first errors {report.errors[:5]}")
    write_at = marks.get("write", started + seconds)
    print(f"   import {args.import_rows} rows: {seconds:.1f} s", flush=True)
    return {
        "rows": args.import_rows,
        "bytes": len(content),
        "seconds": seconds,
        "validate_s": write_at - started,
        "write_s": started + seconds - write_at,
        "branches": len({b.pk for b in branches[: args.import_rows]}),
    }


if __name__ == "__main__":
    main()
