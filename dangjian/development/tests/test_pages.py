"""Pages of 发展党员: the board, roster, export, the process page and its forms."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
from django.urls import reverse

from conftest import make_id_number
from dangjian.development.models import Development, DevelopmentVote
from dangjian.development.tests.test_services import _admitted
from dangjian.members.models import Member

D = dt.date


def test_board_list_and_export(world: Any, people: Any, applicant: Development, login: Any) -> None:
    _admitted(world, people)
    client = login(world.officer)
    page = client.get(reverse("development:board")).content.decode()
    assert (
        "发展党员看板" in page
        and 'data-stage="applicant">1<' in page
        and 'data-stage="probationary">1<' in page
    )
    assert "党组织派人谈话" in page  # the applicant's talk is overdue
    roster = client.get(
        reverse("development:list") + f"?org={world.branch_a.pk}&stage=applicant"
    ).content.decode()
    assert "张小明" in roster and "李延长" not in roster
    response = client.get(reverse("development:export") + f"?org={world.committee.pk}")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    names = {row[1] for row in values}
    assert {"张小明", "李延长"} <= names
    assert applicant.id_number not in str(values)  # masked
    assert client.get(reverse("development:board") + f"?org={world.branch_c.pk}").status_code == 404


def test_create_and_record_steps_on_the_page(world: Any, people: Any, login: Any) -> None:
    client = login(world.secretary_a)
    response = client.post(
        reverse("development:create"),
        {"org": world.branch_a.pk, "name": "孙页面", "id_number": make_id_number(D(2001, 1, 1)),
         "applied_on": "2024-01-05", "ethnicity": "汉族"},
    )  # fmt: skip
    dev = Development.objects.get(name="孙页面")
    assert response.status_code == 302
    page = client.get(reverse("development:detail", args=[dev.pk])).content.decode()
    assert "下一步：② 党组织派人谈话" in page
    response = client.post(
        reverse("development:step", args=[dev.pk]),
        {"number": 2, "done_on": "2024-02-20", "responsible": "书记甲"},
    )
    assert response.status_code == 302
    page = client.get(reverse("development:detail", args=[dev.pk])).content.decode()
    assert "谈话晚于规定期限" in page


def test_refused_introducer_shows_the_reason(world: Any, people: Any, login: Any, snapshot: Any) -> None:
    fresh = _admitted_until(world, people, 8)
    client = login(world.secretary_a)
    before = snapshot()
    response = client.post(
        reverse("development:step", args=[fresh.pk]),
        {"number": 9, "done_on": "2023-03-03", "introducer_ids": [people.jia.pk, people.wang.pk]},
    )
    assert response.status_code == 400
    assert "王五不是正式党员，不能作入党介绍人" in response.content.decode()
    assert snapshot() == before


def test_step_19_form_offers_the_branch_groups(world: Any, people: Any, login: Any) -> None:
    dev = _admitted(world, people, upto=18)
    client = login(world.secretary_a)
    page = client.get(reverse("development:detail", args=[dev.pk])).content.decode()
    assert "编入党小组" in page and world.group_a.label in page
    response = client.post(
        reverse("development:step", args=[dev.pk]),
        {"number": 19, "done_on": "2024-06-10", "group": world.group_a.pk},
    )
    assert response.status_code == 302
    assert Member.objects.get(pk=dev.member_id).group == world.group_a


def _admitted_until(world: Any, people: Any, last: int) -> Development:
    from dangjian.development import services
    from dangjian.development.models import DevelopmentStep

    dev = services.development_create(
        actor=world.secretary_a, org=world.branch_a, name="周介绍", id_number=make_id_number(D(1997, 2, 2)),
        applied_on=D(2022, 1, 5),
    )  # fmt: skip
    for n in range(2, last + 1):
        DevelopmentStep.objects.create(development=dev, number=n, done_on=D(2023, 3, 1))
    return dev


def test_vote_page_tallies(world: Any, people: Any, login: Any) -> None:
    """(政审 on 2023-03-01 stays valid a year: the 支部大会 is held within it.)"""
    dev = _admitted_until(world, people, 14)
    client = login(world.secretary_a)
    assert "计票并登记" in client.get(reverse("development:vote", args=[dev.pk])).content.decode()
    response = client.post(
        reverse("development:vote", args=[dev.pk]),
        {"held_on": "2024-02-20", "present": [people.jia.pk, people.li.pk], "yes": 2, "no": 0, "abstain": 0,
         "publicity_started_on": "2024-02-10"},
    )  # fmt: skip
    assert response.status_code == 302
    vote = DevelopmentVote.objects.get(development=dev)
    assert vote.passed and vote.expected == 2
    # the vote page is closed once the vote has passed
    assert client.get(reverse("development:vote", args=[dev.pk])).status_code == 302


def test_practice_page(world: Any, login: Any) -> None:
    client = login(world.officer)
    assert "本地规定" in client.get(reverse("development:practice")).content.decode()
    response = client.post(
        reverse("development:practice") + f"?org={world.committee.pk}",
        {"publicity_days": 7, "activist_min_months": 6, "review_valid_months": 12, "thought_report_months": 3,
         "notice_days": 30},
    )  # fmt: skip
    assert response.status_code == 302
    from dangjian.development.models import LocalPractice

    assert LocalPractice.objects.get(org=world.committee).publicity_days == 7


def test_bad_parameters_answer_404_not_an_error(world: Any, people: Any, login: Any) -> None:
    c = login(world.officer)
    for url in ("development:board", "development:list", "development:practice"):
        assert c.get(reverse(url) + "?org=99999999999999999999999").status_code == 404
    assert c.get(reverse("development-board") + "?org=99999999999999999999999").status_code == 404
    assert c.get(reverse("development-list") + "?org=99999999999999999999999").json()["results"] == []
    fresh = _admitted_until(world, people, 1)
    response = c.post(reverse("development:step", args=[fresh.pk]), {"number": "x9", "done_on": "2024-01-01"})
    assert response.status_code == 404
