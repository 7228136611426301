"""Writes of 组织生活会 preparation and 民主评议党员.

Every service checks scope itself (the branch's ``meetings.change``; filing needs ``meetings.review`` from the
level above; members act only on their own line through their ``Member`` record), refuses with
``BusinessError("appraisal.<reason>", ...)`` before writing anything, and writes one audit entry
``appraisal.<noun>.<verb>`` in its transaction. Self-assessments, materials, talk summaries, grades and
exclusion reasons never reach the audit log; a ballot's grades are never stored at all (models docstring).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from dangjian.access import scope
from dangjian.appraisal import config, rules
from dangjian.appraisal.models import (
    EXCLUSIONS,
    TRANSITIONS,
    Appraisal,
    AppraisalStatus,
    BallotReceipt,
    DisposalKind,
    ExaminationStatus,
    FollowUp,
    FollowUpKind,
    HeartToHeart,
    LifeMeeting,
    Participant,
    RatingTally,
    SelfExamination,
)
from dangjian.audit import services as audit
from dangjian.core import uploads
from dangjian.core.errors import BusinessError
from dangjian.members.choices import MemberStatus, Standing
from dangjian.members.models import Member
from dangjian.orgs.models import Org, Position
from dangjian.orgs.rules import BRANCH_KINDS

MATERIAL_PURPOSE = "appraisal.material"
# 支委会 members (支部条例 第九条): the titles that make a member a 支委 for 谈心谈话.
COMMITTEE_TITLES = (
    "secretary",
    "deputy_secretary",
    "organisation_member",
    "propaganda_member",
    "discipline_member",
    "committee_member",
)
TEXT_LIMIT = 20_000


# --------------------------------------------------------------------------------------------------------
# Helpers


def _require(actor: Any, permission: str, org: Org) -> None:
    if not scope.org_in_scope(actor, permission, org):
        raise BusinessError("appraisal.forbidden", "无权管理该党支部的组织生活会和民主评议")


def _require_branch(org: Org) -> None:
    if org.kind not in BRANCH_KINDS:
        raise BusinessError("appraisal.not_a_branch", "组织生活会和民主评议党员以党支部为单位开展")


def _year(year: int) -> None:
    if not 2000 <= int(year) <= 2100:
        raise BusinessError("appraisal.bad_year", "年度无效")


def _text(value: str, code: str, message: str, limit: int = TEXT_LIMIT) -> str:
    value = (value or "").strip()
    if not value:
        raise BusinessError(code, message)
    if len(value) > limit:
        raise BusinessError("appraisal.too_long", f"内容过长（不超过{limit}字）")
    return value


def _transition(appraisal: Appraisal, to: str) -> str:
    old = appraisal.status
    if to not in TRANSITIONS[old]:
        raise BusinessError(
            "appraisal.bad_status",
            f"民主评议当前为“{appraisal.get_status_display()}”，不能进行此操作",
        )
    appraisal.status = to
    return old


def member_of(user: Any) -> Member | None:
    """The signed-in user's own member record (active), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.select_related("org").filter(user=user, exit_kind="").first()


def committee_ids(org: Org) -> list[int]:
    """The current 支委 of ``org`` (the secretary included) who are still on the roll."""
    return sorted(
        set(
            Position.objects.filter(
                org=org, ended_on__isnull=True, title__in=COMMITTEE_TITLES, member__exit_kind=""
            ).values_list("member_id", flat=True)
        )
    )


def _branch_member(org: Org, member: Member | None, what: str) -> Member:
    if member is None or member.org_id != org.pk or member.exit_kind:
        raise BusinessError("appraisal.bad_member", f"{what}须是本支部党员")
    return member


def _check_meeting_link(org: Org, meeting: Any, kinds: tuple[str, ...]) -> None:
    if meeting is None:
        return
    if meeting.org_id != org.pk or meeting.kind not in kinds:
        raise BusinessError("appraisal.bad_meeting", "关联的会议须是本支部的相应会议")


def _past(day: dt.date | None, what: str) -> dt.date:
    if day is None:
        raise BusinessError("appraisal.date_required", f"请填写{what}")
    if day > timezone.localdate():
        raise BusinessError("appraisal.future_date", f"{what}不能晚于今天")
    return day


