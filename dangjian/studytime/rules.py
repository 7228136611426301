"""Pure rules of study time (学习时长) and study hours (学时). No ORM, no settings: values come in as
arguments.

Study time is measured on the server (DOMAIN.md §7: "server-side dwell time: never trust a duration sent by
the client"). The page sends a heartbeat every ``interval`` seconds, and only while it is visible and, for a
video or audio, while it plays. The server credits the time elapsed since the previous heartbeat of the same
content, when that heartbeat is recent enough to prove the member was there all along; a gap longer than
``max_gap`` (an idle or hidden tab, a closed laptop) credits nothing and starts a new chain. Two tabs studying
at once never earn more than the wall clock: credit is also bounded by the time since the member's last
credited second on any content.

学时 (DOMAIN.md §2): each member ≥ 32 学时 of concentrated study a year (中国共产党党员教育管理工作条例
第二十条); [C] 56 学时 for branch secretaries. Kept in a ledger separate from points.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

HEARTBEAT_INTERVAL = 15  # seconds between heartbeats while studying (the page's timer)
MAX_GAP = 2 * HEARTBEAT_INTERVAL + 5  # a longer silence means the member was not there
READ_SECONDS = 30  # [C] an article counts as read (阅读文章) after this much time on it in a day
REQUIRED_HOURS = 32  # [N] 教管条例 第二十条
REQUIRED_HOURS_SECRETARY = 56  # [C] DOMAIN.md §2: the default of settings.STUDY_HOURS_REQUIRED_SECRETARY

# What a heartbeat may say. "visible": an article or document is on screen; "playing": a video or audio plays;
# "stop": the last beat of a chain (paused, hidden, left): credits the time since the previous beat and ends
# the chain, so the next beat starts a new one.
STATES = ("visible", "playing", "stop")


def credit_seconds(
    *,
    now: dt.datetime,
    previous_beat: dt.datetime | None,
    last_credit: dt.datetime | None,
    credited_until: dt.datetime | None = None,
    max_gap: int = MAX_GAP,
) -> int:
    """Whole seconds to credit for a heartbeat at ``now``.

    ``previous_beat``: the last heartbeat of this chain (this member, this content, today), or None when the
    chain starts now. ``credited_until``: where the chain's credited time ends (the part of a second not yet
    credited carries over to the next beat, so frequent beats lose nothing to rounding). ``last_credit``:
    the end of the last second credited to this member on any content. Nothing is credited for the first
    beat of a chain, for a gap over ``max_gap``, or for a clock running backwards; time already credited on
    another content is not credited twice.
    """
    if previous_beat is None or now <= previous_beat:
        return 0
    if (now - previous_beat).total_seconds() > max_gap:
        return 0
    start = max(t for t in (previous_beat if credited_until is None else credited_until, last_credit) if t)
    return max(int((now - start).total_seconds()), 0)


def clip_to_duration(*, credited: int, seconds_today: int, duration: int | None) -> int:
    """A video or audio earns at most its own length a day: the same content studied twice in a day earns
    nothing more."""
    if duration is None or duration <= 0:
        return credited
    return max(min(credited, duration - seconds_today), 0)


def credits_for(*, is_media: bool, state: str) -> bool:
    """Whether a heartbeat in ``state`` may earn time: a video or audio only while it plays (an open but
    paused video earns nothing), an article or document while visible; a closing ``stop`` beat earns the
    time since the previous beat either way (the chain proves the member was there until now)."""
    if state == "stop":
        return True
    return state == "playing" if is_media else state in ("visible", "playing")


def dwell_blocks(*, seconds: int, unit_minutes: int) -> int:
    """Whole blocks of ``unit_minutes`` valid minutes in ``seconds`` (1 point per 4 minutes: 9 min → 2)."""
    if unit_minutes <= 0:
        return 0
    return (seconds // 60) // unit_minutes


def required_hours(*, is_secretary: bool, member_hours: int = REQUIRED_HOURS,
                   secretary_hours: int = REQUIRED_HOURS_SECRETARY) -> int:  # fmt: skip
    """The yearly requirement: 32 学时 (教管条例 第二十条); a branch secretary's [C] 56."""
    return secretary_hours if is_secretary else member_hours


def expected_by(*, required: int, on: dt.date) -> Decimal:
    """学时 a member should have by ``on`` to be on schedule: the requirement pro rata over the year."""
    start = dt.date(on.year, 1, 1)
    days = (dt.date(on.year + 1, 1, 1) - start).days
    elapsed = (on - start).days + 1
    return (Decimal(required) * elapsed / days).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def is_behind(*, hours: Decimal, required: int, on: dt.date) -> bool:
    return hours < expected_by(required=required, on=on)
