"""The development API: the same services as the pages, with the refusals as codes and Chinese messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from conftest import make_id_number, sign_in
from dangjian.development.models import Development, DevelopmentStep


def _post(client: Any, name: str, data: dict[str, Any], **kw: Any) -> Any:
    return client.post(reverse(name, kwargs=kw or None), data, content_type="application/json")


def test_create_step_vote_and_board_through_the_api(client: Any, world: Any, people: Any) -> None:
    sign_in(client, world.secretary_a)
    response = _post(
        client,
        "development-list",
        {"org": world.branch_a.pk, "name": "接口申请人", "id_number": make_id_number(dt.date(2001, 2, 3)),
         "applied_on": "2024-01-05"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stage"] == "applicant" and body["next_step"] == 2 and "id_number" not in body
    assert body["deadlines"][0]["code"] == "talk"
    pk = body["id"]
    response = _post(
        client, "development-step", {"number": 2, "done_on": "2024-01-20", "responsible": "书记甲"}, pk=pk
    )
    assert response.status_code == 201 and response.json()["title"] == "② 党组织派人谈话"
    response = _post(client, "development-step", {"number": 5, "done_on": "2024-01-20"}, pk=pk)
    assert response.status_code == 400 and response.json()["code"] == "development.out_of_order"
    for n in range(3, 15):
        DevelopmentStep.objects.create(development_id=pk, number=n, done_on=dt.date(2024, 2, 1))
    response = _post(
        client,
        "development-vote",
        {"held_on": "2024-03-01", "present": [people.jia.pk, people.li.pk], "yes": 2,
         "publicity_started_on": "2024-02-20"},
        pk=pk,
    )  # fmt: skip
    assert response.status_code == 201 and response.json()["passed"] is True
    # the 上级党委's approval is not the secretary's
    response = _post(client, "development-approve", {"approved_on": "2024-03-10"}, pk=pk)
    assert response.status_code == 403
    board = client.get(reverse("development-board")).json()
    assert board["totals"] == {"applicant": 1} and board["rows"][0]["org"] == world.branch_a.pk
    listed = client.get(reverse("development-list") + "?stage=applicant").json()
    assert [d["name"] for d in listed["results"]] == ["接口申请人"]


def test_approval_and_practice_by_the_officer(client: Any, world: Any, people: Any) -> None:
    sign_in(client, world.officer)
    response = _post(
        client,
        "development-practice",
        {"org": world.committee.pk, "publicity_days": 0, "activist_min_months": 0, "review_valid_months": 12,
         "thought_report_months": 3, "notice_days": 30},
    )  # fmt: skip
    assert response.status_code == 200
    assert (
        client.get(reverse("development-practice") + f"?org={world.branch_a.pk}").json()["publicity_days"]
        == 0
    )
    dev = Development.objects.create(
        org=world.branch_a, name="审批人", gender="male", id_number=make_id_number(dt.date(1995, 5, 5)),
        id_number_index="x", birth_date=dt.date(1995, 5, 5), applied_on=dt.date(2023, 1, 1),
        resolution_on=dt.date(2024, 3, 1),
    )  # fmt: skip
    for n in range(1, 17):
        DevelopmentStep.objects.create(development=dev, number=n, done_on=dt.date(2024, 3, 1))
    response = _post(client, "development-approve", {"approved_on": "2024-06-02"}, pk=dev.pk)
    assert response.status_code == 400 and response.json()["code"] == "development.extension_reason"
    response = _post(client, "development-approve", {"approved_on": "2024-06-01"}, pk=dev.pk)
    assert response.status_code == 200 and response.json()["stage"] == "probationary"
    assert response.json()["member"] is not None
