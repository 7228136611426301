"""Services of 网络党校: publishing within scope, lessons, assignment, enrolment, progress from the heartbeat,
completion with 学时 credited once (教管条例 第二十条: 学时 toward the yearly 32), certificates."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import io
import re
import zlib
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import make_member
from dangjian.audit.models import AuditEntry
from dangjian.core import richtext
from dangjian.core.errors import BusinessError
from dangjian.school import certificate, services
from dangjian.school.models import CourseStatus, Enrolment, Lesson, LessonProgress
from dangjian.school.testing import complete, make_course, pdf_upload, study
from dangjian.studytime import services as studytime
from dangjian.studytime.models import StudyHours


def test_secretary_creates_a_course_for_her_branch_and_it_is_audited(world):
    course = make_course(world.secretary_a, world.branch_a, publish=False)
    assert course.status == CourseStatus.DRAFT
    entry = AuditEntry.objects.get(action="school.course.create")
    assert entry.target_id == str(course.pk) and entry.org_path == world.branch_a.path


def test_secretary_of_another_branch_cannot_create_or_publish_there_and_nothing_changes(
    world, school_snapshot
):
    course = make_course(world.secretary_a, world.branch_a, publish=False)
    before = school_snapshot()
    with pytest.raises(BusinessError) as exc:
        services.course_create(
            actor=world.secretary_b, org=world.branch_a, title="越权课程", hours="1", kind="elective"
        )
    assert exc.value.code == "school.forbidden"
    with pytest.raises(BusinessError) as exc:
        services.course_publish(actor=world.secretary_b, course=course)
    assert exc.value.code == "school.forbidden"
    assert school_snapshot() == before


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"title": " "}, "school.title_required"),
        ({"hours": "0"}, "school.bad_hours"),
        ({"hours": "1.25"}, "school.bad_hours"),
        ({"kind": "x"}, "school.bad_kind"),
        ({"opens_on": dt.date(2026, 5, 2), "closes_on": dt.date(2026, 5, 1)}, "school.bad_dates"),
    ],
)
def test_bad_course_input_is_refused_with_a_reason(world, school_snapshot, data, code):
    before = school_snapshot()
    fields = {"title": "课程", "hours": "1", "kind": "elective"} | data
    with pytest.raises(BusinessError) as exc:
        services.course_create(actor=world.secretary_a, org=world.branch_a, **fields)
    assert exc.value.code == code
    assert school_snapshot() == before


def test_a_course_without_lessons_cannot_be_published(world):
    course = services.course_create(
        actor=world.secretary_a, org=world.branch_a, title="空课程", hours="1", kind="elective"
    )
    with pytest.raises(BusinessError) as exc:
        services.course_publish(actor=world.secretary_a, course=course)
    assert exc.value.code == "school.no_lessons"


def test_article_lessons_are_sanitised_and_timed_from_their_length(world):
    course = make_course(world.secretary_a, world.branch_a, publish=False)
    chapter = course.chapters.get()
    body = (
        '<p onclick="x()">党章'
        + "学" * 799
        + '</p><script>alert(1)</script><a href="javascript:alert(1)">链</a>'
    )
    lesson = services.lesson_create(
        actor=world.secretary_a, chapter=chapter, title="长文", kind="article", body=body
    )
    assert "script" not in lesson.body and "onclick" not in lesson.body and "javascript" not in lesson.body
    assert lesson.duration_seconds == 3 * 60  # 803 characters at 400 a minute


def test_rendered_rich_text_keeps_only_allow_listed_markup():
    html = str(
        richtext.render(
            '<h2>标题</h2><p style="color:red">正文<img src=x onerror=alert(1)></p><a href="https://a.example/">外链</a>'
        )
    )
    assert "<h2>标题</h2>" in html and "<p>正文</p>" in html
    assert "style" not in html and "img" not in html and "onerror" not in html
    assert 'rel="noopener noreferrer"' in html


def test_video_lessons_need_a_video_and_a_length_in_minutes_and_seconds(world, school_snapshot):
    course = make_course(world.secretary_a, world.branch_a, publish=False)
    chapter = course.chapters.get()
    before = school_snapshot()
    with pytest.raises(BusinessError) as exc:
        services.lesson_create(
            actor=world.secretary_a,
            chapter=chapter,
            title="视频",
            kind="video",
            duration="十分钟",
            upload=pdf_upload(),
        )
    assert exc.value.code == "school.bad_duration"
    with pytest.raises(BusinessError) as exc:
        services.lesson_create(
            actor=world.secretary_a,
            chapter=chapter,
            title="视频",
            kind="video",
            duration="10:00",
            upload=pdf_upload(),
        )
    assert exc.value.code == "school.bad_file_kind"
    assert school_snapshot()["school.Lesson"] == before["school.Lesson"]


def test_a_pdf_lesson_needs_its_reading_time(world):
    chapter = make_course(world.secretary_a, world.branch_a, publish=False).chapters.get()
    with pytest.raises(BusinessError) as exc:
        services.lesson_create(
            actor=world.secretary_a, chapter=chapter, title="讲义", kind="document", upload=pdf_upload()
        )
    assert exc.value.code == "school.minutes_required"
    lesson = services.lesson_create(
        actor=world.secretary_a,
        chapter=chapter,
        title="讲义",
        kind="document",
        upload=pdf_upload(),
        minutes=8,
    )
    assert lesson.duration_seconds == 480 and lesson.file.purpose == services.PURPOSE


def test_a_word_document_is_converted_to_rich_text_on_upload(world):
    import docx

    document = docx.Document()
    document.add_heading("第一部分 党的组织制度", level=1)
    document.add_paragraph("党是根据自己的纲领和章程，按照民主集中制组织起来的统一整体。")
    document.add_paragraph("坚持民主集中制", style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "条目"
    table.rows[0].cells[1].text = "内容"
    buffer = io.BytesIO()
    document.save(buffer)
    upload = SimpleUploadedFile("组织制度.docx", buffer.getvalue())
    chapter = make_course(world.secretary_a, world.branch_a, publish=False).chapters.get()
    lesson = services.lesson_create(
        actor=world.secretary_a, chapter=chapter, title="组织制度", kind="document", upload=upload
    )
    assert "<h2>第一部分 党的组织制度</h2>" in lesson.body
    assert "<li>坚持民主集中制</li>" in lesson.body and "<td>条目</td>" in lesson.body
    assert lesson.duration_seconds == 60


def test_assignment_stays_within_the_course_organisation_and_the_publishers_scope(world, school_snapshot):
    course = make_course(world.officer, world.committee, kind="required")
    before = school_snapshot()
    with pytest.raises(BusinessError) as exc:  # 第三党支部 is not under 一公司党委
        services.course_assign(
            actor=world.officer, course=course, org=world.branch_c, due_on=dt.date(2099, 1, 1)
        )
    assert exc.value.code == "school.outside_course"
    with pytest.raises(BusinessError) as exc:  # a required course needs a deadline
        services.course_assign(actor=world.officer, course=course, org=world.branch_a)
    assert exc.value.code == "school.due_required"
    with pytest.raises(BusinessError) as exc:  # secretary_b does not manage 一公司党委's course
        services.course_assign(
            actor=world.secretary_b, course=course, org=world.branch_b, due_on=dt.date(2099, 1, 1)
        )
    assert exc.value.code == "school.forbidden"
    assert school_snapshot() == before
    a = services.course_assign(
        actor=world.officer, course=course, org=world.branch_a, due_on=dt.date(2099, 1, 1)
    )
    assert AuditEntry.objects.get(action="school.course.assign").target_id == str(a.pk)


def test_member_joins_an_elective_offered_to_her_organisation(world):
    course = make_course(world.officer, world.committee)
    enrolment = services.course_enrol(user=world.member_user, course=course)
    assert enrolment.source == "chosen" and enrolment.member == world.member
    with pytest.raises(BusinessError) as exc:
        services.course_enrol(user=world.member_user, course=course)
    assert exc.value.code == "school.already_enrolled"


def test_a_course_not_offered_to_the_members_organisation_cannot_be_joined(world, school_snapshot):
    from conftest import make_user

    user_c = make_user("member_c")
    world.member_c.user = user_c
    world.member_c.save(update_fields=["user"])
    elective = make_course(world.officer, world.committee)
    required = make_course(world.officer, world.committee, title="必修课", kind="required")
    before = school_snapshot()
    with pytest.raises(BusinessError) as exc:
        services.course_enrol(user=user_c, course=elective)
    assert exc.value.code == "school.not_offered"
    with pytest.raises(BusinessError) as exc:  # a required course is joined through an assignment only
        services.course_enrol(user=world.member_user, course=required)
    assert exc.value.code == "school.not_offered"
    assert school_snapshot() == before


def test_an_assigned_required_course_is_joined_with_its_deadline(world):
    course = make_course(world.officer, world.committee, kind="required")
    services.course_assign(
        actor=world.officer, course=course, org=world.committee, due_on=dt.date(2099, 3, 1)
    )
    services.course_assign(
        actor=world.officer, course=course, member=world.member, due_on=dt.date(2099, 2, 1)
    )
    enrolment = services.course_enrol(user=world.member_user, course=course)
    assert enrolment.source == "assigned" and enrolment.due_on == dt.date(2099, 2, 1)


def _beat(user, key, start, count, step=15):
    for i in range(count):
        studytime.study_heartbeat(
            user=user, content_key=key, state="visible", now=start + dt.timedelta(seconds=i * step)
        )


def test_only_enrolled_members_earn_study_time_on_a_lesson(world, django_capture_on_commit_callbacks):
    course = make_course(world.officer, world.committee)
    lesson = course.lessons.get()
    with pytest.raises(BusinessError) as exc:
        studytime.study_heartbeat(user=world.member_user, content_key=lesson.content_key, state="visible")
    assert exc.value.code == "studytime.not_found"
    services.course_enrol(user=world.member_user, course=course)
    start = timezone.now() - dt.timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        _beat(world.member_user, lesson.content_key, start, 3)
    assert LessonProgress.objects.get(lesson=lesson).seconds == 30


def test_heartbeats_complete_the_lesson_at_90_percent_then_the_course_and_credit_hours_once(
    world, django_capture_on_commit_callbacks
):
    course = make_course(world.officer, world.committee, hours="3")
    lesson = course.lessons.get()  # an article of 1 minute: complete at 54 s
    services.course_enrol(user=world.member_user, course=course)
    start = timezone.now() - dt.timedelta(minutes=10)
    with django_capture_on_commit_callbacks(execute=True):
        _beat(world.member_user, lesson.content_key, start, 4)  # 45 s
    assert LessonProgress.objects.get(lesson=lesson).completed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        _beat(
            world.member_user, lesson.content_key, start + dt.timedelta(seconds=60), 1
        )  # the chain goes on: 60 s
    progress = LessonProgress.objects.get(lesson=lesson)
    assert progress.completed_at is not None
    enrolment = Enrolment.objects.get(course=course, member=world.member)
    assert enrolment.completed_at is not None and enrolment.completed_lessons == 1
    assert enrolment.certificate_no.startswith("DX")
    hours = StudyHours.objects.get(member=world.member, source_key=f"course-{course.pk}")
    assert hours.hours == Decimal("3") and hours.kind == "course"
    with django_capture_on_commit_callbacks(execute=True):  # more study and a replayed hook add nothing
        _beat(world.member_user, lesson.content_key, start + dt.timedelta(seconds=75), 2)
        study(world.member, lesson, 999)
    assert StudyHours.objects.filter(member=world.member).count() == 1
    assert AuditEntry.objects.filter(action="school.enrolment.complete").count() == 1


def test_optional_lessons_are_not_needed_for_completion(world, django_capture_on_commit_callbacks):
    course = make_course(world.officer, world.committee, publish=False)
    services.lesson_create(
        actor=world.officer,
        chapter=course.chapters.get(),
        title="拓展阅读",
        kind="article",
        body="<p>拓展</p>",
        is_required=False,
    )
    services.course_publish(actor=world.officer, course=course)
    services.course_enrol(user=world.member_user, course=course)
    required = course.lessons.get(is_required=True)
    with django_capture_on_commit_callbacks(execute=True):
        study(world.member, required, required.duration_seconds)
    enrolment = Enrolment.objects.get(course=course)
    assert enrolment.completed_at is not None and enrolment.completed_lessons == 1


def test_a_lesson_studied_by_someone_cannot_be_deleted(world, django_capture_on_commit_callbacks):
    course = make_course(world.officer, world.committee)
    services.course_enrol(user=world.member_user, course=course)
    lesson = course.lessons.get()
    study(world.member, lesson, 10)
    with pytest.raises(BusinessError) as exc:
        services.lesson_delete(actor=world.officer, lesson=lesson)
    assert exc.value.code == "school.lesson_in_use"
    assert Lesson.objects.filter(pk=lesson.pk).exists()


def _pdf_text(pdf: bytes) -> bytes:
    out = [pdf]
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        data = m.group(1)
        if data.rstrip().endswith(b"~>"):  # reportlab writes ASCII85 over Flate for fonts
            data = data.strip()
            data = base64.a85decode(data if data.startswith(b"<~") else b"<~" + data, adobe=True)
        with contextlib.suppress(zlib.error):
            out.append(zlib.decompressobj().decompress(data))
    return b"".join(out)


def test_the_certificate_is_a_pdf_with_the_chinese_font_embedded(world, django_capture_on_commit_callbacks):
    course = make_course(world.officer, world.committee, title="党章专题学习")
    services.course_enrol(user=world.member_user, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = complete(world.member, course)
    pdf = certificate.render(
        certificate.CertificateData(
            "党员甲",
            course.title,
            course.hours,
            dt.date(2026, 5, 1),
            enrolment.certificate_no,
            world.committee.name,
        )
    )
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    text = _pdf_text(pdf)
    assert b"/FontFile2" in text  # the TrueType subset is embedded: no tofu on a reader without the font
    assert re.search(rb"/FontName /[A-Z]{6}\+Noto(Serif|Sans)CJK", text)  # a subset of Debian's Noto CJK
    # The ToUnicode map lets readers extract the text: 党 U+515A, 章 U+7AE0.
    assert re.search(rb"<515[aA]>", text) and re.search(rb"<7[aA][eE]0>", text)
    assert enrolment.certificate_no.encode() in text or b"/Title" in text


def test_a_missing_chinese_font_gives_a_clear_message(world, monkeypatch):
    def missing():
        raise BusinessError("school.font_missing", certificate.FONT_MISSING)

    monkeypatch.setattr(certificate, "font_source", missing)
    with pytest.raises(BusinessError) as exc:
        certificate.render(
            certificate.CertificateData("甲", "课", Decimal("1"), dt.date(2026, 1, 1), "DX1", "党委")
        )
    assert "fonts-noto-cjk" in exc.value.message and "中文字体" in exc.value.message


def test_member_of_another_branch_in_scope_can_be_assigned_personally(world):
    other = make_member(world.branch_b, "孙八")
    course = make_course(world.officer, world.committee, kind="required")
    a = services.course_assign(actor=world.officer, course=course, member=other, due_on=dt.date(2099, 1, 1))
    assert a.org == world.branch_b and a.member == other
