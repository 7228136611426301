"""Reads of 网络党校: what a member may join and study, their courses, and the statistics (aggregate
queries, within the ``study.view`` scope)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from dangjian.access import scope
from dangjian.members.models import Member
from dangjian.orgs.models import Org
from dangjian.school import rules
from dangjian.school.models import (
    Assignment,
    Course,
    CourseKind,
    CourseStatus,
    Enrolment,
    Lesson,
    LessonProgress,
)

STEP = Org.steplen


def member_of(user: Any) -> Member | None:
    """The active member record linked to ``user``, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.select_related("org").filter(user=user, exit_kind="").first()


def ancestors(path: str) -> list[str]:
    """The paths of an organisation and all its ancestors."""
    return [path[:i] for i in range(STEP, len(path) + 1, STEP)]


def subtree(path: str, lookup: str) -> Q:
    return scope.subtree_q(lookup, path)


def offered_to(member: Member, course: Course) -> bool:
    """A course is offered to the members of its organisation's subtree."""
    return bool(member.org.path.startswith(course.org.path))


def _assignments_of(member: Member) -> QuerySet[Assignment]:
    return Assignment.objects.filter(
        Q(member=member) | Q(member__isnull=True, org__path__in=ancestors(member.org.path))
    )


def assignment_due(member: Member, course: Course) -> dt.date | bool | None:
    """``False`` when ``course`` is not assigned to ``member``; else the earliest deadline (or None)."""
    dues = list(_assignments_of(member).filter(course=course).values_list("due_on", flat=True))
    if not dues:
        return False
    dated = [d for d in dues if d is not None]
    return min(dated) if dated else None


def study_enrolment(user: Any, lesson: Lesson, today: dt.date | None = None) -> Enrolment | None:
    """The enrolment that lets ``user`` study ``lesson`` now (published course, open, enrolled)."""
    member = member_of(user)
    course = lesson.course
    if member is None or course.status != CourseStatus.PUBLISHED:
        return None
    if not rules.is_open(
        today=today or timezone.localdate(), opens_on=course.opens_on, closes_on=course.closes_on
    ):
        return None
    return Enrolment.objects.filter(course=course, member=member).first()


def course_managed(user: Any) -> QuerySet[Course]:
    """Courses whose organisation lies in the user's ``study.manage`` scope."""
    return scope.restrict(Course.objects.select_related("org"), user, "study.manage")


def can_manage(user: Any, course: Course) -> bool:
    return scope.org_in_scope(user, "study.manage", course.org)


def course_visible(user: Any) -> QuerySet[Course]:
    """Courses a user may open: published ones offered to their organisation or assigned to them, the ones
    they joined, and every course they manage."""
    q = Q(pk__in=course_managed(user).values("pk"))
    member = member_of(user)
    if member is not None:
        q |= Q(status=CourseStatus.PUBLISHED, org__path__in=ancestors(member.org.path))
        q |= Q(pk__in=Enrolment.objects.filter(member=member).values("course"))
        q |= Q(status=CourseStatus.PUBLISHED, pk__in=_assignments_of(member).values("course"))
    return Course.objects.select_related("org", "cover").filter(q)


def with_lesson_count(qs: QuerySet[Course]) -> QuerySet[Course]:
    n = (
        Lesson.objects.filter(course=OuterRef("pk"))
        .order_by()
        .values("course")
        .annotate(n=Count("id"))
        .values("n")
    )
    return qs.annotate(lesson_count=Subquery(n, output_field=IntegerField()))


@dataclass
class CourseCard:
    course: Course
    enrolment: Enrolment | None = None
    due_on: dt.date | None = None
    assigned: bool = False
    overdue: bool = False
    percent: int = 0


@dataclass
class MyCourses:
    assigned: list[CourseCard] = field(default_factory=list)
    enrolled: list[CourseCard] = field(default_factory=list)
    catalogue: list[CourseCard] = field(default_factory=list)


