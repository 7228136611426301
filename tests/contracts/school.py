"""Scope contract of 网络党校: see tests/contracts/__init__.py.

The course is offered by 第一党支部 (managed by secretary_a and, above her, the officer), with an article
and a PDF lesson; 党员甲 (member_user) has joined it and completed it.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from tests.contracts import NOT_ADMINS, ORG_WORKERS, SIGNED_IN, Write, api, html

MANAGERS = ("secretary_a", "officer")  # study.manage over 第一党支部
READERS = ("member_user", *MANAGERS)  # the enrolled member and the managers
_404 = {"outsider": 404, "secretary_b": 404, "system_admin": 404, "security_admin": 404, "audit_admin": 404}


def _course(w: SimpleNamespace) -> Any:
    from dangjian.school.models import Course, Enrolment
    from dangjian.school.testing import complete, make_course

    course = Course.objects.filter(title="合同测试课程").first()
    if course is None:
        course = make_course(w.secretary_a, w.branch_a, title="合同测试课程", pdf=True)
        Enrolment.objects.create(course=course, member=w.member, source="chosen")
        complete(w.member, course)
    return course


def _lesson(w: SimpleNamespace) -> Any:
    return _course(w).lessons.get(kind="document")


def _chapter(w: SimpleNamespace) -> Any:
    return _course(w).chapters.first()


def _enrolment(w: SimpleNamespace) -> Any:
    return _course(w).enrolments.get(member=w.member)


def _course_form(w: SimpleNamespace) -> dict[str, Any]:
    return {"org": w.branch_a.pk, "title": "新课程", "hours": "1", "kind": "elective", "description": ""}


EXPECTED: dict[str, dict[str, Any]] = {
    "school:my_courses": html(SIGNED_IN),  # own courses; an account without a member record sees a notice
    "school:course_detail": html(READERS, others=404),
    "school:course_enrol": html(SIGNED_IN, ok=405),  # POST only
    "school:lesson_detail": html(READERS, others=404),
    "school:lesson_pdf": html(READERS, others=404),
    "school:certificate": html(READERS, others=404),
    "school:manage_list": html(ORG_WORKERS),
    "school:course_create": html(ORG_WORKERS),
    "school:course_edit": html(MANAGERS, secretary_b=404),
    "school:course_status": html(ORG_WORKERS, ok=405),
    "school:chapter_create": html(ORG_WORKERS, ok=405),
    "school:course_assign": html(ORG_WORKERS, ok=405),
    "school:lesson_create": html(MANAGERS, secretary_b=404),
    "school:lesson_delete": html(ORG_WORKERS, ok=405),
    "school:stats": html(ORG_WORKERS),
    "school:course_stats": html(MANAGERS, secretary_b=404),
    "school:course_stats_export": html(MANAGERS, secretary_b=404),  # an audited download
    "school-course-list": api(NOT_ADMINS),
    "school-course-mine": api(NOT_ADMINS),
    "school-course-detail": api(READERS, others=404, system_admin=403, security_admin=403, audit_admin=403),
    "school-course-progress": api(READERS, others=404, system_admin=403, security_admin=403, audit_admin=403),
    "school-course-stats": api(MANAGERS, secretary_b=404),
    "school-course-enrol": api(SIGNED_IN, ok=405),  # POST only
    "school-lesson-detail": api(READERS, others=404, system_admin=403, security_admin=403, audit_admin=403),
    "school-certificate": api(READERS, others=404),
}
KWARGS: dict[str, Callable[[SimpleNamespace], dict[str, Any]]] = {
    "school:course_detail": lambda w: {"pk": _course(w).pk},
    "school:course_enrol": lambda w: {"pk": _course(w).pk},
    "school:lesson_detail": lambda w: {"pk": _lesson(w).pk},
    "school:lesson_pdf": lambda w: {"pk": _lesson(w).pk},
    "school:certificate": lambda w: {"pk": _enrolment(w).pk},
    "school:course_edit": lambda w: {"pk": _course(w).pk},
    "school:course_status": lambda w: {"pk": _course(w).pk, "action": "withdraw"},
    "school:chapter_create": lambda w: {"pk": _course(w).pk},
    "school:course_assign": lambda w: {"pk": _course(w).pk},
    "school:lesson_create": lambda w: {"pk": _chapter(w).pk},
    "school:lesson_delete": lambda w: {"pk": _lesson(w).pk},
    "school:course_stats": lambda w: {"pk": _course(w).pk},
    "school:course_stats_export": lambda w: {"pk": _course(w).pk},
    "school-course-detail": lambda w: {"pk": _course(w).pk},
    "school-course-progress": lambda w: {"pk": _course(w).pk},
    "school-course-stats": lambda w: {"pk": _course(w).pk},
    "school-course-enrol": lambda w: {"pk": _course(w).pk},
    "school-lesson-detail": lambda w: {"pk": _lesson(w).pk},
    "school-certificate": lambda w: {"pk": _enrolment(w).pk},
}
WRITES: dict[str, Write] = {
    "school:course_enrol": Write("post", ("member_user",), lambda w: {}),
    "school:course_create": Write("post", ORG_WORKERS, _course_form),
    "school:course_edit": Write("post", MANAGERS, _course_form),
    "school:course_status": Write("post", MANAGERS, lambda w: {}),
    "school:chapter_create": Write("post", MANAGERS, lambda w: {"title": "第二章"}),
    "school:course_assign": Write(
        "post", MANAGERS, lambda w: {"target": "org", "org": w.branch_a.pk, "due_on": "2099-01-01"}
    ),
    "school:lesson_create": Write(
        "post", MANAGERS, lambda w: {"title": "新课时", "kind": "article", "body": "<p>正文</p>"}
    ),
    "school:lesson_delete": Write("post", MANAGERS, lambda w: {}),
    "school-course-enrol": Write("post", ("member_user",), lambda w: {}),
}
