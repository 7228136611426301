from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from conftest import make_user
from dangjian.appraisal import services
from dangjian.appraisal.models import Appraisal, LifeMeeting, Participant
from dangjian.members.models import Member
from dangjian.orgs.models import Position

YEAR = 2026


@pytest.fixture
def people(world: Any) -> SimpleNamespace:
    """第一党支部's members with accounts: 党员甲 (world.member_user), 李四, 王五 (预备党员); 李四 is the
    书记 and
    党员甲 the 组织委员 (so the branch has a 支委会 of two for 谈心谈话)."""
    li = Member.objects.get(org=world.branch_a, name="李四")
    wang = world.probationary
    li.user = make_user("lisi", "李四")
    li.save(update_fields=["user"])
    wang.user = make_user("wangwu", "王五")
    wang.save(update_fields=["user"])
    Position.objects.create(org=world.branch_a, member=li, title="secretary", started_on=dt.date(2024, 1, 10))
    Position.objects.create(
        org=world.branch_a, member=world.member, title="organisation_member", started_on=dt.date(2024, 1, 10)
    )
    return SimpleNamespace(jia=world.member, li=li, wang=wang, jia_user=world.member_user, li_user=li.user,
                           wang_user=wang.user)  # fmt: skip


@pytest.fixture
def appraisal(world: Any, people: Any) -> Appraisal:
    return services.appraisal_open(actor=world.secretary_a, org=world.branch_a, year=YEAR)


def part(appraisal: Appraisal, member: Member) -> Participant:
    return Participant.objects.get(appraisal=appraisal, member=member)


@pytest.fixture
def life_meeting(world: Any, people: Any) -> LifeMeeting:
    return services.life_meeting_create(
        actor=world.secretary_a,
        org=world.branch_a,
        year=YEAR,
        topic="学习贯彻党的二十届四中全会精神专题组织生活会",
    )
