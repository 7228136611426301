"""API routes of 党风廉政监督, included under /api/v1/ by dangjian/core/api_urls.py."""

from typing import Any

from django.urls import path
from rest_framework.routers import SimpleRouter

from dangjian.supervision.api import views

router = SimpleRouter()
router.register("supervision/rules", views.WarningRuleViewSet, basename="supervision-rule")
router.register("supervision/warnings", views.WarningViewSet, basename="supervision-warning")
router.register("supervision/scans", views.ScanViewSet, basename="supervision-scan")
router.register("supervision/tasks", views.RectificationViewSet, basename="supervision-task")
router.register("supervision/duties", views.ResponsibilityViewSet, basename="supervision-duty")

urlpatterns: list[Any] = [
    path("supervision/board/", views.BoardView.as_view(), name="supervision-board"),
    path("supervision/scan-jobs/<int:pk>/", views.ScanJobView.as_view(), name="supervision-scan-job"),
    path("supervision/integrity/", views.IntegrityTopicView.as_view(), name="supervision-integrity"),
    *router.urls,
]
