"""Reads of 学习专题 and 学习笔记. Topics a member may study, "我的学习", notes one may read, statistics.

Statistics aggregate in the database (one grouped query per page), never one query per member.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from dangjian.access import scope
from dangjian.members.models import Member
from dangjian.orgs.models import Org
from dangjian.orgs.rules import BRANCH_KINDS
from dangjian.study import rules
from dangjian.study.models import (
    ItemProgress,
    Note,
    NoteComment,
    NoteLike,
    Topic,
    TopicAssignment,
    TopicItem,
    TopicStatus,
)

STEP = Org.steplen


def member_of(user: Any) -> Member | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.select_related("org").filter(user=user, exit_kind="").first()


def ancestor_paths(path: str) -> list[str]:
    """The paths of an organisation and all its ancestors (``"0001000200030"`` → 3 prefixes)."""
    return [path[:i] for i in range(STEP, len(path) + 1, STEP)]


def branch_of(org: Org) -> Org:
    """The branch a member of ``org`` belongs to: ``org`` itself or its nearest branch ancestor (a 党小组's
    branch); an organisation with no branch above it is its own (e.g. a committee's directly-held members)."""
    if org.kind in BRANCH_KINDS:
        return org
    found = (
        Org.objects.filter(path__in=ancestor_paths(org.path), kind__in=BRANCH_KINDS)
        .order_by("-depth")
        .first()
    )
    return found or org


# --------------------------------------------------------------------------------------------------------
# Topics a member may study


def _assignments_for(member: Member) -> QuerySet[TopicAssignment]:
    prefixes = ancestor_paths(member.org.path)
    return TopicAssignment.objects.filter(
        Q(member=member) | Q(org_id=member.org_id) | Q(include_subtree=True, org__path__in=prefixes)
    )


def studiable_topics(member: Member) -> QuerySet[Topic]:
    """Published topics ``member`` may study: assigned to them (directly, to their organisation, or to an
    organisation above it with its subtree), or open topics of their organisation or one above it."""
    assigned = _assignments_for(member).filter(topic=OuterRef("pk"))
    prefixes = ancestor_paths(member.org.path)
    return Topic.objects.filter(status=TopicStatus.PUBLISHED).filter(
        Q(Exists(assigned)) | Q(is_open=True, org__path__in=prefixes)
    )


def may_manage(user: Any, topic: Topic) -> bool:
    return scope.org_in_scope(user, "study.manage", topic.org)


def may_view_stats(user: Any, topic: Topic) -> bool:
    return stats_topics(user).filter(pk=topic.pk).exists()


def may_study(user: Any, topic: Topic) -> bool:
    """A published topic the user's member record may study, or one that concerns their study.view scope
    (a secretary reads what her branch is asked to study)."""
    if topic.status != TopicStatus.PUBLISHED:
        return False
    member = member_of(user)
    if member is not None and studiable_topics(member).filter(pk=topic.pk).exists():
        return True
    return stats_topics(user).filter(pk=topic.pk).exists()


def may_read(user: Any, topic: Topic) -> bool:
    """Reading the topic's pages: those who may study it, and its managers (drafts included, as preview)."""
    return may_manage(user, topic) or may_study(user, topic)


@dataclass
class MyTopic:
    topic: Topic
    assigned: bool
    required: bool
    deadline: dt.date | None
    items: int
    done_items: int
    seconds: int
    overdue: bool = False

    @property
    def done(self) -> bool:
        return self.items > 0 and self.done_items >= self.items

    @property
    def percent(self) -> int:
        return rules.rate(self.done_items, self.items)

    @property
    def minutes(self) -> int:
        return self.seconds // 60


def my_topics(member: Member, *, today: dt.date | None = None) -> list[MyTopic]:
    """我的学习: every topic ``member`` may study, overdue required first, then required, then assigned, then
    open; with the member's progress (three queries whatever the number of topics)."""
    today = today or timezone.localdate()
    topics = list(
        studiable_topics(member)
        .select_related("org")
        .annotate(n_items=Count("items", distinct=True))
        .order_by("-published_at", "-id")[:200]
    )
    ids = [t.pk for t in topics]
    assignments: dict[int, list[TopicAssignment]] = {}
    for a in _assignments_for(member).filter(topic_id__in=ids):
        assignments.setdefault(a.topic_id, []).append(a)
    progress = {
        row["topic"]: row
        for row in ItemProgress.objects.filter(member=member, topic_id__in=ids)
        .values("topic")
        .annotate(done=Count("pk", filter=Q(completed_at__isnull=False)), seconds=Sum("seconds"))
    }
    out = []
    for t in topics:
        mine = assignments.get(t.pk, [])
        required = [a for a in mine if a.required]
        deadlines = [a.deadline for a in required if a.deadline is not None]
        row: Any = progress.get(t.pk, {})
        entry = MyTopic(
            topic=t,
            assigned=bool(mine),
            required=bool(required),
            deadline=min(deadlines) if deadlines else None,
            items=t.n_items,
            done_items=row.get("done", 0),
            seconds=row.get("seconds") or 0,
        )
        entry.overdue = entry.required and rules.is_overdue(
            deadline=entry.deadline, done=entry.done, today=today
        )
        out.append(entry)
    out.sort(
        key=lambda e: rules.my_study_order(
            required=e.required, deadline=e.deadline, done=e.done, assigned=e.assigned, today=today
        )
    )
    return out


def item_progress_map(member: Member | None, topic: Topic) -> dict[int, ItemProgress]:
    if member is None:
        return {}
    return {p.item_id: p for p in ItemProgress.objects.filter(member=member, topic=topic)}


def managed_topics(user: Any) -> QuerySet[Topic]:
    """Topics the user may manage (study.manage over the publishing organisation), drafts included."""
    return (
        scope.restrict(Topic.objects.select_related("org"), user, "study.manage")
        .annotate(n_items=Count("items", distinct=True), n_assignments=Count("assignments", distinct=True))
        .order_by("status", "-updated_at", "-id")
    )


def items_of(topic: Topic) -> QuerySet[TopicItem]:
    return topic.items.select_related("file").order_by("position", "id")


# --------------------------------------------------------------------------------------------------------
# Notes


def own_notes(user: Any) -> QuerySet[Note]:
    """The user's own notes (through their member record); private ones are readable by nobody else."""
    return Note.objects.filter(member__user=user, member__user__isnull=False).order_by("-created_at", "-id")


def readable_shared_notes(user: Any) -> QuerySet[Note]:
    """Shared notes the user may read: of their own branch, or of branches in their study.view scope.
    Never a private note of anyone else."""
    member = member_of(user)
    q = Q(pk__in=[])
    if member is not None:
        q |= Q(branch=branch_of(member.org))
    s = scope.scope_for(user, "study.view")
    if s.everywhere:
        q = Q()
    else:
        for path in s.subtrees:
            q |= scope.subtree_q("branch__path", path)
        if s.nodes:
            q |= Q(branch_id__in=list(s.nodes))
    return Note.objects.filter(q, shared=True)


def note_list_annotated(qs: QuerySet[Note], user: Any) -> QuerySet[Note]:
    member = member_of(user)
    mine = NoteLike.objects.filter(note=OuterRef("pk"), member=member) if member else None
    qs = qs.select_related("member", "branch").annotate(
        n_likes=Count("likes", distinct=True), n_comments=Count("comments", distinct=True)
    )
    return qs.annotate(liked=Exists(mine) if mine is not None else Value(False))


def note_readable(user: Any) -> QuerySet[Note]:
    """Every note the user may read: their own (private or shared) and the shared notes they may read."""
    return Note.objects.filter(
        Q(pk__in=own_notes(user).values("pk")) | Q(pk__in=readable_shared_notes(user).values("pk"))
    )


def comments_of(note: Note) -> QuerySet[NoteComment]:
    return note.comments.select_related("member").order_by("created_at", "id")


# --------------------------------------------------------------------------------------------------------
# Statistics (study.view)


def stats_topics(user: Any) -> QuerySet[Topic]:
    """Published or closed topics that concern the user's study.view scope: published by an organisation in
    it or above it, or assigned to an organisation or member in it."""
    s = scope.scope_for(user, "study.view")
    base = Topic.objects.exclude(status=TopicStatus.DRAFT)
    if s.everywhere:
        return base
    if not s.has_grant:
        return base.none()
    paths = list(s.subtrees) + list(Org.objects.filter(pk__in=s.nodes).values_list("path", flat=True))
    q = Q(pk__in=[])
    above: set[str] = set()
    for p in paths:
        above.update(ancestor_paths(p))
        q |= scope.subtree_q("org__path", p)
    q |= Q(org__path__in=sorted(above))
    assigned = TopicAssignment.objects.filter(topic=OuterRef("pk")).filter(
        Q(org__in=scope.restrict(Org.objects.all(), user, "study.view"))
        | Q(member__in=scope.restrict(Member.objects.all(), user, "study.view"))
    )
    return base.filter(q | Q(Exists(assigned)))


def population_q(topic: Topic) -> Q:
    """The members a topic concerns: its assignees when it has assignments, else (an open topic) every member
    in the publishing organisation's subtree."""
    assignments = list(topic.assignments.select_related("org"))
    if not assignments:
        return scope.subtree_q("org__path", topic.org.path)
    q = Q(pk__in=[])
    for a in assignments:
        if a.member_id is not None:
            q |= Q(pk=a.member_id)
        elif a.include_subtree and a.org is not None:
            q |= scope.subtree_q("org__path", a.org.path)
        else:
            q |= Q(org_id=a.org_id)
    return q


def _population(user: Any, topic: Topic, org: Org) -> QuerySet[Member]:
    members = scope.restrict(Member.objects.active(), user, "study.view")
    return members.filter(population_q(topic)).filter(scope.subtree_q("org__path", org.path))


def _annotate_progress(qs: QuerySet[Member], topic: Topic) -> QuerySet[Member]:
    mine = ItemProgress.objects.filter(member=OuterRef("pk"), topic=topic)
    done = (
        mine.filter(completed_at__isnull=False)
        .order_by()
        .values("member")
        .annotate(c=Count("pk"))
        .values("c")
    )
    seconds = mine.order_by().values("member").annotate(s=Sum("seconds")).values("s")
    last = mine.order_by().values("member").annotate(m=Max("updated_at")).values("m")
    return qs.annotate(
        done_items=Coalesce(Subquery(done, output_field=IntegerField()), Value(0)),
        study_seconds=Coalesce(Subquery(seconds, output_field=IntegerField()), Value(0)),
        last_study=Subquery(last),
        joined=Exists(mine.filter(seconds__gt=0)),
    )


@dataclass
class OrgRate:
    org: Org | None  # None: members held directly by the organisation being drilled
    label: str
    members: int
    participants: int
    completed: int
    drillable: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def participation_rate(self) -> int:
        return rules.rate(self.participants, self.members)

    @property
    def completion_rate(self) -> int:
        return rules.rate(self.completed, self.members)


def topic_org_rates(user: Any, topic: Topic, org: Org) -> tuple[OrgRate, list[OrgRate]]:
    """Participation and completion of ``topic`` in ``org`` and in each child organisation within the user's
    study.view scope (one grouped query for the children, one for the total)."""
    n_items = topic.items.count()
    qs = _annotate_progress(_population(user, topic, org), topic)
    complete = Case(When(done_items__gte=max(n_items, 1), then=1), default=0, output_field=IntegerField())
    joined = Case(When(joined=True, then=1), default=0, output_field=IntegerField())
    rows = (
        qs.order_by()
        .annotate(prefix=Substr("org__path", 1, len(org.path) + STEP))
        .values("prefix")
        .annotate(n=Count("pk"), p=Sum(joined), c=Sum(complete))
    )
    by_prefix = {r["prefix"]: r for r in rows}
    if n_items == 0:
        for r in by_prefix.values():
            r["c"] = 0
    below = Org.objects.filter(scope.subtree_q("path", org.path), depth=org.depth + 1, is_active=True)
    children = [c for c in below.order_by("path") if scope.org_in_scope(user, "study.view", c)]
    out = []
    for child in children:
        got: Any = by_prefix.get(child.path, {})
        out.append(
            OrgRate(child, child.label, got.get("n", 0), got.get("p") or 0, got.get("c") or 0, drillable=True)
        )
    direct = by_prefix.get(org.path)
    if direct:
        out.append(OrgRate(None, f"{org.label}（直属党员）", direct["n"], direct["p"] or 0, direct["c"] or 0))
    total = OrgRate(
        org,
        org.label,
        sum(r["n"] for r in by_prefix.values()),
        sum(r["p"] or 0 for r in by_prefix.values()),
        sum(r["c"] or 0 for r in by_prefix.values()),
    )
    return total, out


@dataclass(frozen=True)
class MemberStatus:
    member: Member
    done_items: int
    items: int
    minutes: int
    last_study: dt.datetime | None

    @property
    def status(self) -> str:
        if self.items and self.done_items >= self.items:
            return "已完成"
        if self.minutes or self.done_items or self.last_study:
            return "学习中"
        return "未开始"


def topic_member_statuses(user: Any, topic: Topic, org: Org, *, limit: int = 500) -> list[MemberStatus]:
    """The members of ``org``'s subtree the topic concerns, with their progress (one query)."""
    n_items = topic.items.count()
    qs = _annotate_progress(_population(user, topic, org).select_related("org"), topic).order_by(
        "org__path", "name"
    )
    return [
        MemberStatus(m, m.done_items, n_items, m.study_seconds // 60, m.last_study)  # type: ignore[attr-defined]
        for m in qs[:limit]
    ]


def stats_start_org(user: Any, topic: Topic) -> Org | None:
    """Where the drill-down starts: the publishing organisation if it is in scope, else the highest
    organisation of the user's scope below it, else the user's highest organisation."""
    if scope.org_in_scope(user, "study.view", topic.org):
        return topic.org
    s = scope.scope_for(user, "study.view")
    orgs: list[Org] = list(
        Org.objects.filter(Q(path__in=s.subtrees) | Q(pk__in=s.nodes)).order_by("depth", "path")
    )
    below = [o for o in orgs if o.path.startswith(topic.org.path)]
    if below:
        return below[0]
    return orgs[0] if orgs else None


def stats_org(user: Any, raw: str | None, topic: Topic) -> Org | None:
    """The organisation asked for by ``?org=`` if it is in the user's study.view scope."""
    if raw and raw.isdigit():
        org = Org.objects.filter(pk=int(raw)).first()
        return org if org is not None and scope.org_in_scope(user, "study.view", org) else None
    return stats_start_org(user, topic)


def breadcrumbs(user: Any, org: Org) -> list[Org]:
    """``org`` and its ancestors that are in the user's scope, top first (the drill-down path back)."""
    ancestors = Org.objects.filter(path__in=ancestor_paths(org.path)).order_by("depth")
    return [o for o in ancestors if scope.org_in_scope(user, "study.view", o)]
