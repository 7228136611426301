"""Personal-information classes of this app's fields (merged into dangjian.core.privacy.INVENTORY)."""

_I, _PE = "internal", "personal"

INVENTORY: dict[str, dict[str, str]] = {
    "studytime.studyday": {
        "id": _I,
        "member": _I,
        "content_key": _PE,  # what a person studied
        "on": _PE,
        "seconds": _PE,
        "beats": _I,
        "last_beat_at": _PE,
        "credited_until": _PE,
        "first_at": _PE,
        "updated_at": _I,
    },
    "studytime.studyclock": {"id": _I, "member": _I, "last_credit_at": _PE},
    "studytime.studyhours": {
        "id": _I,
        "member": _I,
        "year": _I,
        "hours": _PE,
        "kind": _PE,
        "title": _PE,
        "source_key": _I,
        "credited_on": _PE,
        "recorded_by": _I,
        "revoked": _I,
        "created_at": _I,
    },
}
