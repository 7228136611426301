"""Writes of 组织生活: plans, meeting records, attendance and check-in, attachments and review.

Every service checks scope itself, refuses with ``BusinessError("meetings.<reason>", ...)`` before writing,
writes one audit entry ``meetings.<noun>.<verb>`` in its transaction, and awards points for attendance only
after commit (``points.services.points_award``, action ``meeting_attend``).
"""

from __future__ import annotations

import datetime as dt
import secrets
import smtplib
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from dangjian.access import scope
from dangjian.audit import services as audit
from dangjian.core import uploads
from dangjian.core.errors import BusinessError
from dangjian.core.jobs import job_create, job_finish, job_progress
from dangjian.core.models import Job
from dangjian.meetings import config, rules
from dangjian.meetings.models import (
    EDITABLE_STATUSES,
    HELD_STATUSES,
    TRANSITIONS,
    Attendance,
    CompliancePeriod,
    Meeting,
    MeetingAttachment,
    MeetingKind,
    MeetingReview,
    MeetingStatus,
    MeetingVersion,
    ReviewAction,
)
from dangjian.members.choices import MemberStatus, Standing
from dangjian.members.models import Member
from dangjian.orgs.models import Org, OrgKind, Position
from dangjian.orgs.rules import BRANCH_KINDS

MEETING_FIELDS = (
    "kind",
    "topic",
    "planned_on",
    "starts_at",
    "ends_at",
    "place",
    "online",
    "host",
    "recorder",
    "group",
    "minutes",
    "decisions",
)
# The years a meeting may be dated in (those the plan and compliance pages accept): a typo such as 0272
# is refused rather than stored.
YEARS = (2000, 2100)
COMMITTEE_TITLES = (
    "secretary",
    "deputy_secretary",
    "organisation_member",
    "propaganda_member",
    "discipline_member",
    "committee_member",
)


# --------------------------------------------------------------------------------------------------------
# Helpers


def _require(actor: Any, permission: str, org: Org) -> None:
    if not scope.org_in_scope(actor, permission, org):
        raise BusinessError("meetings.forbidden", "无权管理该党组织的组织生活")


def _transition(meeting: Meeting, to: str) -> str:
    old = meeting.status
    if to not in TRANSITIONS[old]:
        raise BusinessError(
            "meetings.bad_status",
            f"当前状态为“{meeting.get_status_display()}”，不能改为“{MeetingStatus(to).label}”",
        )
    meeting.status = to
    return old


