"""The demo content: six people at different stages in zhibu1's branch, one overdue."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from conftest import make_user
from dangjian.access import services as access_services
from dangjian.development import demo_content, selectors
from dangjian.development.models import Development, Status
from dangjian.members.models import Member


def test_demo_fills_the_board_of_zhibu1_with_one_overdue(world: Any) -> None:
    zhibu1 = make_user("zhibu1", "演示书记")
    access_services.grant_create(
        actor=None, user=zhibu1, role="branch_secretary", org=world.branch_a, bootstrap=True
    )
    line = demo_content.seed(seed=7)
    assert line.startswith(f"发展党员：{world.branch_a.label} 6人"), line
    devs = {d.name: d for d in Development.objects.filter(org=world.branch_a)}
    assert {d.stage for d in devs.values()} == {"applicant", "activist", "candidate", "probationary", "full"}
    assert devs["周文博"].status == Status.ARCHIVED and devs["周文博"].steps.count() == 25
    assert Member.objects.get(pk=devs["周文博"].member_id).status == "full"
    assert Member.objects.get(pk=devs["吴子涵"].member_id).status == "probationary"
    board = selectors.board(user=world.officer, org=world.committee, today=timezone.localdate())
    assert [i.development.name for i in board.overdue] == ["林晓彤"]
    assert any(i.development.name == "吴子涵" and i.deadline.code == "probation_end" for i in board.upcoming)
    assert "未重复生成" in demo_content.seed(seed=7)


def test_demo_without_the_demo_accounts_does_nothing(world: Any) -> None:
    assert "跳过" in demo_content.seed(seed=1)
    assert not Development.objects.exists()
