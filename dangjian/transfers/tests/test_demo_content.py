"""The demo content: transfers in each state for zhibu1 and zhibu2, and one 流动党员."""

from __future__ import annotations

from typing import Any

from conftest import make_member
from dangjian.transfers import demo_content
from dangjian.transfers.models import MobileRegistration, Transfer


def test_demo_seeds_transfers_in_various_states_for_the_demo_branches(world: Any) -> None:
    world.secretary_a.username, world.secretary_b.username = "zhibu1", "zhibu2"
    world.secretary_a.save(update_fields=["username"])
    world.secretary_b.save(update_fields=["username"])
    for n in range(4):
        make_member(world.branch_a, f"甲支部{n}")
        make_member(world.branch_b, f"乙支部{n}")
    line = demo_content.seed(seed=7)
    assert line.startswith("组织关系转接：6件"), line
    states = {(t.kind, t.status, t.from_org_id, t.to_org_id) for t in Transfer.objects.all()}
    a, b = world.branch_a.pk, world.branch_b.pk
    assert ("outside", "requested", a, None) in states  # pending zhibu1's approval
    assert ("internal", "branch_approved", a, b) in states  # pending the committee
    assert ("internal", "accepted", a, b) in states  # incoming for zhibu2, to report
    assert ("internal", "completed", b, a) in states
    assert ("incoming", "reported", None, a) in states  # from outside, 回执 to send
    assert ("national", "issued", b, None) in states
    completed = Transfer.objects.get(status="completed")
    assert completed.member.org_id == a  # the record moved
    incoming = Transfer.objects.get(kind="incoming")
    assert incoming.member.status == "probationary" and incoming.member.dues_paid_until is not None
    assert MobileRegistration.objects.get().member.mobile
    assert "未重复生成" in demo_content.seed(seed=7)


def test_demo_without_the_demo_accounts_does_nothing(world: Any) -> None:
    assert "跳过" in demo_content.seed(seed=1)
    assert not Transfer.objects.exists()
