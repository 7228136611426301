"""Pure rules of 学习专题: when an item counts as studied, how "我的学习" is ordered, rates. No ORM.

National rule behind the topics: 党员教育管理工作条例 第二十条 (each member ≥ 32 学时 of concentrated study a
year) — topics feed the study time the platform measures; what counts as "read" or "watched" is local
practice ([C], DOMAIN.md §7), kept here as arguments with defaults.
"""

from __future__ import annotations

import datetime as dt
import math
import re

WATCHED_SHARE = 0.9  # [C] a video or audio counts as watched after 90% of its length was credited
MEDIA_KINDS = frozenset({"video", "audio"})


def item_done(*, kind: str, seconds: int, duration: int | None, read_seconds: int) -> bool:
    """Whether ``seconds`` of server-credited time complete an item: an article or document after
    ``read_seconds`` (studytime.rules.READ_SECONDS); a video or audio after ``WATCHED_SHARE`` of its length.
    A video or audio without a known length never completes (nothing honest to measure it against)."""
    if kind in MEDIA_KINDS:
        if not duration or duration <= 0:
            return False
        return seconds >= math.ceil(duration * WATCHED_SHARE)
    return seconds >= read_seconds


def parse_duration(text: str) -> int | None:
    """ "12:30" → 750 s; "1:02:03" → 3723 s; "45" → 45 min. ``None`` for an empty or malformed value."""
    text = (text or "").strip().replace("：", ":")
    if not text:
        return None
    if re.fullmatch(r"\d{1,4}", text):
        return int(text) * 60
    match = re.fullmatch(r"(?:(\d{1,2}):)?(\d{1,3}):([0-5]\d)", text)
    if not match:
        return None
    hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    total = hours * 3600 + minutes * 60 + seconds
    return total or None


def format_duration(seconds: int | None) -> str:
    if not seconds:
        return ""
    minutes, sec = divmod(int(seconds), 60)
    return f"{minutes}:{sec:02d}"


def is_overdue(*, deadline: dt.date | None, done: bool, today: dt.date) -> bool:
    return deadline is not None and not done and today > deadline


def my_study_order(
    *, required: bool, deadline: dt.date | None, done: bool, assigned: bool, today: dt.date
) -> tuple[int, int, dt.date]:
    """Sort key of "我的学习": overdue required first, then required (nearest deadline first), then other
    assigned topics, then the open topics of one's organisations; finished topics after the unfinished
    ones of their group."""
    if required and is_overdue(deadline=deadline, done=done, today=today):
        group = 0
    elif required:
        group = 1
    elif assigned:
        group = 2
    else:
        group = 3
    return (group, int(done), deadline or dt.date.max)


def rate(part: int, whole: int) -> int:
    """A percentage rounded down (0 when nobody is concerned)."""
    return (part * 100) // whole if whole else 0
