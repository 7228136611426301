"""Pure rules of the points ledger (no ORM). DOMAIN.md §7: no national standard exists, so every value here
is [C] configuration; the defaults follow the 学习强国-style example caps cited there."""

from __future__ import annotations

import datetime as dt
from typing import Any

PERIODS = {"day": "今日", "week": "本周", "month": "本月", "year": "本年"}
LEVELS = {"member": "党员", "branch": "党支部", "committee": "党委"}
MANUAL_ACTION = "manual"

_SINCE = dt.date(2020, 1, 1)

# DOMAIN.md §7: login 1; articles 1 each ≤6 plus 1 per 4 min ≤6; videos likewise; daily quiz 1 per correct
# ≤5; weekly quiz; special quiz ≤10; comment 1. Meeting attendance and exam pass are this platform's own.
DEFAULT_RULES: list[dict[str, Any]] = [
    {"code": "login", "name": "登录", "unit": "count", "unit_size": 1, "points_per_unit": 1, "daily_cap": 1},
    {"code": "article_read", "name": "阅读文章", "unit": "count", "unit_size": 1, "points_per_unit": 1,
     "daily_cap": 6},
    {"code": "article_dwell", "name": "文章学习时长", "unit": "minutes", "unit_size": 4, "points_per_unit": 1,
     "daily_cap": 6},
    {"code": "video_watch", "name": "视听学习", "unit": "count", "unit_size": 1, "points_per_unit": 1,
     "daily_cap": 6},
    {"code": "video_dwell", "name": "视听学习时长", "unit": "minutes", "unit_size": 4, "points_per_unit": 1,
     "daily_cap": 6},
    {"code": "daily_quiz", "name": "每日答题", "unit": "correct", "unit_size": 1, "points_per_unit": 1,
     "daily_cap": 5},
    {"code": "weekly_quiz", "name": "每周答题", "unit": "correct", "unit_size": 1, "points_per_unit": 1,
     "daily_cap": None, "weekly_cap": 5},
    {"code": "special_quiz", "name": "专项答题", "unit": "correct", "unit_size": 1, "points_per_unit": 1,
     "daily_cap": 10, "weekly_cap": 10},
    {"code": "comment", "name": "发表观点", "unit": "count", "unit_size": 1, "points_per_unit": 1,
     "daily_cap": 1},
    {"code": "meeting_attend", "name": "参加组织生活", "unit": "count", "unit_size": 1, "points_per_unit": 2,
     "daily_cap": 4},
    {"code": "exam_pass", "name": "通过考试", "unit": "count", "unit_size": 1, "points_per_unit": 5,
     "daily_cap": 10},
]  # fmt: skip

for _rule in DEFAULT_RULES:
    _rule.setdefault("weekly_cap", None)
    _rule.setdefault("active_from", _SINCE)


def raw_points(*, units: int, unit_size: int, points_per_unit: int) -> int:
    """Points for ``units`` before caps: whole blocks of ``unit_size`` times ``points_per_unit``
    (e.g. 1 point per 4 minutes: 9 minutes → 2)."""
    if units <= 0 or unit_size <= 0:
        return 0
    return (units // unit_size) * points_per_unit


def clip(*, raw: int, today: int, daily_cap: int | None, week: int, weekly_cap: int | None) -> int:
    """``raw`` reduced to what the remaining daily and weekly caps allow (never below zero)."""
    allowed = raw
    if daily_cap is not None:
        allowed = min(allowed, daily_cap - today)
    if weekly_cap is not None:
        allowed = min(allowed, weekly_cap - week)
    return max(allowed, 0)


def period_range(period: str, on: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the day/week (Monday–Sunday)/month/year containing ``on``."""
    if period == "day":
        return on, on
    if period == "week":
        start = on - dt.timedelta(days=on.weekday())
        return start, start + dt.timedelta(days=6)
    if period == "month":
        start = on.replace(day=1)
        nxt = (start + dt.timedelta(days=32)).replace(day=1)
        return start, nxt - dt.timedelta(days=1)
    if period == "year":
        return on.replace(month=1, day=1), on.replace(month=12, day=31)
    raise ValueError(period)


def idempotency_key(*, member_id: int, action: str, content_key: str, on: dt.date) -> str:
    """member + action + content + day (DOMAIN.md §7)."""
    return f"{action}:{member_id}:{content_key}:{on.isoformat()}"


def progress_step(earned: int, cap: int | None) -> int:
    """The share of a cap reached, rounded down to a multiple of 10 (0–100), for a CSS class."""
    if not cap:
        return 0
    return max(0, min(100, earned * 100 // cap // 10 * 10))


def competition_ranks(totals: list[int]) -> list[int]:
    """Ranks of totals sorted descending, ties sharing a rank (100, 90, 90, 80 → 1, 2, 2, 4)."""
    ranks: list[int] = []
    for i, t in enumerate(totals):
        ranks.append(ranks[-1] if i and totals[i - 1] == t else i + 1)
    return ranks
