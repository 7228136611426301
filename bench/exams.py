#!/usr/bin/env python
"""Benchmark of the exam storm (issue 6, performance): 2,000 simulated examinees start, save a 50-question
paper and submit in synchronised storms against a real gunicorn, driven by Locust, on SQLite and PostgreSQL.

    .venv/bin/python bench/exams.py                          # SQLite, 2,000 examinees, 50 questions
    .venv/bin/python bench/exams.py --postgres               # then PostgreSQL (dangjian_bench_exams)
    .venv/bin/python bench/exams.py --examinees 200          # quick

Per database, from a fresh database: ``migrate``; the exam prepared before anything starts (an enterprise
of N member accounts with API tokens, a 题库, a fixed 50-question paper with shuffled options, the exam
published: ``tests/examsim.py`` ``SETUP``); gunicorn as ``make run`` serves it (``--workers``, default 3);
then Locust (``bench/exams_locust.py``, headless, one process, N users spawned at once) runs the phases
start → baseline write → saves → submit, each a storm that opens for everybody at the same instant.
Afterwards the database is read (``tests/examsim.py`` ``LEDGER``) and every acknowledged answer is looked
for.

Reported: p50/p95/p99 of start, save and submit; submits per second against the baseline single-row write
per second of the same run (target ≥ 0.5×); lost answers (target 0) and 5xx (target 0); SQLite's p99
against PostgreSQL's (target ≤ 1.5×). Results: bench/var/exams-<database>.json, bench/var/exams-report.md.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import VAR, _env, _fresh_database, _timed, machine  # noqa: E402
from tests import examsim  # noqa: E402

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/dangjian_bench_exams"
RATIO_TARGET = 0.5  # submits/s ≥ 0.5 × single-row writes/s
P99_TARGET = 1.5  # SQLite p99 ≤ 1.5 × PostgreSQL p99


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _manage(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise SystemExit(result.stdout[-3000:] + result.stderr[-3000:])
    return result.stdout


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0, "p50": 0.0, "p95": 0.0, "p99": 0.0}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"n": len(ordered), "p50": at(0.50), "p95": at(0.95), "p99": at(0.99)}


def run_database(label: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    print(f"== {label}: {url}", flush=True)
    env = {**_env(url), "DJANGO_SETTINGS_MODULE": "config.settings", "ALLOWED_HOSTS": "127.0.0.1"}
    log = VAR / f"exams-{label}.log"
    log.unlink(missing_ok=True)
    _fresh_database(label, url)
    migrate_s = _timed([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env, log)
    print(f"   migrate: {migrate_s:.1f} s", flush=True)
    started = time.perf_counter()
    sim_env = {
        **env,
        "SIM_EXAMINEES": str(args.examinees),
        "SIM_QUESTIONS": str(args.questions),
        "SIM_PREFIX": "ks",
    }
    setup = examsim.parse(_manage(["shell", "-c", examsim.SETUP], sim_env), "SIM")
    prepare_s = time.perf_counter() - started
    print(f"   prepared {args.examinees} examinees and the exam: {prepare_s:.1f} s", flush=True)

    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("a") as out:
        server = subprocess.Popen(
            [str(gunicorn), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
             "--timeout", "300", "--backlog", "4096"],
            env=env, cwd=ROOT, stdout=out, stderr=out, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not start; see " + str(log)) from None
                time.sleep(0.2)
        result_path = VAR / f"exams-{label}-locust.json"
        plan_path = VAR / f"exams-{label}-plan.json"
        plan_path.write_text(json.dumps({**setup, "batches": args.batches, "out": str(result_path)}))
        locust = Path(sys.executable).with_name("locust")
        started = time.perf_counter()
        with log.open("a") as out:
            subprocess.run(
                [str(locust), "-f", str(ROOT / "bench" / "exams_locust.py"), "--headless",
                 "-u", str(args.examinees), "-r", str(args.examinees), "--run-time", f"{args.max_minutes}m",
                 "--host", f"http://127.0.0.1:{port}", "--only-summary", "--stop-timeout", "60"],
                env={**os.environ, "SIM_PLAN": str(plan_path)}, cwd=ROOT, stdout=out, stderr=out, check=False,
            )  # fmt: skip
        storm_s = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    run = json.loads(result_path.read_text())
    ledger = examsim.parse(_manage(["shell", "-c", examsim.LEDGER], env), "LEDGER")
    people = []
    for p in run["people"]:
        person = examsim.Examinee("", 0, "", setup["exam"], attempt=p["attempt"], seq=p["seq"])
        person.acked = {int(q): (v[0], v[1]) for q, v in p["acked"].items()}
        people.append(person)
    lost = examsim.lost_answers([p for p in people if p.attempt], ledger)
    acked = sum(len(p.acked) for p in people)
    submitted = sum(1 for row in ledger.values() if row["status"] == "submitted")
    errors_5xx = sum(n for key, n in run["status"].items() if int(key.split()[1]) >= 500)
    phases = {phase: _percentiles(values) for phase, values in run["samples"].items()}
    rates = {}
    for phase in ("write", "submit"):
        first, last = run["span"][phase] or [0.0, 0.0]
        rates[phase] = round(phases[phase]["n"] / (last - first), 1) if last > first else 0.0
    result = {
        "label": label,
        "examinees": args.examinees,
        "questions": args.questions,
        "workers": args.workers,
        "migrate_s": round(migrate_s, 1),
        "prepare_s": round(prepare_s, 1),
        "storm_s": round(storm_s, 1),
        "phases": phases,
        "rates": rates,
        "ratio": rates["submit"] / rates["write"] if rates["write"] else 0.0,  # judged unrounded
        "status": run["status"],
        "errors_5xx": errors_5xx,
        "acked": acked,
        "lost": len(lost),
        "lost_examples": lost[:5],
        "submitted": submitted,
        "load": [round(x, 2) for x in os.getloadavg()],
    }
    (VAR / f"exams-{label}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(
        f"   storms: {storm_s:.1f} s; submits {rates['submit']}/s vs writes {rates['write']}/s "
        f"(×{result['ratio']:.3f}); lost {len(lost)}; 5xx {errors_5xx}; submitted {submitted}/{args.examinees}",
        flush=True,
    )
    return result


def _ok(flag: bool) -> str:
    return "**PASS**" if flag else "**FAIL**"


def report(results: list[dict[str, Any]], info: dict[str, str]) -> str:
    lines = [
        f"Run {time.strftime('%Y-%m-%d %H:%M')} · {info.get('cores', '')} cores · {info.get('memory', '')} · "
        f"{info.get('cpu', '')}",
        "",
        "| Database | examinees × questions | gunicorn workers | start p50/p95/p99 ms | save p50/p95/p99 ms | "
        "submit p50/p95/p99 ms | single-row write p50/p95/p99 ms | submits/s vs writes/s (≥ 0.5×) | "
        "lost / acknowledged | 5xx | submitted | load (1/5/15) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ph = r["phases"]

        def p(name: str, ph: dict[str, Any] = ph) -> str:
            return f"{ph[name]['p50']} / {ph[name]['p95']} / {ph[name]['p99']}"

        lines.append(
            f"| {r['label']} | {r['examinees']:,} × {r['questions']} | {r['workers']} | {p('start')} | "
            f"{p('save')} | {p('submit')} | {p('write')} | {r['rates']['submit']} vs {r['rates']['write']} "
            f"= {r['ratio']:.3f}× {_ok(r['ratio'] >= RATIO_TARGET)} | {r['lost']} / {r['acked']:,} "
            f"{_ok(r['lost'] == 0)} | {r['errors_5xx']} {_ok(r['errors_5xx'] == 0)} | "
            f"{r['submitted']:,} | {r['load']} |"
        )
    by = {r["label"]: r for r in results}
    if "sqlite" in by and "postgres" in by:
        lines += ["", "SQLite p99 / PostgreSQL p99 (target ≤ 1.5×):", ""]
        for phase in ("start", "save", "submit"):
            s, q = by["sqlite"]["phases"][phase]["p99"], by["postgres"]["phases"][phase]["p99"]
            ratio = s / q if q else 0.0
            lines.append(f"- {phase}: {s} / {q} ms = {ratio:.2f}× {_ok(ratio <= P99_TARGET)}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examinees", type=int, default=2000)
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--batches", type=int, default=10, help="saves per examinee (answers split evenly)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (make run uses 3)")
    parser.add_argument("--max-minutes", type=int, default=20, help="Locust's bound on the whole storm")
    parser.add_argument("--postgres", nargs="?", const=DEFAULT_PG, default=None,
                        help=f"also run on PostgreSQL (default URL {DEFAULT_PG})")  # fmt: skip
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    args = parser.parse_args()
    VAR.mkdir(parents=True, exist_ok=True)
    targets = [("sqlite", f"sqlite:///{VAR / 'exams.sqlite3'}")]
    if args.postgres:
        targets.append(("postgres", args.postgres))
    if args.only:
        targets = [t for t in targets if t[0] == args.only]
    info = machine()
    results = [run_database(label, url, args) for label, url in targets]
    text = report(results, info)
    (VAR / "exams-report.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
