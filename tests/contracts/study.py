"""Scope contract of 学习专题与学习笔记: see tests/contracts/__init__.py.

The objects: a published topic of 一公司党委 (officer's scope) with an article and a PDF, assigned as required
study to 第一党支部 and open to the committee's subtree; a note of 党员甲 (第一党支部) shared with the branch,
with a comment of his. Readers of the topic: 党员甲 (assigned), secretary_a (her branch is assigned),
secretary_b (her branch lies under the publishing committee, the topic is open), the officer (publisher).
Readers of the shared note: its author and study.view over 第一党支部 (secretary_a, officer); nobody else.
Private notes are read by their author only.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from tests.contracts import ADMINS, NOT_ADMINS, ORG_WORKERS, SIGNED_IN, Write, api, html

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

TOPIC_READERS = ("member_user", "secretary_a", "secretary_b", "officer")
NOTE_READERS = ("member_user", "secretary_a", "officer")


def _topic(w: SimpleNamespace) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangjian.study import services
    from dangjian.study.models import Topic

    topic = Topic.objects.filter(title="合同测试专题").first()
    if topic is not None:
        return topic
    topic = services.topic_create(actor=w.officer, org=w.committee, title="合同测试专题")
    services.item_add_article(actor=w.officer, topic=topic, title="合同测试文章", body="<p>正文</p>")
    services.item_add_file(
        actor=w.officer,
        topic=topic,
        kind="document",
        title="合同测试文档",
        upload=SimpleUploadedFile("a.pdf", PDF),
    )
    services.assignment_add(actor=w.officer, topic=topic, org=w.branch_a, required=True)
    services.topic_publish(actor=w.officer, topic=topic)
    return topic


def _article(w: SimpleNamespace) -> Any:
    return _topic(w).items.get(kind="article")


def _pdf(w: SimpleNamespace) -> Any:
    return _topic(w).items.get(kind="document")


def _assignment(w: SimpleNamespace) -> Any:
    return _topic(w).assignments.get()


def _note(w: SimpleNamespace) -> Any:
    from dangjian.study import services
    from dangjian.study.models import Note

    note = Note.objects.filter(member=w.member).first()
    if note is None:
        note = services.note_create(
            actor=w.member_user, content_key=_article(w).content_key, body="合同测试笔记", shared=True
        )
    return note


def _comment(w: SimpleNamespace) -> Any:
    from dangjian.study import services
    from dangjian.study.models import NoteComment

    note = _note(w)
    return NoteComment.objects.filter(note=note).first() or services.note_comment_add(
        actor=w.member_user, note=note, body="合同测试评论"
    )


def _pk(get: Callable[[SimpleNamespace], Any]) -> Callable[[SimpleNamespace], dict[str, Any]]:
    return lambda w: {"pk": get(w).pk}


def _existing_key(w: SimpleNamespace) -> str:
    """An article's key without creating anything (a payload is built after the "before" snapshot)."""
    from dangjian.study.models import TopicItem

    item = TopicItem.objects.filter(kind="article").first()
    return item.content_key if item is not None else "topic_item:1"


def _article_form(w: SimpleNamespace) -> dict[str, Any]:
    return {"kind": "article", "title": "新文章", "body": "<p>新的正文</p>"}


EXPECTED: dict[str, dict[str, Any]] = {
    "study:my_study": html(SIGNED_IN),  # an account without a member record sees a notice
    "study:topic_detail": html(TOPIC_READERS, others=404),
    "study:item_detail": html(TOPIC_READERS, others=404),
    "study:item_file": html(TOPIC_READERS, others=404),
    "study:note_list": html(SIGNED_IN),  # own notes only
    "study:branch_notes": html(NOT_ADMINS),
    "study:note_create": html(SIGNED_IN, ok=405),
    "study:note_export": html(("member_user",), others=302),  # no member record: back to 我的笔记
    "study:note_detail": html(NOTE_READERS, others=404),
    "study:note_edit": html(("member_user",), others=404),
    "study:note_delete": html(SIGNED_IN, ok=405),
    "study:note_like": html(SIGNED_IN, ok=405),
    "study:note_comment": html(SIGNED_IN, ok=405),
    "study:comment_delete": html(SIGNED_IN, ok=405),
    "study:manage_list": html(ORG_WORKERS),
    "study:topic_edit": html(("officer",), secretary_a=404, secretary_b=404),
    "study:item_add": html(ORG_WORKERS, ok=405),
    "study:assignment_add": html(ORG_WORKERS, ok=405),
    "study:topic_action": html(ORG_WORKERS, ok=405),
    "study:item_edit": html(("officer",), secretary_a=404, secretary_b=404),
    "study:item_delete": html(ORG_WORKERS, ok=405),
    "study:assignment_remove": html(ORG_WORKERS, ok=405),
    "study:stats": html(ORG_WORKERS),
    "study:topic_stats": html(ORG_WORKERS),
    "study:topic_stats_export": html(ORG_WORKERS),  # an audited download
    "study-my": api(SIGNED_IN),
    "study-topic-detail": api(TOPIC_READERS, others=404),
    "study-item-detail": api(TOPIC_READERS, others=404),
    "study-managed-topic-list": api(ORG_WORKERS),
    "study-managed-topic-detail": api(("officer",), secretary_a=404, secretary_b=404),
    "study-managed-topic-assign": api(ORG_WORKERS, ok=405),
    "study-managed-topic-close": api(ORG_WORKERS, ok=405),
    "study-managed-topic-items": api(ORG_WORKERS, ok=405),
    "study-managed-topic-publish": api(ORG_WORKERS, ok=405),
    "study-managed-item-detail": api(("officer",), secretary_a=404, secretary_b=404),
    "study-assignment-list": api(ORG_WORKERS),
    "study-assignment-detail": api(ORG_WORKERS, ok=405),  # DELETE only
    "study-note-list": api(SIGNED_IN),
    "study-note-detail": api(("member_user",), others=404),
    "study-shared-note-list": api(NOT_ADMINS),
    "study-shared-note-detail": api(NOTE_READERS, others=404, **dict.fromkeys(ADMINS, 403)),
    "study-shared-note-comments": api(NOTE_READERS, others=404, **dict.fromkeys(ADMINS, 403)),
    "study-shared-note-like": api(SIGNED_IN, ok=405),
    "study-stats-topic-list": api(ORG_WORKERS),
    "study-stats-topic-stats": api(ORG_WORKERS),
}

