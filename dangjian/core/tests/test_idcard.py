"""公民身份号码 (GB 11643-1999): check character, normalisation, birth date and sex."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.core import idcard

# A number from GB 11643-1999's own example: 11010519491231002X (female, born 1949-12-31).
STANDARD_EXAMPLE = "11010519491231002X"


def test_the_standard_example_is_valid_and_decodes_birth_date_and_sex():
    info = idcard.parse(STANDARD_EXAMPLE)
    assert info.number == STANDARD_EXAMPLE
    assert info.birth_date == dt.date(1949, 12, 31)
    assert info.gender == "female"


def test_check_character_follows_iso_7064_mod_11_2():
    assert idcard.check_char("11010519491231002") == "X"
    assert (
        idcard.check_char("44030119900101123") == idcard.make("440301", dt.date(1990, 1, 1), 123, "male")[-1]
    )


def test_odd_sequence_digit_means_male():
    number = idcard.make("110101", dt.date(1980, 2, 3), 11, "male")
    assert int(number[16]) % 2 == 1
    assert idcard.parse(number).gender == "male"


def test_full_width_digits_lowercase_x_and_spaces_are_normalised():
    full_width = "１１０１０５１９４９１２３１００２ｘ"
    assert idcard.normalize(full_width) == STANDARD_EXAMPLE
    assert idcard.normalize("110105 19491231 002x") == STANDARD_EXAMPLE
    assert idcard.parse("11010519491231002x").number == STANDARD_EXAMPLE


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1101051949123100", "18位"),
        ("11010519491231002X1", "18位"),
        ("1101051949123100AX", "数字和末位X"),
        ("110105194912310021", "校验位"),
        ("", "18位"),
    ],
)
def test_bad_numbers_are_refused_with_a_chinese_reason(raw, reason):
    with pytest.raises(ValueError, match=reason):
        idcard.parse(raw)


def test_an_impossible_birth_date_is_refused():
    first17 = "11010519490231002"  # 31 February
    with pytest.raises(ValueError, match="出生日期无效"):
        idcard.parse(first17 + idcard.check_char(first17))


def test_a_birth_date_in_the_future_or_before_1900_is_refused():
    for birth in (dt.date.today() + dt.timedelta(days=1), dt.date(1899, 12, 31)):
        with pytest.raises(ValueError, match="出生日期无效"):
            idcard.parse(idcard.make("110101", birth, 12, "female"))


@given(
    region=st.integers(min_value=110000, max_value=659999).map(lambda n: f"{n:06d}"),
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today()),
    sequence=st.integers(min_value=0, max_value=100_000),
    gender=st.sampled_from(["male", "female"]),
)
def test_make_then_parse_gives_back_the_birth_date_and_sex(region, birth, sequence, gender):
    number = idcard.make(region, birth, sequence, gender)
    info = idcard.parse(number)
    assert len(number) == 18
    assert info.birth_date == birth
    assert info.gender == gender
    assert number.startswith(region)


@given(st.text(max_size=30))
def test_parse_raises_only_value_error_on_any_text(text):
    try:
        info = idcard.parse(text)
    except ValueError as exc:
        assert str(exc).startswith("公民身份号码")
    else:
        assert len(info.number) == 18
