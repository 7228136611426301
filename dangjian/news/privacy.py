"""Personal-information classes of this app's fields (merged into dangjian.core.privacy.INVENTORY).

Feed configuration and reposted news are public or internal. A branch post is published news about an
organisation's activity (public once approved); who wrote or reviewed it, and why it was returned, is
personal (it is about a named person's work), shown only to its publishers and reviewers.
"""

_P, _I, _PE = "public", "internal", "personal"

INVENTORY: dict[str, dict[str, str]] = {
    "news.feed": {
        "id": _I,
        "name": _P,
        "url": _I,
        "interval_minutes": _I,
        "enabled": _I,
        "last_fetched_at": _I,
        "last_success_at": _I,
        "last_error": _I,
        "last_added": _I,
        "etag": _I,
        "last_modified": _I,
        "created_at": _I,
        "updated_at": _I,
    },
    "news.feeditem": {
        "id": _I,
        "feed": _I,
        "dedup_key": _I,
        "guid": _I,
        "link": _P,
        "title": _P,
        "summary": _P,
        "author": _P,  # the byline of published news (an agency or a journalist)
        "content_hash": _I,
        "published_at": _P,
        "fetched_at": _I,
        "hidden": _I,
    },
    "news.post": {
        "id": _I,
        "org": _P,
        "title": _P,
        "body": _P,  # may name people taking part in an activity; published only after review
        "happened_on": _P,
        "status": _I,
        "author": _PE,
        "created_at": _I,
        "updated_at": _I,
        "submitted_at": _I,
        "reviewed_by": _PE,
        "reviewed_at": _I,
        "review_note": _PE,
        "published_at": _P,
    },
    "news.postphoto": {
        "id": _I,
        "post": _I,
        "file": _I,
        "caption": _P,
        "position": _I,
    },
}
