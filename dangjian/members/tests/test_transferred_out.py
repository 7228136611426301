"""已转出: a record off the roll because its 组织关系 left the platform. Lists default to the roll, the filter
已转出 finds these records for those in scope, and nothing records it as an exit by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from dangjian.core.errors import BusinessError
from dangjian.members import services
from dangjian.members.models import ChangeKind, Member

ON = dt.date(2026, 5, 8)


def _out(world: Any, member: Any = None) -> Member:
    return services.member_transfer_out(
        actor=world.secretary_a, member=member or world.member, on=ON, transfer_id=7, to_org_name="某区委"
    )


def test_transfer_out_keeps_the_record_and_its_dated_history(world: Any) -> None:
    services.member_start_mobile(actor=world.secretary_a, member=world.member, on=ON, destination="上海")
    m = _out(world)
    assert (m.exit_kind, m.exited_on, m.mobile, m.get_exit_kind_display()) == (
        "transferred_out",
        ON,
        False,
        "已转出",
    )
    kinds = set(m.history.values_list("kind", flat=True))
    assert {ChangeKind.MOBILE_STARTED, ChangeKind.MOBILE_ENDED, ChangeKind.TRANSFERRED_OUT} <= kinds
    assert ChangeKind.EXITED not in kinds


def test_a_record_already_off_the_roll_cannot_be_transferred_out_again(world: Any, snapshot: Any) -> None:
    _out(world)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        _out(world, Member.objects.get(pk=world.member.pk))
    assert exc.value.code == "members.transferred_out"
    assert snapshot() == before


def test_the_exit_form_cannot_record_a_transfer_out_by_hand(world: Any, snapshot: Any) -> None:
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.member_exit(
            actor=world.secretary_a, member=world.member, kind="transferred_out", on=ON, reason="转走"
        )
    assert exc.value.code == "members.use_transfer"
    assert snapshot() == before


def test_status_changes_on_a_transferred_out_record_are_refused(world: Any, snapshot: Any) -> None:
    m = _out(world)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.member_exit(actor=world.secretary_a, member=m, kind="deceased", on=ON, reason="病故")
    assert exc.value.code == "members.transferred_out"
    assert snapshot() == before


def test_the_list_shows_the_roll_and_the_transferred_out_filter_shows_them(world: Any, login: Any) -> None:
    _out(world)
    client = login(world.secretary_a)
    page = client.get(reverse("members:member_list")).content.decode()
    assert "党员甲" not in page and "李四" in page
    page = client.get(reverse("members:member_list"), {"transferred_out": "true"}).content.decode()
    assert "党员甲" in page and "已转出" in page and "李四" not in page
    detail = client.get(reverse("members:member_detail", args=[world.member.pk])).content.decode()
    assert "已转出" in detail and "组织关系转出日期" in detail and "组织关系转出" in detail


def test_other_branches_do_not_see_the_transferred_out_record(world: Any, login: Any) -> None:
    _out(world)
    client = login(world.secretary_b)
    page = client.get(reverse("members:member_list"), {"transferred_out": "true"}).content.decode()
    assert "党员甲" not in page
    assert client.get(reverse("members:member_detail", args=[world.member.pk])).status_code == 404


def test_the_api_lists_the_roll_by_default_and_the_transferred_out_on_request(world: Any, login: Any) -> None:
    _out(world)
    client = login(world.officer)
    names = {m["name"] for m in client.get(reverse("member-list")).json()["results"]}
    assert "党员甲" not in names and "李四" in names
    rows = client.get(reverse("member-list"), {"transferred_out": "true"}).json()["results"]
    assert [(m["name"], m["exit_kind"]) for m in rows] == [("党员甲", "transferred_out")]
