"""Personal-information classes of this app's fields (merged into dangjian.core.privacy.INVENTORY).

Letter subjects, bodies, the writer's additions, 随手拍 descriptions and locations are sensitive
(anonymous-letter content: its facts may point at the writer, and it names the people it reports); they are
encrypted at rest, like the attachments, and never written to the audit log. Category and kind are personal,
and so are the name and contact a signed 群众 leaves. Receipt hashes are keyed (internal, like a blind
index). Days of arrival are internal.
"""

_P, _I, _PE, _S = "public", "internal", "personal", "sensitive"

INVENTORY: dict[str, dict[str, str]] = {
    "mailbox.category": {
        "id": _I,
        "name": _I,
        "keywords": _I,
        "sort_order": _I,
        "is_active": _I,
        "is_fallback": _I,
    },
    "mailbox.letter": {
        "id": _I,
        "org": _I,
        "anonymous": _I,
        "writer": _PE,  # a signed letter's writer
        "signed_name": _PE,
        "contact": _PE,
        "subject": _S,
        "category": _PE,  # what the letter is about (廉洁问题 …)
        "category_source": _I,
        "kind": _PE,  # 举报 / 投诉 …
        "kind_source": _I,
        "status": _I,
        "is_read": _I,
        "has_news": _I,
        "assignee": _I,
        "due_on": _I,
        "closed_on": _I,
        "received_on": _I,
        "receipt_hash": _I,
        "receipt_expires_on": _I,
    },
    "mailbox.lettermessage": {
        "id": _I,
        "letter": _I,
        "author_kind": _I,
        "author": _I,  # the handler who replied
        "body": _S,
        "files": _PE,  # links to the encrypted files
        "created_on": _I,
        "created_at": _I,
        "seq": _I,
    },
    "mailbox.correction": {
        "id": _I,
        "letter": _I,
        "category": _PE,
        "kind": _PE,
        "corrected_by": _I,
        "created_at": _I,
    },
    "mailbox.classifiermodel": {
        "id": _I,
        "target": _I,
        "params": _I,  # counts of words and character pairs per class, no letter text
        "samples": _I,
        "trained_at": _I,
    },
    "mailbox.snapshotreport": {
        "id": _I,
        "org": _I,
        "anonymous": _I,
        "reporter": _PE,
        "description": _S,
        "location": _S,
        "files": _PE,  # links to the encrypted photos and videos
        "status": _I,
        "assignee": _I,
        "due_on": _I,
        "closed_on": _I,
        "received_on": _I,
        "receipt_hash": _I,
        "receipt_expires_on": _I,
    },
    "mailbox.casestep": {
        "id": _I,
        "report": _I,
        "status": _I,
        "note": _PE,  # the handler's note: may name those responsible
        "actor": _I,
        "created_at": _I,
    },
}
