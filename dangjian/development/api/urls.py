"""API routes of 发展党员, included under /api/v1/ by dangjian/core/api_urls.py."""

from typing import Any

from django.urls import path
from rest_framework.routers import SimpleRouter

from dangjian.development.api import views

router = SimpleRouter()
router.register("development/developments", views.DevelopmentViewSet, basename="development")

urlpatterns: list[Any] = [
    path("development/board/", views.BoardView.as_view(), name="development-board"),
    path("development/practice/", views.PracticeView.as_view(), name="development-practice"),
    *router.urls,
]
