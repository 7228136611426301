from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from conftest import make_id_number
from dangjian.development import services
from dangjian.development.models import Development
from dangjian.members.models import Member

APPLICANT_BIRTH = dt.date(2000, 4, 12)


@pytest.fixture
def people(world: Any) -> SimpleNamespace:
    """第一党支部: 党员甲 and 李四 are 正式党员, 王五 is a 预备党员."""
    return SimpleNamespace(
        jia=world.member,
        li=Member.objects.get(org=world.branch_a, name="李四"),
        wang=world.probationary,
    )


@pytest.fixture
def applicant(world: Any) -> Development:
    """张小明 applied on 2023-09-01 in 第一党支部 (recorded by the secretary)."""
    return services.development_create(
        actor=world.secretary_a,
        org=world.branch_a,
        name="张小明",
        id_number=make_id_number(APPLICANT_BIRTH, "male"),
        applied_on=dt.date(2023, 9, 1),
        education="bachelor",
        category="professional",
        job_title="技术员",
        phone="13900139000",
    )
