"""Personal-information classes of the points tables added after the first ones (those are in
dangjian/core/privacy.py); merged into dangjian.core.privacy.INVENTORY."""

_I, _PE = "internal", "personal"

INVENTORY: dict[str, dict[str, str]] = {
    "points.pointtotal": {
        "id": _I,
        "member": _I,
        "period": _I,
        "start": _I,
        "points": _PE,  # a person's score over a period
        "branch": _I,
        "committee": _I,
    },
    "points.pointorgtotal": {"id": _I, "org": _I, "period": _I, "start": _I, "points": _I},
}