# --------------------------------------------------------------------------------------------------------
# 组织生活会: preparation


@transaction.atomic
def life_meeting_create(
    *,
    actor: Any,
    org: Org,
    year: int,
    topic: str,
    meeting: Any = None,
    material_due: dt.date | None = None,
) -> LifeMeeting:
    """Start preparing a branch's 组织生活会 for ``year`` (支部条例 第二十条), optionally linked to its
    record in
    组织生活 (a meeting of kind 组织生活会). Audit: appraisal.life_meeting.create."""
    _require(actor, "meetings.change", org)
    _require_branch(org)
    _year(year)
    topic = _text(topic, "appraisal.topic_required", "请填写组织生活会主题", 200)
    _check_meeting_link(org, meeting, ("life_meeting",))
    item = LifeMeeting.objects.create(
        org=org, year=year, topic=topic, meeting=meeting, material_due=material_due, created_by=actor
    )
    audit.record(
        actor=actor,
        action="appraisal.life_meeting.create",
        target=item,
        org_path=org.path,
        changes={"year": year, "topic": topic, "meeting": getattr(meeting, "pk", None)},
    )
    return item


@transaction.atomic
def life_meeting_update(
    *,
    actor: Any,
    life_meeting: LifeMeeting,
    topic: str,
    meeting: Any = None,
    material_due: dt.date | None = None,
) -> LifeMeeting:
    """Change the topic, the linked meeting record or the deadline for materials.
    Audit: appraisal.life_meeting.update."""
    item = LifeMeeting.objects.select_for_update().select_related("org").get(pk=life_meeting.pk)
    _require(actor, "meetings.change", item.org)
    topic = _text(topic, "appraisal.topic_required", "请填写组织生活会主题", 200)
    _check_meeting_link(item.org, meeting, ("life_meeting",))
    changes = audit.diff(item, {"topic": topic, "meeting": meeting, "material_due": material_due})
    item.topic, item.meeting, item.material_due = topic, meeting, material_due
    item.save()
    audit.record(
        actor=actor,
        action="appraisal.life_meeting.update",
        target=item,
        org_path=item.org.path,
        changes=changes,
    )
    return item


@transaction.atomic
def talk_record(
    *,
    actor: Any,
    life_meeting: LifeMeeting,
    initiator: Member | None,
    partner: Member | None,
    talked_on: dt.date | None,
    topics: str,
    summary: str,
) -> HeartToHeart:
    """Record one 谈心谈话 of the year (支部条例 第二十一条): two different members of the branch, a date from
    the start of the year until today, the topics and a summary. The summary stays out of the audit log.
    Audit: appraisal.talk.record."""
    item = LifeMeeting.objects.select_related("org").get(pk=life_meeting.pk)
    _require(actor, "meetings.change", item.org)
    a = _branch_member(item.org, initiator, "谈话人")
    b = _branch_member(item.org, partner, "谈话对象")
    if a.pk == b.pk:
        raise BusinessError("appraisal.same_person", "谈话人和谈话对象不能是同一人")
    day = _past(talked_on, "谈话日期")
    if day < dt.date(item.year, 1, 1) or day > dt.date(item.year + 1, 12, 31):
        raise BusinessError("appraisal.bad_date", f"谈话日期须在{item.year}年度组织生活会的准备期间")
    talk = HeartToHeart.objects.create(
        life_meeting=item,
        initiator=a,
        partner=b,
        talked_on=day,
        topics=_text(topics, "appraisal.topics_required", "请填写谈话主题", 200),
        summary=_text(summary, "appraisal.summary_required", "请填写谈话要点"),
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        action="appraisal.talk.record",
        target=talk,
        org_path=item.org.path,
        changes={"life_meeting": item.pk, "initiator": a.pk, "partner": b.pk, "talked_on": str(day)},
    )
    return talk


