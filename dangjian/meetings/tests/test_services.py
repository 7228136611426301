"""Services of 组织生活: plans, records, check-in, attendance, review; audit and refusals."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from docx import Document

from dangjian.audit.models import AuditEntry
from dangjian.core.errors import BusinessError
from dangjian.meetings import documents, selectors, services
from dangjian.meetings.models import Attendance, Meeting, MeetingStatus
from dangjian.points import services as points_services
from dangjian.points.models import PointEntry


def _code(meeting: Meeting) -> str:
    return Meeting.objects.get(pk=meeting.pk).check_in_code


# --- create -------------------------------------------------------------------------------------------


def test_secretary_creates_a_theme_day_with_the_branch_roster_as_expected_attendees(world, theme_day):
    names = sorted(a.member.name for a in theme_day.attendances.select_related("member"))
    assert names == ["党员甲", "李四", "王五"]
    voting = {a.member.name: a.voting for a in theme_day.attendances.select_related("member")}
    assert voting["王五"] is False  # 预备党员 has no vote
    assert theme_day.minutes.startswith("一、重温入党誓词")  # the template of the kind
    entry = AuditEntry.objects.get(action="meetings.meeting.create")
    assert (entry.target_id, entry.org_path) == (str(theme_day.pk), world.branch_a.path)


def test_secretary_of_another_branch_cannot_create_and_nothing_changes(world, snap):
    before = snap()
    with pytest.raises(BusinessError) as exc:
        services.meeting_create(
            actor=world.secretary_b,
            org=world.branch_a,
            kind="theme_day",
            topic="x",
            planned_on=dt.date(2026, 3, 1),
        )
    assert exc.value.code == "meetings.forbidden"
    assert snap() == before


def test_branch_without_committee_cannot_hold_a_committee_meeting(world, snap):
    before = snap()
    with pytest.raises(BusinessError) as exc:
        services.meeting_create(
            actor=world.secretary_b,
            org=world.branch_b,
            kind="committee_meeting",
            topic="研究工作",
            planned_on=dt.date(2026, 3, 5),
        )
    assert exc.value.code == "meetings.no_committee"
    assert snap() == before


def test_group_meeting_lists_only_the_members_of_the_group(world):
    world.member.group = world.group_a
    world.member.save(update_fields=["group"])
    m = services.meeting_create(
        actor=world.secretary_a,
        org=world.branch_a,
        kind="group_meeting",
        topic="学习",
        planned_on=dt.date(2026, 3, 10),
        group=world.group_a,
    )
    assert [a.member_id for a in m.attendances.all()] == [world.member.pk]


# --- plans --------------------------------------------------------------------------------------------


def test_plan_for_a_year_is_generated_once(world):
    created = services.plan_generate(actor=world.secretary_a, org=world.branch_a, year=2026)
    kinds = [m.kind for m in created]
    assert kinds.count("theme_day") == 12 and kinds.count("committee_meeting") == 12
    assert kinds.count("group_meeting") == 12  # one group
    assert kinds.count("general_meeting") == 4
    assert services.plan_generate(actor=world.secretary_a, org=world.branch_a, year=2026) == []
    entry = AuditEntry.objects.filter(action="meetings.plan.generate").order_by("pk").first()
    assert entry is not None and entry.changes["created"] == len(created)


def test_plan_skips_periods_that_already_have_a_meeting(world, theme_day):
    created = services.plan_generate(
        actor=world.secretary_a,
        org=world.branch_a,
        year=theme_day.planned_on.year,
        months=[theme_day.planned_on.month],
    )
    assert "theme_day" not in [m.kind for m in created]


def test_plan_of_a_branch_without_committee_has_no_committee_meeting(world):
    created = services.plan_generate(actor=world.secretary_b, org=world.branch_b, year=2026, months=[5])
    assert {m.kind for m in created} == {"theme_day", "lecture"}


# --- check-in -----------------------------------------------------------------------------------------


def test_member_checks_in_with_the_code_word_and_is_marked_late_after_the_start(world, theme_day):
    services.checkin_open(actor=world.secretary_a, meeting=theme_day)
    a = services.checkin_by_code(user=world.member_user, code=_code(theme_day))
    assert a.present and a.late and a.check_in_method == "code"
    assert AuditEntry.objects.filter(action="meetings.attendance.check_in").count() == 1


def test_check_in_before_the_start_is_not_late(world):
    m = services.meeting_create(
        actor=world.secretary_a,
        org=world.branch_a,
        kind="lecture",
        topic="党课",
        starts_at=timezone.now() + dt.timedelta(minutes=30),
    )
    services.checkin_open(actor=world.secretary_a, meeting=m)
    m.refresh_from_db()
    a = services.checkin_by_token(user=world.member_user, token=m.check_in_token)
    assert a.present and not a.late and a.check_in_method == "qr"


def test_wrong_code_closed_check_in_and_outsider_are_refused_and_change_nothing(world, theme_day, snap):
    services.checkin_open(actor=world.secretary_a, meeting=theme_day)
    code = _code(theme_day)
    wrong = "000000" if code != "000000" else "111111"
    before = snap()
    for user, c in ((world.member_user, wrong), (world.outsider, code), (world.secretary_b, code)):
        with pytest.raises(BusinessError) as exc:
            services.checkin_by_code(user=user, code=c)
        assert exc.value.code in ("meetings.bad_code", "meetings.no_member")
    assert snap() == before
    services.checkin_close(actor=world.secretary_a, meeting=theme_day)
    before = snap()
    with pytest.raises(BusinessError):
        services.checkin_by_code(user=world.member_user, code=code)
    assert snap() == before


def test_checking_in_twice_is_refused(world, theme_day):
    services.checkin_open(actor=world.secretary_a, meeting=theme_day)
    services.checkin_by_code(user=world.member_user, code=_code(theme_day))
    with pytest.raises(BusinessError) as exc:
        services.checkin_by_code(user=world.member_user, code=_code(theme_day))
    assert exc.value.code == "meetings.already_checked_in"


def test_recorder_marks_leave_and_exclusion_and_the_summary_counts_them(world, theme_day):
    rows = {a.member.name: a for a in theme_day.attendances.select_related("member")}
    services.attendance_update(
        actor=world.secretary_a, attendance=rows["李四"], leave_reason="出差", present=False
    )
    services.attendance_update(
        actor=world.secretary_a, attendance=rows["王五"], excluded_reason="abroad", present=False
    )
    services.attendance_update(actor=world.secretary_a, attendance=rows["党员甲"], present=True)
    s = selectors.attendance_summary(theme_day)
    assert (s.expected, s.present, len(s.on_leave), len(s.excluded), len(s.absent)) == (2, 1, 1, 1, 0)


def test_present_and_on_leave_at_once_is_refused(world, theme_day, snap):
    row = theme_day.attendances.first()
    before = snap()
    with pytest.raises(BusinessError) as exc:
        services.attendance_update(actor=world.secretary_a, attendance=row, leave_reason="病假", present=True)
    assert exc.value.code == "meetings.present_and_absent"
    assert snap() == before


# --- record and points --------------------------------------------------------------------------------


def test_recording_the_meeting_awards_points_to_attendees_after_commit(
    world, theme_day, django_capture_on_commit_callbacks
):
    points_services.points_seed_rules()
    services.checkin_open(actor=world.secretary_a, meeting=theme_day)
    services.checkin_by_code(user=world.member_user, code=_code(theme_day))
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_record(
            actor=world.secretary_a, meeting=theme_day, minutes="学习了……", decisions="无"
        )
    theme_day.refresh_from_db()
    assert theme_day.status == MeetingStatus.HELD and not theme_day.check_in_open
    entries = PointEntry.objects.filter(action="meeting_attend", content_key=f"meeting-{theme_day.pk}")
    assert [e.member_id for e in entries] == [world.member.pk]
    # A replay awards nothing more (idempotent per member+action+content+day).
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_update(
            actor=world.secretary_a, attendance=Attendance.objects.get(member=world.member), present=True
        )
    assert entries.count() == 1


def test_a_meeting_that_has_not_started_cannot_be_recorded(world, snap):
    m = services.meeting_create(
        actor=world.secretary_a,
        org=world.branch_a,
        kind="lecture",
        topic="党课",
        starts_at=timezone.now() + dt.timedelta(days=1),
    )
    before = snap()
    with pytest.raises(BusinessError) as exc:
        services.meeting_record(actor=world.secretary_a, meeting=m, minutes="x")
    assert exc.value.code == "meetings.not_started"
    assert snap() == before


# --- review -------------------------------------------------------------------------------------------


def test_committee_returns_a_record_then_approves_it_and_it_is_locked(world, theme_day, snap):
    services.meeting_record(actor=world.secretary_a, meeting=theme_day, minutes="学习了……")
    services.meeting_review(
        actor=world.officer, meeting=theme_day, action="return", comment="请补充参会人员发言"
    )
    theme_day.refresh_from_db()
    assert theme_day.status == MeetingStatus.RETURNED and theme_day.review_note == "请补充参会人员发言"
    services.meeting_update(actor=world.secretary_a, meeting=theme_day, minutes="学习了……\n党员甲发言：……")
    theme_day.refresh_from_db()
    assert theme_day.status == MeetingStatus.HELD
    services.meeting_review(actor=world.officer, meeting=theme_day, action="approve")
    theme_day.refresh_from_db()
    assert theme_day.status == MeetingStatus.REVIEWED and theme_day.reviewed_by == world.officer
    before = snap()
    with pytest.raises(BusinessError) as exc:
        services.meeting_update(actor=world.secretary_a, meeting=theme_day, topic="改")
    assert exc.value.code == "meetings.locked"
    assert snap() == before
    actions = list(
        AuditEntry.objects.filter(action="meetings.meeting.review")
        .order_by("pk")
        .values_list("changes", flat=True)
    )
    assert [c["action"] for c in actions] == ["return", "approve"]


def test_secretary_cannot_review_and_a_return_needs_a_reason(world, theme_day, snap):
    services.meeting_record(actor=world.secretary_a, meeting=theme_day, minutes="学习了……")
    before = snap()
    with pytest.raises(BusinessError) as exc:
        services.meeting_review(actor=world.secretary_a, meeting=theme_day, action="approve")
    assert exc.value.code == "meetings.forbidden"
    with pytest.raises(BusinessError) as exc:
        services.meeting_review(actor=world.officer, meeting=theme_day, action="return", comment=" ")
    assert exc.value.code == "meetings.comment_required"
    assert snap() == before


# --- compliance and documents -------------------------------------------------------------------------


def test_compliance_counts_held_late_and_missing_from_records(world):
    year = 2025
    on_time = services.meeting_create(
        actor=world.secretary_a,
        org=world.branch_a,
        kind="theme_day",
        topic="一月主题党日",
        planned_on=dt.date(year, 1, 20),
        starts_at=timezone.make_aware(dt.datetime(year, 1, 20, 14)),
    )
    late = services.meeting_create(
        actor=world.secretary_a,
        org=world.branch_a,
        kind="theme_day",
        topic="二月主题党日（补开）",
        planned_on=dt.date(year, 2, 20),
        starts_at=timezone.make_aware(dt.datetime(year, 3, 3, 14)),
    )
    for m in (on_time, late):
        services.meeting_record(actor=world.secretary_a, meeting=m, minutes="……")
    rows = selectors.compliance(
        [world.branch_a, world.branch_b], dt.date(year, 1, 1), dt.date(year, 3, 31), dt.date(year, 6, 1)
    )
    a = {(p.kind, p.start.month): p.status for p in rows[0].periods}
    assert (
        a[("theme_day", 1)] == "done" and a[("theme_day", 2)] == "late" and a[("theme_day", 3)] == "missing"
    )
    assert ("committee_meeting", 1) in a and not any(p.kind == "committee_meeting" for p in rows[1].periods)
    assert rows[1].held == 0 and rows[1].missing > 0


def test_the_word_record_and_sign_in_sheet_carry_the_meeting(world, theme_day):
    services.checkin_open(actor=world.secretary_a, meeting=theme_day)
    services.checkin_by_code(user=world.member_user, code=_code(theme_day))
    services.meeting_record(
        actor=world.secretary_a, meeting=theme_day, minutes="一、重温入党誓词\n二、集中学习"
    )
    doc = Document(io.BytesIO(documents.meeting_record_docx(theme_day)))
    text = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "重温入党誓词" in text and "党员甲" in text and "应到人数" in text
    fonts = doc.tables[0].rows[0].cells[0].paragraphs[0].runs[0]._element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "黑体"
    sheet = Document(io.BytesIO(documents.signin_sheet_docx(theme_day)))
    rows = [[c.text for c in r.cells] for r in sheet.tables[0].rows]
    assert rows[0] == ["序号", "姓名", "党员类别", "签到时间", "情况", "签名"]
    assert len(rows) == 4 and any(r[1] == "党员甲" and r[4] == "迟到" for r in rows)


def test_leave_and_exclusion_reasons_never_reach_the_audit_log(world, theme_day):
    """SECURITY.md: sensitive values are never written to the audit log (privacy.py classes them so)."""
    rows = {a.member.name: a for a in theme_day.attendances.select_related("member")}
    canary = "金丝雀病假事由"
    services.attendance_update(
        actor=world.secretary_a, attendance=rows["李四"], leave_reason=canary, present=False
    )
    services.attendance_update(
        actor=world.secretary_a, attendance=rows["王五"], excluded_reason="detained", present=False
    )
    text = str(list(AuditEntry.objects.values("changes", "target_repr")))
    assert canary not in text and "detained" not in text
    assert AuditEntry.objects.filter(action="meetings.attendance.update").count() == 2


def test_compliance_of_many_branches_is_one_statement_sqlite_accepts(world):
    """bench/meetings.py found `compliance` over 5,000 branches failing on SQLite ("Expression tree is too
    large"): the 党小组 look-up built one OR per branch; it is now one subtree of their common prefix."""
    import datetime as dt

    from dangjian.meetings import selectors
    from dangjian.orgs.models import Org

    branches = [world.branch_a] * 1500 + [world.branch_b]  # as many clauses as 1,501 branches would need
    rows = selectors.compliance(branches, dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 4, 1))
    assert len(rows) == 1501
    owes_group_meetings = {r.org.pk: any(p.kind == "group_meeting" for p in r.periods) for r in rows}
    assert Org.objects.filter(kind="group", path__startswith=world.branch_a.path).exists()
    assert owes_group_meetings == {world.branch_a.pk: True, world.branch_b.pk: False}  # only A has a 党小组
