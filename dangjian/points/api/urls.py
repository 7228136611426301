"""API routes of 积分 added after the first ones (those stay in dangjian/core/api_urls.py), included under
/api/v1/."""

from django.urls import path

from dangjian.points.api import views

urlpatterns = [
    path("points/rank/", views.RankView.as_view(), name="points-rank"),
]
