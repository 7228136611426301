"""Reads of 组织生活会 preparation and 民主评议党员, always scoped (``access.scope.restrict``).

Counters of 民主测评 are read only through ``tally`` below, which returns nothing while rating is open and
hides per-member counts when too few ballots were cast (models docstring)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from dangjian.access import scope
from dangjian.appraisal import config, rules, services
from dangjian.appraisal.models import (
    Appraisal,
    BallotReceipt,
    ExaminationStatus,
    HeartToHeart,
    LifeMeeting,
    Participant,
    SelfExamination,
)
from dangjian.members.choices import Standing
from dangjian.members.models import Member
from dangjian.orgs.models import Org
from dangjian.orgs.rules import BRANCH_KINDS


def branch_list(*, user: Any, permission: str = "meetings.change") -> QuerySet[Org]:
    """Active branches where the user holds ``permission``, in tree order."""
    return scope.restrict(
        Org.objects.filter(kind__in=BRANCH_KINDS, is_active=True), user, permission
    ).order_by("path")


def appraisal_list(*, user: Any, permission: str = "meetings.view") -> QuerySet[Appraisal]:
    """Appraisals of the branches the user may see, newest year first, with participation figures."""
    return (
        scope.restrict(Appraisal.objects.select_related("org"), user, permission)
        .annotate(
            taking_part=Count("participants", filter=Q(participants__excluded_reason=""), distinct=True),
            cast=Count("receipts", distinct=True),
        )
        .order_by("-year", "org__path", "-id")
    )


def life_meeting_list(*, user: Any, permission: str = "meetings.view") -> QuerySet[LifeMeeting]:
    return scope.restrict(LifeMeeting.objects.select_related("org", "meeting"), user, permission).order_by(
        "-year", "org__path", "-id"
    )


def participants(appraisal: Appraisal) -> QuerySet[Participant]:
    """The appraisal's participants with their member and a ``voted`` flag (a receipt exists)."""
    return (
        Participant.objects.filter(appraisal=appraisal)
        .select_related("member")
        .annotate(voted=Exists(BallotReceipt.objects.filter(rater=OuterRef("pk"))))
        .order_by("excluded_reason", "member__name", "id")
    )


@dataclass
class Progress:
    """How far 自评 and 测评 have got: raters taking part, ballots cast, self-assessments written."""

    taking_part: int
    cast: int
    self_assessed: int
    excluded: int

    @property
    def rate(self) -> int:
        return rules.participation_rate(self.cast, self.taking_part)

    @property
    def self_rate(self) -> int:
        return rules.participation_rate(self.self_assessed, self.taking_part)


def progress(appraisal: Appraisal) -> Progress:
    figures = Participant.objects.filter(appraisal=appraisal).aggregate(
        taking_part=Count("pk", filter=Q(excluded_reason="")),
        excluded=Count("pk", filter=~Q(excluded_reason="")),
        self_assessed=Count("pk", filter=Q(excluded_reason="", self_assessed_at__isnull=False)),
    )
    cast = BallotReceipt.objects.filter(appraisal=appraisal).count()
    return Progress(figures["taking_part"], cast, figures["self_assessed"], figures["excluded"])


@dataclass
class TallyRow:
    participant: Participant
    tally: rules.MemberTally


@dataclass
class Tally:
    """The result of 民主测评 once rating has closed: per-member counts (if enough ballots were cast), the
    participation and the ≤1/3 limit of 优秀."""

    progress: Progress
    visible: bool  # enough ballots to show per-member counts
    rows: list[TallyRow] = field(default_factory=list)
    excellent_limit: int = 0
    share: Any = None


def tally(appraisal: Appraisal) -> Tally | None:
    """The tally, or None while rating is open (counters must not be watched as members vote)."""
    if not appraisal.tally_open:
        return None
    prog = progress(appraisal)
    visible = rules.tally_visible(prog.cast, config.min_ballots())
    share = config.excellent_share()
    rows = []
    for p in participants(appraisal).filter(excluded_reason="").select_related("tally"):
        counts = p.tally.counts if visible else {}
        rows.append(TallyRow(p, rules.MemberTally(counts)))
    return Tally(prog, visible, rows, rules.excellent_limit(prog.taking_part, share), share)


