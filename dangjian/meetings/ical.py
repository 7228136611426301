"""The iCalendar (RFC 5545) feed of a user's meetings, for subscribing in a phone or desktop calendar.

Lines end in CRLF and are folded at 75 octets without splitting a UTF-8 character (§3.1); text values are
escaped (§3.3.11); times are UTC (``…Z``, §3.3.5) so no VTIMEZONE is needed, and a meeting with only a
planned date is an all-day event (``VALUE=DATE``). Each meeting keeps its ``UID`` across updates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from dangjian.meetings.models import Meeting, MeetingStatus

DEFAULT_LENGTH = dt.timedelta(hours=2)  # when the record has a start and no end


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, line breaks as ``\\n``."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded into pieces of at most 75 octets, joined by CRLF and a space."""
    pieces: list[str] = []
    current, size, limit = "", 0, 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            pieces.append(current)
            current, size, limit = "", 0, 74  # a continuation line starts with one space
        current += ch
        size += n
    pieces.append(current)
    return "\r\n ".join(pieces)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(meeting: Meeting, stamp: dt.datetime, domain: str, site_url: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@{domain}",
        f"DTSTAMP:{_utc(stamp)}",
        f"LAST-MODIFIED:{_utc(meeting.updated_at)}",
    ]
    if meeting.starts_at is not None:
        end = meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH
        lines += [f"DTSTART:{_utc(meeting.starts_at)}", f"DTEND:{_utc(end)}"]
    else:
        day = meeting.held_on or meeting.planned_on
        lines += [
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
        ]
    kind = meeting.get_kind_display()
    unit = f"{meeting.org.label}·{meeting.group.label}" if meeting.group else meeting.org.label
    state = "已召开" if meeting.status != MeetingStatus.PLANNED else "计划"
    description = f"{unit}\n{kind}（{state}）"
    url = f"{site_url}/meetings/{meeting.pk}/" if site_url else ""
    if url:
        description += f"\n{url}"
    lines += [
        f"SUMMARY:{escape(f'{kind}：{meeting.topic}')}",
        f"DESCRIPTION:{escape(description)}",
        f"CATEGORIES:{escape(kind)}",
        "STATUS:CONFIRMED",
        "TRANSP:OPAQUE",
    ]
    if meeting.place_label:
        lines.append(f"LOCATION:{escape(meeting.place_label)}")
    if url:
        lines.append(f"URL:{url}")
    lines.append("END:VEVENT")
    return lines


def calendar(
    meetings: Iterable[Meeting], *, name: str, stamp: dt.datetime, domain: str, site_url: str = ""
) -> bytes:
    """The VCALENDAR of ``meetings`` as UTF-8 bytes."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//dangjian//meetings//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
        "X-WR-TIMEZONE:Asia/Shanghai",
        "REFRESH-INTERVAL;VALUE=DURATION:PT6H",
        "X-PUBLISHED-TTL:PT6H",
    ]
    for meeting in meetings:
        lines += _event(meeting, stamp, domain, site_url)
    lines.append("END:VCALENDAR")
    return ("".join(fold(line) + "\r\n" for line in lines)).encode("utf-8")
