"""Reads of 组织生活, always scoped: meetings, attendance summaries, the calendar and compliance.

Compliance reads the maintained summary ``CompliancePeriod`` (the held meetings counted per organisation, kind
and period by the services): for a page of branches one query reads the branches' 党小组 and one reads their
summary rows; a committee's whole-scope totals are one aggregate over the summary (``compliance_overview``).
What is owed is never stored: it follows from the branches as they are now and the configured frequencies.
``compliance_from_meetings`` computes the same from the meeting records (the reference the summary is
checked against). Nothing is queried per branch.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet

from dangjian.access import scope
from dangjian.meetings import config, rules
from dangjian.meetings.models import (
    HELD_STATUSES,
    Attendance,
    CompliancePeriod,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from dangjian.members.models import Member
from dangjian.orgs.models import Org, OrgKind
from dangjian.orgs.rules import BRANCH_KINDS


def meeting_list(*, user: Any, permission: str = "meetings.view") -> QuerySet[Meeting]:
    """Meetings the user may see (their branch, or a committee's subtree)."""
    return scope.restrict(
        Meeting.objects.select_related("org", "group", "host", "recorder"), user, permission
    ).order_by("-planned_on", "-id")


def branch_list(*, user: Any, permission: str = "meetings.view", under: Org | None = None) -> QuerySet[Org]:
    """Active branches in scope, optionally under one organisation, in tree order."""
    qs = scope.restrict(Org.objects.filter(kind__in=BRANCH_KINDS, is_active=True), user, permission)
    if under is not None:
        qs = qs.filter(scope.subtree_q("path", under.path))
    return qs.order_by("path")


def member_of(user: Any) -> Member | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.select_related("org").filter(user=user).first()


def my_attendances(user: Any) -> QuerySet[Attendance]:
    """The user's own lines on meeting lists (a member's own meetings), newest first."""
    return (
        scope.restrict(Attendance.objects.select_related("meeting", "meeting__org"), user, "meetings.view")
        .filter(member__user=user)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .order_by("-meeting__planned_on", "-meeting_id")
    )


@dataclass
class AttendanceSummary:
    """应到 / 实到 / 请假 / 缺席 of one meeting, with the rows behind each figure."""

    rows: list[Attendance]
    expected: int = 0
    present: int = 0
    on_leave: list[Attendance] = field(default_factory=list)
    absent: list[Attendance] = field(default_factory=list)
    excluded: list[Attendance] = field(default_factory=list)
    late: list[Attendance] = field(default_factory=list)

    @property
    def rate(self) -> int:
        return round(100 * self.present / self.expected) if self.expected else 0


def attendance_summary(meeting: Meeting) -> AttendanceSummary:
    """The attendance figures of a meeting: excluded members (DOMAIN.md §5) are out of 应到 unless present."""
    rows = list(meeting.attendances.select_related("member").order_by("member__name", "id"))
    s = AttendanceSummary(rows)
    for a in rows:
        if a.present:
            s.expected += 1
            s.present += 1
            if a.late:
                s.late.append(a)
        elif a.excluded_reason:
            s.excluded.append(a)
        else:
            s.expected += 1
            (s.on_leave if a.leave_reason else s.absent).append(a)
    return s


def record_snapshot(meeting: Meeting) -> dict[str, Any]:
    """The record as it stands, as plain JSON (kept as a ``MeetingVersion`` when a reviewed record is
    revised): its fields, the review, and the attendance figures with each member's line."""

    def when(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    s = attendance_summary(meeting)
    reviewer = meeting.reviewed_by
    return {
        "version": meeting.version,
        "kind": meeting.kind,
        "kind_label": meeting.get_kind_display(),
        "topic": meeting.topic,
        "org": meeting.org.label,
        "group": meeting.group.label if meeting.group else "",
        "planned_on": when(meeting.planned_on),
        "held_on": when(meeting.held_on),
        "starts_at": when(meeting.starts_at),
        "ends_at": when(meeting.ends_at),
        "place": meeting.place_label,
        "host": meeting.host.name if meeting.host else "",
        "recorder": meeting.recorder.name if meeting.recorder else "",
        "minutes": meeting.minutes,
        "decisions": meeting.decisions,
        "review_note": meeting.review_note,
        "reviewed_by": (getattr(reviewer, "display_name", "") or str(reviewer)) if reviewer else "",
        "reviewed_at": when(meeting.reviewed_at),
        "attendance": {
            "expected": s.expected,
            "present": s.present,
            "on_leave": len(s.on_leave),
            "absent": len(s.absent),
            "late": len(s.late),
            "excluded": len(s.excluded),
            "rows": [
                {
                    "member": a.member_id,
                    "name": a.member.name,
                    "state": a.state_label,
                    "checked_in_at": when(a.checked_in_at),
                }
                for a in s.rows
            ],
        },
    }


# --------------------------------------------------------------------------------------------------------
# The user's own meetings: reminders and the calendar feed

# Kinds the whole branch attends (a 支委会 is the committee's, a 党小组会 one group's,
# a 谈心谈话 two people's).
BRANCH_WIDE = (
    MeetingKind.GENERAL_MEETING,
    MeetingKind.LECTURE,
    MeetingKind.THEME_DAY,
    MeetingKind.LIFE_MEETING,
    MeetingKind.APPRAISAL,
)


def run_org_ids(user: Any) -> list[int]:
    """Branches whose meetings the user runs: a grant holding meetings.change at the branch itself (支部书记,
    党务工作者). A committee officer reaches the branches below through the compliance pages instead."""
    from dangjian.access.roles import permissions_of

    return sorted(
        {
            g.org_id
            for g in scope.user_grants(user)
            if g.org_id is not None and "meetings.change" in permissions_of(g.role)
        }
    )


def my_meetings_q(user: Any) -> Q:
    """Meetings the user runs (see ``run_org_ids``; or hosts, or records) or should attend: on the meeting's
    list, or, while a meeting is planned (its list is drawn again from the roster when check-in opens), the
    branch-wide kinds of the member's branch and the 党小组会 of the member's group."""
    q = Q(org_id__in=run_org_ids(user))
    member = member_of(user)
    if member is not None:
        q |= Q(host=member) | Q(recorder=member) | Q(attendances__member=member)
        planned = Q(status=MeetingStatus.PLANNED)  # its list is drawn again when check-in opens
        q |= planned & Q(org_id=member.org_id, kind__in=BRANCH_WIDE)
        if member.group_id:
            q |= planned & Q(group_id=member.group_id, kind=MeetingKind.GROUP_MEETING)
    return q


def my_meetings(user: Any) -> QuerySet[Meeting]:
    """The meetings of ``my_meetings_q`` (not cancelled), each once."""
    if not getattr(user, "is_authenticated", False) or scope.is_admin(user):
        return Meeting.objects.none()
    ids = Meeting.objects.filter(my_meetings_q(user)).exclude(status=MeetingStatus.CANCELLED).values("pk")
    return Meeting.objects.filter(pk__in=ids).select_related("org", "group")


def feed_meetings(user: Any, today: dt.date) -> QuerySet[Meeting]:
    """The meetings of the user's calendar feed: planned and held, from three months back to twelve ahead."""
    start = today - dt.timedelta(days=92)
    end = today + dt.timedelta(days=366)
    return (
        my_meetings(user)
        .filter(planned_on__range=(start, end))
        .select_related("org", "group")
        .order_by("planned_on", "id")
    )


@dataclass
class Reminder:
    """A notice about a planned meeting: ``days`` until its date (negative: overdue)."""

    meeting: Meeting
    days: int
    runs: bool  # the user runs it (a secretary): overdue ones are shown to them only

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def label(self) -> str:
        verb = "应召开" if self.runs else "应参加"
        if self.days < 0:
            return f"已逾期 {-self.days} 天未召开"
        if self.days == 0:
            return f"今天{verb}"
        if self.days == 1:
            return f"明天{verb}"
        return f"{self.days} 天后{verb}"


def reminders(user: Any, today: dt.date, *, limit: int = 8) -> tuple[list[Reminder], int]:
    """Notices for the home page and the calendar: planned meetings within ``config.remind_days()`` ahead,
    and, for a secretary, those of the last ``config.overdue_days()`` not held yet (overdue first). Returns
    the notices (at most ``limit``) and how many there are in all."""
    qs = my_meetings(user).filter(status=MeetingStatus.PLANNED)
    ahead = today + dt.timedelta(days=config.remind_days())
    runs = set(run_org_ids(user))
    qs = qs.filter(
        Q(planned_on__range=(today, ahead))
        | Q(org_id__in=runs, planned_on__range=(today - dt.timedelta(days=config.overdue_days()), today))
    ).order_by("planned_on", "id")
    total = qs.count()
    out = [Reminder(m, (m.planned_on - today).days, m.org_id in runs) for m in qs[:limit]]
    return out, total


# --------------------------------------------------------------------------------------------------------
# Calendar


@dataclass
class CalendarDay:
    day: dt.date
    in_month: bool
    meetings: list[Meeting]


def calendar_month(meetings: Sequence[Meeting], year: int, month: int) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of ``month`` with the meetings planned or held on each day."""
    by_day: dict[dt.date, list[Meeting]] = defaultdict(list)
    for m in meetings:
        by_day[m.held_on or m.planned_on].append(m)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([CalendarDay(d, d.month == month, by_day.get(d, [])) for d in week])
    return weeks


# --------------------------------------------------------------------------------------------------------
# Compliance


@dataclass
class BranchCompliance:
    """One branch's compliance over [start, end]: each owed period with its status, and totals."""

    org: Org
    periods: list[rules.PeriodCompliance]

    def _sum(self, attr: str) -> int:
        return sum(getattr(p, attr) for p in self.periods)

    @property
    def due(self) -> int:
        return self._sum("due")

    @property
    def held(self) -> int:
        return self._sum("held")

    @property
    def late(self) -> int:
        return self._sum("late")

    @property
    def missing(self) -> int:
        return self._sum("missing")

    @property
    def pending(self) -> int:
        return self._sum("pending")

    @property
    def closed_due(self) -> int:
        return sum(p.due for p in self.periods if not p.open)

    @property
    def rate(self) -> int | None:
        """Percentage of the meetings owed in ended periods that were held (on time or late)."""
        closed = [p for p in self.periods if not p.open]
        due = sum(p.due for p in closed)
        return round(100 * sum(p.held + p.late for p in closed) / due) if due else None

    def by_kind(self) -> dict[str, list[rules.PeriodCompliance]]:
        out: dict[str, list[rules.PeriodCompliance]] = {k: [] for k in rules.KINDS}
        for p in self.periods:
            out[p.kind].append(p)
        return {k: v for k, v in out.items() if v}


def _group_counts(branches: Iterable[tuple[int, str, int]]) -> dict[int, int]:
    """The number of active 党小组 directly under each branch, given as (pk, path, depth); one query.

    One subtree covering every branch (the paths' common prefix), not one OR per branch: SQLite refuses an
    expression tree deeper than 1,000 (more than ~1,000 branches). Only groups whose parent is one of the
    branches count.
    """
    by_path = {path: pk for pk, path, _ in branches}
    if not by_path:
        return {}
    depths = {depth + 1 for _, _, depth in branches}
    common = os.path.commonprefix(list(by_path))  # noqa: RUF071 - tree paths, by character
    group_q = scope.subtree_q("path", common[: len(common) - len(common) % Org.steplen])
    groups: dict[int, int] = defaultdict(int)
    for path in Org.objects.filter(group_q, kind=OrgKind.GROUP, is_active=True, depth__in=depths).values_list(
        "path", flat=True
    ):
        parent = by_path.get(path[: -Org.steplen])
        if parent is not None:
            groups[parent] += 1
    return groups


def _facts_of(branches: Sequence[Org]) -> dict[int, rules.BranchFacts]:
    groups = _group_counts([(b.pk, b.path, b.depth) for b in branches])
    return {b.pk: rules.BranchFacts(b.has_committee, groups.get(b.pk, 0)) for b in branches}


def compliance(
    branches: Sequence[Org], start: dt.date, end: dt.date, today: dt.date
) -> list[BranchCompliance]:
    """Compliance of ``branches`` for the periods in [start, end]: what was due, held, late, missing.

    Every period of each kind that overlaps [start, end] is owed (``rules.dues_between``) and counts all
    the meetings planned in it. Two queries for any number of branches: their 党小组 (to know who owes
    党小组会) and their rows of the maintained summary ``CompliancePeriod``.
    """
    if not branches:
        return []
    freqs = config.frequencies()
    facts = _facts_of(branches)
    counts: dict[tuple[int, str, dt.date], tuple[int, int]] = {}
    summary = CompliancePeriod.objects.filter(
        org_id__in=sorted(facts), period_end__gte=start, period_start__lte=end
    ).values_list("org_id", "kind", "period", "period_start", "on_time", "late")
    for org_id, kind, period, p_start, on_time, late in summary:
        if kind in freqs and freqs[kind].period == period:  # rows of a reconfigured frequency: ignored
            counts[(org_id, kind, p_start)] = (on_time, late)
    owed = _owed(start, end, freqs)
    # Periods are immutable and repeat across branches (the same owed period with the same counts): build
    # each distinct one once. The owed periods come from ``owed``'s memo, so their identity is a fair key.
    classified: dict[tuple[int, int, int], rules.PeriodCompliance] = {}
    out = []
    for b in branches:
        periods = []
        for due in owed(facts[b.pk]):
            on_time, late = counts.get((b.pk, due.kind, due.start), (0, 0))
            key = (id(due), on_time, late)
            found = classified.get(key)
            if found is None:
                found = classified[key] = rules.classify_counts(due, on_time, late, today)
            periods.append(found)
        out.append(BranchCompliance(b, periods))
    return out


def _owed(
    start: dt.date, end: dt.date, freqs: dict[str, rules.Frequency]
) -> Callable[[rules.BranchFacts], list[rules.Due]]:
    """``rules.dues_between`` over [start, end], memoised: branches share a few (设支委会, 党小组)."""
    cache: dict[rules.BranchFacts, list[rules.Due]] = {}

    def owed(facts: rules.BranchFacts) -> list[rules.Due]:
        if facts not in cache:
            cache[facts] = rules.dues_between(facts, start, end, freqs)
        return cache[facts]

    return owed


def compliance_from_meetings(
    branches: Sequence[Org], start: dt.date, end: dt.date, today: dt.date
) -> list[BranchCompliance]:
    """The same as ``compliance``, computed from the meeting records instead of the summary (slower: one row
    per meeting). The reference the summary is checked against (tests, ``meetings_rebuild_compliance
    --check``)."""
    if not branches:
        return []
    freqs = config.frequencies()
    facts = _facts_of(branches)
    first = min(rules.period_bounds(f.period, start)[0] for f in freqs.values())
    last = max(rules.period_bounds(f.period, end)[1] for f in freqs.values())
    held = (
        Meeting.objects.filter(
            org__in=sorted(facts), planned_on__range=(first, last), status__in=HELD_STATUSES
        )
        .values("org_id", "kind", "planned_on", "held_on")
        .annotate(n=Count("id"))
        .order_by()
    )
    dates: dict[tuple[int, str, dt.date], list[dt.date]] = defaultdict(list)
    for row in held:
        p_start, _ = rules.period_bounds(freqs[row["kind"]].period, row["planned_on"])
        dates[(row["org_id"], row["kind"], p_start)].extend([row["held_on"] or row["planned_on"]] * row["n"])
    out = []
    for b in branches:
        periods = [
            rules.classify_period(due, dates.get((b.pk, due.kind, due.start), []), today)
            for due in rules.dues_between(facts[b.pk], start, end, freqs)
        ]
        out.append(BranchCompliance(b, periods))
    return out


@dataclass
class ComplianceTotals:
    branches: int
    due: int
    held: int
    late: int
    missing: int
    pending: int
    behind: int  # branches with at least one missing meeting


def totals(rows: Sequence[BranchCompliance]) -> ComplianceTotals:
    """The figures of ``rows`` summed (one pass over their periods)."""
    due = held = late = missing = pending = behind = 0
    for r in rows:
        short = 0
        for p in r.periods:
            due += p.due
            held += p.held
            late += p.late
            if p.open:
                pending += max(p.due - p.held - p.late, 0)
            else:
                short += max(p.due - p.held - p.late, 0)
        missing += short
        behind += 1 if short else 0
    return ComplianceTotals(len(rows), due, held, late, missing, pending, behind)


@dataclass
class ComplianceOverview:
    """A committee's whole scope at once: the totals, and the branches with a missing meeting (tree order)."""

    totals: ComplianceTotals
    behind: list[int]


_IDENT = re.compile(r"^[a-z_]+$")


def compliance_overview(
    branches: QuerySet[Org], start: dt.date, end: dt.date, today: dt.date
) -> ComplianceOverview:
    """``totals(compliance(all branches))`` and the branches behind, without a row per period in Python.

    Four queries for any number of branches: the branches (pk, path, 设支委会), their 党小组, one aggregate
    over the summary per branch where each row is capped at what the branch owes for it (computed in SQL
    from the kind and 设支委会, as ``rules.owes``), and the 党小组会 rows grouped by their counts (capped in
    Python by the number of 党小组: joining a per-branch count in SQL made SQLite rescan it for every row).
    What a branch owes in all is computed in Python once per distinct (设支委会, 党小组) pair.
    """
    freqs = config.frequencies()
    orgs = list(branches.order_by("path").values_list("pk", "path", "depth", "has_committee"))
    if not orgs:
        return ComplianceOverview(ComplianceTotals(0, 0, 0, 0, 0, 0, 0), [])
    groups = _group_counts([(pk, path, depth) for pk, path, depth, _ in orgs])
    agg = _summary_aggregate(branches, groups, start, end, today, freqs)
    owed = _owed(start, end, freqs)
    sums: dict[rules.BranchFacts, tuple[int, int]] = {}
    due = held = late = missing = pending = 0
    behind: list[int] = []
    for pk, _, _, has_committee in orgs:
        facts = rules.BranchFacts(has_committee, groups.get(pk, 0))
        if facts not in sums:
            dues = owed(facts)
            sums[facts] = (sum(d.count for d in dues), sum(d.count for d in dues if d.end < today))
        total_due, closed_due = sums[facts]
        b_held, covered, covered_closed = agg.get(pk, (0, 0, 0))
        due += total_due
        held += b_held
        late += covered - b_held
        missing += closed_due - covered_closed
        pending += (total_due - closed_due) - (covered - covered_closed)
        if closed_due > covered_closed:
            behind.append(pk)
    return ComplianceOverview(
        ComplianceTotals(len(orgs), due, held, late, missing, pending, len(behind)), behind
    )


def _summary_aggregate(
    branches: QuerySet[Org],
    groups: dict[int, int],
    start: dt.date,
    end: dt.date,
    today: dt.date,
    freqs: dict[str, rules.Frequency],
) -> dict[int, tuple[int, int, int]]:
    """Per branch: held on time (capped per period at what is owed), held on time or late (capped), the
    same in ended periods. Rows counted with another frequency than the configured one are left out."""
    for kind, f in freqs.items():  # inlined below as literals: only known identifiers and integers
        if not _IDENT.match(kind) or not _IDENT.match(f.period):
            raise ValueError(kind)
    owes = []
    for kind, f in freqs.items():
        if kind == rules.COMMITTEE_MEETING:
            owes.append(f"WHEN '{kind}' THEN (CASE WHEN o.has_committee THEN {int(f.count)} ELSE 0 END)")
        elif kind != rules.GROUP_MEETING:
            owes.append(f"WHEN '{kind}' THEN {int(f.count)}")
    due = f"(CASE s.kind {' '.join(owes)} ELSE 0 END)"
    periods = " ".join(f"WHEN '{k}' THEN '{f.period}'" for k, f in freqs.items())
    period = f"(CASE s.kind {periods} END)"
    least = "MIN" if connection.vendor == "sqlite" else "LEAST"
    sub_sql, sub_params = branches.order_by().values("pk").query.sql_with_params()
    org_table, summary_table = Org._meta.db_table, CompliancePeriod._meta.db_table
    where = f"s.org_id IN ({sub_sql}) AND s.period_end >= %s AND s.period_start <= %s AND s.period = {period}"
    # Only the literals checked above, table names and Django's own compiled subquery are interpolated.
    sql = " ".join(
        [
            f"SELECT s.org_id, SUM({least}(s.on_time, {due})), SUM({least}(s.on_time + s.late, {due})),",
            f"SUM(CASE WHEN s.period_end < %s THEN {least}(s.on_time + s.late, {due}) ELSE 0 END)",
            f"FROM {summary_table} s JOIN {org_table} o ON o.id = s.org_id",
            f"WHERE {where} AND s.kind <> %s GROUP BY s.org_id",
        ]
    )
    by_group_counts = " ".join(
        [
            "SELECT s.org_id, s.on_time, s.late, CASE WHEN s.period_end < %s THEN 1 ELSE 0 END, COUNT(*)",
            f"FROM {summary_table} s WHERE {where} AND s.kind = %s",
            "GROUP BY s.org_id, s.on_time, s.late, CASE WHEN s.period_end < %s THEN 1 ELSE 0 END",
        ]
    )
    out: dict[int, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [today, *sub_params, start, end, rules.GROUP_MEETING])
        for org_id, held, covered, covered_closed in cursor.fetchall():
            out[int(org_id)] = [int(held or 0), int(covered or 0), int(covered_closed or 0)]
        per_group = freqs[rules.GROUP_MEETING].count
        cursor.execute(by_group_counts, [today, *sub_params, start, end, rules.GROUP_MEETING, today])
        for org_id, on_time, late, closed, n in cursor.fetchall():
            owed = groups.get(int(org_id), 0) * per_group
            row = out.setdefault(int(org_id), [0, 0, 0])
            covered = min(on_time + late, owed) * n
            row[0] += min(on_time, owed) * n
            row[1] += covered
            row[2] += covered if closed else 0
    return {org_id: (h, c, cc) for org_id, (h, c, cc) in out.items()}
