"""Test helpers of 网络党校 (used by the app's tests, the scope contract and the browser journey)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.school import services
from dangjian.school.models import Course, Enrolment, Lesson
from dangjian.studytime import content as registry

ARTICLE = (
    "<h2>一、为什么要学习党章</h2><p>党章是党的根本大法，是全党必须共同遵守的根本行为规范。"
    "学习党章、遵守党章、贯彻党章、维护党章，是全党同志的应尽义务和庄严责任。</p>"
    "<ul><li>学习党的性质和宗旨</li><li>学习党员的义务和权利</li></ul>"
)


def pdf_upload(name: str = "讲义.pdf") -> SimpleUploadedFile:
    """A small real PDF (drawn with reportlab), acceptable to the upload pipeline."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    c.drawString(72, 720, "Lecture notes")
    c.showPage()
    c.save()
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def make_course(
    actor: Any,
    org: Any,
    *,
    title: str = "党章专题学习",
    kind: str = "elective",
    hours: str = "2",
    publish: bool = True,
    pdf: bool = False,
) -> Course:
    """A course with one chapter and an article lesson (and a PDF lesson when ``pdf``), published."""
    course = services.course_create(
        actor=actor,
        org=org,
        title=title,
        description="课程简介",
        hours=Decimal(hours),
        kind=kind,
        opens_on=None,
        closes_on=None,
    )
    chapter = services.chapter_create(actor=actor, course=course, title="第一章 总纲")
    services.lesson_create(actor=actor, chapter=chapter, title="学习党章的意义", kind="article", body=ARTICLE)
    if pdf:
        services.lesson_create(
            actor=actor, chapter=chapter, title="党章讲义", kind="document", upload=pdf_upload(), minutes=5
        )
    if publish:
        services.course_publish(actor=actor, course=course)
    return course


def study(member: Any, lesson: Lesson, seconds: int) -> None:
    """Report ``seconds`` of credited time on ``lesson`` to the progress hook (as the heartbeat does)."""
    item = registry.Content(lesson.content_key, lesson.title, lesson.kind, "/", None)
    services.lesson_progressed(member, item, seconds, seconds)


def complete(member: Any, course: Course) -> Enrolment:
    """Every lesson of ``course`` studied to its full duration (the enrolment must exist)."""
    for lesson in course.lessons.all():
        study(member, lesson, lesson.duration_seconds)
    return Enrolment.objects.get(course=course, member=member)
