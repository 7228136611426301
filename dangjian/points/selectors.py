"""Reads of the points ledger. Leaderboards and ranks read the per-day summary (PointDay) only, never the
ledger, so they stay cheap with 100,000 members and millions of entries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from dangjian.access import scope
from dangjian.members.models import Member
from dangjian.orgs.models import Org, OrgKind
from dangjian.points import rules
from dangjian.points.models import PointAdjustment, PointDay, PointEntry, PointRule

BOARD_LIMIT = 100


@dataclass(frozen=True)
class RuleProgress:
    """One rule on a member's day: points earned against its cap."""

    rule: PointRule
    earned: int
    cap: int | None
    step: int  # 0–100 in steps of 10, for the progress bar's CSS class


@dataclass(frozen=True)
class BoardRow:
    rank: int
    pk: int
    name: str
    org_name: str
    points: int
    mine: bool


def member_of(user: Any) -> Member | None:
    """The member record linked to ``user``, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.select_related("org").filter(user=user).first()


def rule_list() -> QuerySet[PointRule]:
    return PointRule.objects.order_by("code", "-active_from")


def rules_active_on(on: dt.date) -> list[PointRule]:
    qs = PointRule.objects.filter(is_active=True, active_from__lte=on).filter(
        Q(active_until__isnull=True) | Q(active_until__gte=on)
    )
    latest: dict[str, PointRule] = {}
    for rule in qs.order_by("code", "-active_from"):
        latest.setdefault(rule.code, rule)
    return list(latest.values())


def points_today(member: Member, on: dt.date | None = None) -> list[RuleProgress]:
    """Per active rule: what ``member`` earned on ``on`` against the daily cap (two queries)."""
    on = on or timezone.localdate()
    earned = dict(
        PointEntry.objects.filter(member=member, occurred_on=on, rule__isnull=False)
        .values_list("rule_id")
        .annotate(t=Sum("points"))
        .values_list("rule_id", "t")
    )
    out = []
    for rule in rules_active_on(on):
        got = earned.get(rule.pk, 0)
        out.append(RuleProgress(rule, got, rule.daily_cap, rules.progress_step(got, rule.daily_cap)))
    return out


def points_total(member: Member, period: str, on: dt.date | None = None) -> int:
    start, end = rules.period_range(period, on or timezone.localdate())
    total = PointDay.objects.filter(member=member, day__range=(start, end)).aggregate(t=Sum("points"))["t"]
    return int(total or 0)


def points_history(member: Member) -> QuerySet[PointEntry]:
    """The member's ledger, newest first."""
    return PointEntry.objects.filter(member=member).select_related("rule").order_by("-occurred_on", "-id")


def adjustment_list(*, user: Any) -> QuerySet[PointAdjustment]:
    return scope.restrict(
        PointAdjustment.objects.select_related("member", "member__org", "requested_by", "decided_by"),
        user,
        "points.manage",
    )


def _days(user: Any, period: str, on: dt.date) -> QuerySet[PointDay]:
    start, end = rules.period_range(period, on)
    return scope.restrict(PointDay.objects.filter(day__range=(start, end)), user, "points.view")


def leaderboard(*, user: Any, level: str, period: str, on: dt.date | None = None) -> list[BoardRow]:
    """The top members, branches or committees over the period, within the user's points.view scope
    (a member without a grant sees only themselves). Ties share a rank. At most three queries."""
    on = on or timezone.localdate()
    if level not in rules.LEVELS or period not in rules.PERIODS:
        raise ValueError(f"{level}/{period}")
    days = _days(user, period, on)
    me = member_of(user)
    if level == "member":
        top = list(
            days.values("member_id", "member__name", "member__org__short_name", "member__org__name")
            .annotate(t=Sum("points"))
            .order_by("-t", "member_id")[:BOARD_LIMIT]
        )
        ranks = rules.competition_ranks([int(r["t"] or 0) for r in top])
        return [
            BoardRow(
                rank,
                r["member_id"],
                r["member__name"],
                r["member__org__short_name"] or r["member__org__name"],
                int(r["t"] or 0),
                me is not None and me.pk == r["member_id"],
            )
            for rank, r in zip(ranks, top, strict=True)
        ]
    if not scope.has_permission(user, "points.view"):
        return []
    per_branch = list(days.values("member__org_id").annotate(t=Sum("points")))
    orgs = {o.pk: o for o in Org.objects.filter(pk__in=[r["member__org_id"] for r in per_branch])}
    totals: dict[int, int] = {}
    labels: dict[int, str] = {}
    if level == "branch":
        for r in per_branch:
            org = orgs[r["member__org_id"]]
            totals[org.pk] = int(r["t"] or 0)
            labels[org.pk] = org.short_name or org.name
    else:
        committees = scope.restrict(Org.objects.filter(kind=OrgKind.COMMITTEE), user, "points.view")
        for c in committees:
            labels[c.pk] = c.short_name or c.name
            totals[c.pk] = sum(
                int(r["t"] or 0) for r in per_branch if orgs[r["member__org_id"]].path.startswith(c.path)
            )
    mine_org = me.org_id if me is not None else None
    ordered = sorted(totals.items(), key=lambda kv: (-kv[1], labels[kv[0]]))[:BOARD_LIMIT]
    ranks = rules.competition_ranks([t for _, t in ordered])
    return [
        BoardRow(rank, pk, labels[pk], "", t, level == "branch" and pk == mine_org)
        for rank, (pk, t) in zip(ranks, ordered, strict=True)
    ]


@dataclass(frozen=True)
class MyRank:
    points: int
    branch_rank: int
    committee_rank: int | None


def my_rank(member: Member, period: str, on: dt.date | None = None) -> MyRank:
    """The member's points over the period and their rank in their branch and in the nearest committee
    above it: members there with more points, plus one (from PointDay only)."""
    on = on or timezone.localdate()
    start, end = rules.period_range(period, on)
    mine = points_total(member, period, on)
    days = PointDay.objects.filter(day__range=(start, end))

    def ahead(q: Q) -> int:
        return days.filter(q).values("member_id").annotate(t=Sum("points")).filter(t__gt=mine).count()

    branch_rank = ahead(Q(member__org_id=member.org_id)) + 1
    committee = (
        Org.objects.filter(kind=OrgKind.COMMITTEE, path__in=_ancestor_paths(member.org))
        .order_by("-depth")
        .first()
    )
    committee_rank = None
    if committee is not None:
        committee_rank = ahead(scope.subtree_q("member__org__path", committee.path)) + 1
    return MyRank(mine, branch_rank, committee_rank)


def _ancestor_paths(org: Org) -> list[str]:
    steplen = getattr(Org, "steplen", 4)
    return [org.path[:i] for i in range(steplen, len(org.path), steplen)]
