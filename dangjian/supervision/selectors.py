"""Reads of 党风廉政监督, always scoped: warnings, tasks, responsibility lists, the board.

The board (监督工作看板) of an organisation is a handful of grouped queries over its subtree, grouped by the
prefix of each row's organisation path at the depth of the organisation's children (drill-down rows), never
one query per organisation. Other apps add a section with ``board_section`` (see ``BoardSection``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.db.models.functions import Substr

from dangjian.access import scope
from dangjian.orgs.models import Org
from dangjian.supervision import rules
from dangjian.supervision.models import (
    OPEN_RECT,
    IntegrityTopic,
    Rectification,
    RectStatus,
    ResponsibilityItem,
    ResponsibilityRecord,
    Severity,
    Warning,
    WarningRule,
    WarningStatus,
)

VIEW = "supervision.view"


def warning_list(*, user: Any, permission: str = VIEW) -> QuerySet[Warning]:
    return scope.restrict(
        Warning.objects.select_related("rule", "org", "member", "owner"), user, permission
    ).order_by("-last_seen_at", "-id")


def rule_list() -> QuerySet[WarningRule]:
    return WarningRule.objects.filter(declared=True).order_by("app", "code")


def rules_view() -> list[WarningRule]:
    """Every declared rule as configured: the stored row, or (before the first scan stores it) an unsaved
    row with the declaration's defaults. Reads only."""
    from dangjian.supervision import registry

    stored = {r.code: r for r in WarningRule.objects.all()}
    out = []
    for code, spec in registry.all_rules().items():
        row = stored.get(code) or WarningRule(
            code=code,
            app=spec.app,
            title=spec.title,
            source=spec.source,
            subject=spec.subject,
            severity=spec.severity,
            params=dict(spec.params),
        )
        out.append(row)
    return out


def rule_get(code: str) -> WarningRule | None:
    return next((r for r in rules_view() if r.code == code), None)


def rectification_list(*, user: Any, permission: str = VIEW) -> QuerySet[Rectification]:
    return scope.restrict(
        Rectification.objects.select_related("org", "supervisor", "responsible", "escalated_to", "warning"),
        user,
        permission,
    ).order_by("-created_at", "-id")


def open_tasks_for(warnings: list[Warning]) -> dict[int, Rectification]:
    """The open task of each warning that has one (one query)."""
    ids = [w.pk for w in warnings]
    return {
        t.warning_id: t  # type: ignore[misc]
        for t in Rectification.objects.filter(warning_id__in=ids, status__in=OPEN_RECT)
    }


def open_task_of_source(source_kind: str, source_id: Any) -> Rectification | None:
    """The open task turned from a letter or 随手拍 case (there is at most one)."""
    return Rectification.objects.filter(
        source_kind=source_kind, source_id=source_id, status__in=OPEN_RECT
    ).first()


def task_of_source(source_kind: str, source_id: Any) -> Rectification | None:
    """The task shown on a letter or case: the open one, else the latest (销号) one, else None."""
    qs = Rectification.objects.filter(source_kind=source_kind, source_id=source_id)
    return qs.filter(status__in=OPEN_RECT).first() or qs.order_by("-created_at", "-id").first()


def source_org_choices(user: Any, source_org: Org) -> list[Org]:
    """The organisations a task turned from a letter or case of ``source_org`` may be given to: that
    organisation and those below it (not 党小组) where ``user`` holds supervision.manage, in tree order."""
    qs = scope.restrict(Org.objects.filter(is_active=True), user, "supervision.manage")
    qs = qs.filter(scope.subtree_q("path", source_org.path)).exclude(kind="group")
    return list(qs.order_by("path"))


def overdue_q(today: dt.date) -> Q:
    return Q(
        status__in=(RectStatus.ASSIGNED, RectStatus.IN_PROGRESS, RectStatus.RETURNED), deadline__lt=today
    )


def default_org(user: Any) -> Org | None:
    """The highest organisation where the user holds supervision.view."""
    s = scope.scope_for(user, VIEW)
    found: Org | None = None
    if s.everywhere:
        found = Org.objects.filter(depth=1, is_active=True).order_by("path").first()
    elif s.subtrees:
        found = Org.objects.filter(path=min(s.subtrees, key=len)).first()
    elif s.nodes:
        found = Org.objects.filter(pk__in=s.nodes).order_by("depth", "path").first()
    return found


def org_in_view(user: Any, raw: Any) -> Org | None:
    """The organisation ``raw`` (an id) if the user may look at its supervision data; else None."""
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        return None
    org = Org.objects.filter(pk=pk, is_active=True).first()
    return org if org is not None and scope.org_in_scope(user, VIEW, org) else None


