#!/usr/bin/env python
"""Benchmark of 党费 (issue 7, performance): generating one month's bills for every member, by the service the
job and the command use (``dues.services.bills_generate``: INSERT … SELECT per chunk of member ids, plus the
counts and the audit entry), against a single set-based SQL insert of the same rows and against
``bulk_create`` of the same rows built in Python, in the same process.

    .venv/bin/python bench/dues.py                         # SQLite, 100,000 members
    .venv/bin/python bench/dues.py --postgres              # then PostgreSQL (dangjian_bench_dues)
    .venv/bin/python bench/dues.py --members 5000 --runs 2   # quick

Per database, from a fresh database: ``migrate``, ``seed_demo --members N`` (timed), then (a child process)
every active member in normal standing without an amount gets a confirmed one (one INSERT … SELECT), and for a
month no demo data uses (2030-01) each method runs ``--runs`` times, the month's bills deleted before each
run and the methods taking turns. Each run's rows are checked to be the same set (count and sum). The
service's second run on a month already generated (idempotence: 0 rows) is timed too. Targets: service
≤ 10 s and ≥ 2× faster than ``bulk_create``. Results: bench/var/dues-<database>.json and dues-report.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import VAR, _env, _fresh_database, _timed, machine, wait_for_quiet  # noqa: E402

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/dangjian_bench_dues"
MONTH = dt.date(2030, 1, 1)
TARGET_S = 10.0
FACTOR = 2.0


# ------------------------------------------------------------------------------------------------------------
# Orchestration (parent process)


def run_database(label: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    print(f"== {label}: {url}", flush=True)
    env = _env(url)
    log = VAR / f"dues-{label}.log"
    manage = [sys.executable, "manage.py"]
    out = VAR / f"dues-{label}.json"
    log.unlink(missing_ok=True)
    _fresh_database(label, url)
    _timed([*manage, "migrate", "--noinput", "-v0"], env, log)
    _timed([*manage, "createcachetable"], env, log)
    load_seed = wait_for_quiet(args.max_load, args.max_wait)
    seed_s = _timed([*manage, "seed_demo", "--members", str(args.members)], {**env, "DEMO_MODE": "1"}, log)
    print(f"   seed_demo --members {args.members}: {seed_s:.1f} s", flush=True)
    cmd = [sys.executable, str(Path(__file__)), "--measure", "--json", str(out), "--runs", str(args.runs)]
    subprocess.run(cmd, env=env, cwd=ROOT, check=True)
    result: dict[str, Any] = json.loads(out.read_text())
    result.update({"label": label, "members": args.members, "seed_s": seed_s, "load_seed": load_seed})
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return result


# ------------------------------------------------------------------------------------------------------------
# Measuring (child process, Django set up)


def _fix_everyone() -> tuple[int, float]:
    """Give every active member in normal standing without a confirmed amount one (6,000 元 → 90.00 元)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from dangjian.dues.models import DuesFixing
    from dangjian.members.models import Member

    f, m = DuesFixing._meta.db_table, Member._meta.db_table
    sql = f"""
        INSERT INTO {f} (member_id, year, effective_from, effective_to, category, base, amount, steps, status,
                         reason, proposed_at, confirmed_by_id, confirmed_at)
        SELECT m.id, 2025, %s, NULL, 'in_service', 6000, 90, '[]', 'confirmed', 'bench', %s, NULL, %s
        FROM {m} m
        WHERE m.exit_kind = '' AND NOT EXISTS (
            SELECT 1 FROM {f} x WHERE x.member_id = m.id AND x.status = 'confirmed')
    """
    now = timezone.now()
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [dt.date(2025, 1, 1), now, now])
        n = cursor.rowcount
    return n, time.perf_counter() - start


def _clear() -> None:
    from django.db import connection, transaction

    from dangjian.dues.models import DuesBill

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {DuesBill._meta.db_table} WHERE month = %s", [MONTH])


