"""The demo content of 网络党校 (seed_demo): courses, progress in zhibu1's branch, dangyuan1's certificate."""

import time

from dangjian.members import demo
from dangjian.school import demo_content
from dangjian.school.models import Course, Enrolment
from dangjian.studytime.models import StudyHours


def test_demo_courses_progress_and_a_completed_course_with_hours(db, django_capture_on_commit_callbacks):
    demo.seed(members=200, seed=7, progress=lambda n: None)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        line = demo_content.seed(seed=7)
    assert time.monotonic() - started < 10
    assert "网络党校" in line
    assert Course.objects.filter(status="published").count() == 4
    done = Enrolment.objects.get(member__user__username="dangyuan1", completed_at__isnull=False)
    assert done.course.title == "党章专题学习" and done.certificate_no
    assert (
        StudyHours.objects.get(
            member__user__username="dangyuan1", source_key=f"course-{done.course_id}"
        ).hours
        == 4
    )
    assert Enrolment.objects.filter(course__title="新党员入党第一课").count() > 5
    assert Course.objects.get(title="新党员入党第一课").lessons.filter(kind="document").exists()
