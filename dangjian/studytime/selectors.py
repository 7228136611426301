"""Selectors of study time and 学时: my hours, the organisations' progress and who is behind schedule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr

from dangjian.access import scope
from dangjian.members.models import Member
from dangjian.members.selectors import member_get_own
from dangjian.orgs.models import Org, Position, PositionTitle
from dangjian.studytime import rules
from dangjian.studytime.models import StudyDay, StudyHours

_ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=7, decimal_places=1))


member_of = member_get_own  # the member record of an account, if any


def secretary_hours() -> int:
    """[C] 学时 a year for a branch secretary (DOMAIN.md §2), ``STUDY_HOURS_REQUIRED_SECRETARY``."""
    return int(getattr(settings, "STUDY_HOURS_REQUIRED_SECRETARY", rules.REQUIRED_HOURS_SECRETARY))


def is_secretary(member: Member, on: dt.date) -> bool:
    """A branch secretary (书记 in office on ``on``) has the [C] 56-学时 requirement."""
    return (
        Position.objects.filter(member=member, title=PositionTitle.SECRETARY, started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .exists()
    )


def hours_rows(member: Member, year: int) -> QuerySet[StudyHours]:
    return StudyHours.objects.filter(member=member, year=year).select_related("recorded_by")


@dataclass(frozen=True)
class MyHours:
    year: int
    total: Decimal
    required: int
    expected: Decimal
    behind: bool

    @property
    def percent(self) -> int:
        return min(int(self.total * 100 / self.required), 100) if self.required else 100


def my_hours(member: Member, year: int, on: dt.date) -> MyHours:
    total = StudyHours.objects.filter(member=member, year=year, revoked=False).aggregate(t=Sum("hours"))[
        "t"
    ] or Decimal("0")
    required = rules.required_hours(is_secretary=is_secretary(member, on), secretary_hours=secretary_hours())
    # For a past year the whole requirement was due; for this year, pro rata.
    day = on if on.year == year else dt.date(year, 12, 31)
    expected = rules.expected_by(required=required, on=day)
    return MyHours(year, total, required, expected, total < expected)


def daily_minutes(member: Member, since: dt.date) -> list[tuple[dt.date, int]]:
    """Minutes of server-measured study per day since ``since`` (all contents together)."""
    rows = (
        StudyDay.objects.filter(member=member, on__gte=since)
        .values("on")
        .annotate(s=Sum("seconds"))
        .order_by("-on")
    )
    return [(r["on"], int(r["s"]) // 60) for r in rows]


def _annotated_members(year: int, on: dt.date) -> QuerySet[Member]:
    """Active members with their 学时 of ``year`` and whether they are behind (one SQL statement)."""
    hours = (
        StudyHours.objects.filter(member=OuterRef("pk"), year=year, revoked=False)
        .values("member")
        .annotate(t=Sum("hours"))
        .values("t")
    )
    secretary = Position.objects.filter(
        member=OuterRef("pk"), title=PositionTitle.SECRETARY, ended_on__isnull=True
    )
    day = on if on.year == year else dt.date(year, 12, 31)
    expected_member = rules.expected_by(required=rules.REQUIRED_HOURS, on=day)
    expected_secretary = rules.expected_by(required=secretary_hours(), on=day)
    return (
        Member.objects.active()
        .annotate(
            hours=Coalesce(Subquery(hours, output_field=DecimalField(max_digits=7, decimal_places=1)), _ZERO),
            secretary=Exists(secretary),
        )
        .annotate(
            expected=Case(
                When(secretary=True, then=Value(expected_secretary)),
                default=Value(expected_member),
                output_field=DecimalField(max_digits=7, decimal_places=1),
            ),
            behind=Case(
                When(hours__lt=F("expected"), then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
        )
    )


def members_progress(
    *, user: Any, org: Org, year: int, on: dt.date, behind_only: bool = False
) -> QuerySet[Member]:
    """Members of ``org``'s subtree within the user's ``study.view`` scope with hours, expected and behind."""
    qs = scope.restrict(_annotated_members(year, on), user, "study.view").filter(
        scope.subtree_q("org__path", org.path)
    )
    if behind_only:
        qs = qs.filter(behind=1)  # type: ignore[misc]  # an annotation, unknown to the stubs
    return qs.select_related("org").order_by("hours", "org__path", "name")  # type: ignore[misc]


@dataclass(frozen=True)
class OrgProgress:
    org: Org
    members: int
    behind: int
    total_hours: Decimal

    @property
    def on_schedule_rate(self) -> int:
        return round((self.members - self.behind) * 100 / self.members) if self.members else 0

    @property
    def average(self) -> Decimal:
        return (self.total_hours / self.members).quantize(Decimal("0.1")) if self.members else Decimal("0")


def children_progress(*, user: Any, org: Org, year: int, on: dt.date) -> list[OrgProgress]:
    """``org`` itself (its direct members) and each child subtree: members, behind, hours — one grouped query
    over the subtree (members grouped by the prefix of their organisation's path at the children's depth)."""
    children = list(Org.objects.get_children(org).filter(is_active=True).order_by("path"))
    steplen = Org.steplen
    width = len(org.path) + steplen
    qs = scope.restrict(_annotated_members(year, on), user, "study.view").filter(
        scope.subtree_q("org__path", org.path)
    )
    grouped = (
        qs.annotate(prefix=Substr("org__path", 1, width))
        .values("prefix")
        .annotate(n=Count("pk"), behind_n=Sum("behind"), total=Sum("hours"))
        .order_by()
    )
    by_prefix = {r["prefix"]: r for r in grouped}
    out = []
    own = by_prefix.get(org.path)
    if own:
        out.append(OrgProgress(org, own["n"], int(own["behind_n"] or 0), own["total"] or Decimal("0")))
    for child in children:
        r = by_prefix.get(child.path)
        if r:
            out.append(OrgProgress(child, r["n"], int(r["behind_n"] or 0), r["total"] or Decimal("0")))
        else:
            out.append(OrgProgress(child, 0, 0, Decimal("0")))
    return out


def default_org(user: Any) -> Org | None:
    """The highest organisation where the user holds ``study.view`` (their own branch for a member)."""
    s = scope.scope_for(user, "study.view")
    found: Org | None = None
    if s.everywhere:
        found = Org.objects.filter(depth=1, is_active=True).order_by("path").first()
    elif s.subtrees:
        found = Org.objects.filter(path=min(s.subtrees, key=len)).first()
    elif s.nodes:
        found = Org.objects.filter(pk__in=s.nodes).order_by("depth", "path").first()
    return found


def org_in_view(user: Any, org_id: Any) -> Org | None:
    """An organisation the user may look at for study statistics, or None."""
    try:
        pk = int(org_id)
    except (TypeError, ValueError):
        return None
    org: Org | None = Org.objects.filter(pk=pk, is_active=True).first()
    if org is None or not scope.org_in_scope(user, "study.view", org):
        return None
    return org
