"""API routes of 考试中心, included under /api/v1/ by dangjian/core/api_urls.py."""

from typing import Any

from django.urls import path
from rest_framework.routers import SimpleRouter

from dangjian.exams.api import views

router = SimpleRouter()
router.register("exams/banks", views.BankViewSet, basename="exam-bank")
router.register("exams/questions", views.QuestionViewSet, basename="exam-question")
router.register("exams/import-jobs", views.ImportJobViewSet, basename="exam-import-job")
router.register("exams/papers", views.PaperViewSet, basename="exam-paper")
router.register("exams/exams", views.ExamViewSet, basename="exam")
router.register("exams/grading", views.GradingViewSet, basename="exam-grading")

urlpatterns: list[Any] = [
    path("exams/mine/", views.MyExamsView.as_view(), name="exam-mine"),
    path("exams/mine/<int:pk>/start/", views.StartView.as_view(), name="exam-start"),
    path("exams/attempts/<int:pk>/", views.AttemptView.as_view(), name="exam-attempt-detail"),
    path("exams/attempts/<int:pk>/answers/", views.AnswersView.as_view(), name="exam-attempt-answers"),
    path("exams/attempts/<int:pk>/submit/", views.SubmitView.as_view(), name="exam-attempt-submit"),
    path("exams/attempts/<int:pk>/leave/", views.LeaveView.as_view(), name="exam-attempt-leave"),
    path("exams/practice/", views.PracticeListView.as_view(), name="exam-practice-list"),
    path("exams/practice/<int:pk>/", views.PracticeDetailView.as_view(), name="exam-practice-detail"),
    path("exams/practice/<int:pk>/answer/", views.PracticeAnswerView.as_view(), name="exam-practice-answer"),
    path("exams/mistakes/", views.MistakesView.as_view(), name="exam-mistakes"),
    *router.urls,
]
