"""Scope contract of 组织生活: see tests/contracts/__init__.py.

The objects: a 主题党日 of 第一党支部 (branch_a) entered by secretary_a, with 党员甲's line on its list.
secretary_a and the officer (committee over branch_a) see and change it; secretary_b (branch_b) gets 404; only
the officer reviews (meetings.review); members without a grant reach only their own check-in pages and their
own attendance lines; the 三员 are refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from conftest import PERSONAS
from tests.contracts import NOT_ADMINS, ORG_WORKERS, SIGNED_IN, Write, api, html, public

A = ("secretary_a", "officer")  # in scope for the meeting of branch_a


def _meeting(w: SimpleNamespace) -> Any:
    from django.utils import timezone

    from dangjian.meetings import services
    from dangjian.meetings.models import Meeting

    meeting = Meeting.objects.filter(org=w.branch_a, topic="合同测试主题党日").first()
    if meeting is None:
        meeting = services.meeting_create(
            actor=w.secretary_a,
            org=w.branch_a,
            kind="theme_day",
            topic="合同测试主题党日",
            starts_at=timezone.now() - dt.timedelta(minutes=5),
            place="党员活动室",
        )
    return meeting


def _version(w: SimpleNamespace) -> dict[str, Any]:
    """A 党课 of branch_a recorded by secretary_a, approved by the officer and revised: its version 1."""
    from django.utils import timezone

    from dangjian.meetings import services
    from dangjian.meetings.models import Meeting

    meeting = Meeting.objects.filter(org=w.branch_a, topic="合同测试修订的会议").first()
    if meeting is None:
        meeting = services.meeting_create(
            actor=w.secretary_a,
            org=w.branch_a,
            kind="lecture",
            topic="合同测试修订的会议",
            starts_at=timezone.now() - dt.timedelta(hours=2),
        )
        services.meeting_record(actor=w.secretary_a, meeting=meeting, minutes="一、学习")
        services.meeting_review(actor=w.officer, meeting=meeting, action="approve")
        services.meeting_revise(actor=w.secretary_a, meeting=meeting, reason="补充决定")
    return {"pk": meeting.pk, "number": 1}


def _attendance(w: SimpleNamespace) -> Any:
    return _meeting(w).attendances.get(member=w.member)


def _pk(w: SimpleNamespace) -> dict[str, Any]:
    return {"pk": _meeting(w).pk}


EXPECTED: dict[str, dict[str, Any]] = {
    "meetings:meeting_list": html(ORG_WORKERS),
    "meetings:meeting_create": html(ORG_WORKERS),
    "meetings:meeting_detail": html(A, secretary_b=404),
    "meetings:meeting_edit": html(A, secretary_b=404),
    "meetings:meeting_record": html(A, secretary_b=404),
    "meetings:meeting_cancel": html(ORG_WORKERS, ok=405),
    "meetings:checkin_open": html(ORG_WORKERS, ok=405),
    "meetings:checkin_close": html(ORG_WORKERS, ok=405),
    "meetings:checkin_screen": html(A, secretary_b=404),
    "meetings:attachment_add": html(ORG_WORKERS, ok=405),
    "meetings:meeting_review": html(("officer",), ok=405),
    "meetings:meeting_revise": html(ORG_WORKERS, ok=405),
    "meetings:meeting_version": html(A, secretary_b=404),  # an earlier version, read-only
    "meetings:meeting_docx": html(A, secretary_b=404),  # an audited download
    "meetings:meeting_pdf": html(A, secretary_b=404),  # audited like the Word record
    "meetings:signin_docx": html(A, secretary_b=404),
    "meetings:attendance_update": html(ORG_WORKERS, ok=405),
    "meetings:plan": html(A, secretary_b=404),
    "meetings:plan_generate": html(ORG_WORKERS, ok=405),
    "meetings:compliance": html(ORG_WORKERS),
    "meetings:compliance_branch": html(A, secretary_b=404),
    "meetings:my_meetings": html(
        NOT_ADMINS
    ),  # one's own meetings; an account without a member record sees a notice
    "meetings:checkin_token": html(NOT_ADMINS),
    # One's own calendar subscription (the 三员 have no meetings). The feed is a public view whose only
    # credential is the secret token in its address: without one it answers 404 to everyone, session or not.
    "meetings:calendar_feed": html(NOT_ADMINS),
    "meetings:calendar_feed_revoke": html(NOT_ADMINS, ok=405),
    "meetings:calendar_ics": public(**dict.fromkeys(PERSONAS, 404)),
    "meetings-checkin": api(NOT_ADMINS, ok=405),
    "meetings-plan": api(ORG_WORKERS, ok=405),
    "meetings-compliance": api(ORG_WORKERS),
    "meeting-list": api(ORG_WORKERS),
    "meeting-detail": api(A, secretary_b=404),
    "meeting-cancel": api(ORG_WORKERS, ok=405),
    "meeting-checkin-open": api(ORG_WORKERS, ok=405),
    "meeting-checkin-close": api(ORG_WORKERS, ok=405),
    "meeting-record": api(ORG_WORKERS, ok=405),
    "meeting-review": api(ORG_WORKERS, ok=405),
    "meeting-revise": api(ORG_WORKERS, ok=405),
    "meeting-attendance-list": api(NOT_ADMINS),  # own lines without a grant
    "meeting-attendance-detail": api((*A, "member_user"), secretary_b=404, outsider=404),
}
assert all(set(v) == {"anonymous", *SIGNED_IN} for v in EXPECTED.values())

KWARGS: dict[str, Callable[[SimpleNamespace], dict[str, Any]]] = {
    "meetings:meeting_detail": _pk,
    "meetings:meeting_edit": _pk,
    "meetings:meeting_record": _pk,
    "meetings:meeting_cancel": _pk,
    "meetings:checkin_open": _pk,
    "meetings:checkin_close": _pk,
    "meetings:checkin_screen": _pk,
    "meetings:attachment_add": _pk,
    "meetings:meeting_review": _pk,
    "meetings:meeting_revise": _pk,
    "meetings:meeting_version": _version,
    "meetings:meeting_docx": _pk,
    "meetings:meeting_pdf": _pk,
    "meetings:signin_docx": _pk,
    "meetings:attendance_update": lambda w: {"pk": _attendance(w).pk},
    "meetings:plan": lambda w: {"pk": w.branch_a.pk},
    "meetings:plan_generate": lambda w: {"pk": w.branch_a.pk},
    "meetings:compliance_branch": lambda w: {"pk": w.branch_a.pk},
    "meetings:checkin_token": lambda w: {"token": "contract-token-not-open"},
    "meeting-detail": _pk,
    "meeting-cancel": _pk,
    "meeting-checkin-open": _pk,
    "meeting-checkin-close": _pk,
    "meeting-record": _pk,
    "meeting-review": _pk,
    "meeting-revise": _pk,
    "meeting-attendance-detail": lambda w: {"pk": _attendance(w).pk},
}


def _form(w: SimpleNamespace) -> dict[str, Any]:
    return {"org": w.branch_a.pk, "kind": "theme_day", "topic": "五月主题党日", "planned_on": "2026-05-20"}


WRITES: dict[str, Write] = {
    "meetings:meeting_create": Write("post", ORG_WORKERS, _form),  # the form offers one's own branches
    "meetings:meeting_edit": Write("post", A, _form),
    "meetings:meeting_record": Write("post", A, lambda w: {"minutes": "一、学习", "decisions": ""}),
    "meetings:meeting_cancel": Write("post", A, lambda w: {"reason": "改期"}),
    "meetings:checkin_open": Write("post", A, lambda w: {}),
    "meetings:checkin_close": Write("post", A, lambda w: {}),
    "meetings:attachment_add": Write("post", A, lambda w: {"caption": "合影"}),
    "meetings:meeting_review": Write("post", ("officer",), lambda w: {"action": "comment", "comment": "好"}),
    "meetings:meeting_revise": Write("post", A, lambda w: {"reason": "补充决定"}),
    "meetings:attendance_update": Write("post", A, lambda w: {f"a{_attendance(w).pk}-present": "on"}),
    "meetings:plan_generate": Write("post", A, lambda w: {"year": 2026, "months": [5]}),
    "meetings:my_meetings": Write("post", NOT_ADMINS, lambda w: {"code": "123456"}),
    "meetings:checkin_token": Write("post", NOT_ADMINS, lambda w: {}),
    "meetings:calendar_feed": Write("post", NOT_ADMINS, lambda w: {}),
    "meetings:calendar_feed_revoke": Write("post", NOT_ADMINS, lambda w: {}),
    "meetings-checkin": Write("post", NOT_ADMINS, lambda w: {"code": "123456"}),
    "meetings-plan": Write("post", A, lambda w: {"org": w.branch_a.pk, "year": 2026, "months": [5]}),
    "meeting-list": Write("post", A, _form),
    "meeting-detail": Write("patch", A, lambda w: {"topic": "改后的主题"}),
    "meeting-cancel": Write("post", A, lambda w: {"reason": "改期"}),
    "meeting-checkin-open": Write("post", A, lambda w: {}),
    "meeting-checkin-close": Write("post", A, lambda w: {}),
    "meeting-record": Write("post", A, lambda w: {"minutes": "一、学习"}),
    "meeting-review": Write("post", ("officer",), lambda w: {"action": "comment", "comment": "好"}),
    "meeting-revise": Write("post", A, lambda w: {"reason": "补充决定"}),
    "meeting-attendance-detail": Write("patch", A, lambda w: {"present": True}),
}