@transaction.atomic
def talk_delete(*, actor: Any, talk: HeartToHeart, reason: str) -> None:
    """Remove a talk recorded by mistake, with the reason. Audit: appraisal.talk.delete."""
    talk = HeartToHeart.objects.select_related("life_meeting__org").get(pk=talk.pk)
    org = talk.life_meeting.org
    _require(actor, "meetings.change", org)
    reason = _text(reason, "appraisal.reason_required", "请填写删除原因", 200)
    audit.record(
        actor=actor,
        action="appraisal.talk.delete",
        target=talk,
        org_path=org.path,
        changes={"initiator": talk.initiator_id, "partner": talk.partner_id, "reason": reason},
    )
    talk.delete()


@transaction.atomic
def examination_submit(
    *, user: Any, life_meeting: LifeMeeting, text: str = "", upload: Any = None
) -> SelfExamination:
    """A member hands in (or corrects) their own 对照检查材料: text written in the page, an uploaded document
    (upload pipeline, purpose ``appraisal.material``), or both. An accepted material is final; a returned one
    goes back to 已提交. Audit: appraisal.examination.submit (never the content)."""
    member = member_of(user)
    item = LifeMeeting.objects.select_related("org").get(pk=life_meeting.pk)
    if member is None or member.org_id != item.org_id:
        raise BusinessError("appraisal.not_participant", "只有本支部党员可以提交对照检查材料")
    text = (text or "").strip()
    if len(text) > TEXT_LIMIT:
        raise BusinessError("appraisal.too_long", f"内容过长（不超过{TEXT_LIMIT}字）")
    current = SelfExamination.objects.select_for_update().filter(life_meeting=item, member=member).first()
    if current is not None and current.status == ExaminationStatus.ACCEPTED:
        raise BusinessError("appraisal.accepted", "材料已经审阅通过，不能再修改")
    if not text and upload is None and (current is None or current.file_id is None):
        raise BusinessError("appraisal.material_required", "请填写对照检查内容或上传材料文件")
    stored = (
        uploads.file_store(actor=user, purpose=MATERIAL_PURPOSE, upload=upload, org=item.org)
        if upload is not None
        else None
    )
    now = timezone.now()
    if current is None:
        current = SelfExamination(life_meeting=item, member=member)
    old = current.status if current.pk else ""
    current.text = text
    if stored is not None:
        current.file = stored
    current.status, current.submitted_at = ExaminationStatus.SUBMITTED, now
    current.save()
    audit.record(
        actor=user,
        action="appraisal.examination.submit",
        target=current,
        org_path=item.org.path,
        changes={
            "status": [old, current.status],
            "file": stored.public_id if stored else None,
            "text": "已填写" if text else "",
        },
    )
    return current


@transaction.atomic
def examination_review(
    *, actor: Any, examination: SelfExamination, action: str, note: str = ""
) -> SelfExamination:
    """The secretary accepts a material or returns it for correction (a return needs a note).
    Audit: appraisal.examination.review."""
    item = (
        SelfExamination.objects.select_for_update().select_related("life_meeting__org").get(pk=examination.pk)
    )
    org = item.life_meeting.org
    _require(actor, "meetings.change", org)
    if action not in ("accept", "return"):
        raise BusinessError("appraisal.bad_action", "请选择通过或退回修改")
    if item.status != ExaminationStatus.SUBMITTED:
        raise BusinessError("appraisal.not_reviewable", f"材料当前为“{item.get_status_display()}”，不能审阅")
    note = (note or "").strip()[:500]
    if action == "return" and not note:
        raise BusinessError("appraisal.note_required", "退回修改须写明意见")
    old = item.status
    item.status = ExaminationStatus.ACCEPTED if action == "accept" else ExaminationStatus.RETURNED
    item.review_note, item.reviewed_by, item.reviewed_at = note, actor, timezone.now()
    item.save()
    audit.record(
        actor=actor,
        action="appraisal.examination.review",
        target=item,
        org_path=org.path,
        changes={"status": [old, item.status], "member": item.member_id},
    )
    return item


# --------------------------------------------------------------------------------------------------------
# 民主评议党员: opening, exclusions


