"""Writes of 学习专题 and 学习笔记. Every write with business meaning is here, checks scope itself, refuses
with ``BusinessError("study.<reason>")`` and writes its audit entry in the same transaction.

Progress on items is written only by the study-time hook (``item_progress_record``), from time the server
measured; points for comments go through ``points.services.points_award`` after commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from dangjian.access import scope
from dangjian.audit import services as audit
from dangjian.core import richtext, uploads
from dangjian.core.errors import BusinessError
from dangjian.members.models import Member
from dangjian.orgs.models import Org
from dangjian.points import services as points
from dangjian.study import rules, selectors
from dangjian.study.models import (
    TRANSITIONS,
    DocFormat,
    ItemKind,
    ItemProgress,
    Note,
    NoteComment,
    NoteLike,
    Topic,
    TopicAssignment,
    TopicItem,
    TopicStatus,
)
from dangjian.studytime import content as registry
from dangjian.studytime import services as studytime_services

UPLOAD_PURPOSE = "study.material"
TOPIC_FIELDS = ("title", "summary", "is_open")
NOTE_MAX = 5000
COMMENT_MAX = 1000

# What each file kind of the upload pipeline may be as a topic item.
_FILE_KINDS = {ItemKind.VIDEO: "video", ItemKind.AUDIO: "audio", ItemKind.DOCUMENT: "document"}
_DOC_TYPES = {
    "application/pdf": DocFormat.PDF,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": DocFormat.DOCX,
}


def _require_manage(actor: Any, org: Org) -> None:
    if not scope.org_in_scope(actor, "study.manage", org):
        raise BusinessError("study.forbidden", "无权管理该组织的学习专题")


def _member(actor: Any) -> Member:
    member = selectors.member_of(actor)
    if member is None:
        raise BusinessError("study.no_member", "当前账号未关联党员档案")
    return member


def _clean_title(title: str, limit: int) -> str:
    title = (title or "").strip()
    if not title:
        raise BusinessError("study.title_required", "请填写标题")
    if len(title) > limit:
        raise BusinessError("study.title_too_long", f"标题不能超过 {limit} 个字")
    return title


# --------------------------------------------------------------------------------------------------------
# Topics


@transaction.atomic
def topic_create(*, actor: Any, org: Org, title: str, summary: str = "", is_open: bool = True) -> Topic:
    """Create a draft topic published by ``org`` (study.manage over it). Audit: study.topic.create."""
    _require_manage(actor, org)
    topic = Topic.objects.create(
        org=org,
        title=_clean_title(title, 100),
        summary=(summary or "").strip()[:2000],
        is_open=is_open,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action="study.topic.create",
        target=topic,
        org_path=org.path,
        changes={"title": topic.title},
    )
    return topic


@transaction.atomic
def topic_update(*, actor: Any, topic: Topic, **fields: Any) -> Topic:
    """Change a topic's title, summary or openness. Audit: study.topic.update."""
    _require_manage(actor, topic.org)
    unknown = set(fields) - set(TOPIC_FIELDS)
    if unknown:
        raise BusinessError("study.bad_field", f"不能修改：{'、'.join(sorted(unknown))}")
    if "title" in fields:
        fields["title"] = _clean_title(fields["title"], 100)
    if "summary" in fields:
        fields["summary"] = (fields["summary"] or "").strip()[:2000]
    changes = audit.diff(topic, fields)
    for name, value in fields.items():
        setattr(topic, name, value)
    if changes:
        topic.save()
        audit.record(
            actor=actor, action="study.topic.update", target=topic, org_path=topic.org.path, changes=changes
        )
    return topic


