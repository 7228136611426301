"""Browser journey of 网络党校 in Debian's Chromium on a phone-sized screen: a member joins a course, studies
a lesson (time credited by the server's heartbeat service), sees it complete and downloads the certificate."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from conftest import PASSWORD
from dangjian.school.models import Enrolment
from dangjian.school.testing import make_course
from dangjian.studytime import services as studytime
from dangjian.studytime.models import StudyHours
from tests.browser.conftest import login

SHOTS = Path(settings.BASE_DIR) / "test-results"


def test_member_joins_a_course_studies_a_lesson_and_downloads_the_certificate(
    world, page, live_server, tmp_path
):
    from dangjian.points import services as points

    points.points_seed_rules()
    course = make_course(world.officer, world.committee, title="党章专题学习", hours="2")
    lesson = course.lessons.get()
    login(page, live_server, "dangyuan", PASSWORD)
    # The test beats for the page below with clock times two minutes back; a beat of the page's own at the
    # real time landing first would make those look out of order (crediting nothing), so the page's are held.
    page.route("**/api/v1/study/heartbeat/", lambda route: route.abort())

    page.goto(f"{live_server.url}/school/")
    page.locator("#school-catalogue").get_by_text("党章专题学习").click()
    page.click("#enrol-button")
    page.wait_for_selector("#course-progress")
    assert Enrolment.objects.filter(course=course, member=world.member).exists()

    page.get_by_role("link", name="学习党章的意义").click()
    page.wait_for_selector(f'[data-study-key="lesson:{lesson.pk}"]', state="attached")
    assert page.locator("#lesson-pending").is_visible()
    assert page.get_by_role("heading", name="一、为什么要学习党章").is_visible()

    # A minute of study measured by the server, beat by beat (the page's own 15 s timer would take as long).
    start = timezone.now() - dt.timedelta(seconds=120)
    for i in range(5):
        studytime.study_heartbeat(
            user=world.member_user,
            content_key=lesson.content_key,
            state="visible",
            now=start + dt.timedelta(seconds=15 * i),
        )
    page.reload()
    page.wait_for_selector("#lesson-complete")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "school-lesson-complete.png"), full_page=True)

    page.get_by_role("link", name="课程目录").click()
    page.wait_for_selector("#course-completed")
    with page.expect_download() as info:
        page.click("#certificate-link")
    target = tmp_path / "certificate.pdf"
    info.value.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF-") and b"/FontFile2" in data
    assert info.value.suggested_filename.endswith(".pdf")
    assert StudyHours.objects.filter(member=world.member, source_key=f"course-{course.pk}").count() == 1
