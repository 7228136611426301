"""Services and selectors of 学习专题 and 学习笔记: scope, audit, refusals that change nothing,
progress from the server-measured study time, notes privacy, likes, comments and points."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from conftest import make_member, make_user
from dangjian.audit.models import AuditEntry
from dangjian.core.errors import BusinessError
from dangjian.points.models import PointEntry
from dangjian.study import documents, selectors, services
from dangjian.study.content import resolve
from dangjian.study.models import ItemProgress, NoteLike, TopicStatus
from dangjian.study.tests.conftest import study_for
from dangjian.studytime import content as registry


def refused(snapshot, code, call):
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        call()
    assert exc.value.code == code
    assert snapshot() == before


# --------------------------------------------------------------------------------------------------------
# Topics


def test_publisher_creates_and_publishes_a_topic_with_audit(world, study):
    assert study.topic.status == TopicStatus.PUBLISHED and study.topic.published_at is not None
    actions = list(AuditEntry.objects.filter(org_path=world.committee.path).values_list("action", flat=True))
    for code in ("study.topic.create", "study.item.add", "study.assignment.add", "study.topic.publish"):
        assert code in actions
    entry = AuditEntry.objects.get(action="study.topic.publish")
    assert entry.target_id == str(study.topic.pk)


def test_article_markup_is_sanitised_when_saved(study):
    assert study.article.body == "<p>第一段</p>"


def test_secretary_of_another_branch_may_not_change_the_committees_topic(world, study, snapshot):
    refused(
        snapshot,
        "study.forbidden",
        lambda: services.topic_update(actor=world.secretary_b, topic=study.topic, title="改"),
    )
    refused(
        snapshot, "study.forbidden", lambda: services.topic_close(actor=world.secretary_b, topic=study.topic)
    )


def test_publisher_may_not_assign_outside_their_scope(world, study, snapshot):
    refused(
        snapshot,
        "study.assign_out_of_scope",
        lambda: services.assignment_add(actor=world.officer, topic=study.topic, org=world.branch_c),
    )
    refused(
        snapshot,
        "study.assign_out_of_scope",
        lambda: services.assignment_add(actor=world.officer, topic=study.topic, member=world.member_c),
    )


def test_a_deadline_in_the_past_or_without_required_is_refused(world, study, snapshot):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    refused(
        snapshot,
        "study.deadline_past",
        lambda: services.assignment_add(
            actor=world.officer, topic=study.topic, org=world.branch_b, required=True, deadline=yesterday
        ),
    )
    refused(
        snapshot,
        "study.deadline_needs_required",
        lambda: services.assignment_add(
            actor=world.officer, topic=study.topic, org=world.branch_b, deadline=timezone.localdate()
        ),
    )


def test_an_empty_topic_or_a_video_without_length_cannot_be_published(world, snapshot):
    topic = services.topic_create(actor=world.secretary_a, org=world.branch_a, title="空专题")
    refused(
        snapshot, "study.empty_topic", lambda: services.topic_publish(actor=world.secretary_a, topic=topic)
    )


def test_a_refused_upload_changes_nothing(world, study, snapshot):
    refused(
        snapshot,
        "upload.type_not_allowed",
        lambda: services.item_add_file(
            actor=world.officer,
            topic=study.topic,
            kind="document",
            title="脚本",
            upload=SimpleUploadedFile("a.pdf", b"#!/bin/sh\necho hi\n"),
        ),
    )


def test_a_word_document_is_converted_for_reading_in_the_page(world, study):
    from dangjian.study.tests.conftest import docx_bytes

    item = services.item_add_file(
        actor=world.officer,
        topic=study.topic,
        kind="document",
        title="党章",
        upload=SimpleUploadedFile("党章.docx", docx_bytes()),
    )
    assert item.doc_format == "docx" and "<h2>党章学习要点</h2>" in item.body


def test_a_studied_item_cannot_be_deleted_and_a_published_topic_cannot_be_deleted(world, study, snapshot):
    study_for(world.member_user, study.article.content_key, 15)
    refused(
        snapshot, "study.item_studied", lambda: services.item_delete(actor=world.officer, item=study.article)
    )
    refused(
        snapshot, "study.not_draft", lambda: services.topic_delete(actor=world.officer, topic=study.topic)
    )


# --------------------------------------------------------------------------------------------------------
# Who may study; progress from the heartbeat


def test_assigned_member_studies_and_the_article_counts_as_read_after_read_seconds(world, study):
    assert resolve(study.article.pk, world.member_user) is not None
    study_for(world.member_user, study.article.content_key, 15)
    progress = ItemProgress.objects.get(member=world.member, item=study.article)
    assert progress.seconds == 15 and progress.completed_at is None
    last = study_for(
        world.member_user,
        study.article.content_key,
        30,
        start=timezone.now().replace(hour=11, minute=0, second=0, microsecond=0),
    )
    progress.refresh_from_db()
    assert progress.seconds == 45 and progress.completed_at is not None
    assert last  # the chain ran


def test_a_video_counts_as_watched_after_ninety_percent_of_its_length(world, study):
    from dangjian.study.models import TopicItem

    video = TopicItem.objects.create(topic=study.topic, kind="video", title="视频", duration_seconds=60)
    member = world.member
    services.item_progress_record(member=member, item=video, seconds_total=53)
    assert ItemProgress.objects.get(member=member, item=video).completed_at is None
    services.item_progress_record(member=member, item=video, seconds_total=54)
    done = ItemProgress.objects.get(member=member, item=video)
    assert done.completed_at is not None
    services.item_progress_record(member=member, item=video, seconds_total=10)  # a replay never lowers it
    again = ItemProgress.objects.get(member=member, item=video)
    assert again.seconds == 54 and again.completed_at == done.completed_at


def test_a_member_outside_the_assignment_and_the_open_subtree_may_not_study(world, study):
    user = make_user("qianqi")
    world.member_c.user = user
    world.member_c.save(update_fields=["user"])
    assert resolve(study.article.pk, user) is None
    assert study.topic not in [r.topic for r in selectors.my_topics(world.member_c)]


def test_a_closed_topic_counts_no_more_time(world, study):
    services.topic_close(actor=world.officer, topic=study.topic)
    assert resolve(study.article.pk, world.member_user) is None


def test_my_study_lists_overdue_required_first_then_required_then_open(world, study):
    open_topic = services.topic_create(actor=world.officer, org=world.committee, title="开放专题")
    services.item_add_article(actor=world.officer, topic=open_topic, title="文章", body="正文")
    services.topic_publish(actor=world.officer, topic=open_topic)
    overdue = services.topic_create(actor=world.officer, org=world.committee, title="逾期专题")
    services.item_add_article(actor=world.officer, topic=overdue, title="文章", body="正文")
    assignment = services.assignment_add(
        actor=world.officer, topic=overdue, member=world.member, required=True
    )
    assignment.deadline = timezone.localdate() - dt.timedelta(days=2)
    assignment.save()
    services.topic_publish(actor=world.officer, topic=overdue)
    rows = selectors.my_topics(world.member)
    assert [r.topic.title for r in rows] == ["逾期专题", "学习贯彻党的二十大精神", "开放专题"]
    assert rows[0].overdue and rows[1].required and not rows[2].assigned


def test_drafts_are_seen_by_their_managers_only(world):
    draft = services.topic_create(actor=world.officer, org=world.committee, title="草稿")
    assert selectors.may_read(world.officer, draft)
    assert not selectors.may_read(world.member_user, draft)
    assert not selectors.may_read(world.secretary_a, draft)


# --------------------------------------------------------------------------------------------------------
# Notes


@pytest.fixture
def notes(world, study):
    private = services.note_create(
        actor=world.member_user, content_key=study.article.content_key, body="私人体会"
    )
    shared = services.note_create(
        actor=world.member_user, content_key=study.article.content_key, body="分享体会", shared=True
    )
    return private, shared


def test_a_note_keeps_the_content_title_and_the_authors_branch_and_is_audited_without_its_text(
    world, study, notes
):
    _private, shared = notes
    assert shared.content_title == study.article.title and shared.branch == world.branch_a
    entry = AuditEntry.objects.get(action="study.note.create", target_id=str(shared.pk))
    assert "分享体会" not in str(entry.changes)


def test_a_member_of_a_group_shares_with_the_branch_above_it(world, study):
    user = make_user("xiaozu")
    make_member(world.group_a, "组员", user=user)
    note = services.note_create(actor=user, content_key=study.article.content_key, body="体会", shared=True)
    assert note.branch == world.branch_a


def test_private_notes_are_read_by_their_author_only(world, notes):
    private, shared = notes
    for user in (world.secretary_a, world.officer, world.secretary_b, world.system_admin):
        readable = selectors.note_readable(user)
        assert private not in readable
    assert set(selectors.note_readable(world.member_user)) == {private, shared}
    assert shared in selectors.note_readable(world.secretary_a)
    assert shared in selectors.note_readable(world.officer)
    assert shared not in selectors.note_readable(world.secretary_b)


def test_a_note_on_content_one_may_not_study_is_refused(world, study, snapshot):
    refused(
        snapshot,
        "study.content_not_found",
        lambda: services.note_create(actor=world.member_user, content_key="topic_item:999999", body="x"),
    )
    refused(
        snapshot,
        "study.no_member",
        lambda: services.note_create(
            actor=world.secretary_a, content_key=study.article.content_key, body="x"
        ),
    )


def test_notes_accept_any_registered_study_content_such_as_a_lesson(world):
    registry.register(
        "testlesson",
        resolve=lambda pk, user: registry.Content(
            f"testlesson:{pk}", "第一课 党的性质", registry.Kind.VIDEO, "/school/lessons/1/"
        ),
    )
    note = services.note_create(actor=world.member_user, content_key="testlesson:1", body="体会")
    assert note.content_title == "第一课 党的性质"


def test_only_the_author_edits_or_deletes_a_note(world, notes, snapshot):
    _private, shared = notes
    other = make_user("lisi")
    world.member_b.user = other
    world.member_b.save(update_fields=["user"])
    refused(
        snapshot,
        "study.not_author",
        lambda: services.note_update(actor=other, note=shared, body="x", shared=False),
    )
    refused(snapshot, "study.not_author", lambda: services.note_delete(actor=other, note=shared))


def _branch_mate(world):
    user = make_user("lisi_a")
    member = make_member(world.branch_a, "李明", user=user)
    return user, member


def test_a_like_is_once_per_person_and_a_second_like_takes_it_back(world, notes):
    _, shared = notes
    user, _member = _branch_mate(world)
    assert services.note_like_toggle(actor=user, note=shared) is True
    assert NoteLike.objects.filter(note=shared).count() == 1
    assert services.note_like_toggle(actor=user, note=shared) is False
    assert NoteLike.objects.filter(note=shared).count() == 0


def test_a_private_note_cannot_be_liked_or_commented_by_others(world, notes, snapshot):
    private, _ = notes
    user, _ = _branch_mate(world)
    refused(snapshot, "study.note_not_found", lambda: services.note_like_toggle(actor=user, note=private))
    refused(
        snapshot,
        "study.note_not_found",
        lambda: services.note_comment_add(actor=user, note=private, body="好"),
    )


def test_a_member_of_another_branch_cannot_comment(world, notes, snapshot):
    _, shared = notes
    other = make_user("zhaoliu")
    world.member_b.user = other
    world.member_b.save(update_fields=["user"])
    refused(
        snapshot,
        "study.note_not_found",
        lambda: services.note_comment_add(actor=other, note=shared, body="好"),
    )


def test_a_comment_awards_the_comment_rule_once_per_comment_after_commit(world, notes):
    _, shared = notes
    user, member = _branch_mate(world)
    with TestCase.captureOnCommitCallbacks(execute=True):
        comment = services.note_comment_add(actor=user, note=shared, body="说得好，值得学习")
    entry = PointEntry.objects.get(member=member, action="comment")
    assert entry.content_key == f"study-comment-{comment.pk}" and entry.points == 1
    from dangjian.points.services import points_award

    points_award(member=member, action="comment", content_key=f"study-comment-{comment.pk}")  # a replay
    assert PointEntry.objects.filter(member=member, action="comment").count() == 1
    assert AuditEntry.objects.filter(action="study.comment.add", target_id=str(comment.pk)).exists()


def test_notes_export_to_word_with_chinese_fonts(world, notes):
    from docx import Document
    from docx.oxml.ns import qn

    content = documents.notes_docx(actor=world.member_user)
    doc = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "学习笔记" in text and "私人体会" in text and "分享体会" in text and "深刻领会" in text
    fonts = doc.paragraphs[0].runs[0]._element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "黑体"
    assert AuditEntry.objects.filter(action="study.note.export").exists()


# --------------------------------------------------------------------------------------------------------
# Statistics


def test_rates_per_child_organisation_and_member_status(world, study, django_assert_max_num_queries):
    study_for(world.member_user, study.article.content_key, 45)  # 1 of 2 items done, participates
    total, children = selectors.topic_org_rates(world.officer, study.topic, world.committee)
    by_name = {r.label: r for r in children}
    assert (total.members, total.participants, total.completed) == (3, 1, 0)  # 第一党支部's three members
    assert by_name["第一党支部"].participation_rate == 33 and by_name["第二党支部"].members == 0
    statuses = {
        s.member.name: s for s in selectors.topic_member_statuses(world.officer, study.topic, world.branch_a)
    }
    assert statuses["党员甲"].status == "学习中" and statuses["党员甲"].done_items == 1
    assert statuses["李四"].status == "未开始"
    for name in ("王五", "张六", "赵七", "钱八"):  # more members: still the same number of queries
        make_member(world.branch_a, name)
    with django_assert_max_num_queries(8):
        selectors.topic_member_statuses(world.officer, study.topic, world.branch_a)


def test_completion_after_every_item(world, study):
    study_for(world.member_user, study.article.content_key, 45)
    study_for(
        world.member_user,
        study.pdf.content_key,
        45,
        start=timezone.now().replace(hour=12, minute=0, second=0, microsecond=0),
    )
    total, _ = selectors.topic_org_rates(world.secretary_a, study.topic, world.branch_a)
    assert (total.members, total.completed, total.completion_rate) == (3, 1, 33)


def test_stats_stay_within_scope(world, study):
    assert study.topic in selectors.stats_topics(world.secretary_a)
    total, _ = selectors.topic_org_rates(world.secretary_b, study.topic, world.branch_b)
    assert total.members == 0  # the topic is assigned to 第一党支部 only
    assert selectors.stats_org(world.secretary_b, str(world.branch_a.pk), study.topic) is None
    assert not selectors.stats_topics(world.member_user).exists()
