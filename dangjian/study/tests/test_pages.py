"""Pages and API of 学习专题 and 学习笔记, as users reach them."""

from __future__ import annotations

import io

import openpyxl
from django.test import TestCase
from django.urls import reverse

from conftest import make_member, make_user, sign_in
from dangjian.study.models import Note, NoteComment, NoteLike, Topic, TopicStatus


def test_the_item_page_counts_study_time_with_the_heartbeat(world, study, client):
    sign_in(client, world.member_user)
    page = client.get(reverse("study:item_detail", args=[study.article.pk])).content.decode()
    assert f'data-study-key="topic_item:{study.article.pk}"' in page
    assert "studytime/heartbeat.js" in page and "data-study-media" not in page
    assert "<p>第一段</p>" in page and "<script>x" not in page


def test_the_heartbeat_interval_comes_from_settings_only(world, study, client, settings):
    sign_in(client, world.member_user)
    url = reverse("study:item_detail", args=[study.article.pk])
    assert 'data-study-interval="15"' in client.get(url).content.decode()  # the production default
    settings.STUDY_HEARTBEAT_INTERVAL = 1
    assert 'data-study-interval="1"' in client.get(url).content.decode()


def test_a_draft_is_previewed_by_its_manager_without_counting_time(world, client):
    from dangjian.study import services

    topic = services.topic_create(actor=world.officer, org=world.committee, title="草稿")
    item = services.item_add_article(actor=world.officer, topic=topic, title="文章", body="正文")
    sign_in(client, world.officer)
    page = client.get(reverse("study:item_detail", args=[item.pk])).content.decode()
    assert "预览" in page and "data-study-key" not in page
    sign_in(client, world.member_user)
    assert client.get(reverse("study:item_detail", args=[item.pk])).status_code == 404


