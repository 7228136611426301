"""Regressions found by the OpenAPI schema checks and tests/test_schemathesis.py once the study, school,
news and meetings APIs landed: the schema is generated without a warning (a warning means a wrong schema),
answers match it, nothing out of scope is reachable before the input is validated, and odd input is a 400,
not a server error."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from conftest import sign_in
from dangjian.meetings.models import Meeting


def test_the_schema_is_generated_without_any_warning_and_is_valid(tmp_path):
    # --fail-on-warn: component or operation-id collisions, enum name clashes and views whose queryset
    # fails for the generator all make the schema wrong.
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yml"))
    text = (tmp_path / "schema.yml").read_text()
    for name in ("CourseProgress:", "StudyHoursProgress:", "NewsEntryPage:", "MyStudy:", "CompliancePage:"):
        assert f"\n    {name}\n" in text, name
    assert "operationId: v1_news_feeds_fetch_all_create" in text


def _meeting(world, **fields):
    return Meeting.objects.create(
        org=world.branch_a, kind="theme_day", topic="接口测试", planned_on=dt.date(2026, 3, 20), **fields
    )


def test_a_meeting_dated_in_an_implausible_year_is_refused_and_nothing_changes(world, snapshot):
    meeting = _meeting(world)
    client = sign_in(Client(), world.secretary_a)
    before = snapshot(), list(Meeting.objects.values())
    url = f"/api/v1/meetings/meetings/{meeting.pk}/"
    for payload in (
        {"starts_at": "0272-02-17T11:18:38Z"},  # shown back with a local-mean-time offset, not RFC 3339
        {"planned_on": "1999-12-31"},
        {"ends_at": "2101-01-01T08:00:00+08:00"},
    ):
        response = client.patch(url, payload, content_type="application/json")
        assert response.status_code == 400, response.content
        assert response.json()["code"] == "meetings.bad_date"
    created = client.post(
        "/api/v1/meetings/meetings/",
        {"org": world.branch_a.pk, "kind": "theme_day", "topic": "远古会议", "planned_on": "0999-01-01"},
        content_type="application/json",
    )
    assert created.status_code == 400 and created.json()["code"] == "meetings.bad_date"
    assert (snapshot(), list(Meeting.objects.values())) == before


def test_clearing_a_meetings_planned_date_takes_the_date_of_its_start_or_is_refused(world):
    client = sign_in(Client(), world.secretary_a)
    bare = _meeting(world)
    response = client.patch(
        f"/api/v1/meetings/meetings/{bare.pk}/",
        "planned_on=&place=%E4%BC%9A%E8%AE%AE%E5%AE%A4",  # a form post: the empty date means "none"
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400 and response.json()["code"] == "meetings.date_required"
    bare.refresh_from_db()
    assert bare.planned_on == dt.date(2026, 3, 20) and bare.place == ""

    starts = timezone.make_aware(dt.datetime(2026, 4, 2, 9, 0))
    timed = _meeting(world, starts_at=starts)
    response = client.patch(
        f"/api/v1/meetings/meetings/{timed.pk}/", {"planned_on": None}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["planned_on"] == "2026-04-02"


def test_an_attendance_without_a_reason_or_check_in_is_described_by_the_schema(world):
    _meeting(world)  # the roster is drawn when a meeting is created through the service; not needed here
    client = sign_in(Client(), world.secretary_a)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    attendance = schema["components"]["schemas"]["Attendance"]["properties"]
    for field in ("excluded_reason", "check_in_method"):
        refs = {one["$ref"] for one in attendance[field]["oneOf"]}
        assert "#/components/schemas/BlankEnum" in refs, field


def test_a_news_post_out_of_scope_is_not_found_before_the_reason_is_validated(world, snapshot):
    from dangjian.news import services

    post = services.post_create(
        actor=world.secretary_a, org=world.branch_a, title="志愿服务", body="走进社区。",
        happened_on=dt.date(2026, 3, 1),
    )  # fmt: skip
    post = services.post_submit(actor=world.secretary_a, post=post)
    post = services.post_approve(actor=world.officer, post=post)
    before = snapshot()
    other = sign_in(Client(), world.secretary_b)  # a publisher of the next branch
    response = other.post(f"/api/v1/news/posts/{post.pk}/withdraw/", {}, content_type="application/json")
    assert response.status_code == 404
    reviewer = sign_in(Client(), world.officer)  # the post's reviewer, but the reason is missing
    response = reviewer.post(f"/api/v1/news/reviews/{post.pk}/withdraw/", {}, content_type="application/json")
    assert response.status_code == 400
    assert snapshot() == before


def test_an_assignment_to_one_member_has_no_organisation_name(world):
    from dangjian.study import services

    topic = services.topic_create(actor=world.officer, org=world.committee, title="学习党章")
    services.assignment_add(
        actor=world.officer, topic=topic, member=world.member, include_subtree=False, required=False,
        deadline=None,
    )  # fmt: skip
    client = sign_in(Client(), world.officer)
    rows = client.get("/api/v1/study/manage/assignments/", {"topic": topic.pk}).json()["results"]
    assert [(r["org_name"], r["member_name"]) for r in rows] == [(None, "党员甲")]


def test_appraisal_and_meetings_exclusion_reasons_and_grades_have_one_named_enum_each(world):
    # 民主评议's reasons are 组织生活's (DOMAIN.md §5) plus 其他原因: two choice sets with one field name,
    # each named once; the four grades share one enum wherever they appear.
    from dangjian.appraisal.models import EXCLUSIONS, ExclusionReason
    from dangjian.meetings.rules import EXCLUSION_REASONS

    assert EXCLUSIONS == {**EXCLUSION_REASONS, "other": "其他原因"} == dict(ExclusionReason.choices)
    client = sign_in(Client(), world.secretary_a)
    schemas = client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    assert schemas["AppraisalExclusionReasonEnum"]["enum"] == [*EXCLUSION_REASONS, "other"]
    assert schemas["MeetingExclusionReasonEnum"]["enum"] == list(EXCLUSION_REASONS)

    def refs(component, field):
        prop = schemas[component]["properties"][field]
        return {one.get("$ref") for one in [prop, *prop.get("oneOf", []), prop.get("items", {})]} - {None}

    assert "#/components/schemas/MeetingExclusionReasonEnum" in refs("Attendance", "excluded_reason")
    assert "#/components/schemas/AppraisalExclusionReasonEnum" in refs("Participant", "excluded_reason")
    assert "#/components/schemas/AppraisalExclusionReasonEnum" in refs("ExcludeRequest", "reason")
    graded = [("Participant", "self_grade"), ("Participant", "final_grade"), ("RatingRequest", "grade")]
    for component, field in [*graded, ("SelfAssessmentRequest", "self_grade")]:
        assert "#/components/schemas/AppraisalGradeEnum" in refs(component, field), (component, field)
    assert not [name for name in schemas if name.startswith(("ExcludedReason", "SelfGrade", "FinalGrade"))]