def breadcrumbs(user: Any, org: Org) -> list[Org]:
    """The ancestors of ``org`` the user may view, then ``org``."""
    paths = [org.path[:i] for i in range(Org.steplen, len(org.path), Org.steplen)]
    above = [
        o for o in Org.objects.filter(path__in=paths).order_by("depth") if scope.org_in_scope(user, VIEW, o)
    ]
    return [*above, org]


# --------------------------------------------------------------------------------------------------------
# 监督责任清单


@dataclass
class DutyRow:
    item: ResponsibilityItem
    completion: rules.Completion
    done_starts: set[dt.date]

    @property
    def periods(self) -> list[tuple[rules.DutyPeriod, bool]]:
        return [(p, p.start in self.done_starts) for p in rules.periods_of(self.item.period, self.item.year)]


def responsibility_list(*, user: Any, permission: str = VIEW) -> QuerySet[ResponsibilityItem]:
    return scope.restrict(
        ResponsibilityItem.objects.select_related("org", "holder"), user, permission
    ).order_by("org__path", "duty", "id")


def duty_rows(items: list[ResponsibilityItem], today: dt.date) -> list[DutyRow]:
    """Each item with its completion: the records of all of them in one query."""
    done: dict[int, set[dt.date]] = defaultdict(set)
    for item_id, start in ResponsibilityRecord.objects.filter(item__in=[i.pk for i in items]).values_list(
        "item_id", "period_start"
    ):
        done[item_id].add(start)
    return [DutyRow(i, rules.completion(i.period, i.year, done[i.pk], today), done[i.pk]) for i in items]


# --------------------------------------------------------------------------------------------------------
# The board


@dataclass
class BoardRow:
    """The figures of one organisation's subtree (a child of the board's organisation, or the total)."""

    org: Org | None
    path: str
    warnings: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Severity.values, 0))
    missing: int = 0  # warnings that say data is missing (not counted as any severity)
    tasks: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RectStatus.values, 0))
    overdue: int = 0
    duty_ended: int = 0  # periods of this year's items that have ended
    duty_done: int = 0  # … of them with a 履责记录
    extra: list[int] = field(default_factory=list)  # the figures of the registered sections, in order

    @property
    def warnings_total(self) -> int:
        return sum(self.warnings.values())

    @property
    def tasks_open(self) -> int:
        return sum(n for s, n in self.tasks.items() if s != RectStatus.ACCEPTED)

    @property
    def tasks_closed(self) -> int:
        return self.tasks[RectStatus.ACCEPTED]

    @property
    def duty_rate(self) -> int | None:
        """Percent of ended periods performed; ``None`` when none has ended (no data, not 0 %)."""
        return round(100 * self.duty_done / self.duty_ended) if self.duty_ended else None

    def add(self, other: BoardRow) -> None:
        for k, v in other.warnings.items():
            self.warnings[k] += v
        for k, v in other.tasks.items():
            self.tasks[k] += v
        self.missing += other.missing
        self.overdue += other.overdue
        self.duty_ended += other.duty_ended
        self.duty_done += other.duty_done


@dataclass
class RuleCount:
    code: str
    title: str
    by_severity: dict[str, int]
    missing: int

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())


@dataclass
class BoardSection:
    """A section another app adds to the board: a few named figures, in total and per child subtree.

    ``by_path`` maps the path prefix of each child (and the organisation's own path) to figures in the order
    of ``columns``. Register the function that builds it with ``board_section``.
    """

    code: str
    title: str
    columns: list[str]
    totals: list[int]
    by_path: dict[str, list[int]]

    @property
    def pairs(self) -> list[tuple[str, int]]:
        return list(zip(self.columns, self.totals, strict=False))


SectionBuilder = Callable[[Any, Org, dt.date, int], BoardSection | None]
_SECTIONS: list[SectionBuilder] = []


def board_section(builder: SectionBuilder) -> SectionBuilder:
    """Register a board section: ``builder(user, org, today, width)`` returns a ``BoardSection`` whose
    ``by_path`` is keyed by ``Substr(<org path>, 1, width)`` of its rows (see ``grouped``), or None."""
    if builder not in _SECTIONS:
        _SECTIONS.append(builder)
    return builder


def grouped(
    qs: QuerySet[Any], path_lookup: str, width: int, *fields: str, **annotations: Any
) -> QuerySet[Any]:
    """``qs`` grouped by the drill-down prefix of ``path_lookup`` and ``fields`` (the board's helper)."""
    out: QuerySet[Any] = (
        qs.annotate(prefix=Substr(path_lookup, 1, width))
        .values("prefix", *fields)
        .annotate(**(annotations or {"n": Count("pk")}))
        .order_by()
    )
    return out


@dataclass
class Board:
    org: Org
    today: dt.date
    total: BoardRow
    own: BoardRow  # rows attached to the organisation itself (not to a child)
    children: list[BoardRow]
    by_rule: list[RuleCount]
    sections: list[BoardSection]


