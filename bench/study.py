#!/usr/bin/env python
"""Benchmark of study time and points (issue 4, performance): a heartbeat against /healthz, "my rank" and
the top-100 boards against a primary-key read, EXPLAIN of the rank queries, and how soon a point shows.

    .venv/bin/python bench/study.py                          # SQLite: 100,000 members, 10,000,000 entries
    .venv/bin/python bench/study.py --postgres               # then PostgreSQL (dangjian_bench_study)
    .venv/bin/python bench/study.py --members 5000 --entries 200000 --seconds 5 --samples 100   # quick

Per database, from a fresh database: ``migrate``, ``seed_demo --members N`` (timed), the ledger generated
(``--generate``, timed, tqdm bar), then a real gunicorn (``config.wsgi``, 2 sync workers, as ``make run``)
and, in another process (``--measure``), the HTTP measurements and the plans. Ratios are against a baseline
measured in the same run; nothing here asserts a time. Results: bench/var/study-<database>.json and
bench/var/study-report.md. See bench/README.md ("Study time and points").
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hmac
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import VAR, _env, _fresh_database, _timed, machine, wait_for_quiet  # noqa: E402

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/dangjian_bench_study"
SETTINGS = "bench.points_settings"
# Targets (issue 4): heartbeat throughput ≥ 0.5 × /healthz's; rank and top-100 p99 ≤ 1.5 × a primary-key
# read's p99; a point visible ≤ 5 s after the event.
THROUGHPUT_TARGET = 0.5
P99_FACTOR = 1.5
FRESH_TARGET_S = 5.0
# The generated ledger: (action, points per entry) cycled through a member's active days.
ACTIONS = (
    ("login", 1),
    ("article_read", 1),
    ("article_dwell", 1),
    ("video_watch", 1),
    ("daily_quiz", 1),
    ("video_dwell", 1),
    ("comment", 1),
    ("meeting_attend", 2),
    ("exam_pass", 5),
)
ENTRIES_PER_DAY = 3  # a member's active days ≈ their entries / 3


# ------------------------------------------------------------------------------------------------------------
# Orchestration (parent process)
# ------------------------------------------------------------------------------------------------------------


def env_for(url: str) -> dict[str, str]:
    env = _env(url)
    env["DJANGO_SETTINGS_MODULE"] = SETTINGS
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], int]:
    """gunicorn as ``make run`` starts it (sync workers), with 2 workers, on a free loopback port."""
    port = free_port()
    cmd = [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}",
           "--workers", "2", "--timeout", "120"]  # fmt: skip
    out = log.open("a")
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=out, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc, port
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited: see {log}")
        time.sleep(0.5)
    stop_server(proc)
    raise SystemExit(f"gunicorn did not answer: see {log}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)  # the session started above: gunicorn and its workers
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=30)


def run_database(label: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    print(f"== {label}: {url}", flush=True)
    env = env_for(url)
    log = VAR / f"study-{label}.log"
    manage = [sys.executable, "manage.py"]
    gen_json = VAR / f"study-{label}-generate.json"
    out = VAR / f"study-{label}.json"
    if args.reuse:  # measure again on the database and ledger of the last run
        previous = json.loads(out.read_text())
        _timed([*manage, "migrate", "--noinput", "-v0"], env, log)  # the code may have new migrations
        seed_s, load_seed, load_generate = (
            previous["seed_s"],
            previous["load_seed"],
            previous["load_generate"],
        )
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
        load_generate = wait_for_quiet(args.max_load, args.max_wait)
        cmd = [sys.executable, str(Path(__file__)), "--generate", "--entries", str(args.entries), "--json",
               str(gen_json)]  # fmt: skip
        subprocess.run(cmd, env=env, cwd=ROOT, check=True)  # its tqdm bar shows on the terminal
    generated = json.loads(gen_json.read_text())
    print(f"   ledger: {generated['entries']:,} entries in {generated['seconds']:.1f} s", flush=True)
    rebuild_s = None
    if args.rebuild:
        rebuild_s = _timed([*manage, "points_rebuild_totals"], env, log)
        print(f"   points_rebuild_totals: {rebuild_s:.1f} s", flush=True)
    proc, port = start_server(env, log)
    try:
        cmd = [sys.executable, str(Path(__file__)), "--measure", "--port", str(port), "--json", str(out),
               "--seconds", str(args.seconds), "--threads", str(args.threads), "--samples", str(args.samples),
               "--max-wait", str(args.max_wait),
               *(["--max-load", str(args.max_load)] if args.max_load is not None else [])]  # fmt: skip
        subprocess.run(cmd, env=env, cwd=ROOT, check=True)
    finally:
        stop_server(proc)
    result = json.loads(out.read_text())
    result.update({"label": label, "members": generated.get("members", args.members), "seed_s": seed_s, "load_seed": load_seed,
                   "load_generate": load_generate, "generate": generated, "rebuild_s": rebuild_s})  # fmt: skip
    if label == "sqlite":
        result["db_bytes"] = Path(url.removeprefix("sqlite:///")).stat().st_size
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return result


def _ok(flag: bool) -> str:
    return "PASS" if flag else "FAIL"


def report(results: list[dict[str, Any]], info: dict[str, str]) -> str:
    lines = [f"Run {info['date']} · {info['cores']} cores · {info['memory']} · {info['cpu']} · "
             f"Python {info['python']}", ""]  # fmt: skip
    for r in results:
        g, tp, lat, fresh = r["generate"], r["throughput"], r["latency"], r["fresh"]
        size = f"{r.get('db_bytes', 0) / 2**30:.1f} GiB · " if r.get("db_bytes") else ""
        lines += [
            f"### {r['label']} ({r['server']})",
            "",
            f"Members {r['members']:,} · ledger entries {g['entries']:,} ({g['first_day']} – {g['last_day']}) · "
            f"PointDay {g['days']:,} · PointTotal {g['totals']:,} · PointOrgTotal {g['org_totals']:,} · "
            f"{size}load average (1, 5, 15 min): seeding {r['load_seed']}, generating {r['load_generate']}, "
            f"throughput {tp['load']}, latency {lat['load']}",
            "",
            "| Step | Result | Target | |",
            "|---|---|---|---|",
            f"| seed_demo --members {r['members']:,} | {r['seed_s']:.1f} s | | |",
            f"| generate {g['entries']:,} sealed entries + totals (insert {g['insert_s']:.0f} s, indexes "
            f"{g['index_s']:.0f} s, ANALYZE {g['analyze_s']:.0f} s) | {g['seconds']:.0f} s "
            f"({g['entries'] / max(g['seconds'], 1e-9):,.0f} entries/s) | | |",
            f"| seals checked with `integrity.verify` (random sample) | {g['verified']}/{g['sampled']} | all | "
            f"{_ok(g['verified'] == g['sampled'])} |",
        ]
        if r.get("rebuild_s") is not None:
            lines.append(f"| manage.py points_rebuild_totals | {r['rebuild_s']:.0f} s | | |")
        ratio = tp["heartbeat_rps"] / tp["healthz_rps"] if tp["healthz_rps"] else 0.0
        lines += [
            f"| `POST /api/v1/study/heartbeat/` vs `GET /healthz` ({tp['threads']} client threads × "
            f"{tp['seconds']:.0f} s each, healthz measured before and after) | {tp['heartbeat_rps']:.0f} vs "
            f"{tp['healthz_rps']:.0f} req/s = {ratio:.2f}× (errors {tp['heartbeat_errors']}) | "
            f"≥ {THROUGHPUT_TARGET}× | {_ok(ratio >= THROUGHPUT_TARGET)} |",
        ]
        if tp.get("pk_rps"):
            lines.append(
                f"| for comparison, the authenticated primary-key read `GET /api/v1/members/<pk>/` (same threads, "
                f"after) | {tp['pk_rps']:.0f} req/s = {tp['pk_rps'] / tp['healthz_rps']:.2f}× /healthz | | |"
            )
        pk99 = lat["pk"]["p99_ms"]
        for name, m in lat.items():
            if name in ("pk", "load", "samples"):
                continue
            lines.append(
                f"| {m['label']}: p50 {m['p50_ms']:.1f} ms, p99 {m['p99_ms']:.1f} ms | "
                f"{m['p99_ms'] / pk99:.2f}× the PK read's p99 | ≤ {P99_FACTOR}× | "
                f"{_ok(m['p99_ms'] <= P99_FACTOR * pk99)} |"
            )
        lines += [
            f"| baseline `GET /api/v1/members/<pk>/` ({lat['samples']} samples each, interleaved): p50 "
            f"{lat['pk']['p50_ms']:.1f} ms, p99 {pk99:.1f} ms | | | |",
            f"| a point visible after the event (article_read by heartbeats, then `GET /api/v1/points/me/`) | "
            f"{fresh['delay_s']:.2f} s ({fresh['polls']} poll(s); day total {fresh['before']} → {fresh['after']}) | "
            f"≤ {FRESH_TARGET_S:.0f} s | {_ok(fresh['delay_s'] <= FRESH_TARGET_S)} |",
            "",
            "Plans of the rank and board queries (full scans of the points tables: "
            f"**{', '.join(r['full_scans']) or 'none'}**):",
            "",
        ]
        for item in r["explain"]:
            lines += [f"- {item['what']}", "", "  ```", *[f"  {x}" for x in item["plan"]], "  ```", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=10_000_000, help="ledger entries to generate")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each throughput run")
    parser.add_argument("--threads", type=int, default=4, help="client threads of the throughput runs")
    parser.add_argument("--samples", type=int, default=300, help="requests per latency measurement")
    parser.add_argument("--rebuild", action="store_true", help="also time manage.py points_rebuild_totals")
    parser.add_argument("--reuse", action="store_true",
                        help="measure again on the database of the last run (no seeding, no generation)")  # fmt: skip
    parser.add_argument("--postgres", nargs="?", const=DEFAULT_PG, default=None,
                        help=f"also run on PostgreSQL (default URL {DEFAULT_PG})")  # fmt: skip
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    parser.add_argument(
        "--max-load", type=float, help="wait (≤ --max-wait min) for a 1-minute load below this"
    )
    parser.add_argument("--max-wait", type=int, default=30)
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate or args.measure:
        import django

        django.setup()
        result = generate(args.entries) if args.generate else measure(args)
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))
        return
    VAR.mkdir(parents=True, exist_ok=True)
    targets = [("sqlite", f"sqlite:///{VAR / 'study.sqlite3'}")]
    if args.postgres:
        targets.append(("postgres", args.postgres))
    if args.only:
        targets = [t for t in targets if t[0] == args.only]
    info = machine()
    results = [run_database(label, url, args) for label, url in targets]
    text = report(results, info)
    (VAR / "study-report.md").write_text(text)
    print(text)


# ------------------------------------------------------------------------------------------------------------
# The ledger (child process, Django set up)
# ------------------------------------------------------------------------------------------------------------


def _secondary_indexes(tables: list[str]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes of ``tables`` that back no constraint: dropped during the
    load and created again afterwards (one sorted build instead of millions of random insertions)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            marks = ",".join("%s" for _ in tables)
            cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                           f"AND tbl_name IN ({marks})", tables)  # fmt: skip
        else:
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                [tables],
            )
        return [(name, sql) for name, sql in cursor.fetchall()]


def generate(entries: int, seed: int = 4) -> dict[str, Any]:
    """``entries`` sealed ledger entries for the active members from 1 January to today, with the per-day
    and per-period totals that the incremental path would have written (``services.totals_rows``'s sums),
    inserted in batches; then the indexes and ANALYZE. A random sample is checked with ``integrity.verify``."""
    from django.core.management.color import no_style
    from django.db import connection
    from django.utils import timezone
    from tqdm import tqdm

    from dangjian.core import integrity
    from dangjian.members.models import Member
    from dangjian.points import services
    from dangjian.points.models import PointDay, PointEntry, PointOrgTotal, PointRule, PointTotal

    started = time.perf_counter()
    services.points_seed_rules()
    rule_ids = dict(PointRule.objects.values_list("code", "pk"))
    members = list(Member.objects.filter(exit_kind="").order_by("pk").values_list("pk", "org_id"))
    committees = services.committee_map()
    today = timezone.localdate()
    first = today.replace(month=1, day=1)
    span = (today - first).days + 1
    calendar = [first + dt.timedelta(days=i) for i in range(span)]
    starts = {d: services.period_starts(d) for d in calendar}
    rng = random.Random(seed)
    # Entries per member: between 0.2 and 1.8 times the mean, adjusted to add up to ``entries``.
    counts = [max(1, round(entries / len(members) * rng.uniform(0.2, 1.8))) for _ in members]
    diff, i = entries - sum(counts), 0
    while diff:
        step = 1 if diff > 0 else -1
        if counts[i % len(counts)] + step >= 1:
            counts[i % len(counts)] += step
            diff -= step
        i += 1
    tables = [m._meta.db_table for m in (PointEntry, PointDay, PointTotal, PointOrgTotal)]
    indexes = _secondary_indexes(tables)
    with connection.cursor() as cursor:
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    key = integrity.integrity_key()
    mac = hmac.new(key, digestmod="sm3")
    next_id = (PointEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    created = connection.ops.adapt_datetimefield_value(timezone.now())
    adapt_day = connection.ops.adapt_datefield_value
    day_text = {d: d.isoformat() for d in calendar}
    entry_cols = ("id", "row_mac", "member_id", "rule_id", "action", "points", "units", "content_key",
                  "idempotency_key", "occurred_on", "source", "created_at")  # fmt: skip
    writer = _Writer(connection)
    org_sums: dict[tuple[int, str, dt.date], int] = {}
    n_days = n_totals = 0
    insert_started = time.perf_counter()
    with tqdm(total=entries, unit="条", unit_scale=True, desc="生成积分明细") as bar:
        for (member_id, org_id), count in zip(members, counts, strict=True):
            active = sorted(rng.sample(range(span), max(1, min(span, count // ENTRIES_PER_DAY + 1))))
            per_day: dict[dt.date, int] = {}
            rows = []
            for e in range(count):
                day = calendar[active[e % len(active)]]
                action, points = ACTIONS[(e // len(active) + member_id) % len(ACTIONS)]
                content = f"bench:{e}"
                idem = f"{action}:{member_id}:{content}:{day_text[day]}"
                rule_id = rule_ids[action]
                h = mac.copy()
                h.update(
                    f'{{"fields":{{"idempotency_key":"{idem}","member_id":{member_id},"occurred_on":'
                    f'"{day_text[day]}","points":{points},"rule_id":{rule_id}}},"model":"points.pointentry",'
                    f'"pk":"{next_id}"}}'.encode()
                )
                rows.append((next_id, h.hexdigest(), member_id, rule_id, action, points, 1, content, idem,
                             adapt_day(day), "压测生成", created))  # fmt: skip
                next_id += 1
                per_day[day] = per_day.get(day, 0) + points
            writer.add(PointEntry._meta.db_table, entry_cols, rows)
            writer.add(PointDay._meta.db_table, ("member_id", "day", "points"),
                       [(member_id, adapt_day(d), p) for d, p in per_day.items()])  # fmt: skip
            n_days += len(per_day)
            sums: dict[tuple[str, dt.date], int] = {}
            for d, p in per_day.items():
                for period, start in starts[d].items():
                    sums[(period, start)] = sums.get((period, start), 0) + p
            committee_id = committees.get(org_id)
            writer.add(PointTotal._meta.db_table,
                       ("member_id", "period", "start", "points", "branch_id", "committee_id"),
                       [(member_id, period, adapt_day(start), p, org_id, committee_id)
                        for (period, start), p in sums.items()])  # fmt: skip
            n_totals += len(sums)
            for (period, start), p in sums.items():
                org_sums[(org_id, period, start)] = org_sums.get((org_id, period, start), 0) + p
            bar.update(count)
        writer.add(PointOrgTotal._meta.db_table, ("org_id", "period", "start", "points"),
                   [(o, period, adapt_day(s), p) for (o, period, s), p in org_sums.items()])  # fmt: skip
        writer.flush()
    insert_s = time.perf_counter() - insert_started
    index_started = time.perf_counter()
    with connection.cursor() as cursor:
        for _, sql in tqdm(indexes, desc="重建索引", unit="个"):
            cursor.execute(sql)
        for stmt in connection.ops.sequence_reset_sql(
            no_style(), [PointEntry, PointDay, PointTotal, PointOrgTotal]
        ):
            cursor.execute(stmt)
    index_s = time.perf_counter() - index_started
    analyze_started = time.perf_counter()
    with connection.cursor() as cursor:
        # PostgreSQL: VACUUM also sets the visibility map, so that index-only scans skip the heap (autovacuum
        # would, later, in production).
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
    analyze_s = time.perf_counter() - analyze_started
    seconds = time.perf_counter() - started
    sample_ids = random.Random(seed + 1).sample(range(1, next_id), min(500, next_id - 1))
    sample = list(PointEntry.objects.filter(pk__in=sample_ids))
    verified = sum(integrity.verify(instance=row) for row in sample)
    return {
        "entries": PointEntry.objects.count(),
        "days": n_days,
        "totals": n_totals,
        "org_totals": len(org_sums),
        "members": len(members),
        "first_day": first.isoformat(),
        "last_day": today.isoformat(),
        "seconds": seconds,
        "insert_s": insert_s,
        "index_s": index_s,
        "analyze_s": analyze_s,
        "sampled": len(sample),
        "verified": verified,
    }


class _Writer:
    """Batched inserts: ``executemany`` in transactions of ~50,000 rows on SQLite, ``COPY`` on PostgreSQL."""

    BATCH = 50_000

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.pending: dict[tuple[str, tuple[str, ...]], list[tuple[Any, ...]]] = {}
        self.size = 0

    def add(self, table: str, cols: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        self.pending.setdefault((table, cols), []).extend(rows)
        self.size += len(rows)
        if self.size >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        from django.db import transaction

        with transaction.atomic(), self.connection.cursor() as cursor:
            for (table, cols), rows in self.pending.items():
                if not rows:
                    continue
                names = ", ".join(f'"{c}"' for c in cols)
                if self.connection.vendor == "postgresql":
                    with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join("%s" for _ in cols)
                    cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
        self.pending = {}
        self.size = 0


# ------------------------------------------------------------------------------------------------------------
# Measurements (child process, Django set up; requests go to the gunicorn started by the parent)
# ------------------------------------------------------------------------------------------------------------


class Client:
    """One HTTP/1.1 connection (kept while the server keeps it; gunicorn's sync workers close it after each
    response, and ``http.client`` then reconnects), with an API token."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, url: str, body: dict[str, Any] | None = None) -> tuple[int, bytes]:
        headers = {"Authorization": f"Token {self.token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                self.conn.request(method, url, body=data, headers=headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def _reader(free: Any) -> tuple[int, str]:
    """``(member id, token)`` of the first ``benchread<i>`` account whose member can still earn article_read
    today (created from ``free``, members without an account, when none can)."""
    from django.utils import timezone

    from dangjian.access import tokens
    from dangjian.accounts.models import User
    from dangjian.members.models import Member
    from dangjian.points import selectors

    today = timezone.localdate()
    for i in range(1000):
        user = User.objects.filter(username=f"benchread{i}").first()
        if user is None:
            member = Member.objects.get(pk=next(free))
            user = User.objects.create_user(
                username=f"benchread{i}", password="Bench@2026-study", full_name=member.name
            )
            member.user = user
            member.save(update_fields=["user"])
        else:
            member = Member.objects.get(user=user)
        read = next(p for p in selectors.points_today(member, today) if p.rule.code == "article_read")
        if read.cap is None or read.earned < read.cap:
            return member.pk, tokens.token_create(actor=user, user=user, name="bench")[1]
    raise SystemExit("no reader below article_read's daily cap")


def _accounts(port: int) -> dict[str, Any]:
    """API tokens for the demo accounts and for bench members who beat (one member per client thread)."""
    from django.db import transaction
    from django.utils import timezone

    from dangjian.access import tokens
    from dangjian.access.models import Grant
    from dangjian.accounts.models import User
    from dangjian.members.models import Member
    from dangjian.orgs.models import Org
    from dangjian.studytime.models import StudyDay

    out: dict[str, Any] = {}
    with transaction.atomic():
        User.objects.update(must_change_password=False)
        for username in ("zhibu1", "erji1", "jituan", "dangyuan1"):
            user = User.objects.get(username=username)
            out[username] = tokens.token_create(actor=user, user=user, name="bench")[1]
        # Members without an account, linked to new ones: the heartbeat clients and the member whose point
        # must show.
        free = iter(list(Member.objects.filter(user__isnull=True, exit_kind="").order_by("pk").values_list(
            "pk", flat=True)[:30]))  # fmt: skip
        beaters = []
        for i in range(9):
            user = User.objects.filter(username=f"bench{i}").first()  # there when measuring again (--reuse)
            if user is not None:
                member = Member.objects.get(user=user)
            else:
                member = Member.objects.get(pk=next(free))
                user = User.objects.create_user(
                    username=f"bench{i}", password="Bench@2026-study", full_name=member.name
                )
                member.user = user
                member.save(update_fields=["user"])
            beaters.append((member.pk, tokens.token_create(actor=user, user=user, name="bench")[1]))
        out["beaters"] = beaters
        out["content"] = [f"bench:{pk}" for pk in Org.objects.order_by("pk").values_list("pk", flat=True)[:9]]
        # The reader whose point must show: a member still below article_read's daily cap today (runs again
        # with --reuse on one day use the reader up: after the cap a read earns nothing to show).
        out["reader"] = _reader(free)
        # An article the reader has not opened today, for the freshness measurement.
        opened = set(StudyDay.objects.filter(member_id=out["reader"][0], on=timezone.localdate()).values_list(
            "content_key", flat=True))  # fmt: skip
        out["fresh_content"] = next(
            f"bench:{pk}" for pk in Org.objects.order_by("-pk").values_list("pk", flat=True)
            if f"bench:{pk}" not in opened
        )  # fmt: skip
        branch = Grant.objects.filter(user__username="zhibu1", org__isnull=False).values_list(
            "org_id", flat=True
        )
        out["secretary_member"] = (
            Member.objects.filter(org_id__in=list(branch), exit_kind="")
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
    return out


def throughput(port: int, threads: int, seconds: float, make: Any) -> dict[str, Any]:
    """Requests per second of ``threads`` clients, each sending ``make(i)`` = (client, method, url, body) in
    a loop for ``seconds``."""
    counts = [0] * threads
    errors = [0] * threads
    stop = time.perf_counter() + seconds
    barrier = threading.Barrier(threads)

    def loop(i: int) -> None:
        client, method, url, body = make(i)
        barrier.wait()
        while time.perf_counter() < stop:
            status, _ = client.request(method, url, body)
            if status == 200:
                counts[i] += 1
            else:
                errors[i] += 1

    started = time.perf_counter()
    workers = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    return {"rps": sum(counts) / elapsed, "ok": sum(counts), "errors": sum(errors)}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    port = args.port
    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if connection.vendor == "sqlite" else "show server_version")
        server = f"{connection.vendor} {cursor.fetchone()[0]}"
    acc = _accounts(port)
    result: dict[str, Any] = {"server": server}

    # (a) heartbeat vs /healthz: same client code, threads and duration; /healthz before and after.
    load = wait_for_quiet(args.max_load, args.max_wait)
    health = lambda i: (Client(port, acc["beaters"][i][1]), "GET", "/healthz", None)  # noqa: E731
    beat = lambda i: (Client(port, acc["beaters"][i][1]), "POST", "/api/v1/study/heartbeat/",  # noqa: E731
                      {"content": acc["content"][i], "state": "visible"})  # fmt: skip
    pk_url = f"/api/v1/members/{acc['secretary_member']}/"
    floor = lambda i: (Client(port, acc["zhibu1"]), "GET", pk_url, None)  # noqa: E731
    h1 = throughput(port, args.threads, args.seconds, health)
    hb = throughput(port, args.threads, args.seconds, beat)
    h2 = throughput(port, args.threads, args.seconds, health)
    fl = throughput(port, args.threads, args.seconds, floor)
    result["throughput"] = {"threads": args.threads, "seconds": args.seconds, "load": load,
                            "healthz_rps": (h1["rps"] + h2["rps"]) / 2, "healthz_runs": [h1, h2],
                            "heartbeat_rps": hb["rps"], "heartbeat_errors": hb["errors"], "heartbeat": hb,
                            "pk_rps": fl["rps"]}  # fmt: skip
    print(f"   heartbeat {hb['rps']:.0f} req/s vs healthz {h1['rps']:.0f}/{h2['rps']:.0f}", flush=True)

    # (b) latency, one client, the requests interleaved so that a busy moment hits them all alike.
    load = wait_for_quiet(args.max_load, args.max_wait)
    secretary = Client(port, acc["zhibu1"])
    probes = {
        "pk": ("GET /api/v1/members/<pk>/ (zhibu1)", secretary, f"/api/v1/members/{acc['secretary_member']}/"),
        "rank_week": ("my rank, week: GET /api/v1/points/rank/ (dangyuan1)", Client(port, acc["dangyuan1"]),
                      "/api/v1/points/rank/?period=week"),
        "rank_year": ("my rank, year: GET /api/v1/points/rank/?period=year (dangyuan1)",
                      Client(port, acc["dangyuan1"]), "/api/v1/points/rank/?period=year"),
        "board_branch": ("top 100, year, branch secretary: GET /api/v1/points/board/?level=member&period=year "
                         "(zhibu1)", secretary, "/api/v1/points/board/?level=member&period=year"),
        "board_committee": ("top 100, year, committee officer (erji1)", Client(port, acc["erji1"]),
                            "/api/v1/points/board/?level=member&period=year"),
        "board_root": ("top 100, year, whole enterprise (jituan)", Client(port, acc["jituan"]),
                       "/api/v1/points/board/?level=member&period=year"),
        "board_branches": ("branch board, year, whole enterprise (jituan, level=branch)",
                           Client(port, acc["jituan"]), "/api/v1/points/board/?level=branch&period=year"),
        "board_committees": ("committee board, year, whole enterprise (jituan, level=committee)",
                             Client(port, acc["jituan"]), "/api/v1/points/board/?level=committee&period=year"),
    }  # fmt: skip
    times: dict[str, list[float]] = {k: [] for k in probes}
    for i in range(args.samples + 5):
        for name, (_, client, url) in probes.items():
            t0 = time.perf_counter()
            status, body = client.request("GET", url)
            ms = (time.perf_counter() - t0) * 1000
            if status != 200:
                raise SystemExit(f"{url}: HTTP {status} {body[:200]!r}")
            if i >= 5:  # warm-up
                times[name].append(ms)
    latency: dict[str, Any] = {"load": load, "samples": args.samples}
    for name, (label, _, _) in probes.items():
        latency[name] = {"label": label, "p50_ms": statistics.median(times[name]),
                         "p99_ms": _pct(times[name], 0.99), "max_ms": max(times[name])}  # fmt: skip
    result["latency"] = latency

    # (c) a point visible after the event: heartbeats 15.5 s apart on an article until article_read is awarded
    # (30 s of reading), then GET /api/v1/points/me/ until the day's total shows it.
    member_pk, token = acc["reader"]
    reader = Client(port, token)
    me = lambda: json.loads(reader.request("GET", "/api/v1/points/me/")[1])  # noqa: E731
    before = me()["totals"]["day"]
    key = acc["fresh_content"]
    awarded_at = None
    for _ in range(6):
        status, body = reader.request(
            "POST", "/api/v1/study/heartbeat/", {"content": key, "state": "visible"}
        )
        sent_back = time.perf_counter()
        if json.loads(body).get("seconds_today", 0) >= 30:
            awarded_at = sent_back
            break
        time.sleep(15.5)
    if awarded_at is None:
        raise SystemExit("article_read was never reached")
    polls, after = 0, before
    while time.perf_counter() - awarded_at < 30:
        polls += 1
        after = me()["totals"]["day"]
        if after > before:
            break
        time.sleep(0.1)
    result["fresh"] = {"delay_s": time.perf_counter() - awarded_at, "polls": polls, "before": before,
                       "after": after, "member": member_pk}  # fmt: skip

    result["explain"], result["full_scans"] = explain(acc)
    return result


def explain(acc: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """The plans of the queries "my rank" and the boards send (captured from the selectors, then EXPLAINed:
    ``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN (ANALYZE, BUFFERS)`` on PostgreSQL) and the points tables
    read by a full scan, if any."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from dangjian.accounts.models import User
    from dangjian.points import selectors

    today = timezone.localdate()
    member = selectors.member_of(User.objects.get(username="dangyuan1"))
    assert member is not None
    calls = [
        ("my rank, year (dangyuan1)", lambda: selectors.my_rank(member, "year", today)),
        ("top 100, year, zhibu1", lambda: selectors.leaderboard(
            user=User.objects.get(username="zhibu1"), level="member", period="year", on=today)),
        ("top 100, year, erji1", lambda: selectors.leaderboard(
            user=User.objects.get(username="erji1"), level="member", period="year", on=today)),
        ("top 100, year, jituan", lambda: selectors.leaderboard(
            user=User.objects.get(username="jituan"), level="member", period="year", on=today)),
        ("branch board, year, jituan", lambda: selectors.leaderboard(
            user=User.objects.get(username="jituan"), level="branch", period="year", on=today)),
        ("committee board, year, jituan", lambda: selectors.leaderboard(
            user=User.objects.get(username="jituan"), level="committee", period="year", on=today)),
        ("branch board, year, erji1", lambda: selectors.leaderboard(
            user=User.objects.get(username="erji1"), level="branch", period="year", on=today)),
    ]  # fmt: skip
    out: list[dict[str, Any]] = []
    scans: list[str] = []
    for what, call in calls:
        with CaptureQueriesContext(connection) as ctx:
            call()
        for q in ctx.captured_queries:
            sql = q["sql"]
            if "points_point" not in sql:
                continue
            prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
            with connection.cursor() as cursor:
                cursor.execute(prefix + sql)
                rows = cursor.fetchall()
            plan = [str(r[-1]) for r in rows]
            for line in plan:
                bare = line.strip().lstrip("->").strip()
                if (
                    bare.startswith("SCAN points_point") and "INDEX" not in bare
                ) or "Seq Scan on points_point" in bare:
                    scans.append(f"{what}: {bare}")
            out.append({"what": f"{what}: `{sql[:300]}`", "plan": plan})
    return out, scans


if __name__ == "__main__":
    main()