def _move(actor: Any, topic: Topic, to: str, action: str) -> Topic:
    _require_manage(actor, topic.org)
    if to not in TRANSITIONS.get(topic.status, frozenset()):
        raise BusinessError("study.bad_status", f"专题当前为“{topic.get_status_display()}”，不能执行该操作")
    old = topic.status
    topic.status = to
    fields = ["status", "updated_at"]
    if to == TopicStatus.PUBLISHED and topic.published_at is None:
        topic.published_at = timezone.now()
        fields.append("published_at")
    topic.save(update_fields=fields)
    audit.record(
        actor=actor, action=action, target=topic, org_path=topic.org.path, changes={"status": [old, to]}
    )
    return topic


@transaction.atomic
def topic_publish(*, actor: Any, topic: Topic) -> Topic:
    """Publish a draft (or reopen a closed topic); it needs at least one item, and every video or audio needs
    its length (to know when it was watched). Audit: study.topic.publish."""
    items = list(topic.items.all())
    if not items:
        raise BusinessError("study.empty_topic", "专题还没有学习内容，不能发布")
    missing = [
        i.title for i in items if i.kind in (ItemKind.VIDEO, ItemKind.AUDIO) and not i.duration_seconds
    ]
    if missing:
        raise BusinessError("study.duration_required", f"请先填写音视频时长：{'、'.join(missing)}")
    return _move(actor, topic, TopicStatus.PUBLISHED, "study.topic.publish")


@transaction.atomic
def topic_close(*, actor: Any, topic: Topic) -> Topic:
    """End a published topic: no new study time, records kept. Audit: study.topic.close."""
    return _move(actor, topic, TopicStatus.CLOSED, "study.topic.close")


@transaction.atomic
def topic_delete(*, actor: Any, topic: Topic) -> None:
    """Delete a draft that was never published (its items and files go too). Audit: study.topic.delete."""
    _require_manage(actor, topic.org)
    if topic.status != TopicStatus.DRAFT or topic.published_at is not None:
        raise BusinessError("study.not_draft", "只能删除从未发布的草稿；已发布的专题请结束")
    files = [i.file for i in topic.items.select_related("file") if i.file is not None]
    audit.record(actor=actor, action="study.topic.delete", target=topic, org_path=topic.org.path,
                 changes={"title": topic.title})  # fmt: skip
    topic.delete()
    for stored in files:
        uploads.file_delete(actor=actor, stored=stored, authorised=True)


# --------------------------------------------------------------------------------------------------------
# Items


def _next_position(topic: Topic) -> int:
    return (topic.items.aggregate(m=Max("position"))["m"] or 0) + 1


@transaction.atomic
def item_add_article(*, actor: Any, topic: Topic, title: str, body: str) -> TopicItem:
    """Add an article; its markup is sanitised by the allow-list (richtext.prepare). Audit: study.item.add."""
    _require_manage(actor, topic.org)
    clean = richtext.prepare(body)
    if not richtext.plain_text(clean):
        raise BusinessError("study.body_required", "请填写正文")
    item = TopicItem.objects.create(
        topic=topic,
        kind=ItemKind.ARTICLE,
        title=_clean_title(title, 150),
        body=clean,
        position=_next_position(topic),
    )
    audit.record(actor=actor, action="study.item.add", target=item, org_path=topic.org.path,
                 changes={"kind": item.kind, "title": item.title})  # fmt: skip
    return item


