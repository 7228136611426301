from __future__ import annotations

from typing import Any

from django.apps import AppConfig


def _may_read(user: Any, stored: Any) -> bool:
    """A course cover: whoever may open the course. A lesson's file: members enrolled in it (while they may
    study) and the course's managers (who also read through ``read_permission``)."""
    from dangjian.school import selectors
    from dangjian.school.models import Course, Lesson

    lesson = Lesson.objects.select_related("course__org").filter(file=stored).first()
    if lesson is not None:
        return (
            selectors.can_manage(user, lesson.course) or selectors.study_enrolment(user, lesson) is not None
        )
    course = Course.objects.filter(cover=stored).first()
    return course is not None and selectors.course_visible(user).filter(pk=course.pk).exists()


class SchoolConfig(AppConfig):
    name = "dangjian.school"
    verbose_name = "网络党校"

    def ready(self) -> None:
        from dangjian.core import uploads
        from dangjian.core.uploads.policies import AUDIO, DOCUMENT, IMAGE, MB, VIDEO
        from dangjian.school import services
        from dangjian.studytime import content

        content.register("lesson", resolve=services.lesson_content, on_progress=services.lesson_progressed)
        uploads.policy_register(
            uploads.UploadPolicy(
                services.PURPOSE,
                "网络党校课件",
                {IMAGE: 20 * MB, DOCUMENT: 50 * MB, VIDEO: 500 * MB, AUDIO: 100 * MB},
                max_pixels=50_000_000,
                max_side=2048,
                read_permission="study.manage",
                manage_permission="study.manage",
                read_check=_may_read,
            ),
            replace=True,
        )
