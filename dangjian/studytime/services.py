"""Services of study time and study hours. The heartbeat is the only way time is credited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from dangjian.access import scope
from dangjian.audit import services as audit
from dangjian.core.errors import BusinessError
from dangjian.members.models import Member
from dangjian.members.selectors import member_get_own
from dangjian.points import services as points
from dangjian.studytime import content as registry
from dangjian.studytime import rules
from dangjian.studytime.models import HoursKind, StudyClock, StudyDay, StudyHours

M = TypeVar("M", StudyClock, StudyDay)

# Points rules earned by study time (codes of dangjian/points/rules.py DEFAULT_RULES).
_READ_ACTION = {False: "article_read", True: "video_watch"}
_DWELL_ACTION = {False: "article_dwell", True: "video_dwell"}


@dataclass(frozen=True)
class Heartbeat:
    """What a heartbeat did: seconds credited now, today's and all-time seconds on the content."""

    content: registry.Content
    credited: int
    seconds_today: int
    interval: int


def read_seconds() -> int:
    """[C] Seconds on an article or document that make it read (阅读文章), ``STUDY_READ_SECONDS``."""
    return int(getattr(settings, "STUDY_READ_SECONDS", rules.READ_SECONDS))


def heartbeat_interval() -> int:
    """Seconds between a page's heartbeats, ``STUDY_HEARTBEAT_INTERVAL`` (the credit rule does not depend on
    it: time is measured between beats, and a silence over ``rules.MAX_GAP`` earns nothing)."""
    return int(getattr(settings, "STUDY_HEARTBEAT_INTERVAL", rules.HEARTBEAT_INTERVAL))


def member_for(user: Any) -> Member:
    member = member_get_own(user)
    if member is None:
        raise BusinessError("studytime.no_member", "当前账号未关联党员档案，不能记录学习时长")
    return member


def study_heartbeat(*, user: Any, content_key: str, state: str, now: dt.datetime | None = None) -> Heartbeat:
    """Record a heartbeat of ``user`` studying ``content_key`` and credit the time measured on the server.

    Credit rules: ``rules.credit_seconds`` (time since the previous beat of the chain, only when the chain is
    unbroken, never overlapping time already credited on another content), ``rules.credits_for`` (a video
    only while playing) and ``rules.clip_to_duration`` (a video at most its length a day). Nothing the client
    says about durations is read. After commit: points (read once per content per day; one dwell block per
    whole block of valid minutes, both idempotent) and the owner's ``on_progress`` hook.
    """
    if state not in rules.STATES:
        raise BusinessError("studytime.bad_state", "心跳状态无效")
    item = registry.resolve(content_key, user)
    if item is None:
        raise BusinessError("studytime.not_found", "学习内容不存在或无权学习")
    member = member_for(user)
    with transaction.atomic():
        clock = _locked(StudyClock, member=member)  # serialises this member's beats
        # Read the clock once the lock is held, so two beats racing from two tabs are credited in order.
        now = now or timezone.now()
        on = timezone.localdate(now)
        day = _locked(StudyDay, member=member, content_key=content_key, on=on)
        credited = 0
        last = day.last_beat_at
        chained = last is not None and last < now and (now - last).total_seconds() <= rules.MAX_GAP
        earning = rules.credits_for(is_media=item.is_media, state=state)
        if earning:
            credited = rules.credit_seconds(
                now=now,
                previous_beat=day.last_beat_at,
                last_credit=clock.last_credit_at,
                credited_until=day.credited_until if chained else None,
            )
            credited = rules.clip_to_duration(
                credited=credited, seconds_today=day.seconds, duration=item.duration_seconds
            )
        before = day.seconds
        if credited:
            # The credited whole seconds end here; the fraction left over counts with the next beat.
            start = max(t for t in (day.credited_until or day.last_beat_at, clock.last_credit_at) if t)
            until = start + dt.timedelta(seconds=credited)
            clock.last_credit_at = until
            clock.save(update_fields=["last_credit_at"])
        elif earning and chained:
            until = day.credited_until or now  # under a second so far: it carries over
        else:
            until = now  # a new chain counts from its first beat
        day.seconds = before + credited
        day.beats = F("beats") + 1
        # A stop, or a beat that earns nothing (a paused video's page), ends the chain: the next earning beat
        # starts a new one, since nobody knows when in between the member came back.
        ends = state == "stop" or not earning
        day.last_beat_at = None if ends else now
        day.credited_until = None if ends else until
        day.save(update_fields=["seconds", "beats", "last_beat_at", "credited_until", "updated_at"])
        if credited:
            transaction.on_commit(lambda: _after_credit(member, item, on, before, before + credited))
    return Heartbeat(
        content=item, credited=credited, seconds_today=before + credited, interval=heartbeat_interval()
    )