@transaction.atomic
def item_add_file(
    *,
    actor: Any,
    topic: Topic,
    kind: str,
    title: str,
    upload: Any,
    duration_seconds: int | None = None,
) -> TopicItem:
    """Add a video, audio or document through the upload pipeline (purpose ``study.material``). A Word file
    is converted to HTML (paragraphs, headings, tables) for reading in the page; a PDF is shown by the
    browser's viewer. Audit: core.file.store and study.item.add."""
    _require_manage(actor, topic.org)
    if kind not in _FILE_KINDS:
        raise BusinessError("study.bad_kind", "未知的内容类型")
    title = _clean_title(title, 150)
    if duration_seconds is not None and not (0 < duration_seconds <= 24 * 3600):
        raise BusinessError("study.bad_duration", "时长须在 1 秒到 24 小时之间")
    stored = uploads.file_store(actor=actor, purpose=UPLOAD_PURPOSE, upload=upload, org=topic.org)
    if stored.kind != _FILE_KINDS[ItemKind(kind)]:
        raise BusinessError("study.wrong_file", f"所选文件不是{ItemKind(kind).label}文件")
    body, doc_format = "", ""
    if kind == ItemKind.DOCUMENT:
        doc_format = _DOC_TYPES.get(stored.content_type, "")
        if not doc_format:
            raise BusinessError("study.doc_type", "文档须为 PDF 或 Word（.docx）文件")
        if doc_format == DocFormat.DOCX:
            try:
                body = richtext.docx_to_html(uploads.file_open(stored=stored))
            except Exception as exc:  # a file the checks passed but python-docx cannot read
                raise BusinessError(
                    "study.docx_unreadable", "无法读取该 Word 文档，请另存为 .docx 后重试"
                ) from exc
    item = TopicItem.objects.create(
        topic=topic,
        kind=kind,
        title=title,
        body=body,
        file=stored,
        doc_format=doc_format,
        duration_seconds=duration_seconds if kind in (ItemKind.VIDEO, ItemKind.AUDIO) else None,
        position=_next_position(topic),
    )
    audit.record(actor=actor, action="study.item.add", target=item, org_path=topic.org.path,
                 changes={"kind": kind, "title": title})  # fmt: skip
    return item


@transaction.atomic
def item_update(
    *, actor: Any, item: TopicItem, title: str, body: str | None = None, duration_seconds: int | None = None
) -> TopicItem:
    """Change an item's title, an article's text or a video's length. Audit: study.item.update."""
    topic = item.topic
    _require_manage(actor, topic.org)
    data: dict[str, Any] = {"title": _clean_title(title, 150)}
    if item.kind == ItemKind.ARTICLE and body is not None:
        clean = richtext.prepare(body)
        if not richtext.plain_text(clean):
            raise BusinessError("study.body_required", "请填写正文")
        data["body"] = clean
    if item.kind in (ItemKind.VIDEO, ItemKind.AUDIO):
        if duration_seconds is None or not (0 < duration_seconds <= 24 * 3600):
            raise BusinessError("study.bad_duration", "时长须在 1 秒到 24 小时之间")
        data["duration_seconds"] = duration_seconds
    changes = {k: v for k, v in audit.diff(item, data).items() if k != "body"}
    if item.body != data.get("body", item.body):
        changes["body"] = ["…", "…"]
    for name, value in data.items():
        setattr(item, name, value)
    if changes:
        item.save()
        audit.record(
            actor=actor, action="study.item.update", target=item, org_path=topic.org.path, changes=changes
        )
    return item


@transaction.atomic
def item_delete(*, actor: Any, item: TopicItem) -> None:
    """Remove an item nobody has studied yet (records of study are kept). Audit: study.item.delete."""
    topic = item.topic
    _require_manage(actor, topic.org)
    if ItemProgress.objects.filter(item=item).exists():
        raise BusinessError("study.item_studied", "已有党员学习过该内容，不能删除")
    stored = item.file
    audit.record(actor=actor, action="study.item.delete", target=item, org_path=topic.org.path,
                 changes={"title": item.title})  # fmt: skip
    item.delete()
    if stored is not None:
        uploads.file_delete(actor=actor, stored=stored, authorised=True)


# --------------------------------------------------------------------------------------------------------
# Assignments


