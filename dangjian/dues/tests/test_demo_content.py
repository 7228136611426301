"""The demo content: zhibu1's branch has a year of bills, mostly paid, some arrears, a 少交 request
pending."""

from __future__ import annotations

from types import SimpleNamespace

from conftest import make_user
from dangjian.access import services as access_services
from dangjian.dues import demo_content
from dangjian.dues.models import BillStatus, DuesBill, DuesCampaign, DuesPublication, DuesReduction


def test_demo_fills_the_secretarys_branch_and_a_request_waits_for_the_committee(
    world: SimpleNamespace,
) -> None:
    zhibu1 = make_user("zhibu1", "演示书记")
    access_services.grant_create(
        actor=None, user=zhibu1, role="branch_secretary", org=world.branch_a, bootstrap=True
    )
    line = demo_content.seed(seed=7)
    assert line.startswith("党费：")
    bills = DuesBill.objects.filter(org=world.branch_a)
    assert bills.filter(status=BillStatus.PAID).exists() and bills.filter(status=BillStatus.UNPAID).exists()
    assert DuesReduction.objects.filter(org=world.branch_a, status="studied").count() == 1
    assert DuesCampaign.objects.filter(org=world.committee).exists()
    assert DuesPublication.objects.filter(org=world.branch_a).exists()
    assert DuesBill.objects.filter(org=world.branch_b).exists()  # a sibling branch under the officer
    assert demo_content.seed(seed=7) == "党费：已有演示数据"


def test_demo_without_the_demo_accounts_does_nothing(world: SimpleNamespace) -> None:
    assert "跳过" in demo_content.seed(seed=1)
    assert not DuesBill.objects.exists()
