"""The appraisal API: members vote and self-assess through it; counts only after closing; the guard."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from conftest import sign_in
from dangjian.appraisal import services
from dangjian.appraisal.models import Participant

from .conftest import part


def _ballot(client, appraisal, me, grade="qualified"):
    others = Participant.objects.filter(appraisal=appraisal).exclude(member=me)
    return client.post(
        reverse("appraisal-ballot"),
        {"appraisal": appraisal.pk, "ratings": [{"participant": p.pk, "grade": grade} for p in others]},
        content_type="application/json",
    )


def test_members_vote_through_the_api_and_the_tally_opens_only_after_closing(
    client, world, people, appraisal
):
    for user, me in (
        (people.jia_user, people.jia),
        (people.li_user, people.li),
        (people.wang_user, people.wang),
    ):
        client.logout()
        sign_in(client, user)
        response = _ballot(client, appraisal, me)
        assert response.status_code == 201, response.content
        assert "grade" not in response.content.decode()
    assert _ballot(client, appraisal, people.wang).json()["code"] == "appraisal.already_voted"
    client.logout()
    sign_in(client, world.secretary_a)
    assert client.get(reverse("appraisal-tally", args=[appraisal.pk])).status_code == 409
    assert client.post(reverse("appraisal-close", args=[appraisal.pk])).status_code == 200
    tally = client.get(reverse("appraisal-tally", args=[appraisal.pk])).json()
    assert tally["cast"] == 3 and tally["participation_rate"] == 100 and tally["excellent_limit"] == 1
    assert all(r["qualified"] == 2 for r in tally["rows"])


def test_the_api_refuses_too_many_excellent_without_a_reason(client, world, people, appraisal):
    services.rating_close(actor=world.secretary_a, appraisal=appraisal)
    sign_in(client, world.secretary_a)
    grades = [
        {"participant": p.pk, "grade": "excellent"} for p in Participant.objects.filter(appraisal=appraisal)
    ]
    response = client.post(
        reverse("appraisal-propose", args=[appraisal.pk]),
        {"proposed_on": str(dt.date.today()), "grades": grades},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "appraisal.too_many_excellent"


def test_a_member_reads_his_own_line_without_the_proposed_grade(client, world, people, appraisal):
    services.rating_close(actor=world.secretary_a, appraisal=appraisal)
    grades = {p.pk: "qualified" for p in Participant.objects.filter(appraisal=appraisal)}
    services.grades_propose(
        actor=world.secretary_a, appraisal=appraisal, grades=grades, proposed_on=dt.date.today()
    )
    sign_in(client, people.jia_user)
    rows = client.get(reverse("appraisal-participant-list")).json()["results"]
    assert [r["member_name"] for r in rows] == ["党员甲"]
    assert rows[0]["proposed_grade"] == "" and rows[0]["final_grade"] == ""
    mine = client.get(reverse("appraisal-mine")).json()
    assert mine["participations"][0]["appraisal"] == appraisal.pk


def test_member_writes_a_self_assessment_through_the_api(client, world, people, appraisal):
    sign_in(client, people.wang_user)
    response = client.post(
        reverse("appraisal-self-assessment"),
        {"appraisal": appraisal.pk, "text": "预备期内按时参加组织生活。", "self_grade": "qualified"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert part(appraisal, people.wang).self_grade == "qualified"
