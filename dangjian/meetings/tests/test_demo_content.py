"""The demo content: zhibu1's branch gets a year so far, a sibling branch some missing meetings."""

from __future__ import annotations

from django.utils import timezone

from conftest import make_user
from dangjian.access import services as access_services
from dangjian.meetings import demo_content, selectors
from dangjian.meetings.models import Meeting, MeetingStatus


def test_demo_gives_the_secretarys_branch_a_held_year_and_leaves_gaps_elsewhere(world):
    zhibu1 = make_user("zhibu1", "演示书记")
    access_services.grant_create(
        actor=None, user=zhibu1, role="branch_secretary", org=world.branch_a, bootstrap=True
    )
    line = demo_content.seed(seed=7)
    assert line.startswith("组织生活：第一党支部")
    today = timezone.localdate()
    mine = Meeting.objects.filter(org=world.branch_a)
    assert mine.filter(planned_on__gte=today).exclude(status=MeetingStatus.PLANNED).count() == 0
    if today.month > 1:
        assert mine.filter(
            status__in=[MeetingStatus.HELD, MeetingStatus.REVIEWED, MeetingStatus.RETURNED]
        ).exists()
        assert mine.filter(status=MeetingStatus.RETURNED).count() == 1  # returned by the officer
        rows = selectors.compliance(
            [world.branch_a, world.branch_b], today.replace(month=1, day=1), today, today
        )
        assert rows[0].missing <= rows[1].missing and rows[1].due > 0
    assert demo_content.seed(seed=7).startswith("组织生活")  # a second run adds no duplicate plan items
    assert mine.filter(kind="theme_day", planned_on__year=today.year).count() == 12


def test_demo_without_the_demo_accounts_does_nothing(world):
    assert "跳过" in demo_content.seed(seed=1)
    assert not Meeting.objects.exists()
