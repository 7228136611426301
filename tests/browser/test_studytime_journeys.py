"""Browser journey of study time in Debian's Chromium on a phone-sized screen: a member plays an audio
lesson, the page's own heartbeats (sent only while it plays) earn capped 视听学习 points and complete the
lesson, and the member sees the points and their rank. An open page that does not play earns nothing."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import PASSWORD
from dangjian.points.models import PointEntry
from dangjian.school import services as school
from dangjian.school.models import LessonProgress
from dangjian.school.testing import make_course
from dangjian.studytime.models import StudyDay
from tests.browser.conftest import login

SHOTS = Path(settings.BASE_DIR) / "test-results"


def silent_mp3(seconds: int) -> bytes:
    """MPEG-1 Layer III frames of silence (128 kbit/s, 44.1 kHz, mono): a real file browsers play."""
    frame = bytes([0xFF, 0xFB, 0x90, 0xC4]) + bytes(417 - 4)
    return frame * int(seconds * 44100 / 1152 + 1)


def wait_until_ended(page, timeout_ms: int = 30_000) -> None:
    """Poll from Python (``wait_for_function`` would evaluate a string in the page, which CSP forbids)."""
    for _ in range(timeout_ms // 250):
        if page.evaluate("document.getElementById('player').ended"):
            return
        page.wait_for_timeout(250)
    raise AssertionError("the audio did not play to its end")


def test_member_plays_an_audio_lesson_and_earns_capped_points(world, page, live_server, settings):
    from dangjian.points import services as points

    settings.STUDY_HEARTBEAT_INTERVAL = 1  # the page beats every second (15 in production)
    settings.STUDY_READ_SECONDS = 4  # and a lesson "counts as watched" after 4 s (30 in production)
    points.points_seed_rules()
    course = make_course(world.officer, world.committee, title="党史音频课")
    chapter = course.chapters.get()
    # The file plays 8 s; the lesson is declared 6 s long, so the server's cap shows and a loaded machine's
    # slow answers cannot make the test miss the 90 % that completes the lesson.
    audio = SimpleUploadedFile("党史故事.mp3", silent_mp3(8), content_type="audio/mpeg")
    lesson = school.lesson_create(
        actor=world.officer,
        chapter=chapter,
        title="党史故事一则",
        kind="audio",
        upload=audio,
        duration="0:06",
    )
    school.course_enrol(user=world.member_user, course=course)

    login(page, live_server, "dangyuan", PASSWORD)
    page.goto(f"{live_server.url}/school/lessons/{lesson.pk}/")
    page.wait_for_selector(f'[data-study-key="lesson:{lesson.pk}"]', state="attached")
    page.wait_for_timeout(2500)  # the page is open, but nothing plays: no time is earned
    assert not StudyDay.objects.filter(content_key=lesson.content_key, seconds__gt=0).exists()

    page.evaluate("const p = document.getElementById('player'); p.muted = true; p.play();")
    wait_until_ended(page, timeout_ms=30_000)
    page.wait_for_timeout(1500)  # the last beats land
    day = StudyDay.objects.get(member=world.member, content_key=lesson.content_key)
    assert day.seconds == 6, day.seconds  # measured by the server, at most the lesson's length a day
    assert PointEntry.objects.filter(member=world.member, action="video_watch").count() == 1
    assert LessonProgress.objects.get(lesson=lesson, enrolment__member=world.member).completed_at is not None

    # Playing it again the same day earns nothing more (the duration cap and the once-a-day read point).
    page.evaluate("const p = document.getElementById('player'); p.currentTime = 0; p.play();")
    wait_until_ended(page)
    page.wait_for_timeout(1500)
    day.refresh_from_db()
    assert day.seconds == 6
    assert PointEntry.objects.filter(member=world.member, action="video_watch").count() == 1

    page.goto(f"{live_server.url}/points/")
    today = page.locator("#points-today")
    assert "视听学习" in today.inner_text()
    assert "1 / 6 分" in today.locator("li").filter(has=page.get_by_text("视听学习", exact=True)).inner_text()
    assert "本支部第 1 名" in page.locator("body").inner_text()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "studytime-points.png"), full_page=True)
