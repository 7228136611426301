"""The exam API as a phone client uses it: start, ordered saves, 409 after submit, submit, practice."""

from __future__ import annotations

from decimal import Decimal

from conftest import sign_in
from dangjian.exams.models import Answer, Attempt
from dangjian.exams.tests.conftest import RIGHT


def _start(client, ex):
    r = client.post(f"/api/v1/exams/mine/{ex.exam.pk}/start/", content_type="application/json")
    assert r.status_code == 201, r.content
    return r.json()


def test_start_is_idempotent_and_returns_the_server_clock(client, world, ex):
    sign_in(client, world.member_user)
    state = _start(client, ex)
    assert state["status"] == "open" and 0 < state["remaining_seconds"] <= 30 * 60
    assert len(state["questions"]) == 5 and "answer" not in state["questions"][0]
    again = client.post(f"/api/v1/exams/mine/{ex.exam.pk}/start/", content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == state["id"]


def test_saves_are_acknowledged_in_order_and_repeats_are_stale(client, world, ex):
    sign_in(client, world.member_user)
    state = _start(client, ex)
    q = next(x for x in state["questions"] if x["kind"] == "blank")["id"]
    url = f"/api/v1/exams/attempts/{state['id']}/answers/"
    r = client.post(
        url, {"answers": [{"question": q, "response": ["新"], "seq": 4}]}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["acked"] == [4]
    r = client.post(
        url, {"answers": [{"question": q, "response": ["旧"], "seq": 2}]}, content_type="application/json"
    )
    assert r.json() | {} and r.json()["stale"] == [2]
    assert Answer.objects.get(attempt_id=state["id"], question_id=q).response == ["新"]
    detail = client.get(f"/api/v1/exams/attempts/{state['id']}/").json()
    assert next(x for x in detail["questions"] if x["id"] == q)["seq"] == 4


def test_a_bad_item_is_refused_and_nothing_of_the_request_is_applied(client, world, ex, snapshot):
    sign_in(client, world.member_user)
    state = _start(client, ex)
    q = state["questions"][0]["id"]
    before = snapshot()
    r = client.post(
        f"/api/v1/exams/attempts/{state['id']}/answers/",
        {
            "answers": [
                {"question": q, "response": ["A"], "seq": 1},
                {"question": 999999, "response": [], "seq": 2},
            ]
        },
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "exams.bad_answer"
    assert snapshot() == before


def test_submit_grades_and_later_saves_get_409_with_the_status(client, world, ex):
    sign_in(client, world.member_user)
    state = _start(client, ex)
    items = [{"question": q["id"], "response": RIGHT[q["kind"]], "seq": 1} for q in state["questions"]]
    r = client.post(
        f"/api/v1/exams/attempts/{state['id']}/submit/", {"answers": items}, content_type="application/json"
    )
    body = r.json()
    assert r.status_code == 200 and body["status"] == "submitted" and Decimal(body["score"]) == Decimal("80")
    assert body["passed"] is None  # the short answer waits for a grader
    assert "questions" not in body  # the paper is read with GET, with the answers as saved
    paper = client.get(f"/api/v1/exams/attempts/{state['id']}/").json()["questions"]
    assert {q["id"]: q["response"] for q in paper} == {i["question"]: i["response"] for i in items}
    r = client.post(
        f"/api/v1/exams/attempts/{state['id']}/answers/",
        {"answers": [{"question": items[0]["question"], "response": ["B"], "seq": 9}]},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json() == r.json() | {
        "code": "exams.attempt_closed",
        "status": "submitted",
    }
    again = client.post(f"/api/v1/exams/attempts/{state['id']}/submit/", {}, content_type="application/json")
    assert again.status_code == 200 and again.json()["score"] == body["score"]


def test_leaving_the_page_is_counted(client, world, ex):
    sign_in(client, world.member_user)
    state = _start(client, ex)
    client.post(f"/api/v1/exams/attempts/{state['id']}/leave/", {}, content_type="application/json")
    r = client.post(f"/api/v1/exams/attempts/{state['id']}/leave/", {}, content_type="application/json")
    assert r.json() == {"leave_count": 2}
    assert Attempt.objects.get(pk=state["id"]).leave_count == 2


def test_another_persons_attempt_is_not_found(client, world, ex):
    sign_in(client, world.member_user)
    state = _start(client, ex)
    sign_in(client, world.secretary_a)
    assert client.get(f"/api/v1/exams/attempts/{state['id']}/").status_code == 404


def test_submitting_another_persons_attempt_is_not_found_and_changes_nothing(client, world, ex, snapshot):
    sign_in(client, world.member_user)
    state = _start(client, ex)
    sign_in(client, world.secretary_a)
    before = snapshot()
    r = client.post(f"/api/v1/exams/attempts/{state['id']}/submit/", {}, content_type="application/json")
    assert r.status_code == 404
    assert snapshot() == before
    assert Attempt.objects.get(pk=state["id"]).status == "open"


def test_organiser_reads_stats_and_grades_through_the_api(client, world, ex):
    sign_in(client, world.member_user)
    state = _start(client, ex)
    items = [{"question": q["id"], "response": RIGHT[q["kind"]], "seq": 1} for q in state["questions"]]
    client.post(
        f"/api/v1/exams/attempts/{state['id']}/submit/", {"answers": items}, content_type="application/json"
    )
    sign_in(client, world.officer)
    queue = client.get("/api/v1/exams/grading/").json()["results"]
    assert len(queue) == 1
    r = client.post(
        f"/api/v1/exams/grading/{queue[0]['id']}/grade/", {"score": "20"}, content_type="application/json"
    )
    assert r.status_code == 200
    stats = client.get(f"/api/v1/exams/exams/{ex.exam.pk}/stats/").json()
    assert stats["taken"] == 1 and stats["passed"] == 1 and stats["pass_rate"] == 100.0
    assert stats["orgs"][0]["org"] == "第一党支部"


def test_member_practises_through_the_api(client, world, ex):
    sign_in(client, world.member_user)
    practice = client.post(
        "/api/v1/exams/practice/", {"kind": "daily"}, content_type="application/json"
    ).json()
    assert 1 <= len(practice["questions"]) <= 5
    from dangjian.exams.models import Question

    q = Question.objects.get(pk=practice["questions"][0])
    wrong = {
        "single": lambda: [next(x for x in "ABC" if x not in q.answer)],
        "multiple": lambda: ["A"],
        "judge": lambda: ["false" if q.answer == ["true"] else "true"],
        "blank": lambda: ["错误答案"],
    }[q.kind]()
    r = client.post(
        f"/api/v1/exams/practice/{practice['id']}/answer/", {"question": q.pk, "response": wrong},
        content_type="application/json",
    )  # fmt: skip
    assert r.status_code == 200 and r.json()["correct"] is False
    mistakes = client.get("/api/v1/exams/mistakes/").json()
    assert [m["question"]["id"] for m in mistakes] == [q.pk]


def test_organiser_lists_each_takers_best_attempt_in_pages(client, world, ex):
    sign_in(client, world.member_user)
    state = _start(client, ex)
    client.post(f"/api/v1/exams/attempts/{state['id']}/submit/", {}, content_type="application/json")
    sign_in(client, world.officer)
    body = client.get(f"/api/v1/exams/exams/{ex.exam.pk}/attempts/").json()
    assert body["count"] == 1 and body["results"][0]["name"] == "党员甲"


def test_a_malformed_submit_body_is_refused_and_submits_nothing(client, world, ex):
    sign_in(client, world.member_user)
    state = _start(client, ex)
    url = f"/api/v1/exams/attempts/{state['id']}/submit/"
    for body in ({"answers": None}, [], {"answers": [{"question": "x"}]}):
        assert client.post(url, body, content_type="application/json").status_code == 400
    assert Attempt.objects.get(pk=state["id"]).status == "open"
    r = client.post(url, {"answers": []}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "submitted"
