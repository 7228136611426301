"""Personal-information classes of this app's fields (merged into dangjian.core.privacy.INVENTORY)."""

_I, _PE = "internal", "personal"

_COURSE = (
    "id",
    "org",
    "title",
    "description",
    "cover",
    "hours",
    "kind",
    "opens_on",
    "closes_on",
    "status",
    "published_at",
    "created_at",
    "updated_at",
)

INVENTORY: dict[str, dict[str, str]] = {
    "school.course": {f: _I for f in _COURSE} | {"created_by": _I},
    "school.chapter": {"id": _I, "course": _I, "title": _I, "position": _I},
    "school.lesson": {
        f: _I
        for f in (
            "id",
            "course",
            "chapter",
            "title",
            "kind",
            "position",
            "body",
            "file",
            "duration_seconds",
            "is_required",
            "created_at",
        )
    },
    # Who must study what: a person's assignment and deadline are personal.
    "school.assignment": {
        "id": _I,
        "course": _I,
        "org": _I,
        "member": _PE,
        "due_on": _PE,
        "assigned_by": _I,
        "assigned_at": _I,
    },
    # A member's study record (what they studied, when, how far, the certificate).
    "school.enrolment": {
        "id": _I,
        "course": _PE,
        "member": _I,
        "source": _PE,
        "due_on": _PE,
        "enrolled_at": _PE,
        "completed_lessons": _PE,
        "completed_at": _PE,
        "certificate_no": _PE,
    },
    "school.lessonprogress": {
        "id": _I,
        "enrolment": _I,
        "lesson": _PE,
        "seconds": _PE,
        "completed_at": _PE,
        "updated_at": _I,
    },
}
