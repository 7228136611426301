"""Reads of the points ledger. Leaderboards and ranks read the per-period totals (``PointTotal``,
``PointOrgTotal``) through their indexes, never the ledger nor the days, so they stay cheap with 100,000
members and millions of entries (bench/study.py measures them)."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, F, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Length, Substr
from django.utils import timezone

from dangjian.access import scope
from dangjian.members.models import Member
from dangjian.orgs.models import Org, OrgKind
from dangjian.points import rules
from dangjian.points.models import PointAdjustment, PointEntry, PointOrgTotal, PointRule, PointTotal

BOARD_LIMIT = 100
_NO_FLOOR = -(2**31)  # below any total: every row, when there are fewer than BOARD_LIMIT


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
    """The member record linked to ``user``, if any (looked up once per request: kept on the user object,
    which lives as long as the request)."""
    if not getattr(user, "is_authenticated", False):
        return None
    cache: dict[str, Member | None] = user.__dict__.setdefault("_points_member", {})
    if "member" not in cache:
        # Without the encrypted columns: nothing here shows them, and decrypting them costs every request.
        cache["member"] = (
            Member.objects.select_related("org")
            .defer("id_number", "phone", "address")
            .filter(user=user)
            .first()
        )
    return cache["member"]


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
    """The member's points over the period containing ``on``: one row of ``PointTotal`` by its unique key."""
    start = rules.period_range(period, on or timezone.localdate())[0]
    got = PointTotal.objects.filter(member=member, period=period, start=start).values_list(
        "points", flat=True
    )
    return int(got.first() or 0)


def points_history(member: Member) -> QuerySet[PointEntry]:
    """The member's ledger, newest first."""
    return PointEntry.objects.filter(member=member).select_related("rule").order_by("-occurred_on", "-id")


def adjustment_list(*, user: Any) -> QuerySet[PointAdjustment]:
    return scope.restrict(
        PointAdjustment.objects.select_related("member", "member__org", "requested_by", "decided_by"),
        user,
        "points.manage",
    )


def _everything(s: scope.Scope) -> bool:
    """Whether the scope covers every organisation (platform-wide, or the subtree of every root)."""
    if s.everywhere:
        return True
    if not any(len(path) == Org.steplen for path in s.subtrees):
        return False  # no root's subtree: not everything (no query)
    roots = set(Org.objects.filter(depth=1).values_list("path", flat=True))
    return bool(roots) and roots <= set(s.subtrees)


def _org_ids(s: scope.Scope) -> set[int] | None:
    """The ids of the organisations ``s`` covers (``None``: all of them), for ``org_id IN (…)`` filters that
    each become one range of a (period, start, org, …) index."""
    if _everything(s):
        return None
    ids = set(s.nodes)
    if s.subtrees:
        in_subtrees = Q(pk__in=[])
        for path in s.subtrees:
            in_subtrees |= scope.subtree_q("path", path)
        ids |= set(Org.objects.filter(in_subtrees).values_list("pk", flat=True))
    return ids


def _member_scope(user: Any, me: Member | None) -> Q | None:
    """The filter of ``PointTotal`` rows ``user`` may see with points.view (``None``: all of them). The
    same rows as ``scope.restrict``: the grants' organisations, plus one's own row when the grants do not
    cover it (a member without a grant sees only themselves)."""
    s = scope.scope_for(user, "points.view")
    ids = _org_ids(s)
    if ids is None:
        return None
    q = Q(branch_id__in=sorted(ids)) if ids else Q(pk__in=[])
    if me is not None and s.user_id is not None and me.org_id not in ids:
        q |= Q(member_id=me.pk)
    return q


def leaderboard(
    *, user: Any, level: str, period: str, on: dt.date | None = None, cached: bool = False
) -> list[BoardRow]:
    """The top members, branches or committees over the period, within the user's points.view scope
    (a member without a grant sees only themselves). Ties share a rank.

    ``cached``: a board computed up to ``POINTS_BOARD_CACHE_SECONDS`` ago (default 15; 0 in tests) for the
    same scope may be answered instead (``board_cached``); the viewer's own row is marked either way.

    Members: the first ``BOARD_LIMIT`` entries of an index range of ``PointTotal`` (one range per
    organisation in scope; none for a whole-tree scope), then their names (two queries plus the scope's).
    Branches: the first entries of a ``PointOrgTotal`` index range with their names (one query). Committees:
    the ``PointOrgTotal`` rows of the organisations in scope (read from the index) summed by the organisation
    above each, then up the tree (two queries); never the members' rows."""
    on = on or timezone.localdate()
    if level not in rules.LEVELS or period not in rules.PERIODS:
        raise ValueError(f"{level}/{period}")
    if cached:
        return board_cached(user=user, level=level, period=period, on=on)
    me = member_of(user)
    return _board(user, level, period, rules.period_range(period, on)[0], me)


