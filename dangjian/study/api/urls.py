"""API routes of 学习专题与学习笔记, included under /api/v1/ by dangjian/core/api_urls.py."""

from typing import Any

from django.urls import path
from rest_framework.routers import SimpleRouter

from dangjian.study.api import views

router = SimpleRouter()
router.register("study/manage/topics", views.ManagedTopicViewSet, basename="study-managed-topic")
router.register("study/manage/items", views.ManagedItemViewSet, basename="study-managed-item")
router.register("study/manage/assignments", views.AssignmentViewSet, basename="study-assignment")
router.register("study/notes", views.NoteViewSet, basename="study-note")
router.register("study/shared-notes", views.SharedNoteViewSet, basename="study-shared-note")
router.register("study/stats/topics", views.StatsTopicViewSet, basename="study-stats-topic")

urlpatterns: list[Any] = [
    path("study/my/", views.MyStudyView.as_view(), name="study-my"),
    path("study/topics/<int:pk>/", views.TopicDetailView.as_view(), name="study-topic-detail"),
    path("study/items/<int:pk>/", views.ItemDetailView.as_view(), name="study-item-detail"),
    *router.urls,
]
