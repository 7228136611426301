"""REST API of 网络党校: courses (catalogue and mine), chapters and lessons, enrolment, my progress, the
certificate and course statistics. Writes call the same services as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dangjian.access import classify, scope
from dangjian.access.api import ScopedViewSet
from dangjian.orgs.models import Org
from dangjian.school import rules, selectors, services
from dangjian.school.api.serializers import (
    CourseDetailSerializer,
    CourseProgressSerializer,
    CourseSerializer,
    EnrolmentSerializer,
    LessonSerializer,
    MyCoursesSerializer,
    StatsSerializer,
)
from dangjian.school.models import Course, Enrolment, Lesson


class CourseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """课程: the courses the caller may open (offered to their organisation, assigned, joined or managed)."""

    queryset = Course.objects.all()
    serializer_class = CourseSerializer
    permission = "study.view"
    require_grant = False  # members read the courses offered to them without a grant

    def get_queryset(self) -> Any:
        return selectors.with_lesson_count(selectors.course_visible(self.request.user)).order_by(
            "-published_at", "-pk"
        )

    def get_serializer_class(self) -> Any:
        return CourseDetailSerializer if self.action == "retrieve" else CourseSerializer

    @extend_schema(responses=MyCoursesSerializer)
    @action(detail=False)
    def mine(self, request: Request) -> Response:
        member = selectors.member_of(request.user)
        if member is None:
            return Response({"assigned": [], "enrolled": [], "catalogue": []})
        return Response(MyCoursesSerializer(selectors.my_courses(member)).data)

    @extend_schema(responses=CourseProgressSerializer)
    @action(detail=True)
    def progress(self, request: Request, pk: str) -> Response:
        course = self.get_object()
        member = selectors.member_of(request.user)
        enrolment = Enrolment.objects.filter(course=course, member=member).first() if member else None
        total = course.lessons.count()
        return Response(
            CourseProgressSerializer(
                {
                    "enrolment": enrolment,
                    "percent": rules.progress_percent(enrolment.completed_lessons, total) if enrolment else 0,
                    "lessons": list(enrolment.progress.all()) if enrolment else [],
                }
            ).data
        )

    @extend_schema(parameters=[OpenApiParameter("org", int)], responses=StatsSerializer)
    @action(detail=True)
    def stats(self, request: Request, pk: str) -> Response:
        if not scope.has_permission(request.user, "study.view"):
            raise PermissionDenied("无权访问")
        course = get_object_or_404(selectors.stats_courses(request.user), pk=pk)
        root = selectors.stats_root(request.user, course)
        if root is None:
            raise Http404
        node = root
        raw = request.query_params.get("org", "")
        if raw:
            node = get_object_or_404(Org, pk=int(raw) if raw.isdigit() else 0)
            if not node.path.startswith(root.path) or not scope.org_in_scope(
                request.user, "study.view", node
            ):
                raise Http404
        total, rows = selectors.course_stats(course, node)
        return Response(StatsSerializer({"total": total, "rows": rows}).data)


class CourseEnrolView(APIView):
    """加入学习: the member joins an assigned course or an elective offered to their organisation."""

    access = classify.AUTHENTICATED
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses=EnrolmentSerializer)
    def post(self, request: Request, pk: int) -> Response:
        if scope.is_admin(request.user) or selectors.member_of(request.user) is None:
            raise PermissionDenied("当前账号未关联党员档案，不能选课")
        course = get_object_or_404(selectors.course_visible(request.user), pk=pk)
        enrolment = services.course_enrol(user=request.user, course=course)
        return Response(EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)


class LessonViewSet(mixins.RetrieveModelMixin, ScopedViewSet):
    """课时: the content of a lesson, for members enrolled in its course and for its managers."""

    queryset = Lesson.objects.all()
    serializer_class = LessonSerializer
    permission = "study.view"
    require_grant = False

    def get_queryset(self) -> Any:
        return Lesson.objects.select_related("course__org", "file")

    def get_object(self) -> Lesson:
        lesson: Lesson = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        user = self.request.user
        if not selectors.can_manage(user, lesson.course) and selectors.study_enrolment(user, lesson) is None:
            raise Http404
        return lesson


class CertificateView(APIView):
    """结业证书 (PDF) of a completed enrolment: the member's own, or within the caller's study.view scope."""

    access = classify.AUTHENTICATED
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request: Request, pk: int) -> HttpResponse:
        from dangjian.school.views import CertificateView as Page

        return Page().get(request._request, pk)  # the same checks and PDF as the page
