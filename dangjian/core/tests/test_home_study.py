"""The home page gives a member their study at a glance: what is still to do, 学时 and today's points."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.urls import reverse

from conftest import sign_in
from dangjian.school import services as school
from dangjian.school.testing import make_course


def test_a_member_sees_the_required_course_still_to_do(client, world: SimpleNamespace) -> None:
    required = make_course(world.officer, world.committee, title="新党员入党第一课", kind="required")
    school.course_assign(
        actor=world.officer, course=required, org=world.branch_a, due_on=dt.date(2099, 6, 30)
    )
    make_course(world.officer, world.committee, title="选修课程")  # not assigned: not a task
    sign_in(client, world.member_user)
    page = client.get(reverse("core:home")).content.decode()
    todo = page[page.index('id="home-todo"') :]
    assert "新党员入党第一课" in todo and "选修课程" not in todo and "6月30日前" in todo
    study = page[page.index('id="home-study"') :]
    assert "/ 32 学时" in study and "今日积分" in study


def test_an_account_without_a_member_record_has_no_study_block(client, world: SimpleNamespace) -> None:
    sign_in(client, world.officer)
    assert 'id="home-study"' not in client.get(reverse("core:home")).content.decode()
