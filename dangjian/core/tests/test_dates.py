"""Dates as people type them (dangjian.core.dates)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.core.dates import parse_date, parse_date_or_none

JULY_1 = dt.date(2001, 7, 1)


@pytest.mark.parametrize(
    "value",
    [
        "2001-07-01",
        "2001-7-1",
        "2001.07.01",
        "2001/7/1",
        "2001年7月1日",
        "2001年07月01日",
        "2001年7月1",
        " 2001 年 7 月 1 日 ",
        "20010701",
        "２００１-０７-０１",
        "２００１年７月１日",
        20010701,
        20010701.0,
        37073,  # Excel serial for 2001-07-01
        37073.75,  # an Excel date-time serial keeps its day
        dt.date(2001, 7, 1),
        dt.datetime(2001, 7, 1, 15, 30),
    ],
)
def test_every_usual_form_of_a_date_is_read(value):
    assert parse_date(value) == JULY_1


def test_excel_serials_count_from_the_1900_system():
    assert parse_date(61) == dt.date(1900, 3, 1)
    assert parse_date(45658) == dt.date(2025, 1, 1)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "日期为空"),
        (None, "日期为空"),
        ("   ", "日期为空"),
        ("2001-02-30", "不存在"),
        ("2001年13月1日", "不存在"),
        ("20010231", "不存在"),
        ("明年七一", "无法识别"),
        ("01-07-2001", "无法识别"),
        (0, "无法识别"),
        (-5, "无法识别"),
        (True, "无法识别"),
        (float("nan"), "无法识别"),
        (float("inf"), "无法识别"),
    ],
)
def test_invalid_dates_raise_value_error_with_a_chinese_reason(value, reason):
    with pytest.raises(ValueError, match=reason):
        parse_date(value)


def test_parse_date_or_none_swallows_only_bad_dates():
    assert parse_date_or_none("2001-07-01") == JULY_1
    assert parse_date_or_none("不是日期") is None
    assert parse_date_or_none("") is None


@given(
    st.one_of(
        st.text(max_size=40),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.none(),
        st.booleans(),
        st.dates().map(lambda d: d.strftime("%Y年%m月%d日")),
        st.from_regex(r"\A\d{4}[-./年]\d{1,2}[-./月]\d{1,2}日?\Z"),
        st.from_regex(r"\A\d{8}\Z"),
    )
)
def test_parse_date_never_raises_anything_but_value_error(value):
    try:
        result = parse_date(value)
    except ValueError as exc:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(exc)), f"reason not in Chinese: {exc}"
    else:
        assert isinstance(result, dt.date)


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_any_four_digit_year_date_reads_back_in_every_form(day):
    assert parse_date(f"{day.year}年{day.month}月{day.day}日") == day
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day:%Y%m%d}") == day