@transaction.atomic
def appraisal_open(
    *,
    actor: Any,
    org: Org,
    year: int,
    title: str = "",
    rating_until: dt.date | None = None,
    meeting: Any = None,
) -> Appraisal:
    """Open a branch's 民主评议党员 for ``year`` (支部条例 第二十二条: generally once a year; one per year
    here).

    Participants are the 正式党员 and 预备党员 on the branch's roll at opening; a member whose 党籍 is
    suspended
    is listed as excluded (停止党籍). At least two must take part (each rates the others). Each participant
    gets zeroed counters. Audit: appraisal.appraisal.open.
    """
    _require(actor, "meetings.change", org)
    _require_branch(org)
    _year(year)
    if Appraisal.objects.filter(org=org, year=year).exists():
        raise BusinessError("appraisal.exists", f"{org.label}{year}年度的民主评议已经开展")
    if rating_until is not None and rating_until < timezone.localdate():
        raise BusinessError("appraisal.bad_date", "测评截止日期不能早于今天")
    _check_meeting_link(org, meeting, ("appraisal", "life_meeting", "general_meeting"))
    members = list(
        Member.objects.active()
        .filter(org=org, status__in=(MemberStatus.FULL, MemberStatus.PROBATIONARY))
        .only("id", "status", "standing")
        .order_by("name", "id")
    )
    taking_part = [m for m in members if m.standing != Standing.SUSPENDED]
    if len(taking_part) < 2:
        raise BusinessError("appraisal.too_few", "参评党员不足2人，无法开展党员互评和民主测评")
    title = (title or "").strip()[:200] or f"{year}年度民主评议党员"
    item = Appraisal.objects.create(
        org=org, year=year, title=title, rating_until=rating_until, meeting=meeting, created_by=actor
    )
    participants = Participant.objects.bulk_create(
        [
            Participant(
                appraisal=item,
                member=m,
                member_status=m.status,
                excluded_reason="suspended" if m.standing == Standing.SUSPENDED else "",
            )
            for m in members
        ]
    )
    if any(p.pk is None for p in participants):  # backends that do not return ids from bulk inserts
        participants = list(Participant.objects.filter(appraisal=item))
    RatingTally.objects.bulk_create([RatingTally(participant=p) for p in participants])
    audit.record(
        actor=actor,
        action="appraisal.appraisal.open",
        target=item,
        org_path=org.path,
        changes={"year": year, "participants": len(taking_part), "excluded": len(members) - len(taking_part)},
    )
    return item


def _lock(appraisal: Appraisal) -> Appraisal:
    return Appraisal.objects.select_for_update().select_related("org").get(pk=appraisal.pk)


@transaction.atomic
def participant_exclude(*, actor: Any, participant: Participant, reason: str, note: str = "") -> Participant:
    """Take a member out of the appraisal with a reason (DOMAIN.md §5's list, or 其他 with a note), or put
    them
    back (``reason=""``). Only before the first ballot is cast: afterwards the counters would no longer match
    the participants. The reason stays out of the audit log (it may be detention, illness …).
    Audit: appraisal.participant.exclude / appraisal.participant.include."""
    item = Participant.objects.select_related("appraisal", "member").get(pk=participant.pk)
    appraisal = _lock(item.appraisal)
    _require(actor, "meetings.change", appraisal.org)
    if not appraisal.is_rating:
        raise BusinessError("appraisal.bad_status", "测评已结束，不能调整参评人员")
    if BallotReceipt.objects.filter(appraisal=appraisal).exists():
        raise BusinessError("appraisal.voting_started", "已有党员投票，不能再调整参评人员")
    note = (note or "").strip()[:200]
    if reason and reason not in EXCLUSIONS:
        raise BusinessError("appraisal.bad_reason", "请选择不参加评议的原因")
    if reason == "other" and not note:
        raise BusinessError("appraisal.note_required", "选择“其他原因”须填写说明")
    if not reason and item.member.standing == Standing.SUSPENDED:
        raise BusinessError("appraisal.suspended", "停止党籍的党员不参加民主评议")
    others = Participant.objects.filter(appraisal=appraisal, excluded_reason="").exclude(pk=item.pk).count()
    if reason and others < 2:
        raise BusinessError("appraisal.too_few", "参评党员不能少于2人")
    item.excluded_reason, item.excluded_note = reason, note if reason else ""
    item.save(update_fields=["excluded_reason", "excluded_note"])
    audit.record(
        actor=actor,
        action="appraisal.participant.exclude" if reason else "appraisal.participant.include",
        target=appraisal,
        org_path=appraisal.org.path,
        changes={
            "participant": item.pk,
            "member": item.member_id,
            "taking_part": others + (0 if reason else 1),
        },
    )
    return item


