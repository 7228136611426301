"""API routes of study time and 学时, included under /api/v1/ by dangjian/core/api_urls.py."""

from django.urls import path

from dangjian.studytime.api import views

urlpatterns = [
    path("study/heartbeat/", views.HeartbeatView.as_view(), name="studytime-heartbeat"),
    path("study/hours/me/", views.MyHoursView.as_view(), name="studytime-hours-me"),
    path("study/hours/progress/", views.ProgressView.as_view(), name="studytime-progress"),
]
