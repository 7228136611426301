"""Killing the server in the middle of an exam loses no acknowledged answer (SECURITY.md "Load and faults").

A real gunicorn serves a fresh database (a SQLite file, or a PostgreSQL database beside the test database
when the suite runs on PostgreSQL). Simulated examinees (threads speaking the exam API of
``dangjian/exams/api/views.py`` with API tokens) save numbered answers, changing some of them, while the
test kills the whole server with SIGKILL twice and starts it again; examinees retry what was not
acknowledged, as the exam page's queue does, and finally submit. Then the database must hold every
acknowledged answer exactly once (``tests/examsim.py``), every attempt must be submitted, and no request may
have answered 500.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests import examsim
from tests.test_backup_restore_live import KEY_ENV, fresh_database, manage, ok  # noqa: F401 (fixture)

pytestmark = pytest.mark.live

EXAMINEES = 12
QUESTIONS = 20
KILLS = 2
TIMEOUT = 120.0  # seconds for the whole exam, restarts included


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """gunicorn with production settings on ``database_url``; killed as a whole process group."""

    def __init__(self, database_url: str, var_dir: Path, port: int) -> None:
        self.port = port
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url,
            "VAR_DIR": str(var_dir),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEBUG": "0",
            "HTTPS": "0",
            "LOG_LEVEL": "WARNING",
            **{name: os.environ[name] for name in KEY_ENV},
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.log = var_dir / "gunicorn.log"

    def start(self) -> None:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(gunicorn), "config.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "2"],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("the server did not start:\n" + self.log.read_text()[-3000:])

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


@pytest.fixture
def server(
    fresh_database: str,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
) -> Iterator[tuple[Server, dict[str, Any], str]]:
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    ok(manage("migrate", "--noinput", database_url=fresh_database, var_dir=var_dir))
    sim_env = {"SIM_EXAMINEES": str(EXAMINEES), "SIM_QUESTIONS": str(QUESTIONS), "SIM_PREFIX": "kz"}
    os.environ.update(sim_env)
    try:
        setup = examsim.parse(
            ok(manage("shell", "-c", examsim.SETUP, database_url=fresh_database, var_dir=var_dir)), "SIM"
        )
    finally:
        for name in sim_env:
            os.environ.pop(name, None)
    srv = Server(fresh_database, var_dir, free_port())
    srv.start()
    try:
        yield srv, setup, fresh_database
    finally:
        srv.stop()


def take_exam(person: examsim.Examinee, questions: list[int], errors: list[BaseException]) -> None:
    """Answer every question, change every third answer, then submit; retry whatever was not acknowledged."""
    try:
        deadline = time.monotonic() + TIMEOUT
        examsim.retrying(person.start, deadline=deadline)
        shown = {q["id"]: q for q in person.questions}
        plan = [(q, 0) for q in questions] + [(q, 1) for q in questions[::3]]
        for question, variant in plan:
            batch = person.batch([(question, person.answer_for(shown[question], variant))])
            examsim.retrying(lambda b=batch: person.send(b), deadline=deadline)  # the same seqs on resend
            time.sleep(0.01)
        examsim.retrying(person.submit, deadline=deadline)
    except BaseException as exc:  # reported by the test, not lost in the thread
        errors.append(exc)


def test_killing_the_server_mid_exam_loses_no_acknowledged_answer(
    server: tuple[Server, dict[str, Any], str], tmp_path: Path
) -> None:
    srv, setup, database_url = server
    people = [examsim.Examinee("127.0.0.1", srv.port, token, setup["exam"]) for token in setup["tokens"]]
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=take_exam, args=(p, setup["questions"], errors), daemon=True) for p in people
    ]
    for t in threads:
        t.start()
    total = EXAMINEES * (QUESTIONS + len(setup["questions"][::3]))  # saves to make
    for kill in range(KILLS):
        # Kill while examinees are in the middle: after a third, then two thirds of the saves were sent.
        target = total * (kill + 1) // (KILLS + 1)
        limit = time.monotonic() + TIMEOUT
        while sum(p.seq for p in people) < target and time.monotonic() < limit:
            time.sleep(0.01)
        srv.kill()
        assert sum(p.seq for p in people) < total and not any(p.submitted for p in people), "killed too late"
        time.sleep(0.5)
        srv.start()
    for t in threads:
        t.join(timeout=TIMEOUT)
    assert not errors, errors
    assert all(p.submitted for p in people)

    ledger = examsim.parse(
        ok(manage("shell", "-c", examsim.LEDGER, database_url=database_url, var_dir=tmp_path / "var")),
        "LEDGER",
    )
    assert examsim.lost_answers(people, ledger) == []
    assert sorted(int(k) for k in ledger) == sorted(p.attempt or 0 for p in people)  # one attempt each
    assert all(row["status"] == "submitted" for row in ledger.values())
    for person in people:  # every question answered once (the ledger refuses duplicate rows)
        assert len(ledger[str(person.attempt)]["answers"]) == QUESTIONS
        assert len(person.acked) == QUESTIONS
    statuses = [s for p in people for s in p.statuses]
    assert 500 not in statuses and all(s < 500 or s in (502, 503, 504) for s in statuses)
