"""Simulated examinees against a real server: shared by the fault test (tests/test_exam_faults.py) and the
load benchmark (bench/exams.py).

- ``SETUP``: a ``manage.py shell`` script that prepares, in the server's database, an enterprise with N
  member accounts (each with an API token), a 题库, a fixed paper and an open exam for all of them; it
  prints the exam id, the tokens and the paper's question ids as JSON.
- ``Examinee``: one person taking the exam over HTTP with the protocol of ``dangjian/exams/api/views.py``
  (start, numbered saves acknowledged after commit, submit), remembering every acknowledged save so a
  check can prove that none was lost.
- ``LEDGER``: a ``manage.py shell`` script that prints what the database holds for every attempt.
"""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass, field
from typing import Any

# Runs inside ``manage.py shell -c`` with SIM_EXAMINEES, SIM_QUESTIONS, SIM_PREFIX in the environment.
SETUP = r"""
import datetime as dt, json, os
from django.utils import timezone
from conftest import _org, make_member
from dangjian.access import services as access_services, tokens
from dangjian.accounts.models import User
from dangjian.exams import services as ex

n = int(os.environ["SIM_EXAMINEES"]); q = int(os.environ["SIM_QUESTIONS"]); prefix = os.environ["SIM_PREFIX"]
root = _org(None, "中共模拟集团委员会", "committee", short_name="模拟党委", elected_on=dt.date(2024, 5, 1))
officer = User.objects.create_user(username=prefix + "officer", password=None, full_name="考试组织者")
access_services.grant_create(actor=None, user=officer, role="committee_officer", org=root, bootstrap=True)
branches = [
    _org(root, f"中共模拟集团第{i + 1}支部委员会", "branch", short_name=f"第{i + 1}支部",
         has_committee=True, elected_on=dt.date(2024, 5, 1))
    for i in range((n + 49) // 50)
]
keys = []
for i in range(n):
    user = User.objects.create_user(username=f"{prefix}{i:05d}", password=None, full_name=f"考生{i:05d}")
    make_member(branches[i // 50], f"考生{i:05d}", user=user)
    keys.append(tokens.token_create(actor=user, user=user, name="模拟考生")[1])
bank = ex.bank_create(actor=officer, org=root, name="模拟题库")
questions = []
for i in range(q):
    if i % 3 == 0:
        data = {"kind": "single", "stem": f"第{i + 1}题：党的最高理想和最终目标是什么？（{i}）",
                "options": ["实现共产主义", "全面建成小康社会", "实现现代化", "共同富裕"], "answer": "A"}
    elif i % 3 == 1:
        data = {"kind": "multiple", "stem": f"第{i + 1}题：党的组织生活制度包括哪些？（{i}）",
                "options": ["三会一课", "组织生活会", "民主评议党员", "谈心谈话"], "answer": "ABCD"}
    else:
        data = {"kind": "judge", "stem": f"第{i + 1}题：党员有权参加党的有关会议。（{i}）", "answer": "对"}
    questions.append(ex.question_create(actor=officer, bank=bank, **data))
paper = ex.paper_create(actor=officer, org=root, title="模拟试卷", shuffle_options=True)
ex.paper_items_add(actor=officer, paper=paper, questions=questions, score=2)
now = timezone.now()
exam = ex.exam_create(
    actor=officer, org=root, paper=paper, title="党章党规知识竞赛（模拟）",
    opens_at=now - dt.timedelta(minutes=1), closes_at=now + dt.timedelta(hours=2),
    duration_minutes=90, pass_score=q * 2 * 0.6, target_orgs=[root],
)
ex.exam_publish(actor=officer, exam=exam)
print("SIM=" + json.dumps({"exam": exam.pk, "tokens": keys, "questions": [x.pk for x in questions]}))
"""

# Prints {attempt id: {"status", "answers": {question id: [seq, response as the examinee saw it]}}}.
LEDGER = r"""
import json
from dangjian.exams import rules
from dangjian.exams.models import Answer, Attempt
attempts = {a.pk: a for a in Attempt.objects.select_related("user")}
orders = {pk: {item["q"]: item.get("order") for item in a.layout} for pk, a in attempts.items()}
out = {pk: {"status": a.status, "user": a.user.username, "answers": {}} for pk, a in attempts.items()}
for row in Answer.objects.values("attempt_id", "question_id", "seq", "response"):
    answers = out[row["attempt_id"]]["answers"]
    assert row["question_id"] not in answers, "duplicate answer row"
    order = orders[row["attempt_id"]][row["question_id"]]
    response = rules.to_shown(row["response"], order) if order else row["response"]
    answers[row["question_id"]] = [row["seq"], response]
print("LEDGER=" + json.dumps(out, ensure_ascii=False))
"""