def test_the_pdf_is_served_inline_for_the_browser_viewer_in_the_page(world, study, client):
    sign_in(client, world.member_user)
    page = client.get(reverse("study:item_detail", args=[study.pdf.pk])).content.decode()
    file_url = reverse("study:item_file", args=[study.pdf.pk])
    assert f'<iframe class="study-pdf w-100 border rounded" src="{file_url}"' in page
    response = client.get(reverse("study:item_file", args=[study.pdf.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_publisher_builds_assigns_and_publishes_a_topic_through_the_pages(world, client):
    sign_in(client, world.secretary_a)
    response = client.post(
        reverse("study:manage_list"), {"org": world.branch_a.pk, "title": "支部专题", "is_open": "on"}
    )
    topic = Topic.objects.get(title="支部专题")
    assert response.status_code == 302 and topic.status == TopicStatus.DRAFT
    client.post(
        reverse("study:item_add", args=[topic.pk]), {"kind": "article", "title": "文章", "body": "正文一段"}
    )
    assert topic.items.count() == 1
    client.post(
        reverse("study:assignment_add", args=[topic.pk]),
        {"target": "member", "member_name": "党员甲", "required": "on"},
    )
    assert topic.assignments.get().member == world.member
    client.post(reverse("study:topic_action", args=[topic.pk, "publish"]))
    topic.refresh_from_db()
    assert topic.status == TopicStatus.PUBLISHED
    sign_in(client, world.member_user)
    page = client.get(reverse("study:my_study")).content.decode()
    assert "支部专题" in page and "必学" in page


def test_a_member_writes_a_shared_note_and_a_branch_mate_likes_and_comments(world, study, client):
    sign_in(client, world.member_user)
    client.post(
        reverse("study:note_create"),
        {
            "content": study.article.content_key,
            "body": "深受教育",
            "shared": "on",
            "next": reverse("study:item_detail", args=[study.article.pk]),
        },
    )
    note = Note.objects.get(body="深受教育")
    assert note.shared
    mate = make_user("mate")
    make_member(world.branch_a, "李明", user=mate)
    sign_in(client, mate)
    assert "深受教育" in client.get(reverse("study:branch_notes")).content.decode()
    client.post(reverse("study:note_like", args=[note.pk]))
    assert NoteLike.objects.filter(note=note).count() == 1
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("study:note_comment", args=[note.pk]), {"body": "共勉"})
    assert NoteComment.objects.get(note=note).body == "共勉"


def test_notes_export_is_a_word_file(world, study, client):
    from dangjian.study import services

    services.note_create(actor=world.member_user, content_key=study.article.content_key, body="体会")
    sign_in(client, world.member_user)
    response = client.get(reverse("study:note_export"))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert "学习笔记" in response["Content-Disposition"] or "filename*" in response["Content-Disposition"]


def test_statistics_drill_down_and_export(world, study, client):
    sign_in(client, world.officer)
    page = client.get(reverse("study:topic_stats", args=[study.topic.pk]))
    assert [r.label for r in page.context["children"]] == ["第一党支部", "第二党支部"]
    branch = client.get(reverse("study:topic_stats", args=[study.topic.pk]), {"org": world.branch_a.pk})
    assert {m.member.name for m in branch.context["members"]} == {"党员甲", "李四", "王五"}
    assert (
        client.get(
            reverse("study:topic_stats", args=[study.topic.pk]), {"org": world.branch_c.pk}
        ).status_code
        == 404
    )
    export = client.get(
        reverse("study:topic_stats_export", args=[study.topic.pk]), {"org": world.branch_a.pk}
    )
    ws = openpyxl.load_workbook(io.BytesIO(export.content)).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "党员甲" in values and "第一党支部" in values


def test_api_my_study_notes_likes_and_comments(world, study, client):
    sign_in(client, world.member_user)
    mine = client.get(reverse("study-my")).json()["results"]
    assert mine[0]["title"] == study.topic.title and mine[0]["required"] is True
    detail = client.get(reverse("study-topic-detail", args=[study.topic.pk])).json()
    assert [i["kind"] for i in detail["items"]] == ["article", "document"]
    created = client.post(
        reverse("study-note-list"),
        {"content_key": study.article.content_key, "body": "API 笔记", "shared": True},
        content_type="application/json",
    )
    assert created.status_code == 201
    note_id = created.json()["id"]
    bad = client.post(
        reverse("study-note-list"),
        {"content_key": "topic_item:99999", "body": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "study.content_not_found"
    assert client.post(reverse("study-shared-note-like", args=[note_id])).json() == {"liked": True}
    comment = client.post(
        reverse("study-shared-note-comments", args=[note_id]), {"body": "好"}, content_type="application/json"
    )
    assert comment.status_code == 201
    assert len(client.get(reverse("study-shared-note-comments", args=[note_id])).json()) == 1


def test_api_manage_and_statistics(world, client):
    sign_in(client, world.officer)
    created = client.post(
        reverse("study-managed-topic-list"),
        {"org": world.committee.pk, "title": "API 专题"},
        content_type="application/json",
    )
    pk = created.json()["id"]
    refused = client.post(reverse("study-managed-topic-publish", args=[pk]))
    assert refused.status_code == 400 and refused.json()["code"] == "study.empty_topic"
    client.post(
        reverse("study-managed-topic-items", args=[pk]),
        {"kind": "article", "title": "文", "body": "正文"},
        content_type="application/json",
    )
    client.post(
        reverse("study-managed-topic-assign", args=[pk]),
        {"org": world.branch_b.pk},
        content_type="application/json",
    )
    assert client.post(reverse("study-managed-topic-publish", args=[pk])).json()["status"] == "published"
    stats = client.get(reverse("study-stats-topic-stats", args=[pk]), {"org": world.committee.pk}).json()
    assert stats["total"]["members"] == 1 and [c["name"] for c in stats["children"]] == [
        "第一党支部",
        "第二党支部",
    ]
