"""API routes of 组织生活会 and 民主评议党员, included under /api/v1/ by dangjian/core/api_urls.py."""

from typing import Any

from django.urls import path
from rest_framework.routers import SimpleRouter

from dangjian.appraisal.api import views

router = SimpleRouter()
router.register("appraisal/appraisals", views.AppraisalViewSet, basename="appraisal")
router.register("appraisal/participants", views.ParticipantViewSet, basename="appraisal-participant")
router.register("appraisal/life-meetings", views.LifeMeetingViewSet, basename="appraisal-life-meeting")
router.register("appraisal/talks", views.TalkViewSet, basename="appraisal-talk")
router.register("appraisal/examinations", views.ExaminationViewSet, basename="appraisal-examination")
router.register("appraisal/follow-ups", views.FollowUpViewSet, basename="appraisal-follow-up")

urlpatterns: list[Any] = [
    path("appraisal/mine/", views.MineView.as_view(), name="appraisal-mine"),
    path(
        "appraisal/mine/self-assessment/",
        views.SelfAssessmentView.as_view(),
        name="appraisal-self-assessment",
    ),
    path("appraisal/mine/ballot/", views.BallotView.as_view(), name="appraisal-ballot"),
    path(
        "appraisal/mine/examination/",
        views.ExaminationSubmitView.as_view(),
        name="appraisal-examination-submit",
    ),
    *router.urls,
]