# --------------------------------------------------------------------------------------------------------
# 个人自评 and 民主测评 (on the member's phone)


def _own_participant(user: Any, appraisal: Appraisal) -> Participant:
    member = member_of(user)
    item = (
        Participant.objects.select_related("member").filter(appraisal=appraisal, member=member).first()
        if member is not None
        else None
    )
    if item is None:
        raise BusinessError("appraisal.not_participant", "您不在本次民主评议的参评名单中")
    if not item.takes_part:
        raise BusinessError("appraisal.excluded", "您不参加本次民主评议")
    return item


def _require_rating_open(appraisal: Appraisal) -> None:
    if not appraisal.is_rating:
        raise BusinessError("appraisal.closed", "本次民主评议的自评和测评已经结束")
    if appraisal.rating_until is not None and timezone.localdate() > appraisal.rating_until:
        raise BusinessError("appraisal.closed", f"测评已于{appraisal.rating_until:%Y-%m-%d}截止")


@transaction.atomic
def self_assessment_submit(
    *, user: Any, appraisal: Appraisal, text: str, self_grade: str = ""
) -> Participant:
    """A member writes (or rewrites, while rating is open) their 个人自评 (DOMAIN.md §8; 支部条例 第二十二条:
    对照合格党员标准、对照入党誓词 进行自我评价), optionally with the grade they give themselves.
    Audit: appraisal.self_assessment.submit (never the text)."""
    appraisal = _lock(appraisal)
    item = _own_participant(user, appraisal)
    _require_rating_open(appraisal)
    text = _text(text, "appraisal.text_required", "请填写个人自评", 5000)
    if self_grade and self_grade not in rules.GRADES:
        raise BusinessError("appraisal.bad_grade", "自评等次只能是优秀、合格、基本合格或不合格")
    first = item.self_assessed_at is None
    item.self_assessment, item.self_grade, item.self_assessed_at = text, self_grade, timezone.now()
    item.save(update_fields=["self_assessment", "self_grade", "self_assessed_at"])
    audit.record(
        actor=user,
        action="appraisal.self_assessment.submit",
        target=appraisal,
        org_path=appraisal.org.path,
        changes={"participant": item.pk, "first": first},
    )
    return item


def has_voted(participant: Participant) -> bool:
    return BallotReceipt.objects.filter(rater=participant).exists()


@transaction.atomic
def ballot_cast(*, user: Any, appraisal: Appraisal, ratings: Mapping[int, str]) -> BallotReceipt:
    """A member casts their one ballot of 党员互评 and 民主测评: a grade for every other participant
    (DOMAIN.md §8). The grades go into the ratees' counters; the only other trace is a receipt saying this
    participant voted (models docstring: no row links a rater to a grade). One ballot per rater, final.
    Audit: appraisal.ballot.cast (the number of ratings, never a grade)."""
    appraisal = _lock(appraisal)
    rater = _own_participant(user, appraisal)
    _require_rating_open(appraisal)
    if BallotReceipt.objects.filter(appraisal=appraisal, rater=rater).exists():
        raise BusinessError("appraisal.already_voted", "您已提交测评票，不能重复投票")
    ratees = list(
        Participant.objects.filter(appraisal=appraisal, excluded_reason="").values_list("pk", flat=True)
    )
    clean = {int(k): str(v) for k, v in ratings.items()}
    problems = rules.ballot_problems(rater.pk, ratees, clean)
    if problems:
        raise BusinessError("appraisal.bad_ballot", "；".join(problems))
    try:
        with transaction.atomic():
            receipt = BallotReceipt.objects.create(appraisal=appraisal, rater=rater)
    except IntegrityError:
        raise BusinessError("appraisal.already_voted", "您已提交测评票，不能重复投票") from None
    for grade in rules.GRADES:
        ids = [pid for pid, g in clean.items() if g == grade]
        if ids:
            RatingTally.objects.filter(participant_id__in=ids).update(**{grade: F(grade) + 1})
    audit.record(
        actor=user,
        action="appraisal.ballot.cast",
        target=appraisal,
        org_path=appraisal.org.path,
        changes={"ratings": len(clean)},
    )
    return receipt