def my_courses(member: Member, today: dt.date | None = None) -> MyCourses:
    """我的课程: assigned courses (required first, overdue flagged), then the other courses joined, then the
    catalogue of open elective courses offered to the member's organisation."""
    today = today or timezone.localdate()
    enrolments = {e.course_id: e for e in Enrolment.objects.filter(member=member)}
    dues: dict[int, dt.date | None] = {}
    for course_id, due in (
        _assignments_of(member).filter(course__status=CourseStatus.PUBLISHED).values_list("course", "due_on")
    ):
        known = dues.get(course_id)
        if course_id not in dues or (due is not None and (known is None or due < known)):
            dues[course_id] = due
    ids = set(enrolments) | set(dues)
    base = with_lesson_count(Course.objects.select_related("org", "cover"))
    result = MyCourses()
    for course in base.filter(pk__in=ids):
        e = enrolments.get(course.pk)
        due = e.due_on if e is not None and e.due_on else dues.get(course.pk)
        card = CourseCard(
            course=course,
            enrolment=e,
            due_on=due,
            assigned=course.pk in dues,
            overdue=rules.is_overdue(today=today, due_on=due, completed=bool(e and e.completed_at)),
            percent=rules.progress_percent(e.completed_lessons, getattr(course, "lesson_count", 0) or 0)
            if e
            else 0,
        )
        (result.assigned if card.assigned else result.enrolled).append(card)
    far = dt.date.max
    result.assigned.sort(
        key=lambda c: (
            c.course.kind != CourseKind.REQUIRED,
            bool(c.enrolment and c.enrolment.completed_at),
            not c.overdue,
            c.due_on or far,
            c.course.pk,
        )
    )
    result.enrolled.sort(key=lambda c: (bool(c.enrolment and c.enrolment.completed_at), -c.course.pk))
    open_q = (Q(opens_on__isnull=True) | Q(opens_on__lte=today)) & (
        Q(closes_on__isnull=True) | Q(closes_on__gte=today)
    )
    catalogue = (
        base.filter(
            open_q,
            status=CourseStatus.PUBLISHED,
            kind=CourseKind.ELECTIVE,
            org__path__in=ancestors(member.org.path),
        )
        .exclude(pk__in=ids)
        .order_by("-published_at", "-pk")[:50]
    )
    result.catalogue = [CourseCard(course=c) for c in catalogue]
    return result


def lesson_outline(course: Course, enrolment: Enrolment | None) -> list[tuple[Any, list[tuple[Lesson, Any]]]]:
    """Chapters with their lessons and, when enrolled, each lesson's progress row (or None)."""
    progress = {}
    if enrolment is not None:
        progress = {p.lesson_id: p for p in LessonProgress.objects.filter(enrolment=enrolment)}
    chapters: dict[int, tuple[Any, list[tuple[Lesson, Any]]]] = {}
    for ch in course.chapters.all():
        chapters[ch.pk] = (ch, [])
    for lesson in Lesson.objects.filter(course=course).select_related("file").order_by("position", "id"):
        chapters[lesson.chapter_id][1].append((lesson, progress.get(lesson.pk)))
    return list(chapters.values())


# --------------------------------------------------------------------------------------------------------
# Statistics


def stats_courses(user: Any) -> QuerySet[Course]:
    """Published courses whose statistics the user may read: offered by an organisation in their
    ``study.view`` scope, or above it (a committee's course seen by a branch within its scope)."""
    s = scope.scope_for(user, "study.view")
    if not s.has_grant:
        return Course.objects.none()
    qs = with_lesson_count(Course.objects.select_related("org")).exclude(status=CourseStatus.DRAFT)
    if s.everywhere:
        return qs
    q = Q(pk__in=[])
    paths = list(s.subtrees) + list(Org.objects.filter(pk__in=s.nodes).values_list("path", flat=True))
    for p in paths:
        q |= subtree(p, "org__path") | Q(org__path__in=ancestors(p))
    return qs.filter(q)


