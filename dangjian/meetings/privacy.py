"""Personal-information classes of this app's fields (merged into dangjian.core.privacy.INVENTORY).

A meeting record names people (host, recorder, who attended, who was on leave and why, who was excluded from
应到会 and why). Reasons of leave and of exclusion (detained, under 留党察看, bedridden …) are sensitive: they
are shown only to those who manage the branch's meetings and never written to the audit log.
"""

_P, _I, _PE, _S = "public", "internal", "personal", "sensitive"

INVENTORY: dict[str, dict[str, str]] = {
    "meetings.meeting": {
        "id": _I,
        "org": _I,
        "group": _I,
        "kind": _I,
        "topic": _I,
        "planned_on": _I,
        "starts_at": _I,
        "ends_at": _I,
        "place": _I,
        "online": _I,
        "host": _PE,  # names a member
        "recorder": _PE,
        "status": _I,
        "minutes": _PE,  # may quote what members said
        "decisions": _PE,  # may concern a member (admission, discipline)
        "held_on": _I,
        "check_in_code": _I,  # short-lived, only while check-in is open
        "check_in_token": _I,
        "check_in_open": _I,
        "review_note": _PE,
        "version": _I,
        "reviewed_by": _I,
        "reviewed_at": _I,
        "created_by": _I,
        "created_at": _I,
        "updated_at": _I,
    },
    "meetings.attendance": {
        "id": _I,
        "meeting": _I,
        "member": _PE,  # who was expected at a meeting
        "voting": _PE,  # reveals 正式/预备 and 党籍 status
        "excluded_reason": _S,  # e.g. detained, under 留党察看, bedridden
        "leave_reason": _S,  # may be a health reason
        "checked_in_at": _PE,
        "check_in_method": _I,
        "late": _PE,
    },
    "meetings.meetingattachment": {
        "id": _I,
        "meeting": _I,
        "file": _PE,  # photos show people
        "caption": _PE,
        "added_by": _I,
        "added_at": _I,
    },
    "meetings.meetingreview": {
        "id": _I,
        "meeting": _I,
        "action": _I,
        "version": _I,
        "comment": _PE,
        "actor": _I,
        "created_at": _I,
    },
    "meetings.meetingversion": {
        "id": _I,
        "meeting": _I,
        "number": _I,
        "snapshot": _S,  # the record as reviewed, with each member's line (leave and exclusion reasons)
        "reason": _I,
        "created_by": _I,
        "created_at": _I,
    },
    "meetings.meetingreminder": {
        "id": _I,
        "meeting": _I,
        "user": _I,  # the secretary's account the reminder went to
        "planned_on": _I,
        "sent_at": _I,
        "error": _I,  # the mail server's answer
        "created_at": _I,
    },
    "meetings.calendarfeed": {
        "id": _I,
        "user": _I,
        "prefix": _I,
        "key_hash": _S,  # verifies the feed's secret key like a password hash
        "created_at": _I,
        "last_used_at": _I,
        "revoked_at": _I,
    },
    "meetings.complianceperiod": {  # counts per organisation and period: no person
        "id": _I,
        "org": _I,
        "kind": _I,
        "period": _I,
        "period_start": _I,
        "period_end": _I,
        "on_time": _I,
        "late": _I,
    },
}
