"""API routes of 网络党校, included under /api/v1/ by dangjian/core/api_urls.py."""

from typing import Any

from django.urls import path
from rest_framework.routers import SimpleRouter

from dangjian.school.api import views

router = SimpleRouter()
router.register("school/courses", views.CourseViewSet, basename="school-course")
router.register("school/lessons", views.LessonViewSet, basename="school-lesson")

urlpatterns: list[Any] = [
    path("school/courses/<int:pk>/enrol/", views.CourseEnrolView.as_view(), name="school-course-enrol"),
    path(
        "school/enrolments/<int:pk>/certificate/", views.CertificateView.as_view(), name="school-certificate"
    ),
    *router.urls,
]
