"""API routes of 组织生活, included under /api/v1/ by dangjian/core/api_urls.py."""

from typing import Any

from django.urls import path
from rest_framework.routers import SimpleRouter

from dangjian.meetings.api import views

router = SimpleRouter()
router.register("meetings/meetings", views.MeetingViewSet, basename="meeting")
router.register("meetings/attendances", views.AttendanceViewSet, basename="meeting-attendance")

urlpatterns: list[Any] = [
    path("meetings/checkin/", views.CheckInView.as_view(), name="meetings-checkin"),
    path("meetings/plan/", views.PlanGenerateView.as_view(), name="meetings-plan"),
    path("meetings/compliance/", views.ComplianceView.as_view(), name="meetings-compliance"),
    *router.urls,
]
