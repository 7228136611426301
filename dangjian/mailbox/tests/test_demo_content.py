"""The demo content: letters and cases in several states for the demo branches, one receipt that works."""

from __future__ import annotations

import re

from conftest import make_user
from dangjian.access import services as access_services
from dangjian.mailbox import demo_content, services
from dangjian.mailbox.models import Letter, SnapshotReport


def test_demo_fills_the_branch_inbox_with_letters_and_cases_in_several_states(world):
    zhibu1 = make_user("zhibu1", "演示书记")
    access_services.grant_create(
        actor=None, user=zhibu1, role="branch_secretary", org=world.branch_a, bootstrap=True
    )
    line = demo_content.seed(seed=3)
    assert line.startswith("书记信箱：来信 6 封、随手拍 3 件"), line
    statuses = set(Letter.objects.filter(org=world.branch_a).values_list("status", flat=True))
    assert {"new", "replied", "closed"} <= statuses
    assert set(SnapshotReport.objects.values_list("status", flat=True)) == {
        "submitted",
        "rectifying",
        "closed",
    }
    code = re.search(r"演示回执码 ([\d ]+)", line).group(1).replace(" ", "")
    found = services.receipt_find(code)
    assert isinstance(found, Letter) and found.messages.filter(author_kind="handler").exists()
    assert "已有演示来信" in demo_content.seed(seed=3)


def test_demo_without_the_demo_accounts_does_nothing(world):
    assert "跳过" in demo_content.seed(seed=1)
    assert not Letter.objects.exists()
