"""Rules on member records, as pure functions (DOMAIN.md §2; 发展细则; 党章)."""

from __future__ import annotations

import datetime as dt
import re

from dangjian.core import idcard
from dangjian.orgs.rules import add_months, add_years

# 党章 第一条: 年满十八岁 may apply; 发展细则 第九条 counts age at the application.
MIN_JOINING_AGE = 18
# 党章 第七条: probation is one year, from the 支部大会 resolution.
PROBATION_YEARS = 1

_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


def normalize_phone(raw: str) -> str:
    return re.sub(r"[\s\-－()（）]", "", str(raw or "").translate({ord("＋"): "+"})).removeprefix("+86")


def phone_is_valid(phone: str) -> bool:
    return bool(_PHONE.match(phone)) if phone else True


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def probation_ends(joined_on: dt.date) -> dt.date:
    """The day probation ends: one year after the 支部大会 resolution (党章 第七条)."""
    return add_years(joined_on, PROBATION_YEARS)


# 党章 第七条: the probation may be extended once, by no more than a year; DOMAIN.md §5: 6–12 months.
EXTENSION_MIN_MONTHS, EXTENSION_MAX_MONTHS = 6, 12
# 留党察看 is for one or two years (党章 第四十条: 最长不超过两年; 《中国共产党纪律处分条例》: 一年、二年).
DISCIPLINE_MONTHS = (12, 24)


def extended_probation_ends(joined_on: dt.date, months: int) -> dt.date:
    """The new end of an extended probation: one year from the resolution plus the extension (党章 第七条)."""
    return add_months(joined_on, 12 * PROBATION_YEARS + months)


def extension_problem(*, months: int, already_extended: bool) -> str:
    """Why an extension of ``months`` is refused, or "" (党章 第七条; DOMAIN.md §5: once, 6–12 months)."""
    if already_extended:
        return "预备期只能延长一次（党章 第七条）"
    if not EXTENSION_MIN_MONTHS <= months <= EXTENSION_MAX_MONTHS:
        return "延长预备期应为六个月至一年（党章 第七条：不能超过一年）"
    return ""


def discipline_ends(starts_on: dt.date, months: int) -> dt.date:
    """The day a 留党察看 period of ``months`` ends (期满); the rights come back only by a decision."""
    return add_months(starts_on, months)


def check_record(
    *,
    id_number: str,
    birth_date: dt.date | None,
    gender: str | None,
    joined_on: dt.date | None,
    full_on: dt.date | None,
    phone: str = "",
    today: dt.date | None = None,
) -> tuple[str, list[tuple[str, str]]]:
    """Check one record's consistency. Returns the normalised identity number and a list of
    (field, Chinese reason) problems; an empty list means the record is consistent."""
    today = today or dt.date.today()
    problems: list[tuple[str, str]] = []
    number = idcard.normalize(id_number or "")
    info = None
    if not number:
        problems.append(("id_number", "公民身份号码不能为空"))
    else:
        try:
            info = idcard.parse(number)
        except ValueError as exc:
            problems.append(("id_number", str(exc)))
    if info is not None:
        if birth_date is not None and birth_date != info.birth_date:
            problems.append(
                ("birth_date", f"出生日期与公民身份号码不符（号码为 {info.birth_date:%Y-%m-%d}）")
            )
        if gender and gender != info.gender:
            problems.append(("gender", "性别与公民身份号码不符"))
    birth = birth_date or (info.birth_date if info else None)
    if joined_on is not None:
        if joined_on > today:
            problems.append(("joined_on", "入党日期不能晚于今天"))
        if birth is not None and age_on(birth, joined_on) < MIN_JOINING_AGE:
            problems.append(("joined_on", "入党时未满18周岁（党章第一条）"))
    if full_on is not None:
        if joined_on is not None and full_on <= joined_on:
            problems.append(("full_on", "转正日期不能早于入党日期"))
        if full_on > today:
            problems.append(("full_on", "转正日期不能晚于今天"))
    if phone and not phone_is_valid(phone):
        problems.append(("phone", "联系电话格式不正确"))
    return number, problems