# --------------------------------------------------------------------------------------------------------
# The member's own


def my_participations(user: Any) -> list[Participant]:
    """The user's own lines in appraisals (newest first), each with ``voted``."""
    member = services.member_of(user)
    if member is None:
        return []
    return list(
        Participant.objects.filter(member=member)
        .select_related("appraisal", "appraisal__org")
        .annotate(voted=Exists(BallotReceipt.objects.filter(rater=OuterRef("pk"))))
        .order_by("-appraisal__year", "-appraisal_id")[:20]
    )


def my_life_meetings(user: Any) -> list[tuple[LifeMeeting, SelfExamination | None]]:
    """The 组织生活会 of the user's branch (newest first) with the user's own material, if any."""
    member = services.member_of(user)
    if member is None:
        return []
    items = list(LifeMeeting.objects.filter(org=member.org_id).order_by("-year", "-id")[:10])
    mine = {
        e.life_meeting_id: e for e in SelfExamination.objects.filter(member=member, life_meeting__in=items)
    }
    return [(lm, mine.get(lm.pk)) for lm in items]


def own_participant(user: Any, appraisal_pk: int) -> Participant | None:
    member = services.member_of(user)
    if member is None:
        return None
    return (
        Participant.objects.select_related("appraisal", "appraisal__org", "member")
        .filter(appraisal_id=appraisal_pk, member=member)
        .first()
    )


def ballot_choices(appraisal: Appraisal, rater: Participant) -> list[Participant]:
    """The participants a rater grades: everyone taking part except the rater."""
    return list(
        Participant.objects.filter(appraisal=appraisal, excluded_reason="")
        .exclude(pk=rater.pk)
        .select_related("member")
        .order_by("member__name", "id")
    )


# --------------------------------------------------------------------------------------------------------
# 组织生活会 completeness


@dataclass
class Readiness:
    """What the secretary needs before the 组织生活会: talks owed and materials handed in."""

    committee: list[Member]
    members: list[Member]
    coverage: rules.TalkCoverage
    talks: list[HeartToHeart]
    examinations: dict[int, SelfExamination]
    names: dict[int, str]

    @property
    def committee_missing(self) -> list[tuple[str, str]]:
        return [(self.names.get(a, "?"), self.names.get(b, "?")) for a, b in self.coverage.committee_missing]

    @property
    def members_missing(self) -> list[str]:
        return [self.names.get(m, "?") for m in self.coverage.members_missing]

    @property
    def material_rows(self) -> list[tuple[Member, SelfExamination | None]]:
        return [(m, self.examinations.get(m.pk)) for m in self.members]

    @property
    def materials_in(self) -> int:
        return sum(1 for m in self.members if m.pk in self.examinations)

    @property
    def materials_accepted(self) -> int:
        return sum(
            1
            for m in self.members
            if m.pk in self.examinations and self.examinations[m.pk].status == ExaminationStatus.ACCEPTED
        )


def readiness(life_meeting: LifeMeeting) -> Readiness:
    """Talk coverage (支部条例 第二十一条, ``rules.talk_coverage``) and materials of the branch's members
    (on the
    roll, 党籍 not suspended)."""
    org = life_meeting.org
    members = list(
        Member.objects.active()
        .filter(org=org)
        .exclude(standing=Standing.SUSPENDED)
        .only("id", "name", "org_id", "status")
        .order_by("name", "id")
    )
    ids = {m.pk for m in members}
    committee_set = set(services.committee_ids(org)) & ids
    committee = [m for m in members if m.pk in committee_set]
    talks = list(life_meeting.talks.select_related("initiator", "partner").order_by("-talked_on", "-id"))
    coverage = rules.talk_coverage(
        [m.pk for m in committee],
        [m.pk for m in members],
        [(t.initiator_id, t.partner_id) for t in talks],
        config.member_coverage(),
    )
    exams = {
        e.member_id: e
        for e in SelfExamination.objects.filter(life_meeting=life_meeting).select_related("file", "member")
    }
    return Readiness(committee, members, coverage, talks, exams, {m.pk: m.name for m in members})
