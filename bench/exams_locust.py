"""Locust users for bench/exams.py: examinees taking one exam in synchronised storms.

Run by bench/exams.py (``locust -f bench/exams_locust.py --headless -u N -r N …``) with
``SIM_PLAN`` naming a JSON file: ``{"exam", "tokens": [...], "questions": [...], "batches", "out"}``.

Every simulated examinee runs the same script, and each phase starts for everybody at the same instant
(a barrier: the phase opens when the last examinee finished the previous one):

1. **start** — ``POST /api/v1/exams/mine/{exam}/start/`` (the start storm);
2. **write** — ``POST /api/v1/exams/attempts/{id}/leave/``: the baseline, a plain single-row write behind
   the same authentication and routing (it locks the attempt row and increments one counter);
3. **save** — the 50 answers in ``batches`` numbered saves, one after the other, acknowledged after commit;
4. **submit** — ``POST /api/v1/exams/attempts/{id}/submit/`` (the submit storm).

Each request's duration is recorded per phase, with the first send and the last answer of the phase, and
written to ``out`` when the run stops, with every examinee's acknowledged answers (for the lost-answer
check against the database).
"""

from __future__ import annotations

import itertools
import json
import os
import time
from typing import Any

import gevent
from gevent.event import Event
from locust import FastHttpUser, events, task
from locust.exception import StopUser

PLAN: dict[str, Any] = json.loads(open(os.environ["SIM_PLAN"]).read())  # noqa: SIM115
N = len(PLAN["tokens"])
PHASES = ("start", "write", "save", "submit")
_next = itertools.count()
_arrived = dict.fromkeys(PHASES, 0)
_open = {p: Event() for p in PHASES}
_samples: dict[str, list[float]] = {p: [] for p in PHASES}
_span: dict[str, list[float]] = {p: [] for p in PHASES}  # first send, last answer (wall clock)
_status: dict[str, int] = {}
_people: list[dict[str, Any]] = []


_done = [0]


def arrive(phase: str) -> None:
    _arrived[phase] += 1
    if _arrived[phase] >= N:
        _open[phase].set()


def barrier(phase: str) -> None:
    """Wait until every examinee reached ``phase``; then all of them go at once."""
    arrive(phase)
    _open[phase].wait()


def finish(environment: Any, left: tuple[str, ...] = ()) -> None:
    """This examinee is done (``left``: the phases it gives up, so the others do not wait for it)."""
    for phase in left:
        arrive(phase)
    _done[0] += 1
    if _done[0] >= N:
        gevent.spawn_later(0.1, environment.runner.quit)
    raise StopUser()


class Examinee(FastHttpUser):
    network_timeout = 900.0
    connection_timeout = 900.0

    def on_start(self) -> None:
        self.index = next(_next)
        self.headers = {"Authorization": f"Token {PLAN['tokens'][self.index]}"}
        self.person: dict[str, Any] = {"attempt": None, "seq": 0, "acked": {}, "questions": []}
        _people.append(self.person)

    def post(self, phase: str, path: str, body: Any) -> Any:
        sent = time.time()
        if not _span[phase]:
            _span[phase] = [sent, sent]
        with self.client.post(
            path, json=body, headers=self.headers, name=phase, catch_response=True
        ) as response:
            done = time.time()
            _samples[phase].append((done - sent) * 1000)
            _span[phase][1] = max(_span[phase][1], done)
            key = f"{phase} {response.status_code}"
            _status[key] = _status.get(key, 0) + 1
            if response.status_code not in (200, 201):
                response.failure(f"HTTP {response.status_code}")
                return None
            response.success()
            return response.json()

    @task
    def take(self) -> None:
        barrier("start")
        state = self.post("start", f"/api/v1/exams/mine/{PLAN['exam']}/start/", {})
        if state is None:
            finish(self.environment, PHASES[1:])
        attempt = state["id"]
        self.person.update(attempt=attempt, questions=state["questions"])
        barrier("write")
        self.post("write", f"/api/v1/exams/attempts/{attempt}/leave/", {})
        barrier("save")
        questions = state["questions"]
        size = max(1, len(questions) // PLAN["batches"])
        for start in range(0, len(questions), size):
            batch = []
            for q in questions[start : start + size]:
                self.person["seq"] += 1
                batch.append({"question": q["id"], "response": _answer(q), "seq": self.person["seq"]})
            body = self.post("save", f"/api/v1/exams/attempts/{attempt}/answers/", {"answers": batch})
            if body is not None:
                durable = set(body["acked"]) | set(body["stale"])
                for item in batch:
                    if item["seq"] in durable:
                        self.person["acked"][item["question"]] = (item["seq"], item["response"])
            gevent.sleep(0)
        barrier("submit")
        self.post("submit", f"/api/v1/exams/attempts/{attempt}/submit/", {})
        finish(self.environment)


def _answer(question: dict[str, Any]) -> list[str]:
    if question["kind"] == "judge":
        return ["true"]
    letters = [o["letter"] for o in question["options"]]
    return letters[:2] if question["kind"] == "multiple" else letters[:1]


@events.quitting.add_listener  # type: ignore[untyped-decorator]
def _write(environment: Any, **_: Any) -> None:
    out = {
        "samples": _samples,
        "span": _span,
        "status": _status,
        "people": [
            {"attempt": p["attempt"], "seq": p["seq"], "acked": p["acked"], "questions": p["questions"]}
            for p in _people
        ],
    }
    with open(PLAN["out"], "w") as f:
        json.dump(out, f)
