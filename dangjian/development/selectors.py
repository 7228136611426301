"""Reads of 发展党员, always scoped (``access.scope.restrict``): the roster, one person's process with its
deadlines, and the pipeline board of a branch or a committee (how many at each stage, who is overdue, what
is due next)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from dangjian.access import scope
from dangjian.development import rules
from dangjian.development.models import (
    Development,
    DevelopmentRecord,
    DevelopmentStep,
    LocalPractice,
    RecordKind,
    Status,
)
from dangjian.development.services import PRACTICE_FIELDS, Practice
from dangjian.orgs.models import Org


def development_list(*, user: Any, permission: str = "development.view") -> QuerySet[Development]:
    return scope.restrict(Development.objects.select_related("org"), user, permission).order_by(
        "org__path", "applied_on", "id"
    )


def org_choices(*, user: Any, permission: str = "development.view") -> QuerySet[Org]:
    """The organisations (not 党小组) whose development the user may read, in tree order."""
    return (
        scope.restrict(Org.objects.filter(is_active=True), user, permission)
        .exclude(kind="group")
        .order_by("path")
    )


def org_id(raw: object) -> int | None:
    """An organisation id from a query parameter: digits within a 32-bit id, else None (never a huge
    number handed to the database)."""
    text = str(raw or "")
    return int(text) if text.isdigit() and len(text) <= 10 and int(text) < 2**31 else None


def in_subtree(qs: QuerySet[Development], org: Org) -> QuerySet[Development]:
    return qs.filter(scope.subtree_q("org__path", org.path))


# --------------------------------------------------------------------------------------------------------
# Local practice and deadlines


def practices() -> dict[str, Practice]:
    """Every configured local practice by the organisation's path."""
    return {
        row.org.path: Practice(**{f: getattr(row, f) for f in PRACTICE_FIELDS}, source=row.org)
        for row in LocalPractice.objects.select_related("org")
    }


def practice_at(path: str, table: dict[str, Practice], steplen: int = 4) -> Practice:
    for end in range(len(path), 0, -steplen):
        found = table.get(path[:end])
        if found is not None:
            return found
    return Practice()


def process_facts(devs: Sequence[Development]) -> dict[int, rules.ProcessFacts]:
    """The dated facts of each process (two queries for any number of people)."""
    ids = [d.pk for d in devs]
    steps: dict[int, dict[int, dt.date]] = defaultdict(dict)
    for dev_id, number, on in DevelopmentStep.objects.filter(development_id__in=ids).values_list(
        "development_id", "number", "done_on"
    ):
        steps[dev_id][number] = on
    evaluations: dict[int, list[dt.date]] = defaultdict(list)
    reports: dict[int, list[dt.date]] = defaultdict(list)
    for dev_id, kind, on in DevelopmentRecord.objects.filter(development_id__in=ids).values_list(
        "development_id", "kind", "on"
    ):
        (evaluations if kind == RecordKind.EVALUATION else reports)[dev_id].append(on)
    return {
        d.pk: rules.ProcessFacts(
            done=frozenset(steps[d.pk]),
            applied_on=d.applied_on,
            step_dates=steps[d.pk],
            evaluations=tuple(evaluations[d.pk]),
            thought_reports=tuple(reports[d.pk]),
            resolution_on=d.resolution_on,
            extension_months=d.extension_months,
            approval_extended=bool(d.approval_extension_reason),
            closed=d.status != Status.OPEN,
        )
        for d in devs
    }


@dataclass(frozen=True)
class DueItem:
    development: Development
    deadline: rules.Deadline
    overdue: bool
    days_left: int


def due_items(devs: Sequence[Development], today: dt.date) -> list[DueItem]:
    """Every open deadline of ``devs``, overdue first, then by date."""
    facts = process_facts(devs)
    table = practices()
    out = []
    for d in devs:
        practice = practice_at(d.org.path, table)
        for deadline in rules.deadlines(facts[d.pk], thought_report_months=practice.thought_report_months):
            out.append(DueItem(d, deadline, deadline.overdue(today), (deadline.due - today).days))
    return sorted(out, key=lambda i: (not i.overdue, i.deadline.due))


# --------------------------------------------------------------------------------------------------------
# The pipeline board


@dataclass
class BoardRow:
    org: Org
    counts: dict[str, int] = field(default_factory=dict)
    overdue: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells(self) -> list[tuple[str, int]]:
        return [(s, self.counts.get(s, 0)) for s in rules.STAGES]


