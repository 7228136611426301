"""Review versions (issue 5 §5): a reviewed record is locked; changes after that are new versions with an
audit trail. The secretary starts a revision, the reviewed content is kept read-only, the record reopens as
the next version and the review applies to it; refused revisions change nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import sign_in
from dangjian.audit.models import AuditEntry
from dangjian.core.errors import BusinessError
from dangjian.meetings import services
from dangjian.meetings.models import Meeting, MeetingReview, MeetingStatus, MeetingVersion


@pytest.fixture
def reviewed(world, theme_day):
    present = theme_day.attendances.get(member=world.member)
    services.attendance_update(actor=world.secretary_a, attendance=present, present=True)
    away = theme_day.attendances.exclude(member=world.member).first()
    services.attendance_update(actor=world.secretary_a, attendance=away, leave_reason="出差", present=False)
    services.meeting_record(
        actor=world.secretary_a, meeting=theme_day, minutes="一、重温入党誓词", decisions="开展志愿服务"
    )
    services.meeting_review(actor=world.officer, meeting=theme_day, action="approve", comment="记录规范")
    theme_day.refresh_from_db()
    assert theme_day.status == MeetingStatus.REVIEWED
    return theme_day


def test_secretary_revises_a_reviewed_record_and_the_reviewed_version_is_kept(world, reviewed):
    version = services.meeting_revise(actor=world.secretary_a, meeting=reviewed, reason="补充遗漏的决定事项")
    reviewed.refresh_from_db()
    assert version.number == 1 and version.created_by == world.secretary_a
    assert version.reason == "补充遗漏的决定事项"
    assert reviewed.version == 2 and reviewed.status == MeetingStatus.HELD and not reviewed.is_locked
    assert reviewed.reviewed_by is None and reviewed.reviewed_at is None and reviewed.review_note == ""
    snap = version.snapshot
    assert snap["version"] == 1 and snap["topic"] == reviewed.topic
    assert snap["minutes"] == "一、重温入党誓词" and snap["decisions"] == "开展志愿服务"
    assert snap["reviewed_by"] == world.officer.display_name and snap["review_note"] == "记录规范"
    assert snap["attendance"]["expected"] == 3 and snap["attendance"]["present"] == 1
    assert snap["attendance"]["on_leave"] == 1 and snap["attendance"]["absent"] == 1
    states = {r["name"]: r["state"] for r in snap["attendance"]["rows"]}
    assert states["党员甲"] == "已签到" and "请假（出差）" in states.values()
    entry = AuditEntry.objects.get(action="meetings.meeting.revise")
    assert entry.target_id == str(reviewed.pk) and entry.org_path == world.branch_a.path
    assert entry.changes["version"] == [1, 2] and entry.changes["status"] == ["reviewed", "held"]

    # The new version is edited, and the old one does not move.
    services.meeting_update(
        actor=world.secretary_a, meeting=reviewed, decisions="开展志愿服务\n推荐党员甲为优秀党员"
    )
    version.refresh_from_db()
    assert version.snapshot["decisions"] == "开展志愿服务"

    # The review applies to the new version, which locks again; a second revision keeps version 2.
    review = services.meeting_review(actor=world.officer, meeting=reviewed, action="approve")
    assert review.version == 2
    assert list(MeetingReview.objects.filter(meeting=reviewed).values_list("version", flat=True)) == [1, 2]
    reviewed.refresh_from_db()
    assert reviewed.is_locked and reviewed.version == 2
    second = services.meeting_revise(actor=world.officer, meeting=reviewed, reason="更正地点")
    assert second.number == 2 and "推荐党员甲为优秀党员" in second.snapshot["decisions"]
    assert list(reviewed.versions.values_list("number", flat=True)) == [1, 2]


@pytest.mark.parametrize(
    ("who", "reason", "code"),
    [
        ("secretary_b", "补充", "meetings.forbidden"),  # another branch
        ("member_user", "补充", "meetings.forbidden"),  # a member without the grant
        ("secretary_a", "  ", "meetings.reason_required"),
        ("secretary_a", "长" * 501, "meetings.reason_too_long"),
    ],
)
def test_a_refused_revision_changes_nothing(world, reviewed, snap, who, reason, code):
    before = snap()
    with pytest.raises(BusinessError) as exc:
        services.meeting_revise(actor=getattr(world, who), meeting=reviewed, reason=reason)
    assert exc.value.code == code
    assert snap() == before


def test_a_record_not_yet_reviewed_is_edited_directly_not_revised(world, theme_day, snap):
    services.meeting_record(actor=world.secretary_a, meeting=theme_day, minutes="一、学习")
    before = snap()
    with pytest.raises(BusinessError) as exc:
        services.meeting_revise(actor=world.secretary_a, meeting=theme_day, reason="补充")
    assert exc.value.code == "meetings.not_reviewed"
    assert snap() == before


def test_a_locked_record_is_not_rewritten_through_the_record_form(world, reviewed, snap):
    before = snap()
    with pytest.raises(BusinessError) as exc:
        services.meeting_record(actor=world.secretary_a, meeting=reviewed, minutes="改写")
    assert exc.value.code == "meetings.locked"
    assert snap() == before


def test_pages_show_the_history_and_each_old_version_read_only(client, world, reviewed):
    sign_in(client, world.secretary_a)
    page = client.get(reverse("meetings:meeting_detail", args=[reviewed.pk])).content.decode()
    assert 'id="revise-form"' in page
    response = client.post(reverse("meetings:meeting_revise", args=[reviewed.pk]), {"reason": "补充决定"})
    assert response.status_code == 302
    reviewed.refresh_from_db()
    Meeting.objects.filter(pk=reviewed.pk).update(minutes="一、重温入党誓词（修订后）")
    page = client.get(reverse("meetings:meeting_detail", args=[reviewed.pk])).content.decode()
    assert "第2版</strong>（当前）" in page and "修订原因：补充决定" in page
    assert 'id="revise-form"' not in page  # open again: edited directly until it is reviewed again
    old = client.get(reverse("meetings:meeting_version", args=[reviewed.pk, 1])).content.decode()
    assert "只读" in old and "一、重温入党誓词" in old and "（修订后）" not in old
    assert "<form" not in old.split('id="version-note"')[1]  # nothing to submit on an old version
    assert client.get(reverse("meetings:meeting_version", args=[reviewed.pk, 2])).status_code == 404
    sign_in(client, world.secretary_b)
    assert client.get(reverse("meetings:meeting_version", args=[reviewed.pk, 1])).status_code == 404


def test_a_refused_revision_through_the_page_shows_the_reason_and_changes_nothing(
    client, world, reviewed, snap
):
    sign_in(client, world.secretary_a)
    before = snap()
    response = client.post(
        reverse("meetings:meeting_revise", args=[reviewed.pk]), {"reason": ""}, follow=True
    )
    assert "请填写修订原因" in response.content.decode()
    assert snap() == before


def test_the_api_revises_and_lists_versions(client, world, reviewed):
    sign_in(client, world.secretary_a)
    url = reverse("meeting-revise", args=[reviewed.pk])
    response = client.post(url, {"reason": "补充决定"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["number"] == 1
    detail = client.get(reverse("meeting-detail", args=[reviewed.pk])).json()
    assert detail["version"] == 2 and [v["number"] for v in detail["versions"]] == [1]
    assert detail["versions"][0]["snapshot"]["minutes"] == "一、重温入党誓词"
    again = client.post(url, {"reason": "再修订"}, content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "meetings.not_reviewed"
    assert MeetingVersion.objects.count() == 1