def _board(user: Any, level: str, period: str, start: dt.date, me: Member | None) -> list[BoardRow]:
    if level == "member":
        members = PointTotal.objects.filter(period=period, start=start)
        where = _member_scope(user, me)
        if where is not None:
            members = members.filter(where)
        top = list(members.order_by("-points", "member_id").values_list("member_id", "points")[:BOARD_LIMIT])
        # The names in a second query: joined into the first, PostgreSQL plans a parallel sort of the scope's
        # rows (56 ms for a committee) instead of the index ranges (0.5 ms). Only the columns shown: whole
        # Member rows would decrypt their protected fields for nothing.
        names = Member.objects.filter(pk__in=[pk for pk, _ in top])
        people = {
            pk: (name, short or org_name)
            for pk, name, short, org_name in names.values_list("pk", "name", "org__short_name", "org__name")
        }
        ranks = rules.competition_ranks([points for _, points in top])
        return [
            BoardRow(rank, pk, people[pk][0], people[pk][1], points, me is not None and me.pk == pk)
            for rank, (pk, points) in zip(ranks, top, strict=True)
        ]
    s = scope.scope_for(user, "points.view")
    if not s.has_grant:
        return []
    rows = PointOrgTotal.objects.filter(period=period, start=start)
    ids = _org_ids(s)
    if ids is not None:
        rows = rows.filter(org_id__in=sorted(ids))
    labels: dict[int, str] = {}
    totals: dict[int, int] = {}
    if level == "branch":
        # The rows from the (period, start, points, org) index down to the points of the BOARD_LIMIT-th (so
        # those tied with it too; ties are ordered by name) with their names, in one statement: bounded by the
        # board, whatever the number of organisations.
        last = rows.order_by("-points", "org_id").values("points")[BOARD_LIMIT - 1 : BOARD_LIMIT]
        floor = Coalesce(Subquery(last), Value(_NO_FLOOR))
        for pk, points, short, name in rows.filter(points__gte=floor).values_list(
            "org_id", "points", "org__short_name", "org__name"
        ):
            totals[pk], labels[pk] = points, short or name
    else:
        # Every organisation's row in scope (read from the index), added up in the database by the
        # organisation above it (a committee's own row by the committee itself), so a few hundred sums reach
        # Python rather than one row per organisation; each sum goes to every committee whose path begins its
        # key.
        committees = scope.restrict(Org.objects.filter(kind=OrgKind.COMMITTEE), user, "points.view")
        by_path: dict[str, int] = {}
        for pk, path, short, name in committees.values_list("pk", "path", "short_name", "name"):
            by_path[path], labels[pk], totals[pk] = pk, short or name, 0
        lengths = sorted({len(path) for path in by_path})
        above = Case(
            When(org__kind=OrgKind.COMMITTEE, then=F("org__path")),
            default=Substr("org__path", 1, Length("org__path") - Org.steplen),
        )
        sums = rows.order_by().annotate(key=above).values("key").annotate(total=Sum("points"))
        for key, points in sums.values_list("key", "total"):
            for length in lengths:
                committee = by_path.get(key[:length]) if length <= len(key) else None
                if committee is not None:
                    totals[committee] += points
    mine_org = me.org_id if me is not None else None
    ordered = sorted(totals.items(), key=lambda kv: (-kv[1], labels[kv[0]]))[:BOARD_LIMIT]
    ranks = rules.competition_ranks([t for _, t in ordered])
    return [
        BoardRow(rank, pk, labels[pk], "", t, level == "branch" and pk == mine_org)
        for rank, (pk, t) in zip(ranks, ordered, strict=True)
    ]


# Boards kept for ``POINTS_BOARD_CACHE_SECONDS``: in this process (no query at all), and in the shared cache
# (Redis, or the database's cache table) so that the other workers compute a board once per period too.
# key → (expires at, by the wall clock; rows); the oldest go first.
_BOARDS: OrderedDict[str, tuple[float, list[BoardRow]]] = OrderedDict()
_BOARDS_MAX = 500  # boards (100 rows each, ≈ 20 kB)


_clock = time.time  # (a test moves it)


def board_cache_seconds() -> float:
    """How long a computed board may be answered again, ``POINTS_BOARD_CACHE_SECONDS`` (default 15)."""
    return float(getattr(settings, "POINTS_BOARD_CACHE_SECONDS", 15))


