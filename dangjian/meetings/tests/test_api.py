"""The 组织生活 API: the same services as the pages, scoped, with BusinessError as 400 and a bounded number of
queries for compliance."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from dangjian.meetings import services
from dangjian.meetings.models import Meeting, MeetingStatus
from dangjian.orgs import services as org_services


def test_secretary_creates_records_and_the_officer_reviews_through_the_api(client, world):
    sign_in(client, world.secretary_a)
    start = (timezone.now() - dt.timedelta(minutes=30)).isoformat()
    created = client.post(
        reverse("meeting-list"),
        {
            "org": world.branch_a.pk,
            "kind": "lecture",
            "topic": "书记讲党课",
            "starts_at": start,
            "host": world.member.pk,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    opened = client.post(reverse("meeting-checkin-open", args=[pk]))
    assert opened.status_code == 200 and len(opened.json()["check_in_code"]) == 6
    recorded = client.post(
        reverse("meeting-record", args=[pk]), {"minutes": "一、授课"}, content_type="application/json"
    )
    assert recorded.status_code == 200 and recorded.json()["status"] == "held"
    detail = client.get(reverse("meeting-detail", args=[pk])).json()
    assert detail["minutes"] == "一、授课" and len(detail["attendances"]) == 3
    sign_in(client, world.officer)
    reviewed = client.post(
        reverse("meeting-review", args=[pk]), {"action": "approve"}, content_type="application/json"
    )
    assert reviewed.status_code == 200 and reviewed.json()["status"] == MeetingStatus.REVIEWED


def test_a_refused_api_write_answers_400_with_its_code_and_changes_nothing(client, world, snap):
    sign_in(client, world.secretary_b)
    before = snap()
    response = client.post(
        reverse("meeting-list"),
        {"org": world.branch_b.pk, "kind": "committee_meeting", "topic": "x", "planned_on": "2026-03-05"},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "meetings.no_committee"
    other = client.post(
        reverse("meeting-list"),
        {"org": world.branch_a.pk, "kind": "theme_day", "topic": "x", "planned_on": "2026-03-05"},
        content_type="application/json",
    )
    assert other.status_code == 404
    assert snap() == before


def test_member_checks_in_through_the_api_and_reads_own_lines_only(client, world, theme_day):
    services.checkin_open(actor=world.secretary_a, meeting=theme_day)
    theme_day.refresh_from_db()
    sign_in(client, world.member_user)
    response = client.post(
        reverse("meetings-checkin"), {"token": theme_day.check_in_token}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["check_in_method"] == "qr"
    lines = client.get(reverse("meeting-attendance-list")).json()["results"]
    assert [row["member"] for row in lines] == [world.member.pk]
    assert client.get(reverse("meeting-list")).status_code == 403


def test_plan_and_compliance_through_the_api(client, world):
    sign_in(client, world.officer)
    plan = client.post(
        reverse("meetings-plan"),
        {"org": world.branch_b.pk, "year": 2025, "months": [3]},
        content_type="application/json",
    )
    assert plan.status_code == 201 and sorted(m["kind"] for m in plan.json()) == [
        "general_meeting",
        "theme_day",
    ]
    data = client.get(reverse("meetings-compliance") + "?year=2025").json()
    names = [row["org_name"] for row in data["results"]]
    assert names == ["第一党支部", "第二党支部"]  # the officer's subtree only
    b = next(row for row in data["results"] if row["org_name"] == "第二党支部")
    assert b["missing"] == b["due"] and not any(p["kind"] == "committee_meeting" for p in b["periods"])


def test_compliance_page_reads_a_fixed_number_of_queries_whatever_the_number_of_branches(client, world):
    sign_in(client, world.officer)
    url = reverse("meetings:compliance") + "?year=2025"
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(6):
        branch = org_services.org_create(
            actor=None,
            parent=world.committee,
            name=f"新增第{i}党支部",
            kind="branch",
            bootstrap=True,
            has_committee=True,
        )
        org_services.org_create(
            actor=None, parent=branch, name=f"新增第{i}党小组", kind="group", bootstrap=True
        )
        services.meeting_create(
            actor=world.officer,
            org=branch,
            kind="theme_day",
            topic="主题党日",
            planned_on=dt.date(2025, 3, 20),
            starts_at=timezone.make_aware(dt.datetime(2025, 3, 20, 14)),
        )
        services.meeting_record(actor=world.officer, meeting=Meeting.objects.latest("id"), minutes="……")
    assert count() <= before
