"""Personal-information classes of this app's fields (merged into dangjian.core.privacy.INVENTORY).

Topics and their items are what an organisation publishes; progress, notes, likes and comments say what a
person studied, thought and wrote: personal. A private note is read by its author only."""

_P, _I, _PE = "public", "internal", "personal"

INVENTORY: dict[str, dict[str, str]] = {
    "study.topic": {
        "id": _I,
        "org": _I,
        "title": _P,
        "summary": _P,
        "status": _I,
        "is_open": _I,
        "created_by": _I,
        "published_at": _P,
        "created_at": _I,
        "updated_at": _I,
    },
    "study.topicitem": {
        "id": _I,
        "topic": _I,
        "position": _I,
        "kind": _I,
        "title": _P,
        "body": _P,
        "file": _I,
        "doc_format": _I,
        "duration_seconds": _I,
        "created_at": _I,
    },
    "study.topicassignment": {
        "id": _I,
        "topic": _I,
        "org": _I,
        "include_subtree": _I,
        "member": _I,
        "required": _I,
        "deadline": _I,
        "created_by": _I,
        "created_at": _I,
    },
    "study.itemprogress": {
        "id": _I,
        "member": _I,
        "item": _I,
        "topic": _I,
        "seconds": _PE,  # how long a person studied
        "completed_at": _PE,
        "updated_at": _PE,
    },
    "study.note": {
        "id": _I,
        "member": _I,
        "branch": _PE,  # the author's branch
        "content_key": _PE,  # what a person studied
        "content_title": _PE,
        "body": _PE,  # what a person thought and wrote
        "shared": _PE,
        "created_at": _PE,
        "updated_at": _PE,
    },
    "study.notelike": {"id": _I, "note": _I, "member": _I, "created_at": _PE},
    "study.notecomment": {"id": _I, "note": _I, "member": _I, "body": _PE, "created_at": _PE},
}