@transaction.atomic
def assignment_add(
    *,
    actor: Any,
    topic: Topic,
    org: Org | None = None,
    member: Member | None = None,
    include_subtree: bool = True,
    required: bool = False,
    deadline: dt.date | None = None,
) -> TopicAssignment:
    """Assign a topic to an organisation (with or without its subtree) or to one member, both within the
    actor's study.manage scope. Audit: study.assignment.add."""
    _require_manage(actor, topic.org)
    if (org is None) == (member is None):
        raise BusinessError("study.assign_target", "请选择一个党组织或一名党员")
    target_org = org if org is not None else member.org  # type: ignore[union-attr]
    if not scope.org_in_scope(actor, "study.manage", target_org):
        raise BusinessError("study.assign_out_of_scope", "只能指派给您管理范围内的组织或党员")
    if deadline is not None and deadline < timezone.localdate():
        raise BusinessError("study.deadline_past", "完成期限不能早于今天")
    if deadline is not None and not required:
        raise BusinessError("study.deadline_needs_required", "只有必学内容才设置完成期限")
    exists = TopicAssignment.objects.filter(topic=topic, org=org, member=member)
    if org is not None:
        exists = exists.filter(include_subtree=include_subtree)
    if exists.exists():
        raise BusinessError("study.already_assigned", "已经指派过")
    assignment = TopicAssignment.objects.create(
        topic=topic,
        org=org,
        member=member,
        include_subtree=include_subtree if org is not None else False,
        required=required,
        deadline=deadline,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action="study.assignment.add",
        target=assignment,
        org_path=topic.org.path,
        changes={
            "topic": topic.pk,
            "org": org.pk if org else None,
            "member": member.pk if member else None,
            "required": required,
            "deadline": deadline.isoformat() if deadline else None,
        },
    )
    return assignment


@transaction.atomic
def assignment_remove(*, actor: Any, assignment: TopicAssignment) -> None:
    """Withdraw an assignment (the members keep what they studied). Audit: study.assignment.remove."""
    topic = assignment.topic
    _require_manage(actor, topic.org)
    audit.record(actor=actor, action="study.assignment.remove", target=assignment, org_path=topic.org.path,
                 changes={"topic": topic.pk})  # fmt: skip
    assignment.delete()


# --------------------------------------------------------------------------------------------------------
# Progress (the study-time hook)


def item_progress_record(*, member: Member, item: TopicItem, seconds_total: int) -> ItemProgress:
    """Record ``member``'s server-credited time on ``item`` and mark it done by ``rules.item_done``.

    Called after commit of a heartbeat that credited time; idempotent (time only grows, done stays done).
    No audit entry: study time is measured, not decided by anyone."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                progress, _ = ItemProgress.objects.get_or_create(
                    member=member, item=item, defaults={"topic": item.topic}
                )
        except IntegrityError:
            progress = ItemProgress.objects.get(member=member, item=item)
        progress = ItemProgress.objects.select_for_update().get(pk=progress.pk)
        seconds = max(progress.seconds, seconds_total)
        fields = []
        if seconds != progress.seconds:
            progress.seconds = seconds
            fields.append("seconds")
        done = rules.item_done(
            kind=item.kind,
            seconds=seconds,
            duration=item.duration_seconds,
            read_seconds=studytime_services.read_seconds(),
        )
        if done and progress.completed_at is None:
            progress.completed_at = timezone.now()
            fields.append("completed_at")
        if fields:
            progress.save(update_fields=[*fields, "updated_at"])
    return progress


# --------------------------------------------------------------------------------------------------------
# Notes


def _note_body(body: str, limit: int = NOTE_MAX) -> str:
    body = (body or "").strip()
    if not body:
        raise BusinessError("study.note_empty", "请填写内容")
    if len(body) > limit:
        raise BusinessError("study.note_too_long", f"内容不能超过 {limit} 个字")
    return body


def _require_author(actor: Any, note: Note) -> Member:
    member = _member(actor)
    if note.member_id != member.pk:
        raise BusinessError("study.not_author", "只能修改自己的笔记")
    return member


def _require_readable(actor: Any, note: Note) -> Member:
    member = _member(actor)
    if note.member_id == member.pk:
        return member
    if not note.shared or not selectors.readable_shared_notes(actor).filter(pk=note.pk).exists():
        raise BusinessError("study.note_not_found", "笔记不存在或未分享")
    return member


@transaction.atomic
def note_create(*, actor: Any, content_key: str, body: str, shared: bool = False) -> Note:
    """A note of the actor (through their member record) on a content they may study (any registered
    study-time key). Audit: study.note.create (the text is never written to the log)."""
    member = _member(actor)
    content = registry.resolve(content_key, actor)
    if content is None:
        raise BusinessError("study.content_not_found", "学习内容不存在或无权学习")
    note = Note.objects.create(
        member=member,
        branch=selectors.branch_of(member.org),
        content_key=content.key,
        content_title=content.title[:200],
        body=_note_body(body),
        shared=shared,
    )
    audit.record(actor=actor, action="study.note.create", target=note, org_path=note.branch.path,
                 changes={"content": content.key, "shared": shared})  # fmt: skip
    return note


@transaction.atomic
def note_update(*, actor: Any, note: Note, body: str, shared: bool) -> Note:
    """Edit one's own note or change whether it is shared. Audit: study.note.update."""
    _require_author(actor, note)
    body = _note_body(body)
    changes: dict[str, Any] = {}
    if body != note.body:
        changes["body"] = ["…", "…"]
    if shared != note.shared:
        changes["shared"] = [note.shared, shared]
    if changes:
        note.body, note.shared = body, shared
        note.save(update_fields=["body", "shared", "updated_at"])
        audit.record(
            actor=actor, action="study.note.update", target=note, org_path=note.branch.path, changes=changes
        )
    return note


