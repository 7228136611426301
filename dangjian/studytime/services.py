"""Services of study time and study hours. The heartbeat is the only way time is credited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from dangjian.access import scope
from dangjian.audit import services as audit
from dangjian.core import db
from dangjian.core.errors import BusinessError
from dangjian.members.models import Member
from dangjian.members.selectors import member_get_own
from dangjian.points import services as points
from dangjian.studytime import content as registry
from dangjian.studytime import rules
from dangjian.studytime.models import HoursKind, StudyClock, StudyDay, StudyHours

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


def _member_id(user: Any) -> int:
    """The id of ``user``'s member record (the id only: a whole record would decrypt its protected fields)."""
    found = None
    if getattr(user, "is_authenticated", False):
        found = Member.objects.filter(user=user).values_list("pk", flat=True).first()
    if found is None:
        raise BusinessError("studytime.no_member", "当前账号未关联党员档案，不能记录学习时长")
    return int(found)


@dataclass
class _Row:
    """The member's clock and the day row of the content, as the heartbeat reads them under the lock."""

    clock_id: int | None
    last_credit_at: dt.datetime | None
    day_id: int | None
    seconds: int
    last_beat_at: dt.datetime | None
    credited_until: dt.datetime | None


def study_heartbeat(
    *, user: Any, content_key: str, state: str, now: dt.datetime | None = None, member_id: int | None = None
) -> Heartbeat:
    """Record a heartbeat of ``user`` studying ``content_key`` and credit the time measured on the server.

    Credit rules: ``rules.credit_seconds`` (time since the previous beat of the chain, only when the chain is
    unbroken, never overlapping time already credited on another content), ``rules.credits_for`` (a video
    only while playing) and ``rules.clip_to_duration`` (a video at most its length a day). Nothing the client
    says about durations is read. After commit: points (read once per content per day; one dwell block per
    whole block of valid minutes, both idempotent) and the owner's ``on_progress`` hook.

    ``member_id``: the id of ``user``'s member record when the caller has read it already (the heartbeat's
    authentication does, in its one query). Cost of a beat that has its row: one locking read of the clock
    and the day together, one ``UPDATE`` of the day (and one of the clock when it credits), in one
    transaction; the content comes from ``content.resolve_cached``.
    """
    if state not in rules.STATES:
        raise BusinessError("studytime.bad_state", "心跳状态无效")
    item = registry.resolve_cached(content_key, user)
    if item is None:
        raise BusinessError("studytime.not_found", "学习内容不存在或无权学习")
    if member_id is None:
        member_id = _member_id(user)
    fixed_now = now
    own_transaction = not connection.in_atomic_block
    with transaction.atomic():
        on = timezone.localdate(fixed_now or timezone.now())
        # On PostgreSQL the beat does not wait for its WAL flush: a crash of the database may lose the last
        # fraction of a second of study time, never a point (awards commit in their own transactions). Only
        # when the beat is its own transaction (docs/studytime-heartbeat.md); set by the locking read itself.
        quick = own_transaction and connection.vendor == "postgresql"
        row = _lock(member_id, content_key, on, quick)  # serialises this member's beats
        # Read the clock once the lock is held, so two beats racing from two tabs are credited in order.
        now = fixed_now or timezone.now()
        if timezone.localdate(now) != on:  # midnight passed while waiting for the lock
            on = timezone.localdate(now)
            row = _lock(member_id, content_key, on, quick)
        credited = 0
        last = row.last_beat_at
        chained = last is not None and last < now and (now - last).total_seconds() <= rules.MAX_GAP
        earning = rules.credits_for(is_media=item.is_media, state=state)
        if earning:
            credited = rules.credit_seconds(
                now=now,
                previous_beat=row.last_beat_at,
                last_credit=row.last_credit_at,
                credited_until=row.credited_until if chained else None,
            )
            credited = rules.clip_to_duration(
                credited=credited, seconds_today=row.seconds, duration=item.duration_seconds
            )
        before = row.seconds
        if credited:
            # The credited whole seconds end here; the fraction left over counts with the next beat.
            start = max(t for t in (row.credited_until or row.last_beat_at, row.last_credit_at) if t)
            until = start + dt.timedelta(seconds=credited)
        elif earning and chained:
            until = row.credited_until or now  # under a second so far: it carries over
        else:
            until = now  # a new chain counts from its first beat
        # A stop, or a beat that earns nothing (a paused video's page), ends the chain: the next earning beat
        # starts a new one, since nobody knows when in between the member came back.
        ends = state == "stop" or not earning
        if credited:
            _run(_CREDIT_SQL, [_adapt(until), row.clock_id])
        _run(
            _BEAT_SQL,
            [before + credited, None if ends else _adapt(now), None if ends else _adapt(until),
             _adapt(timezone.now()), row.day_id],
        )  # fmt: skip
        if credited:
            transaction.on_commit(lambda: _after_credit(member_id, item, on, before, before + credited))
    return Heartbeat(
        content=item, credited=credited, seconds_today=before + credited, interval=heartbeat_interval()
    )