def stats_root(user: Any, course: Course) -> Org | None:
    """The highest organisation of the course's reach the user may see statistics for."""
    if scope.org_in_scope(user, "study.view", course.org):
        return course.org
    s = scope.scope_for(user, "study.view")
    paths = sorted([p for p in s.subtrees if p.startswith(course.org.path)], key=len)
    if paths:
        found: Org = Org.objects.get(path=paths[0])
        return found
    node: Org | None = (
        Org.objects.filter(pk__in=s.nodes, path__startswith=course.org.path).order_by("path").first()
    )
    return node


def target_q(course: Course, lookup: str = "org__path", member_lookup: str = "pk") -> Q:
    """Members expected to study ``course``: a required course's assignees, an elective's whole reach."""
    if course.kind == CourseKind.ELECTIVE:
        return subtree(course.org.path, lookup)
    q = Q(pk__in=[])
    for org_path, member_id in Assignment.objects.filter(course=course).values_list("org__path", "member"):
        q |= Q(**{member_lookup: member_id}) if member_id else subtree(org_path, lookup)
    return q


@dataclass
class StatsRow:
    org: Org
    members: int = 0
    enrolled: int = 0
    completed: int = 0
    own_level: bool = False  # members directly in the node, not in a child

    @property
    def enrol_rate(self) -> float:
        return rules.rate(self.enrolled, self.members)

    @property
    def completion_rate(self) -> float:
        return rules.rate(self.completed, self.members)


def course_stats(course: Course, node: Org) -> tuple[StatsRow, list[StatsRow]]:
    """The totals of ``node`` and one row per child organisation (members expected to study, enrolled,
    completed): two grouped queries, folded by path prefix."""
    members = (
        Member.objects.active()
        .filter(subtree(node.path, "org__path"), target_q(course))
        .values("org__path")
        .annotate(n=Count("id"))
        .order_by()
    )
    enrolled = (
        Enrolment.objects.filter(course=course)
        .filter(subtree(node.path, "member__org__path"))
        .values("member__org__path")
        .annotate(n=Count("id"), done=Count("id", filter=Q(completed_at__isnull=False)))
        .order_by()
    )
    children = list(Org.objects.get_children(node).filter(is_active=True).order_by("path"))
    total = StatsRow(org=node)
    rows = {c.path: StatsRow(org=c) for c in children}
    own = StatsRow(org=node, own_level=True)

    def row_for(path: str) -> StatsRow:
        key = path[: len(node.path) + STEP]
        return rows.get(key, own) if len(path) > len(node.path) else own

    for m in members:
        total.members += m["n"]
        row_for(m["org__path"]).members += m["n"]
    for e in enrolled:
        total.enrolled += e["n"]
        total.completed += e["done"]
        row = row_for(e["member__org__path"])
        row.enrolled += e["n"]
        row.completed += e["done"]
    out = [r for r in rows.values() if r.members or r.enrolled]
    if own.members or own.enrolled:
        out.insert(0, own)
    return total, out


def branch_members(course: Course, node: Org) -> QuerySet[Member]:
    """The members of a branch (with its groups) with their enrolment in ``course``, annotated."""
    enrolment = Enrolment.objects.filter(course=course, member=OuterRef("pk"))
    return (
        Member.objects.active()
        .filter(subtree(node.path, "org__path"))
        .annotate(
            expected=Exists(Member.objects.filter(target_q(course), pk=OuterRef("pk"))),
            enrolled_at=Subquery(enrolment.values("enrolled_at")[:1]),
            done_lessons=Subquery(enrolment.values("completed_lessons")[:1]),
            completed_at=Subquery(enrolment.values("completed_at")[:1]),
            due_on=Subquery(enrolment.values("due_on")[:1]),
        )
        .order_by("org__path", "name", "pk")
    )
