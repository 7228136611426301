"""The demo content: responsibility lists, a scan's warnings, tasks in every state, the integrity column."""

from __future__ import annotations

from typing import Any

from conftest import make_user
from dangjian.access import services as access_services
from dangjian.supervision import demo_content
from dangjian.supervision.models import IntegrityTopic, Rectification, ResponsibilityItem, Warning


def test_demo_fills_the_supervision_pages_of_the_demo_accounts(world: Any) -> None:
    grant = access_services.grant_create
    for username, role, org in (
        ("jituan", "committee_officer", world.root),
        ("jijian1", "discipline_officer", world.root),
        ("erji1", "committee_officer", world.committee),
        ("zhibu1", "branch_secretary", world.branch_a),
        ("zhibu2", "branch_secretary", world.branch_b),
    ):
        grant(actor=None, user=make_user(username, username), role=role, org=org, bootstrap=True)
    line = demo_content.seed(seed=7)
    assert line.startswith("党风廉政监督：责任事项 9 项"), line
    assert ResponsibilityItem.objects.filter(org=world.root).count() == 5
    assert Warning.objects.filter(status="open").exists()
    states = set(Rectification.objects.values_list("status", flat=True))
    assert {"submitted", "in_progress", "accepted", "assigned"} <= states
    escalated = Rectification.objects.get(escalated_to__isnull=False)
    assert escalated.escalated_to == world.root and escalated.org == world.branch_b
    assert IntegrityTopic.objects.count() == 2
    assert "跳过" in demo_content.seed(seed=7)


def test_demo_without_the_demo_accounts_does_nothing(world: Any) -> None:
    assert "跳过" in demo_content.seed(seed=1)
    assert not ResponsibilityItem.objects.exists()