def board_queries(user: Any, org: Org, today: dt.date) -> dict[str, QuerySet[Any]]:
    """The grouped querysets behind the board (also what the benchmark runs as raw SQL)."""
    width = len(org.path) + Org.steplen
    sub = scope.subtree_q("org__path", org.path)
    warnings = scope.restrict(Warning.objects.filter(sub, status=WarningStatus.OPEN), user, VIEW)
    tasks = scope.restrict(Rectification.objects.filter(sub), user, VIEW).annotate(
        late=Case(When(overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField())
    )
    items = scope.restrict(
        ResponsibilityItem.objects.filter(sub, is_active=True, year=today.year), user, VIEW
    )
    records = ResponsibilityRecord.objects.filter(item__in=items.values("pk"), period_end__lt=today)
    return {
        "warnings": grouped(warnings, "org__path", width, "rule_id", "severity", "missing"),
        "tasks": grouped(tasks, "org__path", width, "status", "late"),
        "items": grouped(items, "org__path", width, "period"),
        "records": grouped(records, "item__org__path", width),
    }


def board(*, user: Any, org: Org, today: dt.date) -> Board:
    """The supervision board of ``org``'s subtree: warnings by rule and severity, tasks by state, duty
    completion, per child subtree and in total, plus the sections other apps register."""
    children = list(Org.objects.get_children(org).filter(is_active=True).order_by("path"))
    rows: dict[str, BoardRow] = {c.path: BoardRow(c, c.path) for c in children}
    own = BoardRow(org, org.path)
    rows[org.path] = own
    stored = {pk: (code, title) for pk, code, title in WarningRule.objects.values_list("pk", "code", "title")}
    by_rule: dict[int, RuleCount] = {}
    q = board_queries(user, org, today)
    for r in q["warnings"]:
        row = rows.get(r["prefix"])
        rc = by_rule.setdefault(
            r["rule_id"],
            RuleCount(
                *stored.get(r["rule_id"], ("", "")),
                dict.fromkeys(Severity.values, 0),
                0,
            ),
        )
        if r["missing"]:
            rc.missing += r["n"]
            if row:
                row.missing += r["n"]
        else:
            rc.by_severity[r["severity"]] += r["n"]
            if row:
                row.warnings[r["severity"]] += r["n"]
    for r in q["tasks"]:
        row = rows.get(r["prefix"])
        if row:
            row.tasks[r["status"]] += r["n"]
            row.overdue += r["n"] if r["late"] else 0
    for r in q["items"]:
        row = rows.get(r["prefix"])
        if row:
            ended = sum(1 for p in rules.periods_of(r["period"], today.year) if p.end < today)
            row.duty_ended += ended * r["n"]
    for r in q["records"]:
        row = rows.get(r["prefix"])
        if row:
            row.duty_done += r["n"]
    total = BoardRow(org, org.path)
    for row in rows.values():
        total.add(row)
    width = len(org.path) + Org.steplen
    sections = [s for s in (build(user, org, today, width) for build in _SECTIONS) if s is not None]
    for row in rows.values():
        row.extra = [v for s in sections for v in s.by_path.get(row.path, [0] * len(s.columns))]
    total.extra = [v for s in sections for v in s.totals]
    return Board(
        org,
        today,
        total,
        own,
        [rows[c.path] for c in children],
        sorted(by_rule.values(), key=lambda rc: (-rc.total - rc.missing, rc.code)),
        sections,
    )


# The knowledge tags of the column's short quiz (专项练习 of 考试中心); local practice, so a setting.
INTEGRITY_QUIZ_TAGS = ("廉政", "纪律", "纪律处分条例", "作风")


def integrity_quiz_names() -> tuple[str, ...]:
    from django.conf import settings

    return tuple(getattr(settings, "SUPERVISION_INTEGRITY_QUIZ_TAGS", INTEGRITY_QUIZ_TAGS))


def integrity_quiz_tags(user: Any) -> list[tuple[str, int]]:
    """The column's 廉政知识小测: each configured tag (``SUPERVISION_INTEGRITY_QUIZ_TAGS``) the user has
    questions to practise under, with their number. Answers go to the member's 错题本 like any 专项练习."""
    from dangjian.exams import selectors as exams

    return exams.practice_tag_counts(user=user, tags=integrity_quiz_names())


def integrity_topics(user: Any) -> list[IntegrityTopic]:
    """The column's published topics the user may read (study's own reading rule), in column order."""
    from dangjian.study import selectors as study

    entries = IntegrityTopic.objects.select_related("topic", "topic__org").filter(topic__status="published")
    return [e for e in entries if study.may_read(user, e.topic)]
