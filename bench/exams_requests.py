#!/usr/bin/env python
"""One exam request at a time: the cost of a start, a save, the baseline ``leave/`` write and a submit,
without the storm (a quick check before ``bench/exams.py``).

    .venv/bin/python bench/exams_requests.py                      # SQLite in a temporary directory
    .venv/bin/python bench/exams_requests.py --postgres           # PostgreSQL (dangjian_bench_exreq)
    .venv/bin/python bench/exams_requests.py --sql submit         # also print the submit's statements

A fresh database, ``tests/examsim.py`` ``SETUP`` (N examinees, the fixed paper, the exam published), then
each examinee in turn, with the Django test client and its API token: start, the 50 answers in one save
(the storm's answers: about 30 of them wrong), ``leave/`` and submit. Per step the median milliseconds and
the queries (``CaptureQueriesContext``) of the request, including what runs after its commit.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/dangjian_bench_exreq"


def _answer(question: dict[str, Any]) -> list[str]:  # as bench/exams_locust.py answers
    if question["kind"] == "judge":
        return ["true"]
    letters = [o["letter"] for o in question["options"]]
    return letters[:2] if question["kind"] == "multiple" else letters[:1]


def measure(examinees: int, sql: str, profile: str = "") -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    sys.path.insert(0, str(ROOT))
    from tests import examsim

    out: list[str] = []
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()) as buf:
        exec(examsim.SETUP, {"__name__": "__setup__"})
    out.append(buf.getvalue())
    setup = examsim.parse(out[0], "SIM")
    samples: dict[str, list[tuple[float, int]]] = {}
    shown: dict[str, list[str]] = {}

    import cProfile
    import pstats

    profiler = cProfile.Profile()

    def call(step: str, client: Client, path: str, body: Any) -> Any:
        with CaptureQueriesContext(connection) as ctx:
            if step == profile:
                profiler.enable()
            started = time.perf_counter()
            response = client.post(path, body, content_type="application/json")
            elapsed = (time.perf_counter() - started) * 1000
            if step == profile:
                profiler.disable()
        assert response.status_code in (200, 201), (step, response.status_code, response.content[:300])
        samples.setdefault(step, []).append((elapsed, len(ctx.captured_queries)))
        shown[step] = [q["sql"] for q in ctx.captured_queries]
        return response.json()

    for token in setup["tokens"]:
        client = Client(HTTP_AUTHORIZATION=f"Token {token}")
        state = call("start", client, f"/api/v1/exams/mine/{setup['exam']}/start/", {})
        attempt = state["id"]
        items = [
            {"question": q["id"], "response": _answer(q), "seq": i + 1}
            for i, q in enumerate(state["questions"])
        ]
        call("save", client, f"/api/v1/exams/attempts/{attempt}/answers/", {"answers": items})
        call("leave", client, f"/api/v1/exams/attempts/{attempt}/leave/", {})
        call("submit", client, f"/api/v1/exams/attempts/{attempt}/submit/", {})
    vendor = connection.vendor
    print(f"{vendor}: {examinees} examinees one after another; median ms / queries per request")
    for step, values in samples.items():
        ms = statistics.median(v[0] for v in values[2:] or values)
        queries = statistics.median(v[1] for v in values)
        print(f"  {step:7} {ms:6.1f} ms  {queries:4.0f} queries")
    if profile:
        pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(45)
    for step in sql.split(",") if sql else []:
        print(f"-- {step}")
        for i, statement in enumerate(shown.get(step, []), 1):
            print(f"{i:3}. {statement[:300]}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examinees", type=int, default=30)
    parser.add_argument("--postgres", nargs="?", const=DEFAULT_PG, default="")
    parser.add_argument("--sql", default="", help="comma-separated steps whose statements to print")
    parser.add_argument("--profile", default="", help="a step to profile (cProfile, cumulative)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measure(args.examinees, args.sql, args.profile)
        return
    sys.path.insert(0, str(ROOT))
    from bench.run import _env, _fresh_database

    with tempfile.TemporaryDirectory() as var:
        if args.postgres:
            url, label = args.postgres, "postgres"
        else:
            url, label = f"sqlite:///{var}/exreq.sqlite3", "sqlite"
        _fresh_database(label, url)
        env = {**_env(url), "VAR_DIR": var, "SIM_EXAMINEES": str(args.examinees), "SIM_QUESTIONS": "50"}
        env["SIM_PREFIX"] = "ks"
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
        )
        child = [sys.executable, __file__, "--child", "--examinees", str(args.examinees), "--sql", args.sql]
        child += ["--profile", args.profile]
        subprocess.run(child, env=env, cwd=ROOT, check=True)
        os.environ.pop("SIM_PREFIX", None)


if __name__ == "__main__":
    main()