@transaction.atomic
def note_delete(*, actor: Any, note: Note) -> None:
    """Delete one's own note (its likes and comments go with it). Audit: study.note.delete."""
    _require_author(actor, note)
    audit.record(actor=actor, action="study.note.delete", target=note, org_path=note.branch.path,
                 changes={"content": note.content_key})  # fmt: skip
    note.delete()


@transaction.atomic
def note_like_toggle(*, actor: Any, note: Note) -> bool:
    """Like a shared note one may read, or take the like back; returns whether it is now liked. Once per
    person (a unique constraint), so a double click never counts twice. Not audited (a reaction, not a
    record); the like itself shows who and when."""
    member = _require_readable(actor, note)
    if not note.shared:
        raise BusinessError("study.note_not_shared", "只能为分享的笔记点赞")
    existing = NoteLike.objects.filter(note=note, member=member)
    if existing.exists():
        existing.delete()
        return False
    try:
        with transaction.atomic():
            NoteLike.objects.create(note=note, member=member)
    except IntegrityError:
        pass  # a concurrent click liked it already
    return True


@transaction.atomic
def note_comment_add(*, actor: Any, note: Note, body: str) -> NoteComment:
    """Comment on a shared note one may read (互学互促); after commit, the ``comment`` points rule (idempotent
    per comment, capped by the rule). Audit: study.comment.add."""
    member = _require_readable(actor, note)
    if not note.shared:
        raise BusinessError("study.note_not_shared", "只能评论分享的笔记")
    comment = NoteComment.objects.create(note=note, member=member, body=_note_body(body, COMMENT_MAX))
    audit.record(actor=actor, action="study.comment.add", target=comment, org_path=note.branch.path,
                 changes={"note": note.pk})  # fmt: skip
    on = timezone.localdate()
    transaction.on_commit(
        lambda: points.points_award(
            member=member,
            action="comment",
            content_key=f"study-comment-{comment.pk}",
            on=on,
            source=f"评论学习笔记：{note.content_title}"[:200],
        )
    )
    return comment


@transaction.atomic
def note_comment_delete(*, actor: Any, comment: NoteComment) -> None:
    """Delete one's own comment (points already earned stay: the ledger is append-only). Audit:
    study.comment.delete."""
    member = _member(actor)
    if comment.member_id != member.pk:
        raise BusinessError("study.not_author", "只能删除自己的评论")
    path = comment.note.branch.path
    audit.record(actor=actor, action="study.comment.delete", target=comment, org_path=path,
                 changes={"note": comment.note_id})  # fmt: skip
    comment.delete()