# --------------------------------------------------------------------------------------------------------
# Closing, proposing, confirming, filing


@transaction.atomic
def rating_close(*, actor: Any, appraisal: Appraisal) -> Appraisal:
    """End 自评 and 测评: from now on the counters can be read (by those who read the branch's 组织生活) and
    no ballot is accepted. Audit: appraisal.appraisal.close (ballots cast and eligible raters)."""
    appraisal = _lock(appraisal)
    _require(actor, "meetings.change", appraisal.org)
    old = _transition(appraisal, AppraisalStatus.TALLIED)
    appraisal.closed_at = timezone.now()
    appraisal.save(update_fields=["status", "closed_at"])
    cast = BallotReceipt.objects.filter(appraisal=appraisal).count()
    eligible = Participant.objects.filter(appraisal=appraisal, excluded_reason="").count()
    audit.record(
        actor=actor,
        action="appraisal.appraisal.close",
        target=appraisal,
        org_path=appraisal.org.path,
        changes={
            "status": [old, appraisal.status],
            "cast": cast,
            "eligible": eligible,
            "rate": rules.participation_rate(cast, eligible),
        },
    )
    return appraisal


@transaction.atomic
def grades_propose(
    *,
    actor: Any,
    appraisal: Appraisal,
    grades: Mapping[int, str],
    proposed_on: dt.date | None,
    notes: Mapping[int, str] | None = None,
    excellent_reason: str = "",
) -> Appraisal:
    """Record the grades the 支委会 proposes (DOMAIN.md §8; 支部条例 第二十二条: 党支部综合评定, 提出评议等次
    建议), after rating has closed; may be revised until the 党员大会 decides.

    Every participant taking part gets one of 优秀 / 合格 / 基本合格 / 不合格. The guard: 优秀 generally
    ≤1/3 of
    the participants ([C] share, ``APPRAISAL_EXCELLENT_SHARE``); more needs a written reason, kept with the
    appraisal. A 不合格 proposal needs a note stating the facts. Audit: appraisal.grades.propose (counts per
    grade, whether the guard was exceeded — not who got which grade).
    """
    appraisal = _lock(appraisal)
    _require(actor, "meetings.change", appraisal.org)
    if appraisal.status not in (AppraisalStatus.TALLIED, AppraisalStatus.PROPOSED):
        raise BusinessError("appraisal.bad_status", "须在测评结束后、党员大会确定前提出评定等次")
    day = _past(proposed_on, "支委会研究日期")
    notes = {int(k): (v or "").strip()[:500] for k, v in (notes or {}).items()}
    participants = list(
        Participant.objects.filter(appraisal=appraisal, excluded_reason="").select_related("member")
    )
    clean = {int(k): str(v) for k, v in grades.items()}
    unknown = set(clean) - {p.pk for p in participants}
    if unknown:
        raise BusinessError("appraisal.bad_participant", "评定等次包含不参加本次评议的人员")
    missing = [p.member.name for p in participants if clean.get(p.pk) not in rules.GRADES]
    if missing:
        raise BusinessError(
            "appraisal.grade_required", f"请为每名参评党员评定等次（未评定：{'、'.join(missing[:5])}）"
        )
    without_note = [
        p.member.name for p in participants if clean[p.pk] == rules.UNQUALIFIED and not notes.get(p.pk)
    ]
    if without_note:
        raise BusinessError(
            "appraisal.note_required", f"评定为不合格须写明事实和依据（{'、'.join(without_note[:5])}）"
        )
    check = rules.check_excellent(clean.values(), len(participants), config.excellent_share())
    reason = (excellent_reason or "").strip()[:500]
    if check.exceeded and not reason:
        raise BusinessError("appraisal.too_many_excellent", check.message, details={"limit": check.limit})
    old = _transition(appraisal, AppraisalStatus.PROPOSED)
    for p in participants:
        p.proposed_grade, p.proposal_note = clean[p.pk], notes.get(p.pk, "")
    Participant.objects.bulk_update(participants, ["proposed_grade", "proposal_note"])
    appraisal.proposed_on = day
    appraisal.excellent_reason = reason if check.exceeded else ""
    appraisal.save(update_fields=["status", "proposed_on", "excellent_reason"])
    counts = {g: sum(1 for v in clean.values() if v == g) for g in rules.GRADES}
    audit.record(
        actor=actor,
        action="appraisal.grades.propose",
        target=appraisal,
        org_path=appraisal.org.path,
        changes={
            "status": [old, appraisal.status],
            **counts,
            "excellent_limit": check.limit,
            "exceeded": check.exceeded,
            "proposed_on": str(day),
        },
    )
    return appraisal


