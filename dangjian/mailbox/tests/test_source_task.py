"""转督办整改: a handler of a letter or a 随手拍 case who may assign supervised tasks turns it into one, from
the pages and the API; the task links back without anything about the writer; one open task per source."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import make_user
from dangjian.access import services as access_services
from dangjian.audit.models import AuditEntry
from dangjian.core.errors import BusinessError
from dangjian.mailbox.tests.helpers import letter, report
from dangjian.supervision import services
from dangjian.supervision.models import Rectification

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DEADLINE = TODAY + dt.timedelta(days=20)
SIGNED_NAME = "王某某署名"
CONTACT = "13800138123"


def _create(world: Any, source: Any, kind: str = "letter", **kw: Any) -> Rectification:
    actor = kw.pop("actor", world.officer)
    args = {"org": world.branch_a, "deadline": DEADLINE} | kw
    return services.rectification_from_source(actor=actor, source_type=kind, source_id=source.pk, **args)


def _to_committee(world: Any, **kw: Any) -> Any:
    """A letter addressed to 一公司党委: the officer handles it and manages supervision over the committee."""
    item, _ = letter(world, org=world.committee, **kw)
    return item


# --------------------------------------------------------------------------------------------------------
# The service


def test_the_officer_turns_a_letter_into_a_task_for_a_branch_below(world: Any) -> None:
    item = _to_committee(world)
    task = _create(world, item)
    assert (task.source_kind, task.source_id, task.source_ref) == ("letter", item.pk, item.short_no)
    assert task.org == world.branch_a and task.supervisor == world.committee and task.status == "assigned"
    assert task.title == "书记信箱来信：反映车间主任上班离岗"
    assert task.description == "车间主任经常上班时间离岗，请核实。"
    assert task.evidence_required == services.DEFAULT_EVIDENCE and task.created_by == world.officer
    entry = AuditEntry.objects.get(action="supervision.rectification.create")
    assert entry.target_id == str(task.pk) and entry.actor == world.officer
    assert entry.changes["source"] == "letter" and entry.changes["source_id"] == str(item.pk)


def test_a_case_becomes_a_task_with_its_place_and_the_handler_may_rewrite_the_text(world: Any) -> None:
    case, _ = report(world, org=world.committee, location="二号楼")
    task = _create(world, case, "snapshot", org=world.committee, title="消防通道整改", description="")
    assert task.source_kind == "snapshot" and task.source_id == case.pk and task.title == "消防通道整改"
    assert task.description == "消防通道被堵塞（位置：二号楼）"


def test_a_second_open_task_is_refused_and_nothing_changes(world: Any, snapshot: Any) -> None:
    item = _to_committee(world)
    first = _create(world, item)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        _create(world, item, org=world.branch_b)
    assert exc.value.code == "supervision.already_tasked" and "该来信已转为督办整改任务" in exc.value.message
    assert snapshot() == before
    # Once the first one is 销号, the letter may be turned into a new task.
    Rectification.objects.filter(pk=first.pk).update(status="accepted")
    assert _create(world, item, org=world.branch_b).pk != first.pk


def test_the_database_keeps_one_open_task_per_source_even_past_the_check(world: Any) -> None:
    from django.db import IntegrityError, transaction

    item = _to_committee(world)
    task = _create(world, item)
    task.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        task.save()


def test_a_handler_who_may_not_assign_tasks_is_refused_and_nothing_changes(world: Any, snapshot: Any) -> None:
    item, _ = letter(world)  # to branch_a: secretary_a handles it, with supervision.rectify only
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        _create(world, item, actor=world.secretary_a)
    assert exc.value.code == "supervision.out_of_scope"
    assert snapshot() == before


@pytest.mark.parametrize("who", ["secretary_b", "outsider"])
def test_who_does_not_handle_the_letter_is_refused_and_nothing_changes(
    world: Any, snapshot: Any, who: str
) -> None:
    item = _to_committee(world)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        _create(world, item, actor=getattr(world, who))
    assert exc.value.code == "supervision.source_not_found"
    assert snapshot() == before


def test_the_officer_cannot_task_a_letter_of_a_branch_whose_letters_he_does_not_handle(
    world: Any, snapshot: Any
) -> None:
    item, _ = letter(world)  # to branch_a: the officer's grant is at the committee above
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        _create(world, item)
    assert exc.value.code == "supervision.source_not_found"
    assert snapshot() == before


@pytest.mark.parametrize("target", ["branch_c", "group_a", "root"])
def test_the_responsible_organisation_must_be_the_addressee_or_below_it(
    world: Any, snapshot: Any, target: str
) -> None:
    item = _to_committee(world)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        _create(world, item, org=getattr(world, target))
    assert exc.value.code == "supervision.out_of_scope"
    assert snapshot() == before


def test_a_past_deadline_and_an_unknown_source_are_refused(world: Any, snapshot: Any) -> None:
    item = _to_committee(world)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        _create(world, item, deadline=TODAY - dt.timedelta(days=1))
    assert exc.value.code == "supervision.past_deadline"
    with pytest.raises(BusinessError) as exc:
        _create(world, item, "warning")
    assert exc.value.code == "supervision.bad_source"
    with pytest.raises(BusinessError) as exc:
        services.rectification_from_source(
            actor=world.officer, source_type="letter", source_id="nope", org=world.branch_a, deadline=DEADLINE
        )
    assert exc.value.code == "supervision.source_not_found"
    assert snapshot() == before


def test_the_letters_assignee_answers_for_a_task_of_the_letters_own_organisation(world: Any) -> None:
    discipline = make_user("jijian_a", "纪检委员甲")
    access_services.grant_create(
        actor=None, user=discipline, role="discipline_officer", org=world.branch_a, bootstrap=True
    )
    item, _ = letter(world)
    item.assignee = world.secretary_a  # a handler of branch_a with supervision.rectify there
    item.save(update_fields=["assignee"])
    task = _create(world, item, actor=discipline)
    assert task.responsible == world.secretary_a and task.supervisor == world.branch_a


# --------------------------------------------------------------------------------------------------------
# The pages


def test_the_button_shows_only_to_a_handler_who_may_assign_tasks(world: Any, login: Any) -> None:
    item = _to_committee(world)
    page = login(world.officer).get(reverse("mailbox:letter_detail", args=[item.pk]))
    assert page.status_code == 200 and "转督办整改" in page.content.decode()
    mine, _ = letter(world)
    page = login(world.secretary_a).get(reverse("mailbox:letter_detail", args=[mine.pk]))
    assert page.status_code == 200 and "转督办整改" not in page.content.decode()
    assert login(world.secretary_a).get(reverse("mailbox:letter_task", args=[mine.pk])).status_code == 403


def test_the_form_is_prefilled_creates_the_task_and_the_letter_shows_it(world: Any, login: Any) -> None:
    item = _to_committee(world)
    client = login(world.officer)
    url = reverse("mailbox:letter_task", args=[item.pk])
    form = client.get(url)
    text = form.content.decode()
    assert form.status_code == 200 and "书记信箱来信：反映车间主任上班离岗" in text
    assert "车间主任经常上班时间离岗" in text and form["Cache-Control"] == "no-store"
    choices = {pk for pk, _ in form.context["form"].fields["org"].choices}
    assert choices == {world.committee.pk, world.branch_a.pk, world.branch_b.pk}  # not the 党小组
    data = {
        "org": world.branch_a.pk,
        "title": "整改离岗问题",
        "description": "请核实并整改",
        "deadline": DEADLINE.isoformat(),
        "evidence_required": "考勤记录",
    }
    done = client.post(url, data)
    assert done.status_code == 302 and done["Location"] == reverse("mailbox:letter_detail", args=[item.pk])
    task = Rectification.objects.get()
    assert (task.title, task.org, task.source_id) == ("整改离岗问题", world.branch_a, item.pk)
    detail = client.get(reverse("mailbox:letter_detail", args=[item.pk])).content.decode()
    assert reverse("supervision:task_detail", args=[task.pk]) in detail and "待整改" in detail
    assert 'id="source-task-button"' not in detail  # one open task: no second button
    again = client.post(url, data)
    assert again.status_code == 200 and Rectification.objects.count() == 1
    assert "已转为督办整改任务" in again.content.decode()


def test_a_bad_form_changes_nothing(world: Any, login: Any, snapshot: Any) -> None:
    item = _to_committee(world)
    client = login(world.officer)
    before = snapshot()
    bad = client.post(
        reverse("mailbox:letter_task", args=[item.pk]),
        {"org": world.branch_c.pk, "title": "x", "description": "y", "deadline": DEADLINE.isoformat()},
    )
    assert bad.status_code == 200 and bad.context["form"].errors
    after = snapshot()
    after.pop("audit.AuditEntry"), before.pop("audit.AuditEntry")
    assert after == before


def test_a_case_is_turned_from_its_page_and_the_task_links_back_for_handlers_only(
    world: Any, login: Any
) -> None:
    case, _ = report(world, org=world.committee)
    client = login(world.officer)
    page = client.get(reverse("mailbox:snapshot_detail", args=[case.pk])).content.decode()
    assert reverse("mailbox:snapshot_task", args=[case.pk]) in page
    done = client.post(
        reverse("mailbox:snapshot_task", args=[case.pk]),
        {
            "org": world.branch_a.pk,
            "title": "疏通消防通道",
            "description": "消防通道被堵塞",
            "deadline": DEADLINE.isoformat(),
            "evidence_required": "现场照片",
        },
    )
    assert done.status_code == 302
    task = Rectification.objects.get()
    task_page = client.get(reverse("supervision:task_detail", args=[task.pk])).content.decode()
    assert reverse("mailbox:snapshot_detail", args=[case.pk]) in task_page and "随手拍" in task_page
    # The branch sees its task, its source kind and number, not a way into the committee's mailbox.
    theirs = login(world.secretary_a).get(reverse("supervision:task_detail", args=[task.pk])).content.decode()
    assert case.short_no in theirs and reverse("mailbox:snapshot_detail", args=[case.pk]) not in theirs


def test_the_task_never_shows_who_wrote_the_letter(world: Any, login: Any) -> None:
    signed = _to_committee(world, anonymous=False, signed_name=SIGNED_NAME, contact=CONTACT)
    anonymous = _to_committee(world, subject="反映食堂问题", body="食堂卫生差。")
    for item, org in ((signed, world.branch_a), (anonymous, world.branch_b)):
        task = _create(world, item, org=org)
        for user in (world.officer, world.secretary_a if org == world.branch_a else world.secretary_b):
            page = login(user).get(reverse("supervision:task_detail", args=[task.pk])).content.decode()
            assert SIGNED_NAME not in page and CONTACT not in page and "匿名" not in page
        api = APIClient()
        api.force_authenticate(world.officer)
        body = api.get(f"/api/v1/supervision/tasks/{task.pk}/").content.decode()
        assert SIGNED_NAME not in body and CONTACT not in body
    values = [str(v) for row in Rectification.objects.values() for v in row.values()]
    assert not any(SIGNED_NAME in v or CONTACT in v for v in values)


# --------------------------------------------------------------------------------------------------------
# The API


def test_the_api_turns_a_letter_and_a_case_into_tasks_once(world: Any) -> None:
    api = APIClient()
    api.force_authenticate(world.officer)
    item = _to_committee(world)
    url = f"/api/v1/mailbox/letters/{item.pk}/task/"
    made = api.post(url, {"org": world.branch_a.pk, "deadline": DEADLINE.isoformat()}, format="json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["source_kind"] == "letter" and body["source_id"] == str(item.pk)
    assert body["title"] == "书记信箱来信：反映车间主任上班离岗" and body["org"] == world.branch_a.pk
    again = api.post(url, {"org": world.branch_b.pk, "deadline": DEADLINE.isoformat()}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "supervision.already_tasked"
    shown = api.get(f"/api/v1/mailbox/letters/{item.pk}/").json()["task"]
    assert shown["id"] == body["id"] and shown["status"] == "assigned" and shown["is_open"] is True
    case, _ = report(world, org=world.committee)
    made = api.post(
        f"/api/v1/mailbox/snapshots/{case.pk}/task/",
        {"org": world.committee.pk, "deadline": DEADLINE.isoformat(), "evidence_required": "照片"},
        format="json",
    )
    assert made.status_code == 201 and made.json()["source_kind"] == "snapshot"
    assert api.get(f"/api/v1/mailbox/snapshots/{case.pk}/").json()["task"]["id"] == made.json()["id"]
    assert Rectification.objects.count() == 2


def test_the_api_refuses_without_the_right_and_outside_the_scope(world: Any, snapshot: Any) -> None:
    item, _ = letter(world)
    mine = _to_committee(world)
    secretary, officer = APIClient(), APIClient()
    secretary.force_authenticate(world.secretary_a)
    officer.force_authenticate(world.officer)
    payload = {"org": world.branch_a.pk, "deadline": DEADLINE.isoformat()}
    before = snapshot()
    assert (
        secretary.post(f"/api/v1/mailbox/letters/{item.pk}/task/", payload, format="json").status_code == 403
    )
    assert officer.post(f"/api/v1/mailbox/letters/{item.pk}/task/", payload, format="json").status_code == 404
    outside = {"org": world.branch_c.pk, "deadline": DEADLINE.isoformat()}
    assert officer.post(f"/api/v1/mailbox/letters/{mine.pk}/task/", outside, format="json").status_code == 404
    past = {"org": world.branch_a.pk, "deadline": (TODAY - dt.timedelta(days=2)).isoformat()}
    late = officer.post(f"/api/v1/mailbox/letters/{mine.pk}/task/", past, format="json")
    assert late.status_code == 400 and late.json()["code"] == "supervision.past_deadline"
    assert snapshot() == before
    assert officer.get(f"/api/v1/mailbox/letters/{mine.pk}/").json()["task"] is None


def test_a_declined_case_cannot_become_a_task_anywhere(world: Any, login: Any, snapshot: Any) -> None:
    from dangjian.mailbox import services as mailbox_services
    from dangjian.mailbox.models import CaseStatus

    case, _ = report(world, org=world.committee)
    mailbox_services.snapshot_advance(
        actor=world.officer, report=case, to=CaseStatus.DECLINED, note="非本单位事项"
    )
    client = login(world.officer)
    page = client.get(reverse("mailbox:snapshot_detail", args=[case.pk])).content.decode()
    assert 'id="source-task-button"' not in page
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        _create(world, case, "snapshot", org=world.committee)
    assert (
        exc.value.code == "supervision.source_closed"
        and exc.value.message == "该随手拍不予受理，不能转督办整改"
    )
    posted = client.post(
        reverse("mailbox:snapshot_task", args=[case.pk]),
        {
            "org": world.committee.pk,
            "title": "疏通消防通道",
            "description": "消防通道被堵塞",
            "deadline": DEADLINE.isoformat(),
            "evidence_required": "现场照片",
        },
    )
    assert posted.status_code == 200 and "该随手拍不予受理，不能转督办整改" in posted.content.decode()
    api = APIClient()
    api.force_authenticate(world.officer)
    refused = api.post(
        f"/api/v1/mailbox/snapshots/{case.pk}/task/",
        {"org": world.committee.pk, "deadline": DEADLINE.isoformat()},
        format="json",
    )
    assert refused.status_code in (400, 409) and "不予受理" in refused.json()["detail"]
    assert snapshot() == before
    form = client.get(reverse("mailbox:snapshot_task", args=[case.pk]), follow=True)
    assert "该随手拍不予受理，不能转督办整改" in form.content.decode()
