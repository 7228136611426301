"""公民身份号码 (GB 11643-1999): normalisation, check character (ISO 7064 MOD 11-2), birth date and sex."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_FULLWIDTH = {ord(c): ord(h) for c, h in zip("０１２３４５６７８９ＸｘＸ", "0123456789XXX", strict=True)}


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: dt.date
    gender: str  # "male" / "female" (GB/T 2261.1: 1 男, 2 女)


def normalize(raw: str) -> str:
    """Full-width digits → ASCII, lowercase x → X, spaces removed."""
    return "".join(str(raw).translate(_FULLWIDTH).split()).upper()


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def parse(raw: str) -> IdInfo:
    """Validate and decode; raises ValueError with a Chinese reason."""
    number = normalize(raw)
    if len(number) != 18:
        raise ValueError("公民身份号码应为18位")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValueError("公民身份号码只能由数字和末位X组成")
    if check_char(number[:17]) != number[17]:
        raise ValueError("公民身份号码校验位错误")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise ValueError("公民身份号码中的出生日期无效") from exc
    if birth.year < 1900 or birth > dt.date.today():
        raise ValueError("公民身份号码中的出生日期无效")
    gender = "male" if int(number[16]) % 2 == 1 else "female"
    return IdInfo(number=number, birth_date=birth, gender=gender)


def make(region: str, birth: dt.date, sequence: int, gender: str) -> str:
    """Build a valid number (demo data and tests): region (6 digits), birth date, 3-digit sequence."""
    seq = sequence % 1000
    if (seq % 2 == 1) != (gender == "male"):
        seq = (seq + 1) % 1000
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)
