"""API routes of study time and 学时, included under /api/v1/ by dangjian/core/api_urls.py; the heartbeat's
route is the first of config/urls.py (``heartbeat_urlpatterns``): it takes more requests than any other, and
every pattern tried before it costs each of them."""

from django.urls import path

from dangjian.studytime.api import views

heartbeat_urlpatterns = [
    path("api/v1/study/heartbeat/", views.HeartbeatView.as_view(), name="studytime-heartbeat"),
]
urlpatterns = [
    path("study/hours/me/", views.MyHoursView.as_view(), name="studytime-hours-me"),
    path("study/hours/progress/", views.ProgressView.as_view(), name="studytime-progress"),
]