@dataclass
class Board:
    org: Org
    totals: dict[str, int]
    rows: list[BoardRow]
    overdue: list[DueItem]
    upcoming: list[DueItem]
    closed_this_year: dict[str, int]
    notice_days: int

    def stage_cells(self) -> list[tuple[str, str, int]]:
        return [(s, rules.STAGE_LABELS[s], self.totals.get(s, 0)) for s in rules.STAGES]

    @property
    def total(self) -> int:
        return sum(self.totals.values())


def board(*, user: Any, org: Org, today: dt.date) -> Board:
    """The pipeline of ``org``'s subtree: open processes per branch and stage (FULL = 转正 awaiting 归档),
    the overdue deadlines and those due within the local notice days."""
    qs = in_subtree(development_list(user=user), org)
    open_qs = qs.filter(status=Status.OPEN)
    per_branch: dict[int, BoardRow] = {}
    branches = {o.pk: o for o in Org.objects.filter(pk__in=open_qs.values("org_id"))}
    for org_id, stage, n in open_qs.values_list("org_id", "stage").annotate(n=Count("id")).order_by():
        per_branch.setdefault(org_id, BoardRow(branches[org_id])).counts[stage] = n
    totals: dict[str, int] = defaultdict(int)
    for row in per_branch.values():
        for stage, n in row.counts.items():
            totals[stage] += n
    devs = list(open_qs)
    items = due_items(devs, today)
    for item in items:
        if item.overdue:
            per_branch[item.development.org_id].overdue += 1
    notice = practice_at(org.path, practices()).notice_days
    year_start = dt.date(today.year, 1, 1)
    closed = dict(
        qs.filter(~Q(status=Status.OPEN), updated_at__date__gte=year_start)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return Board(
        org=org,
        totals=dict(totals),
        rows=sorted(per_branch.values(), key=lambda r: r.org.path),
        overdue=[i for i in items if i.overdue],
        upcoming=[i for i in items if not i.overdue and i.days_left <= notice],
        closed_this_year=closed,
        notice_days=notice,
    )


# --------------------------------------------------------------------------------------------------------
# One person's process


@dataclass(frozen=True)
class StepLine:
    step: rules.Step
    record: DevelopmentStep | None
    is_next: bool


def step_lines(dev: Development) -> list[tuple[int, str, list[StepLine]]]:
    """The 25 steps grouped by phase, with their records and the next step marked."""
    recorded = {s.number: s for s in dev.steps.all()}
    upcoming = rules.next_step(recorded) if dev.status == Status.OPEN else None
    phases: list[tuple[int, str, list[StepLine]]] = []
    for phase, label in rules.PHASE_LABELS.items():
        lines = [
            StepLine(s, recorded.get(s.number), s.number == upcoming) for s in rules.STEPS if s.phase == phase
        ]
        phases.append((phase, label, lines))
    return phases


def deadlines_of(dev: Development, today: dt.date) -> list[DueItem]:
    return due_items([dev], today)


def roster(devs: Iterable[Development]) -> list[dict[str, Any]]:
    """Rows of the development roster (花名册) with the key dates and people, for the page and the export."""
    devs = list(devs)
    facts = process_facts(devs)
    mentors: dict[int, list[str]] = defaultdict(list)
    introducers: dict[int, list[str]] = defaultdict(list)
    through_m = Development.mentors.through.objects.filter(development_id__in=[d.pk for d in devs])
    for dev_id, name in through_m.values_list("development_id", "member__name"):
        mentors[dev_id].append(name)
    through_i = Development.introducers.through.objects.filter(development_id__in=[d.pk for d in devs])
    for dev_id, name in through_i.values_list("development_id", "member__name"):
        introducers[dev_id].append(name)
    rows = []
    for d in devs:
        dates = facts[d.pk].step_dates
        nxt = rules.next_step(dates) if d.status == Status.OPEN else None
        rows.append(
            {
                "development": d,
                "activist_on": dates.get(3),
                "candidate_on": dates.get(7),
                "resolution_on": d.resolution_on,
                "probation_ends": d.probation_ends,
                "full_on": d.full_on,
                "mentors": "、".join(mentors[d.pk]),
                "introducers": "、".join(introducers[d.pk]),
                "next_step": rules.STEP_BY_NUMBER[nxt].label if nxt else "",
            }
        )
    return rows