def _require_editable(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.REVIEWED:
        raise BusinessError("meetings.locked", "会议记录已经上级审阅，已锁定，不能修改")
    if meeting.status not in EDITABLE_STATUSES:
        raise BusinessError("meetings.bad_status", f"会议已{meeting.get_status_display()}，不能修改")


def branch_facts(org: Org) -> rules.BranchFacts:
    groups = Org.objects.filter(
        kind=OrgKind.GROUP, is_active=True, path__startswith=org.path, depth=org.depth + 1
    )
    return rules.BranchFacts(has_committee=org.has_committee, group_count=groups.count())


def _check_meeting_fields(org: Org, data: dict[str, Any]) -> None:
    if org.kind not in BRANCH_KINDS:
        raise BusinessError("meetings.not_a_branch", "组织生活会议只能由党支部召开")
    kind = data.get("kind")
    if kind not in MeetingKind.values:
        raise BusinessError("meetings.bad_kind", "请选择会议类型")
    if not str(data.get("topic") or "").strip():
        raise BusinessError("meetings.topic_required", "请填写会议主题")
    if kind == MeetingKind.COMMITTEE_MEETING and not org.has_committee:
        raise BusinessError("meetings.no_committee", "该党支部未设支委会，不召开支委会会议")
    group = data.get("group")
    if kind == MeetingKind.GROUP_MEETING:
        if group is None:
            raise BusinessError("meetings.group_required", "党小组会须选择党小组")
        if group.kind != OrgKind.GROUP or not group.path.startswith(org.path):
            raise BusinessError("meetings.bad_group", "所选党小组不属于该党支部")
    elif group is not None:
        raise BusinessError("meetings.bad_group", "只有党小组会需要选择党小组")
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    for value in (data.get("planned_on"), starts_at, ends_at):
        if value is not None and not YEARS[0] <= value.year <= YEARS[1]:
            raise BusinessError("meetings.bad_date", f"会议日期须在 {YEARS[0]} 年至 {YEARS[1]} 年之间")
    if starts_at and ends_at and ends_at <= starts_at:
        raise BusinessError("meetings.bad_time", "结束时间须晚于开始时间")
    for role in ("host", "recorder"):
        person = data.get(role)
        if person is not None and person.org_id != org.pk:
            raise BusinessError("meetings.bad_person", "主持人和记录人须是本支部党员")


def _roster(meeting: Meeting) -> list[Member]:
    """Who should attend: the branch's members; a 党小组会 its group; a 支委会 the current 支委."""
    members = Member.objects.active().filter(org=meeting.org)
    if meeting.kind == MeetingKind.GROUP_MEETING and meeting.group_id:
        members = members.filter(group=meeting.group_id)
    elif meeting.kind == MeetingKind.COMMITTEE_MEETING:
        ids = Position.objects.filter(org=meeting.org, ended_on__isnull=True, title__in=COMMITTEE_TITLES)
        members = members.filter(pk__in=ids.values("member_id"))
    # Only the columns the list needs: loading whole records would decrypt every identity number.
    return list(members.only("id", "org_id", "name", "status", "standing").order_by("name", "id"))


def _sync_attendees(meeting: Meeting) -> None:
    """Bring the list (应到名单) in line with the roster: add new members, drop those who left and have not
    checked in. Members whose 党籍 is suspended are listed as excluded from 应到会 (DOMAIN.md §5)."""
    roster = {m.pk: m for m in _roster(meeting)}
    existing = {a.member_id: a for a in meeting.attendances.all()}
    gone = [a.pk for mid, a in existing.items() if mid not in roster and a.checked_in_at is None]
    if gone:
        Attendance.objects.filter(pk__in=gone).delete()
    Attendance.objects.bulk_create(
        [
            Attendance(
                meeting=meeting,
                member=m,
                voting=m.status == MemberStatus.FULL and m.standing == Standing.NORMAL,
                excluded_reason="suspended" if m.standing == Standing.SUSPENDED else "",
            )
            for mid, m in roster.items()
            if mid not in existing
        ]
    )


def _award_points(meeting: Meeting, members: list[Member]) -> None:
    """Points for attending, after commit (points_award is idempotent per member+action+content+day)."""
    if not members or meeting.held_on is None:
        return
    held_on, pk = meeting.held_on, meeting.pk

    def award() -> None:
        from dangjian.points.services import points_award

        for m in members:
            points_award(
                member=m,
                action="meeting_attend",
                content_key=f"meeting-{pk}",
                on=held_on,
                source=f"meetings:{pk}",
            )

    transaction.on_commit(award)


# --------------------------------------------------------------------------------------------------------
# The compliance summary (``CompliancePeriod``), kept true in each service's transaction

# (org, kind, period, period start, period end, late): where a held meeting counts; None when it does not.
SummaryKey = tuple[int, str, str, dt.date, dt.date, bool]


def compliance_key(
    org_id: int,
    kind: str,
    status: str,
    planned_on: dt.date,
    held_on: dt.date | None,
    freqs: dict[str, rules.Frequency] | None = None,
) -> SummaryKey | None:
    """The summary row a meeting counts in, and whether it counts as late (补开): a meeting in a held status
    counts for the period (of its kind's frequency) containing ``planned_on``; it is late when held after
    that period's last day (DOMAIN.md §3)."""
    if status not in HELD_STATUSES:
        return None
    period = (freqs or config.frequencies())[kind].period
    start, end = rules.period_bounds(period, planned_on)
    return (org_id, kind, period, start, end, (held_on or planned_on) > end)


def _summary_key(meeting: Meeting) -> SummaryKey | None:
    return compliance_key(meeting.org_id, meeting.kind, meeting.status, meeting.planned_on, meeting.held_on)


def _summary_move(before: SummaryKey | None, after: SummaryKey | None) -> None:
    """Move one meeting's count from the row of ``before`` to the row of ``after`` (either may be None), in
    the caller's transaction. Concurrent writers serialise on the row's lock (UPDATE … SET n = n ± 1)."""
    if before == after:
        return
    if before is not None:
        _summary_add(before, -1)
    if after is not None:
        _summary_add(after, 1)


def _summary_add(key: SummaryKey, n: int) -> None:
    org_id, kind, period, start, end, late = key
    field = "late" if late else "on_time"
    row = CompliancePeriod.objects.filter(org_id=org_id, kind=kind, period=period, period_start=start)
    if row.update(**{field: F(field) + n}):
        return
    # No row yet (the first meeting of the period, or a summary never built): count the period from the
    # meetings, which already include this change.
    counts = _summary_count(org_id, kind, period, start, end)
    try:
        with transaction.atomic():
            CompliancePeriod.objects.create(
                org_id=org_id, kind=kind, period=period, period_start=start, period_end=end, **counts
            )
    except IntegrityError:  # another transaction created it meanwhile: add to it
        row.update(**{field: F(field) + n})


def _summary_count(org_id: int, kind: str, period: str, start: dt.date, end: dt.date) -> dict[str, int]:
    counts = {"on_time": 0, "late": 0}
    held = Meeting.objects.filter(
        org_id=org_id, kind=kind, planned_on__range=(start, end), status__in=HELD_STATUSES
    ).values_list("planned_on", "held_on")
    for planned_on, held_on in held:
        counts["late" if (held_on or planned_on) > end else "on_time"] += 1
    return counts


@transaction.atomic
def compliance_rebuild(*, batch: int = 5000, progress: Any = None) -> dict[str, int]:
    """Recount ``CompliancePeriod`` from the meetings, in one transaction (readers see the old rows until it
    commits): after a restore, a bulk load of meetings that bypassed the services, or a change of the local
    frequencies (``MEETINGS_LOCAL_FREQUENCIES``). ``progress(n)`` is called with the number of organisations
    done since the last call. Run it while nobody records meetings (as ``points_rebuild_totals``): a meeting
    recorded during the rebuild may be counted twice or not at all. Returns the numbers of organisations,
    meetings and rows written."""
    CompliancePeriod.objects.all().delete()
    freqs = config.frequencies()
    held = (
        Meeting.objects.filter(status__in=HELD_STATUSES)
        .values_list("org_id", "kind", "planned_on", "held_on")
        .annotate(n=Count("id"))
        .order_by("org_id")
    )
    counts = {"orgs": 0, "meetings": 0, "rows": 0}
    rows: dict[tuple[int, str, str, dt.date], CompliancePeriod] = {}
    current: int | None = None

    def flush(final: bool = False) -> None:
        if rows and (final or len(rows) >= batch):
            CompliancePeriod.objects.bulk_create(rows.values(), batch_size=batch)
            counts["rows"] += len(rows)
            rows.clear()

    def done_org() -> None:
        counts["orgs"] += 1
        flush()
        if progress:
            progress(1)

    for org_id, kind, planned_on, held_on, n in held.iterator(chunk_size=batch):
        if org_id != current:
            if current is not None:
                done_org()
            current = org_id
        key = compliance_key(org_id, kind, MeetingStatus.HELD, planned_on, held_on, freqs)
        assert key is not None
        _, _, period, start, end, late = key
        row = rows.get((org_id, kind, period, start))
        if row is None:
            row = rows[(org_id, kind, period, start)] = CompliancePeriod(
                org_id=org_id, kind=kind, period=period, period_start=start, period_end=end
            )
        if late:
            row.late += n
        else:
            row.on_time += n
        counts["meetings"] += n
    if current is not None:
        done_org()
    flush(final=True)
    # Fresh statistics for the planner: without them (PostgreSQL with autovacuum off, or before it runs)
    # the rewritten table looks empty and a small committee's overview scans all of it.
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {CompliancePeriod._meta.db_table}")
    return counts


REBUILD_JOB_KIND = "meetings.compliance_rebuild"


def compliance_rebuild_orgs() -> int:
    """How many organisations have held meetings (the rebuild's progress total)."""
    return int(
        Meeting.objects.filter(status__in=HELD_STATUSES)
        .order_by()
        .aggregate(n=Count("org_id", distinct=True))["n"]
        or 0
    )


@transaction.atomic
def compliance_rebuild_request(*, actor: Any = None) -> Job:
    """Queue ``compliance_rebuild`` as a background Job (Huey) whose progress bar follows the organisations
    recounted. Audit: meetings.compliance.rebuild."""
    job = job_create(
        kind=REBUILD_JOB_KIND, user=actor, title="重算组织生活落实汇总", total=compliance_rebuild_orgs()
    )
    Job.objects.filter(pk=job.pk).update(message="排队中，等待后台处理")
    audit.record(actor=actor, action="meetings.compliance.rebuild", changes={"job": job.pk})
    job_id = job.pk

    def enqueue() -> None:
        from dangjian.meetings.tasks import rebuild_compliance_task

        rebuild_compliance_task(job_id)

    transaction.on_commit(enqueue)
    return job


def compliance_rebuild_job_run(*, job_id: int) -> Job:
    """Run a queued rebuild Job: progress every 100 organisations, the counts in ``job.result``."""
    job = Job.objects.get(pk=job_id)
    if job.is_finished:
        return job
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        if done % 100 == 0:
            job_progress(job, done, message=f"已重算 {done} 个党组织")

    job_progress(job, 0, compliance_rebuild_orgs(), "正在重算")
    try:
        counts = compliance_rebuild(progress=progress)
    except Exception as exc:
        job_finish(job, ok=False, message=f"重算失败：{type(exc).__name__}")
        raise
    job_finish(
        job,
        ok=True,
        message=f"已重算 {counts['orgs']} 个党组织的 {counts['meetings']} 次会议，汇总 {counts['rows']} 行",
        result=counts,
    )
    return job


# --------------------------------------------------------------------------------------------------------
# Plans


@transaction.atomic
def plan_generate(*, actor: Any, org: Org, year: int, months: list[int] | None = None) -> list[Meeting]:
    """Put the meetings a branch owes in ``year`` (optionally only some months) into its plan.

    Uses ``rules.plan_slots`` with the configured frequencies and defaults (支部条例 第十一至二十二条; the
    支委会 at the start of each month plans the 主题党日, held mid or late month). Idempotent: a period that
    already has a (not cancelled) meeting of the kind, or of the group, gets no second one.
    Audit: meetings.plan.generate.
    """
    _require(actor, "meetings.change", org)
    if org.kind not in BRANCH_KINDS:
        raise BusinessError("meetings.not_a_branch", "只能为党支部生成组织生活计划")
    if not 2000 <= year <= 2100:
        raise BusinessError("meetings.bad_year", "年份无效")
    wanted = sorted(set(months or range(1, 13)))
    if any(m < 1 or m > 12 for m in wanted):
        raise BusinessError("meetings.bad_month", "月份无效")
    freqs = config.frequencies()
    groups = list(
        Org.objects.filter(
            kind=OrgKind.GROUP, is_active=True, path__startswith=org.path, depth=org.depth + 1
        ).order_by("path")
    )
    facts = rules.BranchFacts(org.has_committee, len(groups))
    slots = rules.plan_slots(facts, year, wanted, freqs, config.plan_defaults())
    existing = list(
        Meeting.objects.filter(org=org, planned_on__year=year)
        .exclude(status=MeetingStatus.CANCELLED)
        .values_list("kind", "group_id", "planned_on")
    )
    taken: dict[tuple[str, int | None, dt.date], int] = {}
    for kind, group_id, planned_on in existing:
        start, _ = rules.period_bounds(freqs[kind].period, planned_on)
        taken[(kind, group_id, start)] = taken.get((kind, group_id, start), 0) + 1
    created: list[Meeting] = []
    for slot in slots:
        group = groups[slot.group_index] if slot.group_index is not None else None
        key = (
            slot.kind,
            group.pk if group else None,
            rules.period_bounds(freqs[slot.kind].period, slot.planned_on)[0],
        )
        if taken.get(key, 0) > 0:
            taken[key] -= 1
            continue
        topic = f"{group.label}{slot.topic}" if group else slot.topic
        created.append(
            Meeting(
                org=org,
                group=group,
                kind=slot.kind,
                topic=topic,
                planned_on=slot.planned_on,
                created_by=actor,
            )
        )
    Meeting.objects.bulk_create(created)
    audit.record(
        actor=actor,
        action="meetings.plan.generate",
        target=org,
        org_path=org.path,
        changes={"year": year, "months": wanted, "created": len(created)},
    )
    return created


# --------------------------------------------------------------------------------------------------------
# Meetings


@transaction.atomic
def meeting_create(*, actor: Any, org: Org, **data: Any) -> Meeting:
    """Plan or record one meeting of ``org`` (meetings.change in scope). ``planned_on`` defaults to the date
    of ``starts_at``; the attendee list is drawn from the roster. Audit: meetings.meeting.create."""
    _require(actor, "meetings.change", org)
    unknown = set(data) - set(MEETING_FIELDS)
    if unknown:
        raise BusinessError("meetings.unknown_fields", f"不能设置这些字段：{', '.join(sorted(unknown))}")
    _check_meeting_fields(org, data)
    if data.get("planned_on") is None:
        if data.get("starts_at") is None:
            raise BusinessError("meetings.date_required", "请填写计划日期或开始时间")
        data["planned_on"] = timezone.localdate(data["starts_at"])
    data["topic"] = data["topic"].strip()
    if not data.get("minutes"):
        data["minutes"] = rules.MINUTES_TEMPLATES.get(data["kind"], "")
    meeting = Meeting.objects.create(org=org, created_by=actor, **data)
    _summary_move(None, _summary_key(meeting))
    _sync_attendees(meeting)
    audit.record(
        actor=actor,
        action="meetings.meeting.create",
        target=meeting,
        org_path=org.path,
        changes={"kind": meeting.kind, "topic": meeting.topic, "planned_on": str(meeting.planned_on)},
    )
    return meeting


@transaction.atomic
def meeting_update(*, actor: Any, meeting: Meeting, **data: Any) -> Meeting:
    """Change a meeting's details, minutes or decisions. A record returned for correction goes back to the
    reviewer (status 已召开) when it is corrected; a reviewed record is locked.
    Audit: meetings.meeting.update (the changed fields, not the minutes' text)."""
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    _require(actor, "meetings.change", meeting.org)
    _require_editable(meeting)
    unknown = set(data) - set(MEETING_FIELDS)
    if unknown:
        raise BusinessError("meetings.unknown_fields", f"不能设置这些字段：{', '.join(sorted(unknown))}")
    before = _summary_key(meeting)
    merged = {f: getattr(meeting, f) for f in MEETING_FIELDS} | data
    _check_meeting_fields(meeting.org, merged)
    if meeting.is_held and data.get("kind", meeting.kind) != meeting.kind:
        raise BusinessError("meetings.kind_fixed", "已召开会议的类型不能修改")
    if "planned_on" in data and data["planned_on"] is None:  # cleared: the date of the start, as on create
        if merged["starts_at"] is None:
            raise BusinessError("meetings.date_required", "请填写计划日期或开始时间")
        data["planned_on"] = timezone.localdate(merged["starts_at"])
    if "topic" in data:
        data["topic"] = str(data["topic"]).strip()
    changes = audit.diff(meeting, data)
    for text_field in ("minutes", "decisions"):
        if text_field in changes:
            changes[text_field] = ["…", "（已修改）"]
    for key, value in data.items():
        setattr(meeting, key, value)
    if meeting.is_held and meeting.starts_at is not None:
        meeting.held_on = timezone.localdate(meeting.starts_at)
    if meeting.status == MeetingStatus.RETURNED:
        _transition(meeting, MeetingStatus.HELD)
        changes["status"] = [MeetingStatus.RETURNED, MeetingStatus.HELD]
    meeting.save()
    _summary_move(before, _summary_key(meeting))
    if meeting.status == MeetingStatus.PLANNED and {"kind", "group"} & set(data):
        _sync_attendees(meeting)
    audit.record(
        actor=actor,
        action="meetings.meeting.update",
        target=meeting,
        org_path=meeting.org.path,
        changes=changes,
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Any, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a planned meeting (the period then shows as missing unless another is held).
    Audit: meetings.meeting.cancel."""
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    _require(actor, "meetings.change", meeting.org)
    if not reason.strip():
        raise BusinessError("meetings.reason_required", "请填写取消原因")
    before = _summary_key(meeting)
    old = _transition(meeting, MeetingStatus.CANCELLED)
    meeting.check_in_open = False
    meeting.save(update_fields=["status", "check_in_open", "updated_at"])
    _summary_move(before, _summary_key(meeting))
    audit.record(
        actor=actor,
        action="meetings.meeting.cancel",
        target=meeting,
        org_path=meeting.org.path,
        changes={"status": [old, meeting.status], "reason": reason.strip()},
    )
    return meeting


@transaction.atomic
def meeting_record(*, actor: Any, meeting: Meeting, minutes: str, decisions: str = "") -> Meeting:
    """Complete the record of a held meeting: the minutes (required), the decisions, status 已召开.

    The meeting must have started; check-in closes; ``held_on`` is the start's date. Present attendees get
    their points after commit (``meeting_attend``, content ``meeting-<pk>``). Audit: meetings.meeting.record.
    """
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("org").get(pk=meeting.pk)
    _require(actor, "meetings.change", meeting.org)
    if meeting.starts_at is None:
        raise BusinessError("meetings.time_required", "请先填写会议开始时间")
    if meeting.starts_at > timezone.now():
        raise BusinessError("meetings.not_started", "会议尚未开始，不能记为已召开")
    if not minutes.strip():
        raise BusinessError("meetings.minutes_required", "请填写会议记录")
    _require_editable(meeting)  # a reviewed record changes only through a revision (meeting_revise)
    before = _summary_key(meeting)
    old = _transition(meeting, MeetingStatus.HELD)
    if not meeting.attendances.exists():
        _sync_attendees(meeting)
    meeting.minutes, meeting.decisions = minutes.strip(), decisions.strip()
    meeting.held_on = timezone.localdate(meeting.starts_at)
    meeting.check_in_open = False
    meeting.save()
    _summary_move(before, _summary_key(meeting))
    present = [
        a.member
        for a in meeting.attendances.select_related("member")
        .only("id", "member__id", "member__org_id", "member__name")
        .filter(checked_in_at__isnull=False)
    ]
    audit.record(
        actor=actor,
        action="meetings.meeting.record",
        target=meeting,
        org_path=meeting.org.path,
        changes={"status": [old, meeting.status], "present": len(present)},
    )
    _award_points(meeting, present)
    return meeting


# --------------------------------------------------------------------------------------------------------
# Attendance and check-in


@transaction.atomic
def checkin_open(*, actor: Any, meeting: Meeting) -> Meeting:
    """Open check-in: a fresh 6-digit code word and a random QR token; the list is synced with the roster.
    Audit: meetings.checkin.open (never the code itself)."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("org").get(pk=meeting.pk)
    _require(actor, "meetings.change", meeting.org)
    _require_editable(meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise BusinessError("meetings.bad_status", "会议已记录，不能再开启签到")
    if meeting.starts_at is None:
        raise BusinessError("meetings.time_required", "请先填写会议开始时间")
    meeting.check_in_code = f"{secrets.randbelow(10**6):06d}"
    meeting.check_in_token = secrets.token_urlsafe(24)
    meeting.check_in_open = True
    meeting.save(update_fields=["check_in_code", "check_in_token", "check_in_open", "updated_at"])
    _sync_attendees(meeting)
    audit.record(actor=actor, action="meetings.checkin.open", target=meeting, org_path=meeting.org.path)
    return meeting


@transaction.atomic
def checkin_close(*, actor: Any, meeting: Meeting) -> Meeting:
    """Close check-in; the code word and QR token stop working. Audit: meetings.checkin.close."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("org").get(pk=meeting.pk)
    _require(actor, "meetings.change", meeting.org)
    if not meeting.check_in_open:
        raise BusinessError("meetings.checkin_closed", "签到未开启")
    meeting.check_in_open = False
    meeting.check_in_token = ""
    meeting.save(update_fields=["check_in_open", "check_in_token", "updated_at"])
    audit.record(actor=actor, action="meetings.checkin.close", target=meeting, org_path=meeting.org.path)
    return meeting


def _check_in(attendance: Attendance, method: str, actor: Any) -> Attendance:
    meeting = attendance.meeting
    if attendance.checked_in_at is not None:
        raise BusinessError("meetings.already_checked_in", "您已签到，无需重复签到")
    now = timezone.now()
    attendance.checked_in_at = now
    attendance.check_in_method = method
    attendance.late = meeting.starts_at is not None and rules.is_late(
        meeting.starts_at, now, config.late_grace_minutes()
    )
    attendance.save(update_fields=["checked_in_at", "check_in_method", "late"])
    audit.record(
        actor=actor,
        action="meetings.attendance.check_in",
        target=meeting,
        org_path=meeting.org.path,
        changes={"member": attendance.member_id, "method": method, "late": attendance.late},
    )
    if meeting.is_held:
        _award_points(meeting, [attendance.member])
    return attendance


def _own_attendance(user: Any) -> Any:
    member = Member.objects.filter(user=user).first() if getattr(user, "is_authenticated", False) else None
    if member is None:
        raise BusinessError("meetings.no_member", "您的账号未关联党员档案，不能签到")
    return Attendance.objects.select_related("meeting", "meeting__org", "member").filter(
        member=member, meeting__check_in_open=True
    )


@transaction.atomic
def checkin_by_code(*, user: Any, code: str) -> Attendance:
    """A member checks in with the code word announced at the meeting. Only a member on the meeting's list
    may; after the start (plus the configured grace) the check-in is marked late.
    Audit: meetings.attendance.check_in."""
    code = "".join(ch for ch in str(code) if ch.isdigit())
    attendance = _own_attendance(user).filter(meeting__check_in_code=code).first() if len(code) == 6 else None
    if attendance is None:
        raise BusinessError("meetings.bad_code", "签到口令不正确，或您不在本次会议的应到名单中")
    return _check_in(attendance, "code", user)


@transaction.atomic
def checkin_by_token(*, user: Any, token: str) -> Attendance:
    """A member checks in after scanning the QR code shown at the meeting (same rules as the code word)."""
    attendance = _own_attendance(user).filter(meeting__check_in_token=token).first() if token else None
    if attendance is None:
        raise BusinessError("meetings.bad_token", "签到码已失效，或您不在本次会议的应到名单中")
    return _check_in(attendance, "qr", user)


@transaction.atomic
def attendance_update(
    *, actor: Any, attendance: Attendance, excluded_reason: str = "", leave_reason: str = "", present: bool
) -> Attendance:
    """The recorder sets one member's line: excluded from 应到会 with a reason (DOMAIN.md §5), on leave with
    a reason, or present (marked by hand, e.g. no phone). Audit: meetings.attendance.update (which fields
    changed; the reasons themselves are sensitive and stay out of the log)."""
    attendance = Attendance.objects.select_related("meeting", "meeting__org", "member").get(pk=attendance.pk)
    meeting = attendance.meeting
    _require(actor, "meetings.change", meeting.org)
    _require_editable(meeting)
    if excluded_reason and excluded_reason not in rules.EXCLUSION_REASONS:
        raise BusinessError("meetings.bad_reason", "请选择不计入应到会人数的原因")
    if present and (excluded_reason or leave_reason.strip()):
        raise BusinessError("meetings.present_and_absent", "已到会的党员不能同时登记请假或不计入应到")
    before = {
        "excluded_reason": attendance.excluded_reason,
        "leave_reason": attendance.leave_reason,
        "present": attendance.present,
    }
    attendance.excluded_reason = excluded_reason
    attendance.leave_reason = leave_reason.strip()[:100]
    newly_present = present and attendance.checked_in_at is None
    if newly_present:
        attendance.checked_in_at = (
            timezone.now()
            if meeting.starts_at is None
            else max(meeting.starts_at, min(timezone.now(), meeting.ends_at or timezone.now()))
        )
        attendance.check_in_method = "manual"
        attendance.late = False
    elif not present:
        attendance.checked_in_at, attendance.check_in_method, attendance.late = None, "", False
    attendance.save()
    after = {
        "excluded_reason": attendance.excluded_reason,
        "leave_reason": attendance.leave_reason,
        "present": attendance.present,
    }
    # The reasons are sensitive (detention, illness …): the log says that they changed, never what they are.
    changes: dict[str, Any] = {
        k: "已修改" for k in ("excluded_reason", "leave_reason") if before[k] != after[k]
    }
    if before["present"] != after["present"]:
        changes["present"] = [before["present"], after["present"]]
    audit.record(
        actor=actor,
        action="meetings.attendance.update",
        target=meeting,
        org_path=meeting.org.path,
        changes={"member": attendance.member_id, **changes},
    )
    if newly_present and meeting.is_held:
        _award_points(meeting, [attendance.member])
    return attendance


# --------------------------------------------------------------------------------------------------------
# Attachments


@transaction.atomic
def attachment_add(*, actor: Any, meeting: Meeting, upload: Any, caption: str = "") -> MeetingAttachment:
    """Attach a photo, video or document, checked by the upload pipeline (purpose ``meeting.attachment``).
    Side effects: core.file.store; audit meetings.attachment.add."""
    _require(actor, "meetings.change", meeting.org)
    _require_editable(meeting)
    stored = uploads.file_store(actor=actor, purpose="meeting.attachment", upload=upload, org=meeting.org)
    item = MeetingAttachment.objects.create(
        meeting=meeting, file=stored, caption=caption.strip()[:200], added_by=actor
    )
    audit.record(
        actor=actor,
        action="meetings.attachment.add",
        target=meeting,
        org_path=meeting.org.path,
        changes={"file": stored.public_id, "kind": stored.kind},
    )
    return item


# --------------------------------------------------------------------------------------------------------
# Review by the level above


@transaction.atomic
def meeting_review(*, actor: Any, meeting: Meeting, action: str, comment: str = "") -> MeetingReview:
    """The level above reviews a held record: a comment, a return for correction (with the reason), or the
    approval, after which the record is locked. Only an organisation above the branch reviews (the grant of
    meetings.review must cover the branch), and nobody reviews a record they entered themselves.
    Audit: meetings.meeting.review."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("org").get(pk=meeting.pk)
    if not scope.org_in_scope(actor, "meetings.review", meeting.org):
        raise BusinessError("meetings.forbidden", "无权审阅该党组织的会议记录")
    if action not in ReviewAction.values:
        raise BusinessError("meetings.bad_action", "未知的审阅操作")
    if meeting.created_by_id is not None and meeting.created_by_id == getattr(actor, "pk", None):
        raise BusinessError("meetings.own_record", "不能审阅本人录入的会议记录")
    if meeting.status not in (MeetingStatus.HELD, MeetingStatus.RETURNED):
        raise BusinessError("meetings.not_reviewable", "只有已召开、未审阅的会议记录可以审阅")
    before = _summary_key(meeting)
    comment = comment.strip()
    changes: dict[str, Any] = {"action": action}
    if action == ReviewAction.RETURN:
        if not comment:
            raise BusinessError("meetings.comment_required", "退回修改须写明意见")
        changes["status"] = [_transition(meeting, MeetingStatus.RETURNED), meeting.status]
        meeting.review_note = comment
    elif action == ReviewAction.APPROVE:
        changes["status"] = [_transition(meeting, MeetingStatus.REVIEWED), meeting.status]
        meeting.reviewed_by, meeting.reviewed_at = actor, timezone.now()
        if comment:
            meeting.review_note = comment
    elif not comment:
        raise BusinessError("meetings.comment_required", "请填写批注内容")
    meeting.save()
    _summary_move(before, _summary_key(meeting))
    review = MeetingReview.objects.create(
        meeting=meeting, action=action, comment=comment, actor=actor, version=meeting.version
    )
    changes["version"] = meeting.version
    audit.record(
        actor=actor,
        action="meetings.meeting.review",
        target=meeting,
        org_path=meeting.org.path,
        changes=changes,
    )
    return review


@transaction.atomic
def meeting_revise(*, actor: Any, meeting: Meeting, reason: str) -> MeetingVersion:
    """Start a revision of a reviewed (locked) record: the reviewed content is kept, unchanged, as a
    ``MeetingVersion`` (number, the record's fields, the review and the attendance, who, when, why), and the
    record reopens as the next version (status 已召开), to be corrected and reviewed again; the approval then
    applies to the new version. Audit: meetings.meeting.revise."""
    from dangjian.meetings.selectors import record_snapshot

    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("org", "group", "host", "recorder", "reviewed_by")
        .get(pk=meeting.pk)
    )
    _require(actor, "meetings.change", meeting.org)
    if meeting.status != MeetingStatus.REVIEWED:
        raise BusinessError(
            "meetings.not_reviewed", "只有已审阅（锁定）的会议记录需要修订，当前记录可直接修改"
        )
    reason = reason.strip()
    if not reason:
        raise BusinessError("meetings.reason_required", "请填写修订原因")
    if len(reason) > 500:
        raise BusinessError("meetings.reason_too_long", "修订原因不能超过500字")
    version = MeetingVersion.objects.create(
        meeting=meeting,
        number=meeting.version,
        snapshot=record_snapshot(meeting),
        reason=reason,
        created_by=actor,
    )
    before = _summary_key(meeting)
    old = _transition(meeting, MeetingStatus.HELD)
    meeting.version += 1
    meeting.reviewed_by, meeting.reviewed_at, meeting.review_note = None, None, ""
    meeting.save()
    _summary_move(before, _summary_key(meeting))
    audit.record(
        actor=actor,
        action="meetings.meeting.revise",
        target=meeting,
        org_path=meeting.org.path,
        changes={
            "status": [old, meeting.status],
            "version": [version.number, meeting.version],
            "reason": reason,
        },
    )
    return version


def record_download(*, actor: Any, meeting: Meeting, document: str) -> None:
    """Audit a download of the meeting record or the sign-in sheet (they carry members' names).
    Audit: meetings.record.download."""
    audit.record(
        actor=actor,
        action="meetings.record.download",
        target=meeting,
        org_path=meeting.org.path,
        changes={"document": document},
    )


def checkin_attempt_allowed(user: Any) -> tuple[bool, int]:
    """Count one check-in attempt of ``user`` (outside any transaction, so a refused attempt still counts).
    Returns (allowed, seconds to wait)."""
    from dangjian.core.ratelimit import hit, limit_for

    limit, window = limit_for("checkin")  # 10 code words in 10 minutes by default (RATE_LIMITS)
    return hit(f"meetings.checkin:u{user.pk}", limit=limit, window=window)


# --------------------------------------------------------------------------------------------------------
# Reminders


def _reminder_recipients(org_ids: list[int]) -> dict[int, list[Any]]:
    """Per branch, the active users with an e-mail address who hold meetings.change there (a grant at the
    branch itself: its secretary and party workers)."""
    from dangjian.access.models import Grant
    from dangjian.access.roles import permissions_of

    out: dict[int, list[Any]] = {}
    grants = (
        Grant.objects.filter(org_id__in=org_ids, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("org_id", "user_id")
    )
    for g in grants:
        users = out.setdefault(int(g.org_id or 0), [])
        if "meetings.change" in permissions_of(g.role) and g.user not in users:
            users.append(g.user)
    return out


def _reminder_message(meeting: Meeting, days: int) -> tuple[str, str]:
    when = "今天" if days == 0 else ("明天" if days == 1 else f"{days} 天后")
    subject = f"【组织生活提醒】{when}应召开：{meeting.get_kind_display()}“{meeting.topic}”"
    start = timezone.localtime(meeting.starts_at).strftime("%H:%M") if meeting.starts_at else "未定"
    path = f"/meetings/{meeting.pk}/"
    link = f"{config.site_url()}{path}" if config.site_url() else f"登录平台后在“组织生活”中查看（{path}）"
    unit = f"{meeting.org.label}·{meeting.group.label}" if meeting.group else meeting.org.label
    body = "\n".join(
        [
            f"{unit}按计划{when}（{meeting.planned_on:%Y年%m月%d日}）应召开{meeting.get_kind_display()}：",
            f"　　主题：{meeting.topic}",
            f"　　时间：{start}　地点：{meeting.place_label or '未定'}",
            "",
            "请按时召开，会后在平台上填写会议记录、登记参会情况；如需改期，请在平台上修改计划日期。",
            link,
            "",
            "（本邮件由智慧党建云平台自动发送，请勿回复。）",
        ]
    )
    return subject, body


def reminders_send(*, today: dt.date | None = None) -> dict[str, int]:
    """E-mail the secretaries of each branch about its planned meetings due within ``config.remind_days()``,
    once per meeting, recipient and planned date (``MeetingReminder``): running it again sends nothing new,
    a failed message is tried again on the next run, a moved meeting is announced again. Nothing is sent or
    recorded while e-mail is switched off (``EMAIL_BACKEND`` = Django's dummy backend).
    Run daily by the Huey task ``meetings.tasks.send_meeting_reminders``. Audit: meetings.reminder.send
    (one entry per run that sent or failed something; counts only)."""
    from django.conf import settings
    from django.core.mail import EmailMessage, get_connection

    from dangjian.meetings.models import MeetingReminder

    today = today or timezone.localdate()
    if settings.EMAIL_BACKEND == "django.core.mail.backends.dummy.EmailBackend":
        return {"due": 0, "sent": 0, "failed": 0}  # e-mail not configured: the notices in the platform only
    due = list(
        Meeting.objects.filter(
            status=MeetingStatus.PLANNED,
            planned_on__range=(today, today + dt.timedelta(days=config.remind_days())),
            org__is_active=True,
        )
        .select_related("org", "group")
        .order_by("planned_on", "id")
    )
    recipients = _reminder_recipients(sorted({m.org_id for m in due}))
    sent = failed = 0
    connection = None
    for meeting in due:
        for user in recipients.get(meeting.org_id, []):
            reminder, _ = MeetingReminder.objects.get_or_create(
                meeting=meeting, user=user, planned_on=meeting.planned_on
            )
            if reminder.sent_at is not None:
                continue
            subject, body = _reminder_message(meeting, (meeting.planned_on - today).days)
            try:
                connection = connection or get_connection()
                EmailMessage(
                    subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], connection=connection
                ).send()
            except (smtplib.SMTPException, OSError) as exc:  # the mail server failed: try again next run
                reminder.error = f"{type(exc).__name__}: {exc}"[:200]
                reminder.save(update_fields=["error"])
                failed += 1
                connection = None
                continue
            reminder.sent_at, reminder.error = timezone.now(), ""
            reminder.save(update_fields=["sent_at", "error"])
            sent += 1
    if connection is not None:
        connection.close()
    if sent or failed:
        audit.record(
            actor=None,
            action="meetings.reminder.send",
            changes={"day": str(today), "sent": sent, "failed": failed},
        )
    return {"due": len(due), "sent": sent, "failed": failed}


# --------------------------------------------------------------------------------------------------------
# Calendar feed (.ics)

FEED_PREFIX = "cal_"


def _feed_hash(key: str) -> str:
    import hashlib

    return hashlib.sha256(key.encode()).hexdigest()


def _require_feed_user(user: Any) -> None:
    if not getattr(user, "is_authenticated", False) or scope.is_admin(user):
        raise BusinessError("meetings.forbidden", "三员账号不订阅组织生活日历")


@transaction.atomic
def calendar_feed_create(*, user: Any) -> tuple[Any, str]:
    """Make the user's secret calendar address and return it with its key (shown once; only the SHA-256 is
    stored). An earlier address stops working. Audit: meetings.calendar_feed.create."""
    from dangjian.meetings.models import CalendarFeed

    _require_feed_user(user)
    revoked = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    key = FEED_PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, prefix=key[:10], key_hash=_feed_hash(key))
    audit.record(
        actor=user,
        action="meetings.calendar_feed.create",
        target=feed,
        changes={"prefix": feed.prefix, "replaced": revoked},
    )
    return feed, key


@transaction.atomic
def calendar_feed_revoke(*, user: Any) -> int:
    """Stop the user's calendar address. Audit: meetings.calendar_feed.revoke."""
    from dangjian.meetings.models import CalendarFeed

    _require_feed_user(user)
    active = list(CalendarFeed.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    if not active:
        raise BusinessError("meetings.no_feed", "您没有启用中的日历订阅")
    CalendarFeed.objects.filter(pk__in=[f.pk for f in active]).update(revoked_at=timezone.now())
    for feed in active:
        audit.record(actor=user, action="meetings.calendar_feed.revoke", target=feed)
    return len(active)


def calendar_feed_lookup(key: str) -> Any:
    """The active feed of ``key`` whose user is active, or None. Notes the last sync (at most hourly)."""
    from dangjian.meetings.models import CalendarFeed

    if not key or not key.startswith(FEED_PREFIX) or len(key) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(key_hash=_feed_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is not None:
        now = timezone.now()
        if feed.last_used_at is None or now - feed.last_used_at > dt.timedelta(hours=1):
            CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed
