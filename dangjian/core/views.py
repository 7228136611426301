"""The shell: home page with the figures of the user's scope, health check, error pages."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from dangjian.access import classify, scope
from dangjian.members.models import Member
from dangjian.members.selectors import member_get_own
from dangjian.news import selectors as news_selectors
from dangjian.orgs import selectors as org_selectors


@classify.authenticated
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, object] = {"own": None, "today": dt.date.today()}
    if scope.has_permission(user, "members.view"):
        members = scope.restrict(Member.objects.active(), user, "members.view")
        context["figures"] = members.aggregate(
            members=Count("id"),
            full=Count("id", filter=Q(status="full")),
            probationary=Count("id", filter=Q(status="probationary")),
            suspended=Count("id", filter=Q(standing="suspended")),
            lost_contact=Count("id", filter=Q(lost_contact=True)),
            mobile=Count("id", filter=Q(mobile=True)),
        )
        orgs = org_selectors.org_list(user=user)
        context["org_figures"] = orgs.aggregate(
            orgs=Count("id"),
            branches=Count("id", filter=Q(kind__in=["branch", "joint_branch", "temporary_branch"])),
        )
        context["notice_count"], context["flagged"] = org_selectors.flagged_orgs(user=user)
    own = member_get_own(user)
    context["own"] = own
    if own is not None:
        context.update(_study_todo(own))
    context["roles"] = sorted({g.get_role_display() for g in scope.user_grants(user)})
    context["news"] = news_selectors.latest(limit=5)  # 党建新鲜事: two indexed queries of five rows
    return render(request, "core/home.html", context)


def _study_todo(member: Member) -> dict[str, object]:
    """A member's study at a glance: required topics and assigned courses not finished (overdue first), the
    year's 学时 against the requirement and today's points."""
    from dangjian.points import selectors as points_selectors
    from dangjian.school import selectors as school_selectors
    from dangjian.study import selectors as study_selectors
    from dangjian.studytime import selectors as studytime_selectors

    today = timezone.localdate()
    topics = [t for t in study_selectors.my_topics(member, today=today) if t.required and not t.done]
    courses = [
        c
        for c in school_selectors.my_courses(member, today).assigned
        if not (c.enrolment and c.enrolment.completed_at)
    ]
    return {
        "todo_topics": topics[:5],
        "todo_courses": courses[:5],
        "my_hours": studytime_selectors.my_hours(member, today.year, today),
        "points_today": sum(p.earned for p in points_selectors.points_today(member, today)),
    }


@classify.public
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request, "core/error.html", {"code": 404, "message": "页面不存在，或您无权查看"}, status=404
    )


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"code": 403, "message": "您没有执行此操作的权限"}, status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(
        request, "core/error.html", {"code": 500, "message": "服务器内部错误，请稍后再试"}, status=500
    )