def _locked(model: type[M], **key: Any) -> M:
    """The row of ``model`` with ``key``, locked for this transaction, created if missing: one locking read
    when it exists (every beat but a member's first of the day), which keeps the heartbeat cheap."""
    row = model._default_manager.select_for_update().filter(**key).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return model._default_manager.create(**key)
    except IntegrityError:  # created by a concurrent beat of another tab meanwhile
        return model._default_manager.select_for_update().get(**key)


def _after_credit(member: Member, item: registry.Content, on: dt.date, before: int, after: int) -> None:
    """Points for the credited time and the owner's progress hook (idempotent: replays add nothing)."""
    media = item.is_media
    if before < read_seconds() <= after:
        points.points_award(member=member, action=_READ_ACTION[media], content_key=item.key, on=on,
                            source=item.title[:200])  # fmt: skip
    rule = points.rule_for(action=_DWELL_ACTION[media], on=on)
    if rule is not None:
        start = rules.dwell_blocks(seconds=before, unit_minutes=rule.unit_size)
        end = rules.dwell_blocks(seconds=after, unit_minutes=rule.unit_size)
        for block in range(start + 1, end + 1):
            points.points_award(
                member=member,
                action=rule.code,
                units=rule.unit_size,
                content_key=f"{item.key}#{block}",
                on=on,
                source=item.title[:200],
            )
    hook = registry.provider(item.key).on_progress
    if hook is not None:
        hook(member, item, after, seconds_total(member, item.key))


def seconds_total(member: Member, content_key: str) -> int:
    """All the time the server ever credited ``member`` on ``content_key``."""
    from django.db.models import Sum

    total = StudyDay.objects.filter(member=member, content_key=content_key).aggregate(s=Sum("seconds"))["s"]
    return int(total or 0)


# --------------------------------------------------------------------------------------------------------
# 学时


@transaction.atomic
def study_hours_credit(
    *, member: Member, source_key: str, hours: Decimal, on: dt.date, kind: str, title: str
) -> StudyHours:
    """Credit ``hours`` 学时 to ``member`` for ``source_key`` (e.g. ``course-12``); idempotent: crediting the
    same source again returns the existing row. Called by the owning app after its own commit."""
    if kind not in HoursKind.values:
        raise BusinessError("studytime.bad_kind", "未知的学时类别")
    if hours <= 0 or hours > 200:
        raise BusinessError("studytime.bad_hours", "学时须大于 0 且不超过 200")
    existing = StudyHours.objects.filter(member=member, source_key=source_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return StudyHours.objects.create(
                member=member, year=on.year, hours=hours, kind=kind, title=title[:200],
                source_key=source_key, credited_on=on,
            )  # fmt: skip
    except IntegrityError:
        return StudyHours.objects.get(member=member, source_key=source_key)


def _require_manage(actor: Any, member: Member) -> None:
    if not scope.org_in_scope(actor, "study.manage", member.org):
        raise BusinessError("studytime.forbidden", "无权为该党员登记学时")


@transaction.atomic
def study_hours_record(*, actor: Any, member: Member, hours: Decimal, on: dt.date, title: str) -> StudyHours:
    """Record 学时 of offline concentrated study (集中培训, 党校脱产学习…) for ``member``.
    Audit: studytime.hours.record."""
    _require_manage(actor, member)
    title = (title or "").strip()
    if not title:
        raise BusinessError("studytime.title_required", "请填写培训名称")
    if on > timezone.localdate():
        raise BusinessError("studytime.future", "认定日期不能晚于今天")
    if hours <= 0 or hours > 200:
        raise BusinessError("studytime.bad_hours", "学时须大于 0 且不超过 200")
    count = StudyHours.objects.filter(member=member).count()
    row = StudyHours.objects.create(
        member=member, year=on.year, hours=hours, kind=HoursKind.TRAINING, title=title[:200],
        source_key=f"training-{actor.pk}-{count + 1}-{timezone.now().timestamp():.0f}", credited_on=on,
        recorded_by=actor,
    )  # fmt: skip
    audit.record(
        actor=actor,
        action="studytime.hours.record",
        target=row,
        org_path=member.org.path,
        changes={"hours": str(hours), "title": title, "on": on.isoformat()},
    )
    return row


@transaction.atomic
def study_hours_revoke(*, actor: Any, row: StudyHours) -> StudyHours:
    """Revoke a manually recorded 学时 entry (a wrong entry). Audit: studytime.hours.revoke."""
    member = row.member
    _require_manage(actor, member)
    if row.kind != HoursKind.TRAINING:
        raise BusinessError("studytime.not_manual", "只能撤销手工登记的学时")
    if row.revoked:
        raise BusinessError("studytime.already_revoked", "该记录已撤销")
    row.revoked = True
    row.save(update_fields=["revoked"])
    audit.record(actor=actor, action="studytime.hours.revoke", target=row, org_path=member.org.path,
                 changes={"hours": str(row.hours), "title": row.title})  # fmt: skip
    return row
