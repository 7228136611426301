"""National rules of 组织关系转接, 流动党员 and 失联党员 as pure functions (DOMAIN.md §2, §6).

No ORM and no settings here: configurable values (letter validity, its maximum) come in as arguments from
``transfers.config``.
"""

from __future__ import annotations

import datetime as dt

from dangjian.orgs.rules import add_months

# [N] The 回执 goes back from the final receiver to the sender within 1 month (DOMAIN.md §6).
RECEIPT_MONTHS = 1
# [N] A member away ≥6 months at a fixed place transfers (教管条例 第三十二条; DOMAIN.md §6).
AWAY_MONTHS_TO_TRANSFER = 6
# [N] 失联 ≥6 months → 停止党籍; still unreachable 2 years later → 除名 as 自行脱党 (教管条例 第二十四条).
LOST_CONTACT_MONTHS = 6
LOST_CONTACT_REMOVAL_YEARS = 2
# [N] 预备期 is one year (党章 第七条).
PROBATION_MONTHS = 12


def check_valid_days(days: int, *, maximum: int) -> str | None:
    """The reason ``days`` cannot be a letter's validity, or None.

    The validity is local practice ([C] default 30 days, maximum 90, DOMAIN.md §6): at least one day and no
    more than the configured maximum.
    """
    if days < 1:
        return "介绍信有效期至少1天"
    if days > maximum:
        return f"介绍信有效期不能超过{maximum}天"
    return None


def letter_expires_on(issued_on: dt.date, valid_days: int) -> dt.date:
    """The last day the letter is valid: ``valid_days`` days counted from the day of issue (the day of issue
    is the first). A letter of 30 days issued on 1 March is valid up to and including 30 March."""
    return issued_on + dt.timedelta(days=valid_days - 1)


def receipt_due(reported_on: dt.date) -> dt.date:
    """When the 回执 must be back with the sender: 1 month after the member reported to the final receiver
    (DOMAIN.md §6, [N]). Month ends are clamped (31 January → 28/29 February)."""
    return add_months(reported_on, RECEIPT_MONTHS)


def external_receipt_due(expires_on: dt.date) -> dt.date:
    """For a letter to an organisation outside the platform the sender cannot see the report: the 回执 is
    expected at the latest 1 month after the letter's last valid day (the latest possible report)."""
    return add_months(expires_on, RECEIPT_MONTHS)


def probation_ends_on(probation_started_on: dt.date) -> dt.date:
    """The end of a 预备党员's one-year probation, counted from the 支部大会 resolution (党章 第七条). A
    transfer does not restart it: the receiving branch continues the evaluation (DOMAIN.md §6)."""
    return add_months(probation_started_on, PROBATION_MONTHS)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Completed years of age on ``day`` (the letter's 年龄)."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def should_transfer(away_since: dt.date, today: dt.date) -> bool:
    """A member away at a fixed place for ≥6 months should transfer rather than stay 流动
    (教管条例 第二十五、三十二条; DOMAIN.md §2, §6)."""
    return add_months(away_since, AWAY_MONTHS_TO_TRANSFER) <= today


def lost_contact_suspension_due(since: dt.date) -> dt.date:
    """From this day a 失联党员 not found may have their 党籍 stopped (out of contact ≥6 months; the branch or
    a higher organisation decides; 教管条例 第二十四条)."""
    return add_months(since, LOST_CONTACT_MONTHS)


def lost_contact_removal_due(suspended_on: dt.date) -> dt.date:
    """From this day a 失联党员 whose 党籍 was stopped and who is still unreachable is to be removed as
    自行脱党 (2 years after the suspension; 教管条例 第二十四条). The platform never removes anyone: it raises
    the case; 除名 needs a 支部大会 decision and 上级 approval (党章 第九条)."""
    return add_months(suspended_on, 12 * LOST_CONTACT_REMOVAL_YEARS)


def letter_number(year: int, seq: int) -> str:
    """The letter's number as printed: year and a four-digit sequence per issuing 党委, e.g. ``2026-0007``."""
    return f"{year}-{seq:04d}"


def certificate_number(year: int, seq: int) -> str:
    """The 流动党员活动证 number per branch and year, e.g. ``LD2026-003``."""
    return f"LD{year}-{seq:03d}"
