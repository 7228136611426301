"""Regulations on organisations, as pure functions (DOMAIN.md §1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

BRANCH_KINDS = frozenset({"branch", "joint_branch", "temporary_branch"})
COMMITTEE_KINDS = frozenset({"committee", "temporary_committee"})

# 《关于党的基层组织任期的意见》(2018): 基层党委 5 years; 党总支 and 党支部 3 years.
_TERM_YEARS = {"committee": 5, "general_branch": 3, "branch": 3, "joint_branch": 3}

# 支部条例 第四条: a branch generally has no more than 50 members.
BRANCH_MAX_MEMBERS = 50
# 支部条例 第九条: ≥7 正式党员 → a 支委会; fewer than 3 正式党员 cannot form a branch.
COMMITTEE_THRESHOLD = 7
BRANCH_MIN_FULL = 3


def term_years(kind: str) -> int | None:
    """Term length by kind (任期意见); temporary organisations and groups have no elected term."""
    return _TERM_YEARS.get(kind)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def election_due(kind: str, elected_on: dt.date | None) -> dt.date | None:
    """The date the current term ends (换届 due): election date + term length."""
    years = term_years(kind)
    if years is None or elected_on is None:
        return None
    return add_years(elected_on, years)


@dataclass(frozen=True)
class Notice:
    """A structural notice shown on the tree: advice, never a block."""

    code: str
    message: str
    level: str = "warning"  # Bootstrap colour: "danger", "warning", "info", "secondary"

    @property
    def needs_attention(self) -> bool:
        """Rule breaches (warning/danger), as opposed to reminders and missing data."""
        return self.level in ("warning", "danger")


def structural_notices(
    *,
    kind: str,
    has_committee: bool,
    members: int,
    full_members: int,
    elected_on: dt.date | None,
    today: dt.date,
    max_members: int = BRANCH_MAX_MEMBERS,
    reminder_months: int = 3,
) -> list[Notice]:
    """The structural rules of DOMAIN.md §1 for one organisation and its own members."""
    notices: list[Notice] = []
    if kind in BRANCH_KINDS:
        if members > max_members:
            notices.append(
                Notice(
                    "branch_too_large",
                    f"党员 {members} 名，超过 {max_members} 名，宜分设支部（支部条例第四条）",
                )
            )
        if full_members >= COMMITTEE_THRESHOLD and not has_committee:
            notices.append(
                Notice(
                    "committee_required",
                    f"正式党员 {full_members} 名（≥7），应设立支部委员会（支部条例第九条）",
                )
            )
        if full_members < BRANCH_MIN_FULL and kind != "temporary_branch":
            notices.append(
                Notice("too_few_full", f"正式党员仅 {full_members} 名，不足 3 名（支部条例第四条）")
            )
    due = election_due(kind, elected_on)
    if due is not None and due < today:
        notices.append(
            Notice("election_overdue", f"任期已于 {due:%Y-%m-%d} 届满，应按期换届（任期意见）", "danger")
        )
    elif due is not None and due <= add_months(today, reminder_months):
        notices.append(Notice("election_due_soon", f"任期将于 {due:%Y-%m-%d} 届满，请做好换届准备", "info"))
    elif term_years(kind) is not None and elected_on is None and kind != "group":
        notices.append(Notice("election_unknown", "未登记本届选举日期，无法计算换届时间", "secondary"))
    return notices