def parse(output: str, marker: str) -> Any:
    for line in output.splitlines():
        if line.startswith(marker + "="):
            return json.loads(line[len(marker) + 1 :])
    raise AssertionError(f"no {marker}= line in:\n{output[-3000:]}")


class Unavailable(Exception):
    """The server did not answer (refused, reset, or a 502/503 while it restarts)."""


@dataclass
class Examinee:
    host: str
    port: int
    token: str
    exam: int
    attempt: int | None = None
    questions: list[dict[str, Any]] = field(default_factory=list)
    seq: int = 0
    acked: dict[int, tuple[int, list[str]]] = field(default_factory=dict)  # question → (seq, response)
    statuses: list[int] = field(default_factory=list)
    submitted: bool = False
    closed: bool = False

    def call(self, method: str, path: str, body: Any = None, timeout: float = 30) -> tuple[int, Any]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            payload = json.dumps(body).encode() if body is not None else None
            headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json"}
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise Unavailable(str(exc)) from exc
        finally:
            conn.close()
        self.statuses.append(response.status)
        if response.status in (429, 502, 503, 504):  # 429: saving too fast, not acknowledged; resend
            raise Unavailable(str(response.status))
        return response.status, (json.loads(data) if data else None)

    def start(self) -> None:
        status, body = self.call("POST", f"/api/v1/exams/mine/{self.exam}/start/")
        assert status in (200, 201), (status, body)
        self.attempt = body["id"]
        self.questions = body["questions"]
        for q in self.questions:  # a resumed attempt: what the server holds counts as acknowledged
            if q.get("seq"):
                self.acked[q["id"]] = (q["seq"], q["response"])
        self.seq = max([self.seq, *(q.get("seq") or 0 for q in self.questions)])

    def answer_for(self, question: dict[str, Any], variant: int) -> list[str]:
        kind = question["kind"]
        if kind == "judge":
            return ["true" if variant % 2 else "false"]
        letters = [o["letter"] for o in question["options"]]
        if kind == "multiple":
            return letters[: 1 + variant % len(letters)]
        return [letters[variant % len(letters)]]

    def batch(self, items: list[tuple[int, list[str]]]) -> list[dict[str, Any]]:
        """Number answers for one save (the page's queue: a resend carries the same numbers)."""
        out = []
        for question, response in items:
            self.seq += 1
            out.append({"question": question, "response": response, "seq": self.seq})
        return out

    def send(self, batch: list[dict[str, Any]]) -> int:
        """Send one save; acknowledged seqs are recorded. Returns the HTTP status (200, or 409 closed)."""
        status, body = self.call(
            "POST", f"/api/v1/exams/attempts/{self.attempt}/answers/", {"answers": batch}
        )
        if status == 200:
            # "stale" is acknowledged too: the server already holds this seq or a newer one (a resend
            # after a lost acknowledgement, or a late arrival).
            durable = set(body["acked"]) | set(body["stale"])
            assert all(item["seq"] in durable for item in batch), (batch, body)
            for item in batch:
                if item["seq"] > self.acked.get(item["question"], (0, []))[0]:
                    self.acked[item["question"]] = (item["seq"], item["response"])
        elif status == 409:
            self.closed = True
        else:
            raise AssertionError((status, body))
        return status

    def submit(self) -> int:
        status, body = self.call("POST", f"/api/v1/exams/attempts/{self.attempt}/submit/", {})
        assert status == 200, (status, body)
        assert body["status"] == "submitted"
        self.submitted = True
        return status


def retrying(action: Any, *, deadline: float, pause: float = 0.2) -> Any:
    """Call ``action`` until the server answers (it may be restarting), up to ``deadline`` (monotonic)."""
    while True:
        try:
            return action()
        except Unavailable:
            if time.monotonic() > deadline:
                raise
            time.sleep(pause)


def lost_answers(examinees: list[Examinee], ledger: dict[str, Any]) -> list[str]:
    """Every acknowledged save must be in the database: the same seq with the same response, or a later
    seq this examinee sent (a save the server applied but whose acknowledgement the client never got)."""
    problems = []
    for person in examinees:
        held = ledger[str(person.attempt)]["answers"]
        for question, (seq, response) in person.acked.items():
            stored_seq, stored_response = held[str(question)]
            if stored_seq == seq:
                if sorted(stored_response) != sorted(response):
                    problems.append(
                        f"attempt {person.attempt} q{question}: seq {seq} stored another response"
                    )
            elif stored_seq < seq or stored_seq > person.seq:
                problems.append(f"attempt {person.attempt} q{question}: acked seq {seq}, stored {stored_seq}")
    return problems