def board_cached(*, user: Any, level: str, period: str, on: dt.date | None = None) -> list[BoardRow]:
    """``leaderboard`` as the board pages and the API show it: a board computed for the same scope at most
    ``board_cache_seconds()`` ago, else a new one (then kept).

    What a board depends on besides the data is in its key: level, period and its start, the scope as the
    user's grants give it now (read on every request, so a withdrawn grant stops the board at once), and for
    a member board whose scope is not platform-wide the viewer (own row, organisation), since such a board
    adds the viewer's own row when the grants do not cover it. The viewer's own row is marked on every
    answer. What may lag by those seconds: other members' and organisations' points, names and order. The
    member's own points and rank (``my_rank``, ``points_total``) are never kept."""
    on = on or timezone.localdate()
    if level not in rules.LEVELS or period not in rules.PERIODS:
        raise ValueError(f"{level}/{period}")
    start = rules.period_range(period, on)[0]
    me = member_of(user)
    ttl = board_cache_seconds()
    if ttl <= 0:
        return _board(user, level, period, start, me)
    s = scope.scope_for(user, "points.view")
    if level != "member" and not s.has_grant:
        return []
    viewer = None if level != "member" or s.everywhere else (s.user_id, me and me.pk, me and me.org_id)
    signature = repr((level, period, start.isoformat(), s.everywhere, s.subtrees, s.nodes, viewer))
    key = "points:board:" + hashlib.sha256(signature.encode()).hexdigest()[:40]
    now = _clock()  # the wall clock: the shared copy's age is read by other processes
    kept = _BOARDS.get(key)
    if kept is not None and kept[0] > now:
        rows = kept[1]
    else:
        shared = cache.get(key)
        if shared is not None and shared[0] + ttl > now:
            expires, rows = shared[0] + ttl, shared[1]
        else:
            rows = _board(user, level, period, start, me)
            cache.set(key, (now, rows), timeout=max(1, int(ttl)))
            expires = now + ttl
        _BOARDS[key] = (expires, rows)
        _BOARDS.move_to_end(key)
        while len(_BOARDS) > _BOARDS_MAX:
            _BOARDS.popitem(last=False)
    mine = (me.pk if level == "member" else me.org_id if level == "branch" else None) if me else None
    return [row if row.mine == (row.pk == mine) else replace(row, mine=row.pk == mine) for row in rows]


def board_forget() -> None:
    """Drop this process's boards (tests)."""
    _BOARDS.clear()


@dataclass(frozen=True)
class MyRank:
    points: int
    branch_rank: int
    committee_rank: int | None


def my_rank(member: Member, period: str, on: dt.date | None = None) -> MyRank:
    """The member's points over the period and their rank in their branch and in the nearest committee
    above it: members there with more points, plus one (ties share a rank).

    One statement: the member's ``PointTotal`` row by its unique key, then each rank counts the entries ahead
    of it in one range of a ``PointTotal`` index (branch: (period, start, branch, points); committee:
    (period, start, committee, points) over the committees of the nearest committee's subtree, found among
    the organisation's ancestors), reading the index only: bounded by the size of the branch or the
    committee, never by the ledger."""
    on = on or timezone.localdate()
    start = connection.ops.adapt_datefield_value(rules.period_range(period, on)[0])
    ancestors = _ancestor_paths(member.org)
    mine: list[Any] = [member.pk, period, start]
    branch: list[Any] = [period, start, member.org_id]
    params: list[Any]
    if ancestors:
        sql = _RANK_SQL.format(ancestors=", ".join("%s" for _ in ancestors))
        params = [*mine, str(OrgKind.COMMITTEE), *ancestors, *branch, period, start, str(OrgKind.COMMITTEE)]
    else:  # a member of a root organisation: no committee above
        sql, params = _RANK_BRANCH_SQL, [*mine, *branch]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    committee_rank = int(row[3]) + 1 if ancestors and row[2] is not None else None
    return MyRank(int(row[0]), int(row[1]) + 1, committee_rank)


# "My rank" in one statement (the tables of PointTotal and Org; a test checks the names): the member's row,
# the nearest committee among the organisation's ancestors, and the two counts. Committees of the nearest's
# subtree are the range [path, path + "~") of paths (paths use the alphabet 0-9A-Z).
_MINE = (
    "mine AS (SELECT COALESCE((SELECT p.points FROM points_pointtotal p WHERE p.member_id = %s "
    "AND p.period = %s AND p.start = %s), 0) AS points)"
)
_BRANCH_AHEAD = (
    "(SELECT COUNT(*) FROM points_pointtotal t WHERE t.period = %s AND t.start = %s AND t.branch_id = %s "
    "AND t.points > mine.points)"
)
_RANK_BRANCH_SQL = f"WITH {_MINE} SELECT mine.points, {_BRANCH_AHEAD} FROM mine"  # noqa: S608 (constants)
# (Only constants and, for ``ancestors``, placeholders are formatted in.)
_RANK_SQL = (
    f"WITH {_MINE}, near AS (SELECT (SELECT n.path FROM orgs_org n WHERE n.kind = %s "  # noqa: S608
    "AND n.path IN ({ancestors}) ORDER BY LENGTH(n.path) DESC LIMIT 1) AS path) "
    f"SELECT mine.points, {_BRANCH_AHEAD}, near.path, (SELECT COUNT(*) FROM points_pointtotal t "
    "WHERE t.period = %s AND t.start = %s AND t.points > mine.points AND t.committee_id IN "
    "(SELECT c.id FROM orgs_org c WHERE c.kind = %s AND c.path >= near.path AND c.path < near.path || '~')) "
    "FROM mine, near"
)


def _ancestor_paths(org: Org) -> list[str]:
    steplen = getattr(Org, "steplen", 4)
    return [org.path[:i] for i in range(steplen, len(org.path), steplen)]