# The heartbeat's statements, in SQL: they run on every beat of every member, and the ORM's compilation would
# cost more than the database's work. Only the rows' first creation goes through the ORM.
# (The tables are StudyClock's and StudyDay's; a test checks the names.)
_LOCK_SQL = (
    "SELECT c.id, c.last_credit_at, d.id, d.seconds, d.last_beat_at, d.credited_until "
    "FROM studytime_studyclock c LEFT JOIN studytime_studyday d "
    'ON d.member_id = c.member_id AND d.content_key = %s AND d."on" = %s WHERE c.member_id = %s'
)
# ``SET LOCAL synchronous_commit TO OFF`` as a column of the locking read (``_lock``; its value is dropped).
# Evaluated per row read: a member's very first beat, which finds no clock yet, commits synchronously.
_QUICK_COMMIT = "SELECT set_config('synchronous_commit', 'off', true), "
_CREDIT_SQL = "UPDATE studytime_studyclock SET last_credit_at = %s WHERE id = %s"
_BEAT_SQL = (
    "UPDATE studytime_studyday SET seconds = %s, beats = beats + 1, last_beat_at = %s, credited_until = %s, "
    "updated_at = %s WHERE id = %s"
)


def _run(sql: str, params: list[Any]) -> None:
    db.run(sql, params)  # prepared once per connection on PostgreSQL (dangjian/core/db.py)


def _select(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    return db.fetch(sql, params)


def _adapt(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def raw_datetime(value: Any) -> dt.datetime | None:
    """A datetime column read by raw SQL: SQLite hands back a naive datetime (or text) in the connection's
    time zone (UTC), PostgreSQL an aware one."""
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, connection.timezone)
    return moment


def _lock(member_id: int, content_key: str, on: dt.date, quick: bool = False) -> _Row:
    """The member's clock, locked for this transaction, with the day row of ``content_key`` on ``on``; each
    created if missing. One statement when both exist (every beat but a member's first of the day on a
    content). The clock's lock serialises all of a member's beats, and only beats write day rows, so the day
    row needs no lock of its own. (SQLite: the transaction took the database's write lock at BEGIN.)
    ``quick`` (PostgreSQL): the same statement sets ``synchronous_commit`` off for the transaction, so that
    costs no round trip of its own."""
    statement = _LOCK_SQL + (" FOR UPDATE OF c" if connection.features.has_select_for_update_of else "")
    if quick:
        statement = statement.replace("SELECT ", _QUICK_COMMIT, 1)
    params = [content_key, connection.ops.adapt_datefield_value(on), member_id]
    found = _select(statement, params)
    if not found:
        try:
            with transaction.atomic():
                StudyClock.objects.create(member_id=member_id)
        except IntegrityError:  # created by a concurrent beat of another tab meanwhile
            pass
        found = _select(statement, params)
    clock_id, last_credit_at, day_id, seconds, last_beat_at, credited_until = found[0][-6:]
    if day_id is None:
        day_id = StudyDay.objects.create(member_id=member_id, content_key=content_key, on=on).pk
        seconds, last_beat_at, credited_until = 0, None, None
    return _Row(clock_id, raw_datetime(last_credit_at), day_id, seconds, raw_datetime(last_beat_at),
                raw_datetime(credited_until))  # fmt: skip


def _after_credit(member_id: int, item: registry.Content, on: dt.date, before: int, after: int) -> None:
    """Points for the credited time and the owner's progress hook (idempotent: replays add nothing).

    Only what is due is read: the read award when this beat crossed ``read_seconds``, the dwell rule when it
    crossed a whole minute (dwell blocks are whole minutes), the member when anything uses it."""
    hook = registry.provider(item.key).on_progress
    read_due = before < read_seconds() <= after
    minute_crossed = after // 60 > before // 60
    if not (read_due or minute_crossed or hook is not None):
        return
    # The columns the awards and hooks read; another field, if a hook reads one, loads when it is read.
    member = Member.objects.only("id", "org_id", "user_id").get(pk=member_id)
    media = item.is_media
    if read_due:
        points.points_award(member=member, action=_READ_ACTION[media], content_key=item.key, on=on,
                            source=item.title[:200])  # fmt: skip
    rule = points.rule_for(action=_DWELL_ACTION[media], on=on) if minute_crossed else None
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
