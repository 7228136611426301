"""Pages of 组织生活: the secretary plans, records and downloads; members check in; the committee reviews and
sees compliance; other branches get 404."""

from __future__ import annotations

import datetime as dt
import io

from django.urls import reverse
from django.utils import timezone
from docx import Document

from conftest import sign_in
from dangjian.audit.models import AuditEntry
from dangjian.core.ratelimit import limit_for
from dangjian.meetings import services
from dangjian.meetings.models import Attendance, Meeting, MeetingStatus


def test_secretary_creates_a_theme_day_through_the_form(client, world):
    sign_in(client, world.secretary_a)
    assert client.get(reverse("meetings:meeting_create")).status_code == 200
    start = timezone.localtime() + dt.timedelta(hours=1)
    response = client.post(
        reverse("meetings:meeting_create"),
        {
            "org": world.branch_a.pk,
            "kind": "theme_day",
            "topic": "学习贯彻全会精神主题党日",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "place": "党员活动室",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "meetings:meeting_detail", args=[meeting.pk]
    )
    assert meeting.planned_on == start.date() and meeting.attendances.count() == 3


def test_secretary_cannot_create_for_another_branch_through_the_form(client, world, snap):
    sign_in(client, world.secretary_b)
    before = snap()
    response = client.post(
        reverse("meetings:meeting_create"),
        {"org": world.branch_a.pk, "kind": "theme_day", "topic": "x", "planned_on": "2026-03-20"},
    )
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert snap() == before


def test_pages_of_a_meeting_render_for_the_secretary(client, world, theme_day):
    sign_in(client, world.secretary_a)
    for name in ("meeting_detail", "meeting_edit", "meeting_record", "checkin_screen"):
        assert client.get(reverse(f"meetings:{name}", args=[theme_day.pk])).status_code == 200, name
    for name, args in (
        ("meeting_list", []),
        ("compliance", []),
        ("plan", [world.branch_a.pk]),
        ("compliance_branch", [world.branch_a.pk]),
    ):
        assert client.get(reverse(f"meetings:{name}", args=args)).status_code == 200, name


def test_other_branch_secretary_gets_404_on_the_meeting(client, world, theme_day, snap):
    sign_in(client, world.secretary_b)
    before = snap()
    for name in ("meeting_detail", "meeting_edit", "meeting_docx", "checkin_screen"):
        assert client.get(reverse(f"meetings:{name}", args=[theme_day.pk])).status_code == 404, name
    for name in ("checkin_open", "meeting_cancel", "meeting_record"):
        assert (
            client.post(
                reverse(f"meetings:{name}", args=[theme_day.pk]), {"reason": "x", "minutes": "x"}
            ).status_code
            == 404
        )
    row = theme_day.attendances.first()
    assert client.post(reverse("meetings:attendance_update", args=[row.pk]), {}).status_code == 404
    assert snap() == before


def test_member_checks_in_on_the_phone_with_the_code_word_then_through_the_qr_page(client, world, theme_day):
    services.checkin_open(actor=world.secretary_a, meeting=theme_day)
    theme_day.refresh_from_db()
    sign_in(client, world.member_user)
    assert client.get(reverse("meetings:my_meetings")).status_code == 200
    bad = client.post(reverse("meetings:my_meetings"), {"code": "abc"})
    assert bad.status_code == 400 and "签到口令不正确" in bad.content.decode()
    ok = client.post(reverse("meetings:my_meetings"), {"code": theme_day.check_in_code}, follow=True)
    assert "签到成功（迟到）" in ok.content.decode()
    assert Attendance.objects.get(member=world.member).late
    # The QR page of the same meeting now says so.
    url = reverse("meetings:checkin_token", args=[theme_day.check_in_token])
    assert "确认签到" in client.get(url).content.decode()
    again = client.post(url, follow=True)
    assert "您已签到" in again.content.decode()


def test_check_in_attempts_are_throttled(client, world, theme_day, settings):
    services.checkin_open(actor=world.secretary_a, meeting=theme_day)
    sign_in(client, world.member_user)
    for _ in range(limit_for("checkin")[0]):
        client.post(reverse("meetings:my_meetings"), {"code": "999999"})
    response = client.post(reverse("meetings:my_meetings"), {"code": "999999"})
    assert response.status_code == 429 and response["Retry-After"]


def test_secretary_writes_minutes_and_downloads_the_word_record(client, world, theme_day):
    sign_in(client, world.secretary_a)
    response = client.post(
        reverse("meetings:meeting_record", args=[theme_day.pk]),
        {"minutes": "一、重温入党誓词\n二、学习", "decisions": ""},
    )
    assert response.status_code == 302
    theme_day.refresh_from_db()
    assert theme_day.status == MeetingStatus.HELD
    download = client.get(reverse("meetings:meeting_docx", args=[theme_day.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    doc = Document(io.BytesIO(download.content))
    assert any("重温入党誓词" in c.text for r in doc.tables[0].rows for c in r.cells)
    assert AuditEntry.objects.filter(action="meetings.record.download", target_id=str(theme_day.pk)).exists()


def test_officer_reviews_through_the_page_and_the_record_locks(client, world, theme_day):
    services.meeting_record(actor=world.secretary_a, meeting=theme_day, minutes="……")
    sign_in(client, world.officer)
    assert (
        client.post(
            reverse("meetings:meeting_review", args=[theme_day.pk]), {"action": "approve"}
        ).status_code
        == 302
    )
    theme_day.refresh_from_db()
    assert theme_day.status == MeetingStatus.REVIEWED
    page = client.get(reverse("meetings:meeting_detail", args=[theme_day.pk])).content.decode()
    assert "记录已锁定" in page


def test_secretary_generates_the_plan_of_a_month(client, world):
    sign_in(client, world.secretary_a)
    response = client.post(
        reverse("meetings:plan_generate", args=[world.branch_a.pk]), {"year": 2026, "months": [4]}
    )
    assert response.status_code == 302
    kinds = sorted(Meeting.objects.values_list("kind", flat=True))
    assert kinds == ["committee_meeting", "group_meeting", "theme_day"]
    page = client.get(reverse("meetings:plan", args=[world.branch_a.pk]) + "?year=2026").content.decode()
    assert "4月支委会" in page


def test_member_without_grant_cannot_open_the_committee_pages(client, world):
    sign_in(client, world.member_user)
    assert client.get(reverse("meetings:meeting_list")).status_code == 403
    assert client.get(reverse("meetings:compliance")).status_code == 403


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 24), "red").save(out, "PNG")
    return out.getvalue()


def test_secretary_attaches_a_photo_through_the_upload_pipeline_and_a_script_is_refused(
    client, world, theme_day, snap
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangjian.meetings.models import MeetingAttachment

    sign_in(client, world.secretary_a)
    url = reverse("meetings:attachment_add", args=[theme_day.pk])
    photo = SimpleUploadedFile("合影.png", _png(), content_type="image/png")
    assert client.post(url, {"file": photo, "caption": "全体合影"}).status_code == 302
    item = MeetingAttachment.objects.get()
    assert item.file.purpose == "meeting.attachment" and item.file.org_id == world.branch_a.pk
    assert AuditEntry.objects.filter(action="meetings.attachment.add").exists()
    assert client.get(reverse("core:file_download", args=[item.file.public_id])).status_code == 200
    before = snap()
    bad = SimpleUploadedFile("x.png", b"#!/bin/sh\nrm -rf /\n", content_type="image/png")
    response = client.post(url, {"file": bad}, follow=True)
    assert response.status_code == 200 and snap() == before
    # A member of another branch cannot read the photo.
    sign_in(client, world.secretary_b)
    assert client.get(reverse("core:file_download", args=[item.file.public_id])).status_code == 404


def test_secretary_creates_a_group_meeting_for_a_group_of_her_branch(client, world):
    sign_in(client, world.secretary_a)
    assert world.group_a.label in client.get(reverse("meetings:meeting_create")).content.decode()
    response = client.post(
        reverse("meetings:meeting_create"),
        {
            "org": world.branch_a.pk,
            "kind": "group_meeting",
            "group": world.group_a.pk,
            "topic": "党小组学习",
            "planned_on": "2026-03-10",
        },
    )
    assert response.status_code == 302
    assert Meeting.objects.get().group == world.group_a
