"""Rules of 网络党校 (DOMAIN.md §2: 学时 toward the yearly 32, 教管条例 第二十条)."""

import datetime as dt

import pytest

from dangjian.school import rules


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("12:30", 750),
        ("0:45", 45),
        ("90:00", 5400),
        ("1:02:03", 3723),
        ("00:00", None),
        ("12:60", None),
        ("abc", None),
        ("", None),
        ("1:75:00", None),
        ("11:00:00", None),
    ],
)
def test_duration_is_read_as_minutes_and_seconds(text, seconds):
    assert rules.parse_duration(text) == seconds


def test_duration_is_shown_back_as_minutes_and_seconds():
    assert rules.format_duration(750) == "12:30"
    assert rules.format_duration(3723) == "1:02:03"


@pytest.mark.parametrize(("chars", "minutes"), [(0, 1), (1, 1), (400, 1), (401, 2), (4000, 10)])
def test_reading_time_is_estimated_at_400_characters_a_minute(chars, minutes):
    assert rules.reading_minutes(chars) == minutes


@pytest.mark.parametrize(
    ("seconds", "duration", "done"), [(539, 600, False), (540, 600, True), (900, 600, True), (0, 600, False)]
)
def test_a_lesson_is_complete_at_90_percent_of_its_duration(seconds, duration, done):
    assert rules.lesson_complete(seconds=seconds, duration=duration) is done


def test_course_progress_is_completed_lessons_over_lessons():
    assert rules.progress_percent(1, 3) == 33
    assert rules.progress_percent(3, 3) == 100
    assert rules.progress_percent(0, 0) == 0


def test_open_dates_are_inclusive_and_an_empty_date_is_unbounded():
    d = dt.date(2026, 5, 1)
    assert rules.is_open(today=d, opens_on=d, closes_on=d)
    assert rules.is_open(today=d, opens_on=None, closes_on=None)
    assert not rules.is_open(today=d, opens_on=dt.date(2026, 5, 2), closes_on=None)
    assert not rules.is_open(today=d, opens_on=None, closes_on=dt.date(2026, 4, 30))


def test_an_assigned_course_is_overdue_only_after_its_deadline_and_until_completed():
    due = dt.date(2026, 5, 1)
    assert not rules.is_overdue(today=due, due_on=due, completed=False)
    assert rules.is_overdue(today=dt.date(2026, 5, 2), due_on=due, completed=False)
    assert not rules.is_overdue(today=dt.date(2026, 5, 2), due_on=due, completed=True)
    assert not rules.is_overdue(today=dt.date(2026, 5, 2), due_on=None, completed=False)


def test_certificate_numbers_are_stable_and_distinct():
    a = rules.certificate_number(year=2026, course_id=3, enrolment_id=12)
    assert a == "DX202600030000012"
    assert a != rules.certificate_number(year=2026, course_id=3, enrolment_id=13)