@transaction.atomic
def grades_confirm(
    *, actor: Any, appraisal: Appraisal, confirmed_on: dt.date | None, decision: str, meeting: Any = None
) -> Appraisal:
    """Record the 党员大会's decision on the proposed grades: they become final (DOMAIN.md §8). The date may
    not precede the 支委会's; the decision text (表决情况, 决定) is required; the meeting may be linked.
    Audit: appraisal.grades.confirm."""
    appraisal = _lock(appraisal)
    _require(actor, "meetings.change", appraisal.org)
    day = _past(confirmed_on, "党员大会日期")
    if appraisal.proposed_on is not None and day < appraisal.proposed_on:
        raise BusinessError("appraisal.bad_date", "党员大会日期不能早于支委会提出等次的日期")
    decision = _text(decision, "appraisal.decision_required", "请填写党员大会的决定（表决情况和结果）", 5000)
    _check_meeting_link(appraisal.org, meeting, ("general_meeting", "appraisal", "life_meeting"))
    old = _transition(appraisal, AppraisalStatus.CONFIRMED)
    Participant.objects.filter(appraisal=appraisal, excluded_reason="").update(
        final_grade=F("proposed_grade")
    )
    appraisal.confirmed_on, appraisal.decision = day, decision
    if meeting is not None:
        appraisal.meeting = meeting
    appraisal.save(update_fields=["status", "confirmed_on", "decision", "meeting"])
    audit.record(
        actor=actor,
        action="appraisal.grades.confirm",
        target=appraisal,
        org_path=appraisal.org.path,
        changes={"status": [old, appraisal.status], "confirmed_on": str(day)},
    )
    return appraisal


@transaction.atomic
def appraisal_file(*, actor: Any, appraisal: Appraisal, note: str = "") -> Appraisal:
    """The level above takes the confirmed result on record (报上级党组织备案): ``meetings.review`` covering
    the
    branch; nobody files an appraisal they opened. Audit: appraisal.appraisal.file."""
    appraisal = _lock(appraisal)
    if not scope.org_in_scope(actor, "meetings.review", appraisal.org):
        raise BusinessError("appraisal.forbidden", "无权为该党支部的民主评议备案")
    if appraisal.created_by_id is not None and appraisal.created_by_id == getattr(actor, "pk", None):
        raise BusinessError("appraisal.own_record", "不能为本人发起的民主评议备案")
    old = _transition(appraisal, AppraisalStatus.FILED)
    appraisal.filed_by, appraisal.filed_at = actor, timezone.now()
    appraisal.filed_note = (note or "").strip()[:500]
    appraisal.save(update_fields=["status", "filed_by", "filed_at", "filed_note"])
    audit.record(
        actor=actor,
        action="appraisal.appraisal.file",
        target=appraisal,
        org_path=appraisal.org.path,
        changes={"status": [old, appraisal.status]},
    )
    return appraisal


def tally_export_audit(*, actor: Any, appraisal: Appraisal) -> None:
    """Audit a download of the tally (it names members). Audit: appraisal.tally.export."""
    audit.record(actor=actor, action="appraisal.tally.export", target=appraisal, org_path=appraisal.org.path)


