"""Pages and API of 网络党校 for the personas: my courses, lessons with the heartbeat, the inline PDF, the
certificate, publishing through the pages, statistics with drill-down and export."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.urls import reverse

from conftest import make_member, make_user
from dangjian.audit.models import AuditEntry
from dangjian.school import services
from dangjian.school.models import Course, Enrolment
from dangjian.school.testing import complete, make_course


def test_my_courses_lists_assigned_required_first_with_overdue_flagged_then_joined_then_catalogue(
    world, login
):
    make_course(world.officer, world.committee, title="选修甲")
    joined = make_course(world.officer, world.committee, title="已选乙")
    required = make_course(world.officer, world.committee, title="必修丙", kind="required")
    services.course_assign(
        actor=world.officer, course=required, org=world.branch_a, due_on=dt.date(2099, 1, 1)
    )
    services.course_enrol(user=world.member_user, course=joined)
    enrolment = services.course_enrol(user=world.member_user, course=required)
    Enrolment.objects.filter(pk=enrolment.pk).update(due_on=dt.date(2020, 1, 1))  # the deadline has passed
    body = login(world.member_user).get(reverse("school:my_courses")).content.decode()
    assigned, rest = body.split('id="school-enrolled"')
    joined_part, catalogue = rest.split('id="school-catalogue"')
    assert "必修丙" in assigned and "data-overdue" in assigned
    assert "已选乙" in joined_part and "选修甲" in catalogue and "选修甲" not in assigned + joined_part


def test_an_account_without_a_member_record_sees_a_notice(world, login):
    assert 'id="school-no-member"' in login(world.officer).get(reverse("school:my_courses")).content.decode()


def test_member_joins_from_the_course_page_and_the_lesson_page_counts_study_time(world, login):
    course = make_course(world.officer, world.committee)
    lesson = course.lessons.get()
    client = login(world.member_user)
    response = client.get(reverse("school:lesson_detail", args=[lesson.pk]))
    assert response.status_code == 302  # join first
    client.post(reverse("school:course_enrol", args=[course.pk]))
    assert Enrolment.objects.filter(course=course, member=world.member).exists()
    body = client.get(reverse("school:lesson_detail", args=[lesson.pk])).content.decode()
    assert f'data-study-key="lesson:{lesson.pk}"' in body and "studytime/heartbeat.js" in body
    assert "<h2>一、为什么要学习党章</h2>" in body and "style=" not in body


def test_the_pdf_of_a_document_lesson_is_shown_inline_in_a_same_origin_frame(world, login):
    course = make_course(world.officer, world.committee, pdf=True)
    services.course_enrol(user=world.member_user, course=course)
    lesson = course.lessons.get(kind="document")
    client = login(world.member_user)
    assert (
        'class="school-pdf' in client.get(reverse("school:lesson_detail", args=[lesson.pk])).content.decode()
    )
    response = client.get(reverse("school:lesson_pdf", args=[lesson.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"].startswith("inline") and response["X-Frame-Options"] == "SAMEORIGIN"
    )
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_member_of_another_organisation_cannot_open_or_join_and_nothing_changes(
    world, client, school_snapshot
):
    from conftest import sign_in

    user_c = make_user("member_c")
    world.member_c.user = user_c
    world.member_c.save(update_fields=["user"])
    course = make_course(world.officer, world.committee)
    sign_in(client, user_c)
    before = school_snapshot()
    assert client.get(reverse("school:course_detail", args=[course.pk])).status_code == 404
    assert client.post(reverse("school:course_enrol", args=[course.pk])).status_code == 404
    assert client.post(reverse("school-course-enrol", args=[course.pk])).status_code == 404
    assert school_snapshot() == before


def test_the_member_downloads_her_certificate_after_completing(
    world, login, django_capture_on_commit_callbacks
):
    course = make_course(world.officer, world.committee)
    services.course_enrol(user=world.member_user, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = complete(world.member, course)
    client = login(world.member_user)
    assert (
        'id="certificate-link"'
        in client.get(reverse("school:course_detail", args=[course.pk])).content.decode()
    )
    response = client.get(reverse("school:certificate", args=[enrolment.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    api = client.get(reverse("school-certificate", args=[enrolment.pk]))
    assert api.status_code == 200 and api.content.startswith(b"%PDF-")


def test_secretary_publishes_a_course_through_the_pages(world, login):
    client = login(world.secretary_a)
    response = client.post(
        reverse("school:course_create"),
        {"org": world.branch_a.pk, "title": "支部微党课", "hours": "1", "kind": "elective"},
    )
    course = Course.objects.get(title="支部微党课")
    assert response.status_code == 302
    client.post(reverse("school:chapter_create", args=[course.pk]), {"title": "第一讲"})
    chapter = course.chapters.get()
    client.post(
        reverse("school:lesson_create", args=[chapter.pk]),
        {"title": "开篇", "kind": "article", "body": "<p>同志们好</p>", "is_required": "on"},
    )
    client.post(reverse("school:course_status", args=[course.pk, "publish"]))
    course.refresh_from_db()
    assert course.status == "published" and course.lessons.count() == 1
    assert AuditEntry.objects.filter(action="school.course.publish", target_id=str(course.pk)).exists()


def test_statistics_drill_down_from_the_committee_to_a_branch_and_export(
    world, login, django_capture_on_commit_callbacks
):
    course = make_course(world.officer, world.committee)
    make_member(world.branch_b, "孙八")
    services.course_enrol(user=world.member_user, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        complete(world.member, course)
    client = login(world.officer)
    response = client.get(reverse("school:course_stats", args=[course.pk]))
    rows = {r.org.pk: r for r in response.context["rows"]}
    assert response.context["total"].members == 5 and response.context["total"].completed == 1
    assert rows[world.branch_a.pk].members == 3 and rows[world.branch_a.pk].completed == 1
    assert rows[world.branch_b.pk].members == 2 and rows[world.branch_b.pk].enrolled == 0
    branch = client.get(reverse("school:course_stats", args=[course.pk]), {"org": world.branch_a.pk})
    names = [m.name for m in branch.context["members"]]
    assert "党员甲" in names and "李四" in names
    export = client.get(reverse("school:course_stats_export", args=[course.pk]), {"org": world.branch_a.pk})
    ws = openpyxl.load_workbook(io.BytesIO(export.content)).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row]
    assert "党员甲" in values and "未选课" in values
    assert AuditEntry.objects.filter(action="school.stats.export").count() == 1
    other = login(world.secretary_b).get(
        reverse("school:course_stats", args=[course.pk]), {"org": world.branch_a.pk}
    )
    assert other.status_code == 404


def test_the_api_lists_my_courses_enrols_and_reports_progress(world, login):
    course = make_course(world.officer, world.committee)
    client = login(world.member_user)
    mine = client.get(reverse("school-course-mine")).json()
    assert [c["course"]["title"] for c in mine["catalogue"]] == [course.title]
    assert client.post(reverse("school-course-enrol", args=[course.pk])).status_code == 201
    again = client.post(reverse("school-course-enrol", args=[course.pk]))
    assert again.status_code == 400 and again.json()["code"] == "school.already_enrolled"
    detail = client.get(reverse("school-course-detail", args=[course.pk])).json()
    lesson_id = detail["chapters"][0]["lessons"][0]["id"]
    lesson = client.get(reverse("school-lesson-detail", args=[lesson_id])).json()
    assert lesson["content_key"] == f"lesson:{lesson_id}" and "<h2>" in lesson["body_html"]
    progress = client.get(reverse("school-course-progress", args=[course.pk])).json()
    assert progress["percent"] == 0 and progress["enrolment"]["source"] == "chosen"


def test_a_member_takes_a_note_on_a_lesson_from_its_page(world, login):
    from dangjian.study.models import Note

    course = make_course(world.officer, world.committee)
    lesson = course.lessons.get()
    client = login(world.member_user)
    client.post(reverse("school:course_enrol", args=[course.pk]))
    page = reverse("school:lesson_detail", args=[lesson.pk])
    assert 'id="note-box"' in client.get(page).content.decode()
    answer = client.post(
        reverse("study:note_create"),
        {"content": lesson.content_key, "body": "党章是党的根本大法。", "shared": "on", "next": page},
    )
    assert answer.status_code == 302 and answer["Location"] == page
    note = Note.objects.get(content_key=lesson.content_key)
    assert note.shared and note.body == "党章是党的根本大法。"
    assert "党章是党的根本大法。" in client.get(page).content.decode()
