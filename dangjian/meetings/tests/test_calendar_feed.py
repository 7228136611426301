"""The .ics calendar feed per user (issue 5 §4): a secret, revocable address stored hashed; valid iCalendar
(RFC 5545: CRLF, folding at 75 octets, escaping, UID, DTSTAMP, UTC times) of the meetings the user attends
or runs, planned and held, three months back to twelve ahead."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_member, make_user, sign_in
from dangjian.audit.models import AuditEntry
from dangjian.core.errors import BusinessError
from dangjian.meetings import ical, services
from dangjian.meetings.models import CalendarFeed

# --- a minimal RFC 5545 reader ------------------------------------------------------------------------


def unfold(data: bytes) -> list[str]:
    """Check the physical lines (CRLF only, at most 75 octets) and return the unfolded content lines."""
    assert data.endswith(b"\r\n")
    physical = data[:-2].split(b"\r\n")
    for line in physical:
        assert b"\n" not in line and b"\r" not in line, line
        assert len(line) <= 75, (len(line), line)
        line.decode("utf-8")  # folding never splits a character
    text = data.decode("utf-8")
    return re.sub(r"\r\n[ \t]", "", text)[:-2].split("\r\n")


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\":
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            assert value[i] not in ";,", f"unescaped {value[i]!r} in {value!r}"
            out.append(value[i])
            i += 1
    return "".join(out)


def parse(data: bytes) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The calendar's properties and its events (property name with parameters → raw value)."""
    lines = unfold(data)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    cal: dict[str, str] = {}
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in lines[1:-1]:
        name, sep, value = line.partition(":")
        assert sep and re.fullmatch(r"[A-Z-]+(;[A-Z-]+=[^;:]+)*", name), line
        if line == "BEGIN:VEVENT":
            assert current is None
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            events.append(current)
            current = None
        elif current is not None:
            current[name] = value
        else:
            cal[name] = value
    assert current is None
    return cal, events


# --- the builder ----------------------------------------------------------------------------------------


