"""Rules on member records (dangjian.members.rules): consistency of a record, phones, ages, probation."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.core import idcard
from dangjian.members import rules

TODAY = dt.date(2026, 6, 15)
BIRTH = dt.date(1985, 6, 15)
NUMBER = idcard.make("110101", BIRTH, 12, "male")


def problems(**kwargs):
    args = {
        "id_number": NUMBER,
        "birth_date": BIRTH,
        "gender": "male",
        "joined_on": dt.date(2010, 7, 1),
        "full_on": dt.date(2011, 7, 1),
        "phone": "13800138000",
        "today": TODAY,
    } | kwargs
    number, found = rules.check_record(**args)
    return number, dict(found)


def test_a_consistent_record_has_no_problems():
    assert problems() == (NUMBER, {})


def test_the_identity_number_is_normalised():
    full_width = NUMBER.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert problems(id_number=full_width) == (NUMBER, {})
    assert problems(id_number=f" {NUMBER[:6]} {NUMBER[6:]} ") == (NUMBER, {})


def test_a_lowercase_check_x_is_accepted():
    number = "11010519491231002x"
    normalised, found = problems(id_number=number, birth_date=dt.date(1949, 12, 31), gender="female")
    assert normalised == "11010519491231002X" and found == {}


def test_a_wrong_check_character_is_reported():
    bad = NUMBER[:17] + ("0" if NUMBER[17] != "0" else "1")
    assert problems(id_number=bad)[1] == {"id_number": "公民身份号码校验位错误"}


def test_an_empty_identity_number_is_reported():
    assert problems(id_number="")[1]["id_number"] == "公民身份号码不能为空"


def test_a_birth_date_that_differs_from_the_identity_number_is_reported():
    found = problems(birth_date=dt.date(1985, 6, 16))[1]
    assert "出生日期与公民身份号码不符" in found["birth_date"] and "1985-06-15" in found["birth_date"]


def test_a_sex_that_differs_from_the_identity_number_is_reported():
    assert problems(gender="female")[1] == {"gender": "性别与公民身份号码不符"}


def test_joining_before_18_is_reported_citing_the_constitution():
    found = problems(joined_on=dt.date(2003, 6, 14), full_on=dt.date(2004, 6, 14))[1]
    assert found == {"joined_on": "入党时未满18周岁（党章第一条）"}
    assert problems(joined_on=dt.date(2003, 6, 15), full_on=dt.date(2004, 6, 15))[1] == {}


def test_age_at_joining_is_taken_from_the_identity_number_when_no_birth_date_is_given():
    assert "joined_on" in problems(birth_date=None, joined_on=dt.date(2000, 1, 1), full_on=None)[1]


def test_becoming_full_before_or_on_the_joining_date_is_reported():
    assert problems(full_on=dt.date(2010, 7, 1))[1] == {"full_on": "转正日期不能早于入党日期"}
    assert problems(full_on=dt.date(2009, 7, 1))[1] == {"full_on": "转正日期不能早于入党日期"}


def test_dates_in_the_future_are_reported():
    found = problems(joined_on=dt.date(2026, 7, 1), full_on=dt.date(2027, 7, 1))[1]
    assert found == {"joined_on": "入党日期不能晚于今天", "full_on": "转正日期不能晚于今天"}


def test_a_bad_phone_is_reported():
    assert problems(phone="12345")[1] == {"phone": "联系电话格式不正确"}


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("138 0013 8000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("＋86 13800138000", "13800138000"),
        ("(010) 1234 5678", "01012345678"),
        ("010－12345678", "01012345678"),
        ("", ""),
    ],
)
def test_phones_are_normalised(raw, normalised):
    assert rules.normalize_phone(raw) == normalised


@pytest.mark.parametrize(
    "phone",
    ["13800138000", "19912345678", "010-12345678", "0755-1234567", "01012345678", "010-12345678-123", ""],
)
def test_mobile_and_landline_numbers_are_valid(phone):
    assert rules.phone_is_valid(phone)


@pytest.mark.parametrize("phone", ["12800138000", "1380013800", "138001380001", "abc", "12345678", "010-123"])
def test_other_phone_numbers_are_invalid(phone):
    assert not rules.phone_is_valid(phone)


def test_age_counts_whole_years_up_to_the_birthday():
    assert rules.age_on(dt.date(2000, 6, 15), dt.date(2018, 6, 14)) == 17
    assert rules.age_on(dt.date(2000, 6, 15), dt.date(2018, 6, 15)) == 18
    assert rules.age_on(dt.date(2000, 2, 29), dt.date(2018, 2, 28)) == 17
    assert rules.age_on(dt.date(2000, 2, 29), dt.date(2018, 3, 1)) == 18


def test_probation_ends_one_year_after_the_branch_meeting():
    assert rules.probation_ends(dt.date(2025, 7, 1)) == dt.date(2026, 7, 1)
    assert rules.probation_ends(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
