"""Rules of 党风廉政监督 as pure functions (no ORM, no settings).

Sources: 《党委（党组）落实全面从严治党主体责任规定》(2020) 第五、十一条 — the 党委 bears
主体责任, its 书记 is 第一责任人, the 纪委 bears 监督责任, and responsibilities are listed (责任清单)
and checked; 《中国共产党党内监督条例》第二十六、三十五条 — problems found in supervision are handed
over for rectification with a deadline, the supervising organisation checks the result, and problems not
rectified are reported to the level above.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Months per 履责周期.
PERIOD_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}


@dataclass(frozen=True)
class DutyPeriod:
    start: dt.date
    end: dt.date

    def label(self, period: str) -> str:
        if period == "month":
            return f"{self.start.year}年{self.start.month}月"
        if period == "quarter":
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        if period == "half":
            return f"{self.start.year}年{'上' if self.start.month == 1 else '下'}半年"
        return f"{self.start.year}年"


def periods_of(period: str, year: int) -> list[DutyPeriod]:
    """The 履责周期 of one year: 12 months, 4 quarters, 2 halves or the year."""
    months = PERIOD_MONTHS[period]
    out = []
    for m in range(1, 13, months):
        end_month = m + months - 1
        end = (
            dt.date(year, 12, 31)
            if end_month == 12
            else dt.date(year, end_month + 1, 1) - dt.timedelta(days=1)
        )
        out.append(DutyPeriod(dt.date(year, m, 1), end))
    return out


def period_containing(period: str, day: dt.date) -> DutyPeriod:
    for p in periods_of(period, day.year):
        if p.start <= day <= p.end:
            return p
    raise ValueError(day)  # pragma: no cover - every day is in a period


@dataclass(frozen=True)
class Completion:
    """履责完成情况 of one item: periods that have ended, of them done, and the overdue ones."""

    ended: int
    done: int
    overdue: tuple[DutyPeriod, ...]

    @property
    def rate(self) -> int | None:
        """Percent of ended periods with a record; ``None`` when no period has ended yet (not 0 %)."""
        return round(100 * self.done / self.ended) if self.ended else None


def completion(period: str, year: int, done_starts: set[dt.date], today: dt.date) -> Completion:
    """Which periods of ``year`` ended by ``today`` and which of them have no 履责记录 (overdue).

    A period that has not ended yet is neither done nor overdue (a record made in it counts when it ends).
    """
    ended = [p for p in periods_of(period, year) if p.end < today]
    overdue = tuple(p for p in ended if p.start not in done_starts)
    return Completion(len(ended), len(ended) - len(overdue), overdue)


# --------------------------------------------------------------------------------------------------------
# 督办整改: who may move a task from which state to which (党内监督条例 第二十六、三十五条).

RECT_TRANSITIONS: dict[str, dict[str, str]] = {
    # step kind → {from status: to status}
    "progress": {"assigned": "in_progress", "in_progress": "in_progress", "returned": "in_progress"},
    "submit": {"assigned": "submitted", "in_progress": "submitted", "returned": "submitted"},
    "accept": {"submitted": "accepted"},
    "return": {"submitted": "returned"},
}


def next_status(step: str, status: str) -> str | None:
    """The status after ``step`` from ``status``, or ``None`` when the step is not allowed there."""
    return RECT_TRANSITIONS.get(step, {}).get(status)


def is_overdue(*, status: str, deadline: dt.date, today: dt.date) -> bool:
    """A task not yet accepted after its deadline is overdue (a task waiting for acceptance is not: the
    responsible party has done its part)."""
    return status in ("assigned", "in_progress", "returned") and deadline < today


def escalation_target(supervisor_path: str, escalated_path: str | None, steplen: int) -> str | None:
    """The path of the organisation an overdue task escalates to: the level above the one that supervises
    it now (the supervisor, or where it was last escalated); ``None`` at the root (nothing above)."""
    current = escalated_path or supervisor_path
    if len(current) <= steplen:
        return None
    return current[:-steplen]


def should_escalate(
    *, status: str, deadline: dt.date, today: dt.date, escalated_at: dt.date | None, every_days: int
) -> bool:
    """Overdue and not escalated within the last ``every_days`` days (escalate once, then again after each
    further ``every_days`` days overdue, one level at a time)."""
    if not is_overdue(status=status, deadline=deadline, today=today):
        return False
    return escalated_at is None or (today - escalated_at).days >= every_days