def test_folding_keeps_chinese_characters_whole_and_lines_within_75_octets():
    line = "SUMMARY:" + "主题党日：学习贯彻党的二十届四中全会精神" * 4
    folded = ical.fold(line)
    pieces = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in pieces) and all(p.startswith(" ") for p in pieces[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(pieces)) == line
    assert ical.fold("SHORT:ok") == "SHORT:ok"


def test_text_values_are_escaped():
    assert ical.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


# --- the feed -------------------------------------------------------------------------------------------


@pytest.fixture
def meetings(world):
    now = timezone.now()
    today = timezone.localdate()
    held = services.meeting_create(
        actor=world.secretary_a,
        org=world.branch_a,
        kind="theme_day",
        topic="重温入党誓词，学习党章; 交流\\体会" + "：深入学习贯彻全会精神" * 5,
        starts_at=now - dt.timedelta(days=10),
        ends_at=now - dt.timedelta(days=10) + dt.timedelta(hours=1, minutes=30),
        place="三楼党员活动室，201",
    )
    services.meeting_record(actor=world.secretary_a, meeting=held, minutes="一、重温入党誓词")
    planned = services.meeting_create(
        actor=world.secretary_a,
        org=world.branch_a,
        kind="general_meeting",
        topic="接收预备党员",
        planned_on=today + dt.timedelta(days=20),
    )
    committee = services.meeting_create(
        actor=world.secretary_a,
        org=world.branch_a,
        kind="committee_meeting",
        topic="研究发展党员",
        planned_on=today + dt.timedelta(days=5),
    )
    too_far = services.meeting_create(
        actor=world.secretary_a,
        org=world.branch_a,
        kind="lecture",
        topic="明年的党课",
        planned_on=today + dt.timedelta(days=400),
    )
    too_old = services.meeting_create(
        actor=world.secretary_a,
        org=world.branch_a,
        kind="lecture",
        topic="半年前的党课",
        planned_on=today - dt.timedelta(days=120),
    )
    cancelled = services.meeting_create(
        actor=world.secretary_a,
        org=world.branch_a,
        kind="lecture",
        topic="取消的党课",
        planned_on=today + dt.timedelta(days=3),
    )
    services.meeting_cancel(actor=world.secretary_a, meeting=cancelled, reason="改期")
    other = services.meeting_create(
        actor=world.secretary_b,
        org=world.branch_b,
        kind="theme_day",
        topic="第二支部主题党日",
        planned_on=today + dt.timedelta(days=3),
    )
    return locals()


def _feed_url(client, user) -> str:
    sign_in(client, user)
    page = client.post(reverse("meetings:calendar_feed")).content.decode()
    match = re.search(r'id="feed-url" value="([^"]+)"', page)
    assert match, page
    return match.group(1).replace("&amp;", "&")


def test_secretary_subscribes_and_the_feed_is_valid_icalendar(client, world, meetings, settings):
    settings.SITE_URL = "https://dangjian.example.cn"
    url = _feed_url(client, world.secretary_a)
    key = parse_qs(urlsplit(url).query)["token"][0]
    feed = CalendarFeed.objects.get(user=world.secretary_a)
    assert feed.key_hash == hashlib.sha256(key.encode()).hexdigest() and key not in str(feed.__dict__)
    entry = AuditEntry.objects.get(action="meetings.calendar_feed.create")
    assert key not in str(entry.changes)

    client.logout()  # a calendar app has no session: the token is the credential
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    cal, events = parse(response.content)
    assert cal["VERSION"] == "2.0" and cal["PRODID"] and cal["CALSCALE"] == "GREGORIAN"
    summaries = {unescape(e["SUMMARY"]) for e in events}
    m = meetings
    assert f"主题党日：{m['held'].topic}" in summaries
    assert {"支部党员大会：接收预备党员", "支委会：研究发展党员"} <= summaries
    for absent in ("明年的党课", "半年前的党课", "取消的党课", "第二支部主题党日"):
        assert not any(absent in s for s in summaries), absent
    by_uid = {e["UID"]: e for e in events}
    assert len(by_uid) == len(events)  # each meeting once
    held = by_uid[f"meeting-{m['held'].pk}@dangjian.example.cn"]
    start = m["held"].starts_at.astimezone(dt.UTC)
    assert held["DTSTART"] == start.strftime("%Y%m%dT%H%M%SZ")
    assert held["DTEND"] == (start + dt.timedelta(hours=1, minutes=30)).strftime("%Y%m%dT%H%M%SZ")
    assert re.fullmatch(r"\d{8}T\d{6}Z", held["DTSTAMP"])
    assert unescape(held["LOCATION"]) == "三楼党员活动室，201"
    assert held["URL"] == f"https://dangjian.example.cn/meetings/{m['held'].pk}/"
    assert "已召开" in unescape(held["DESCRIPTION"])
    planned = by_uid[f"meeting-{m['planned'].pk}@dangjian.example.cn"]
    day = m["planned"].planned_on
    assert planned["DTSTART;VALUE=DATE"] == f"{day:%Y%m%d}"
    assert planned["DTEND;VALUE=DATE"] == f"{day + dt.timedelta(days=1):%Y%m%d}"
    feed.refresh_from_db()
    assert feed.last_used_at is not None


def test_a_member_gets_the_branch_meetings_she_should_attend(client, world, meetings):
    url = _feed_url(client, world.member_user)
    _, events = parse(client.get(url).content)
    summaries = {unescape(e["SUMMARY"]) for e in events}
    assert "支部党员大会：接收预备党员" in summaries
    assert "支委会：研究发展党员" not in summaries  # not on the committee
    newcomer = make_member(world.branch_b, "孙八", user=make_user("sunba", "孙八"))
    url = _feed_url(client, newcomer.user)
    _, events = parse(client.get(url).content)
    assert {unescape(e["SUMMARY"]) for e in events} == {"主题党日：第二支部主题党日"}


def test_a_new_address_or_a_revocation_stops_the_old_one(client, world, meetings, snap):
    first = _feed_url(client, world.secretary_a)
    second = _feed_url(client, world.secretary_a)
    assert client.get(first).status_code == 404 and client.get(second).status_code == 200
    response = client.post(reverse("meetings:calendar_feed_revoke"), follow=True)
    assert "日历订阅已停用" in response.content.decode()
    assert client.get(second).status_code == 404
    assert AuditEntry.objects.filter(action="meetings.calendar_feed.revoke").count() == 1
    before = snap()
    with pytest.raises(BusinessError) as exc:
        services.calendar_feed_revoke(user=world.secretary_a)
    assert exc.value.code == "meetings.no_feed"
    assert snap() == before


@pytest.mark.parametrize("token", ["", "cal_wrong", "x" * 300, "dj_notacalendartoken"])
def test_a_wrong_token_gets_404_and_changes_nothing(client, world, meetings, snap, token):
    _feed_url(client, world.secretary_a)
    client.logout()
    before = snap()
    response = client.get(reverse("meetings:calendar_ics"), {"token": token})
    assert response.status_code == 404 and b"BEGIN:VCALENDAR" not in response.content
    assert snap() == before


def test_a_deactivated_account_feed_stops(client, world, meetings):
    url = _feed_url(client, world.secretary_a)
    world.secretary_a.is_active = False
    world.secretary_a.save(update_fields=["is_active"])
    assert client.get(url).status_code == 404


def test_the_three_administrators_do_not_subscribe(world, snap):
    before = snap()
    with pytest.raises(BusinessError) as exc:
        services.calendar_feed_create(user=world.system_admin)
    assert exc.value.code == "meetings.forbidden"
    assert snap() == before


def test_the_page_offers_the_copy_button_and_shows_the_state(client, world):
    sign_in(client, world.member_user)
    page = client.get(reverse("meetings:calendar_feed")).content.decode()
    assert 'id="create-feed"' in page and "尚未启用" in page
    created = client.post(reverse("meetings:calendar_feed"))
    assert created["Cache-Control"] == "no-store"
    assert 'data-copy-target="#feed-url"' in created.content.decode()
    assert "meetings/calendar.js" in created.content.decode()
    page = client.get(reverse("meetings:calendar_feed")).content.decode()
    assert "已启用" in page and 'id="feed-url"' not in page  # the key is never shown again