# --------------------------------------------------------------------------------------------------------
# 不合格: follow-up

# Every field of a follow-up is sensitive (appraisal.privacy), its ``str()`` included (it names the kind): its
# audit entries name only the follow-up's id and the appraisal.
FOLLOW_UP_REPR = "民主评议后续处理"


@transaction.atomic
def follow_up_create(
    *,
    actor: Any,
    participant: Participant,
    kind: str,
    decided_on: dt.date | None,
    measures: str,
    deadline: dt.date | None = None,
    disposal: str = "",
) -> FollowUp:
    """Record what is done about a member confirmed 不合格 (DOMAIN.md §8; 党章 第九条): 限期改正 with a
    deadline
    at most one year after the decision, or 组织处置 (劝退, 除名 … as decided by the 支部大会 and approved
    above;
    the platform only records it). One open follow-up at a time. Audit: appraisal.follow_up.create (no kind,
    disposal, date or measure)."""
    item = Participant.objects.select_related("appraisal__org").get(pk=participant.pk)
    appraisal = item.appraisal
    _require(actor, "meetings.change", appraisal.org)
    if appraisal.status not in (AppraisalStatus.CONFIRMED, AppraisalStatus.FILED):
        raise BusinessError("appraisal.not_confirmed", "评定等次经党员大会确定后才能登记处理")
    if item.final_grade != rules.UNQUALIFIED:
        raise BusinessError("appraisal.not_unqualified", "只有评定为不合格的党员需要登记处理")
    if FollowUp.objects.filter(participant=item, closed_on__isnull=True).exists():
        raise BusinessError("appraisal.follow_up_open", "该党员还有未办结的处理，请先登记结果")
    if kind not in FollowUpKind.values:
        raise BusinessError("appraisal.bad_kind", "请选择限期改正或组织处置")
    day = _past(decided_on, "决定日期")
    if appraisal.confirmed_on is not None and day < appraisal.confirmed_on:
        raise BusinessError("appraisal.bad_date", "决定日期不能早于党员大会确定等次的日期")
    measures = _text(measures, "appraisal.measures_required", "请填写教育帮扶措施或处置决定", 5000)
    if kind == FollowUpKind.RECTIFY:
        problem = rules.rectify_deadline_problem(day, deadline)
        if problem:
            raise BusinessError("appraisal.bad_deadline", problem)
        disposal = ""
    else:
        if disposal not in DisposalKind.values:
            raise BusinessError("appraisal.disposal_required", "请选择组织处置的方式")
        deadline = None
    follow_up = FollowUp.objects.create(
        participant=item,
        kind=kind,
        disposal=disposal,
        decided_on=day,
        deadline=deadline,
        measures=measures,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="appraisal.follow_up.create",
        target=follow_up,
        target_repr=FOLLOW_UP_REPR,
        org_path=appraisal.org.path,
        changes={"appraisal": appraisal.pk},
    )
    return follow_up


@transaction.atomic
def follow_up_close(*, actor: Any, follow_up: FollowUp, outcome: str, closed_on: dt.date | None) -> FollowUp:
    """Record the outcome of a follow-up (改正 / 未改正, 处置结果) and close it. Audit:
    appraisal.follow_up.close (no outcome or date)."""
    item = (
        FollowUp.objects.select_for_update()
        .select_related("participant__appraisal__org")
        .get(pk=follow_up.pk)
    )
    org = item.participant.appraisal.org
    _require(actor, "meetings.change", org)
    if not item.is_open:
        raise BusinessError("appraisal.closed_follow_up", "该处理已经办结")
    day = _past(closed_on, "办结日期")
    if day < item.decided_on:
        raise BusinessError("appraisal.bad_date", "办结日期不能早于决定日期")
    item.outcome = _text(outcome, "appraisal.outcome_required", "请填写处理结果", 5000)
    item.closed_on = day
    item.save(update_fields=["outcome", "closed_on"])
    audit.record(
        actor=actor,
        action="appraisal.follow_up.close",
        target=item,
        target_repr=FOLLOW_UP_REPR,
        org_path=org.path,
        changes={"appraisal": item.participant.appraisal_id},
    )
    return item
