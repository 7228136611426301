from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import _SNAPSHOT_MODELS
from dangjian.meetings import services
from dangjian.meetings.models import Meeting

MEETING_MODELS = (
    "meetings.MeetingVersion",
    "meetings.MeetingReminder",
    "meetings.CalendarFeed",
    "meetings.Meeting",
    "meetings.Attendance",
    "meetings.MeetingAttachment",
    "meetings.MeetingReview",
    "meetings.CompliancePeriod",
)
# This app's tables and the shared ones; other apps' tables are left to the root ``snapshot``.
SNAP_MODELS = (*_SNAPSHOT_MODELS, "core.StoredFile", *MEETING_MODELS)


@pytest.fixture
def snap(db: Any) -> Any:
    """The shared business tables and this app's (a refused action changes none of them)."""
    from django.apps import apps

    def take() -> dict[str, Any]:
        return {
            label: [
                {k: v for k, v in row.items() if k != "last_login"}
                for row in apps.get_model(label)._default_manager.order_by("pk").values()
            ]
            for label in SNAP_MODELS
        }

    return take


@pytest.fixture
def theme_day(world: Any) -> Meeting:
    """A 主题党日 of 第一党支部 that started ten minutes ago, entered by secretary_a."""
    return services.meeting_create(
        actor=world.secretary_a,
        org=world.branch_a,
        kind="theme_day",
        topic="重温入党誓词，学习党的二十届四中全会精神",
        starts_at=timezone.now() - dt.timedelta(minutes=10),
        place="三楼党员活动室",
        host=world.member,
    )