def _check() -> tuple[int, str]:
    from django.db.models import Count, Sum

    from dangjian.dues.models import DuesBill

    agg = DuesBill.objects.filter(month=MONTH).aggregate(n=Count("id"), s=Sum("amount"))
    return int(agg["n"]), str(agg["s"])


def by_service() -> int:
    from dangjian.dues import services

    return services.bills_generate(actor=None, month=MONTH).created


def by_raw_sql() -> int:
    """The same rows in one INSERT … SELECT over every member (no chunks, no counts, no audit)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from dangjian.dues import services
    from dangjian.members.choices import Standing

    sql = services._bill_insert_sql(with_range=False, org_path=None)
    params: dict[str, Any] = {
        "month": MONTH,
        "month_end": dt.date(2030, 1, 31),
        "now": timezone.now(),
        "standing": Standing.NORMAL,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def by_bulk_create() -> int:
    """The same rows read into Python and written with ``bulk_create`` (batches of 1,000)."""
    from django.db import transaction
    from django.db.models import Q
    from django.utils import timezone

    from dangjian.dues.models import DuesBill, DuesFixing, DuesReduction
    from dangjian.members.models import Member

    now = timezone.now()
    fixings = {
        member_id: (pk, amount)
        for member_id, pk, amount in DuesFixing.objects.filter(
            status__in=("confirmed", "superseded"), effective_from__lte=MONTH
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=MONTH))
        .values_list("member_id", "id", "amount")
    }
    reductions = {
        r[0]: r[1:]
        for r in DuesReduction.objects.filter(
            status="approved", months_from__lte=MONTH, months_to__gte=MONTH
        ).values_list("member_id", "id", "kind", "monthly_amount")
    }
    existing = set(DuesBill.objects.filter(month=MONTH).values_list("member_id", flat=True))
    rows = []
    for member_id, org_id in (
        Member.objects.active()
        .filter(standing="normal", joined_on__lte=dt.date(2030, 1, 31))
        .values_list("id", "org_id")
        .iterator(chunk_size=5000)
    ):
        fixing = fixings.get(member_id)
        if fixing is None or member_id in existing:
            continue
        amount, reduction_id, status = fixing[1], None, "unpaid"
        r = reductions.get(member_id)
        if r is not None:
            reduction_id = r[0]
            amount, status = (0, "exempt") if r[1] == "exempt" else (r[2], "unpaid")
        rows.append(
            DuesBill(
                member_id=member_id,
                org_id=org_id,
                month=MONTH,
                amount=amount,
                fixing_id=fixing[0],
                reduction_id=reduction_id,
                status=status,
                created_at=now,
            )
        )
    with transaction.atomic():
        DuesBill.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _stats(samples: list[float]) -> dict[str, float]:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples)}


def measure(args: argparse.Namespace) -> dict[str, Any]:
    import os

    from django.db import connection

    from dangjian.members.models import Member

    fixed, fix_s = _fix_everyone()
    methods = {"service": by_service, "raw_sql": by_raw_sql, "bulk_create": by_bulk_create}
    samples: dict[str, list[float]] = {k: [] for k in methods}
    checks: dict[str, set[tuple[int, int, str]]] = {k: set() for k in methods}
    loads = []
    names = list(methods)
    for run in range(args.runs):
        order = names[run % len(names) :] + names[: run % len(names)]
        for name in order:
            _clear()
            loads.append(os.getloadavg()[0])
            start = time.perf_counter()
            created = methods[name]()
            samples[name].append(time.perf_counter() - start)
            checks[name].add((created, *_check()))
            print(f"   run {run + 1} {name}: {samples[name][-1]:.2f} s ({created:,} rows)", flush=True)
    # Idempotence: the service again on a generated month.
    _clear()
    by_service()
    start = time.perf_counter()
    again = by_service()
    again_s = time.perf_counter() - start
    version = getattr(connection, "pg_version", "")
    result = {
        "server": connection.vendor + (f" {version}" if version else ""),
        "runs": args.runs,
        "active_members": Member.objects.active().count(),
        "fixed_by_bench": fixed,
        "fix_s": fix_s,
        "times": {k: _stats(v) for k, v in samples.items()},
        "rows": {k: sorted(v) for k, v in checks.items()},
        "same_rows": len({x for v in checks.values() for x in v}) == 1,
        "second_run": {"created": again, "seconds": again_s},
        "load": [round(x, 2) for x in loads],
    }
    return result


# ------------------------------------------------------------------------------------------------------------
# Report


def _ok(flag: bool) -> str:
    return "PASS" if flag else "FAIL"


def report(results: list[dict[str, Any]], info: dict[str, str]) -> str:
    lines = [
        f"Run {info['date']} · {info['cores']} cores · {info['memory']} · {info['cpu']} · Python {info['python']}",
        "",
    ]
    for r in results:
        t = r["times"]
        service, raw, bulk = t["service"]["median"], t["raw_sql"]["median"], t["bulk_create"]["median"]
        rows = r["rows"]["service"][0][0] if r["rows"]["service"] else 0
        lines += [
            f"### {r['label']} ({r['server']})",
            "",
            f"Members {r['members']:,} (active {r['active_members']:,}) · seed_demo {r['seed_s']:.0f} s · amounts "
            f"fixed by the bench {r['fixed_by_bench']:,} in {r['fix_s']:.1f} s · bills per run {rows:,} · runs "
            f"{r['runs']} (median; min–max) · 1-minute load during the runs {min(r['load'])}–{max(r['load'])}",
            "",
            "| Method | median s | min–max s | vs service | |",
            "|---|---|---|---|---|",
            f"| `services.bills_generate` (INSERT … SELECT per 20,000 member ids + counts + audit) | {service:.2f} | "
            f"{t['service']['min']:.2f}–{t['service']['max']:.2f} | 1.00× | target ≤ {TARGET_S:.0f} s: "
            f"{_ok(service <= TARGET_S)} |",
            f"| one set-based INSERT … SELECT (raw SQL) | {raw:.2f} | {t['raw_sql']['min']:.2f}–"
            f"{t['raw_sql']['max']:.2f} | {raw / service:.2f}× | |",
            f"| `bulk_create` of the same rows (batches of 1,000) | {bulk:.2f} | {t['bulk_create']['min']:.2f}–"
            f"{t['bulk_create']['max']:.2f} | {bulk / service:.2f}× | service ≥ {FACTOR:.0f}× faster: "
            f"{_ok(bulk >= FACTOR * service)} |",
            f"| the service again on the generated month (idempotent) | {r['second_run']['seconds']:.2f} | | | "
            f"{r['second_run']['created']} rows: {_ok(r['second_run']['created'] == 0)} |",
            f"| the three methods wrote the same rows (count, sum) | | | | {_ok(r['same_rows'])} |",
            "",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="timed runs per method")
    parser.add_argument(
        "--postgres", nargs="?", const=DEFAULT_PG, default=None, help=f"also run on PostgreSQL ({DEFAULT_PG})"
    )
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    parser.add_argument("--max-load", type=float)
    parser.add_argument("--max-wait", type=int, default=30)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    parser.add_argument("--report", action="store_true", help="rewrite the report from the last JSON results")
    args = parser.parse_args()
    if args.report:
        found = [
            json.loads((VAR / f"dues-{d}.json").read_text())
            for d in ("sqlite", "postgres")
            if (VAR / f"dues-{d}.json").exists()
        ]
        text = report([r for r in found if "label" in r], machine())
        (VAR / "dues-report.md").write_text(text)
        print(text)
        return
    if args.measure:
        import django

        django.setup()
        Path(args.json).write_text(json.dumps(measure(args), ensure_ascii=False, indent=2, default=str))
        return
    VAR.mkdir(parents=True, exist_ok=True)
    targets = [("sqlite", f"sqlite:///{VAR / 'dues.sqlite3'}")]
    if args.postgres:
        targets.append(("postgres", args.postgres))
    if args.only:
        targets = [t for t in targets if t[0] == args.only]
    info = machine()
    results = [run_database(label, url, args) for label, url in targets]
    text = report(results, info)
    (VAR / "dues-report.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
