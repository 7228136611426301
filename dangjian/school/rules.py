"""Pure rules of 网络党校 (no ORM, no settings: configurable values come in as arguments).

学时 (DOMAIN.md §2): each member studies ≥ 32 学时 a year (中国共产党党员教育管理工作条例 第二十条); a
completed course credits the 学时 its publisher set, once. A lesson counts as complete when the time the
server credited on it reaches [C] 90 % of its duration: the length of a video or audio, or the estimated
reading time of an article or document ([C] 400 Chinese characters a minute).
"""

from __future__ import annotations

import datetime as dt
import math
import re

COMPLETE_SHARE = 0.9  # [C] share of a lesson's duration that must be credited
READING_CHARS_PER_MINUTE = 400  # [C] an adult's reading speed of Chinese political text
MAX_DURATION_SECONDS = 10 * 60 * 60  # a lesson longer than 10 hours is a typing mistake

_MMSS = re.compile(r"^\s*(?:(\d{1,2}):)?(\d{1,3}):([0-5]\d)\s*$")


def parse_duration(text: str) -> int | None:
    """``"mm:ss"`` (or ``"h:mm:ss"``) → seconds; ``None`` when it is not such a time or is zero/too long.

    >>> parse_duration("12:30")
    750
    """
    m = _MMSS.match(text or "")
    if not m:
        return None
    hours, minutes, seconds = int(m.group(1) or 0), int(m.group(2)), int(m.group(3))
    if m.group(1) is not None and minutes > 59:
        return None
    total = hours * 3600 + minutes * 60 + seconds
    return total if 0 < total <= MAX_DURATION_SECONDS else None


def format_duration(seconds: int) -> str:
    """Seconds → ``"mm:ss"`` (``"h:mm:ss"`` from an hour)."""
    h, rest = divmod(max(int(seconds), 0), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def reading_minutes(chars: int, *, per_minute: int = READING_CHARS_PER_MINUTE) -> int:
    """Estimated reading time of a text of ``chars`` characters, in whole minutes (at least 1)."""
    return max(1, math.ceil(max(chars, 0) / per_minute))


def lesson_complete(*, seconds: int, duration: int, share: float = COMPLETE_SHARE) -> bool:
    """Whether ``seconds`` of credited study time complete a lesson of ``duration`` seconds (≥ 90 %)."""
    if duration <= 0:
        return seconds > 0
    return seconds >= math.ceil(duration * share)


def progress_percent(done: int, total: int) -> int:
    """Course progress = completed lessons / lessons, as a whole percentage (0 for a course with none)."""
    if total <= 0:
        return 0
    return min(100, (100 * done) // total)


def is_open(*, today: dt.date, opens_on: dt.date | None, closes_on: dt.date | None) -> bool:
    """A course may be joined and studied between its open dates (inclusive); an empty date is unbounded."""
    return (opens_on is None or opens_on <= today) and (closes_on is None or today <= closes_on)


def is_overdue(*, today: dt.date, due_on: dt.date | None, completed: bool) -> bool:
    """An assigned course not completed after its deadline is overdue."""
    return due_on is not None and not completed and today > due_on


def certificate_number(*, year: int, course_id: int, enrolment_id: int) -> str:
    """A completion certificate's number: ``DX`` + year + course + enrolment, unique and stable."""
    return f"DX{year}{course_id:04d}{enrolment_id:07d}"


def rate(part: int, whole: int) -> float:
    """A percentage with one decimal (0.0 when ``whole`` is 0)."""
    return 0.0 if whole <= 0 else round(100.0 * part / whole, 1)
