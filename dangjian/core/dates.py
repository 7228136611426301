"""Dates as people type them: 2001-07-01, 2001.07.01, 2001/7/1, 2001年7月1日, 20010701, Excel serials."""

from __future__ import annotations

import datetime as dt
import re

_SEP = re.compile(r"^\s*(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value: object) -> dt.date:
    """Parse one date cell; raises ValueError with a Chinese reason."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000000 <= value <= 21001231 and float(value).is_integer():
            return parse_date(str(int(value)))
        if 1 <= value < 2958466:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError("无法识别的日期")
    text = (
        str(value or "")
        .strip()
        .translate({ord(c): ord(h) for c, h in zip("０１２３４５６７８９", "0123456789", strict=True)})
    )
    if not text:
        raise ValueError("日期为空")
    m = _SEP.match(text) or _COMPACT.match(text)
    if m is None:
        raise ValueError(f"无法识别的日期“{text}”，请使用如 2001-07-01 的格式")
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise ValueError(f"日期“{text}”不存在") from exc


def parse_date_or_none(value: object) -> dt.date | None:
    try:
        return parse_date(value)
    except ValueError:
        return None