KWARGS: dict[str, Callable[[SimpleNamespace], dict[str, Any]]] = {
    "study:topic_detail": _pk(_topic),
    "study:item_detail": _pk(_article),
    "study:item_file": _pk(_pdf),
    "study:note_detail": _pk(_note),
    "study:note_edit": _pk(_note),
    "study:note_delete": _pk(_note),
    "study:note_like": _pk(_note),
    "study:note_comment": _pk(_note),
    "study:comment_delete": _pk(_comment),
    "study:topic_edit": _pk(_topic),
    "study:item_add": _pk(_topic),
    "study:assignment_add": _pk(_topic),
    "study:topic_action": lambda w: {"pk": _topic(w).pk, "action": "close"},
    "study:item_edit": _pk(_article),
    "study:item_delete": _pk(_article),
    "study:assignment_remove": _pk(_assignment),
    "study:topic_stats": _pk(_topic),
    "study:topic_stats_export": _pk(_topic),
    "study-topic-detail": _pk(_topic),
    "study-item-detail": _pk(_article),
    "study-managed-topic-detail": _pk(_topic),
    "study-managed-topic-assign": _pk(_topic),
    "study-managed-topic-close": _pk(_topic),
    "study-managed-topic-items": _pk(_topic),
    "study-managed-topic-publish": _pk(_topic),
    "study-managed-item-detail": _pk(_article),
    "study-assignment-detail": _pk(_assignment),
    "study-note-detail": _pk(_note),
    "study-shared-note-detail": _pk(_note),
    "study-shared-note-comments": _pk(_note),
    "study-shared-note-like": _pk(_note),
    "study-stats-topic-stats": _pk(_topic),
}

OFFICER = ("officer",)
MEMBER = ("member_user",)

WRITES: dict[str, Write] = {
    "study:note_create": Write(
        "post", MEMBER, lambda w: {"content": _existing_key(w), "body": "新笔记", "shared": "on"}
    ),
    "study:note_edit": Write("post", MEMBER, lambda w: {"body": "改过的笔记"}),
    "study:note_delete": Write("post", MEMBER, lambda w: {}),
    "study:note_like": Write("post", MEMBER, lambda w: {}),
    "study:note_comment": Write("post", MEMBER, lambda w: {"body": "说得好"}),
    "study:comment_delete": Write("post", MEMBER, lambda w: {}),
    "study:manage_list": Write("post", ORG_WORKERS, lambda w: {"org": w.branch_a.pk, "title": "新专题"}),
    "study:topic_edit": Write("post", OFFICER, lambda w: {"title": "改过的专题", "is_open": "on"}),
    "study:item_add": Write("post", OFFICER, _article_form),
    "study:assignment_add": Write("post", OFFICER, lambda w: {"target": "org", "org": w.branch_b.pk}),
    "study:topic_action": Write("post", OFFICER, lambda w: {}),
    "study:item_edit": Write("post", OFFICER, lambda w: {"title": "改过的标题", "body": "<p>改过</p>"}),
    "study:item_delete": Write("post", OFFICER, lambda w: {}),
    "study:assignment_remove": Write("post", OFFICER, lambda w: {}),
    "study-managed-topic-list": Write(
        "post", ORG_WORKERS, lambda w: {"org": w.branch_a.pk, "title": "新专题"}
    ),
    "study-managed-topic-detail": Write("patch", OFFICER, lambda w: {"title": "改过的专题"}),
    "study-managed-topic-assign": Write("post", OFFICER, lambda w: {"org": w.branch_b.pk}),
    "study-managed-topic-close": Write("post", OFFICER, lambda w: {}),
    "study-managed-topic-items": Write("post", OFFICER, _article_form),
    "study-managed-topic-publish": Write("post", OFFICER, lambda w: {}),
    "study-managed-item-detail": Write("patch", OFFICER, lambda w: {"title": "改过的标题"}),
    "study-assignment-detail": Write("delete", OFFICER, lambda w: {}),
    "study-note-list": Write(
        "post", MEMBER, lambda w: {"content_key": _existing_key(w), "body": "新笔记", "shared": True}
    ),
    "study-note-detail": Write("patch", MEMBER, lambda w: {"body": "改过的笔记"}),
    "study-shared-note-like": Write("post", MEMBER, lambda w: {}),
    "study-shared-note-comments": Write("post", MEMBER, lambda w: {"body": "说得好"}),
}
