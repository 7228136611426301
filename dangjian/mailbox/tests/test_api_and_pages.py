"""The API and the pages: public writer endpoints (throttled, no-store), the handlers' endpoints and pages."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from conftest import sign_in
from dangjian.audit.models import AuditEntry
from dangjian.mailbox.models import Category, Letter, SnapshotReport
from dangjian.mailbox.tests.helpers import jpeg, letter


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_anyone_sends_an_anonymous_letter_and_reads_the_reply_by_receipt_through_the_api(world, api):
    sent = api.post(
        "/api/v1/mailbox/submit/letter/",
        {"org": world.branch_a.pk, "subject": "反映考勤弄虚作假", "body": "班组长让人代打卡。"},
        format="json",
    )
    assert sent.status_code == 201 and sent["Cache-Control"] == "no-store"
    code = sent.json()["receipt"]
    item = Letter.objects.get()
    handler = APIClient()
    handler.force_authenticate(world.secretary_a)
    listed = handler.get("/api/v1/mailbox/letters/")
    assert [row["id"] for row in listed.json()["results"]] == [str(item.pk)]
    detail = handler.get(f"/api/v1/mailbox/letters/{item.pk}/")
    assert detail.status_code == 200 and detail.json()["messages"][0]["body"] == "班组长让人代打卡。"
    assert detail.json()["signed_name"] == ""
    assert AuditEntry.objects.filter(action="mailbox.letter.read", actor=world.secretary_a).count() == 1
    replied = handler.post(
        f"/api/v1/mailbox/letters/{item.pk}/reply/", {"body": "已约谈班组长。"}, format="json"
    )
    assert replied.status_code == 200 and replied.json()["status"] == "replied"
    seen = api.post("/api/v1/mailbox/receipt/", {"receipt": code}, format="json")
    assert seen.status_code == 200 and seen.json()["thread"][1]["body"] == "已约谈班组长。"
    added = api.post("/api/v1/mailbox/receipt/add/", {"receipt": code, "body": "谢谢。"}, format="json")
    assert added.status_code == 200 and len(added.json()["thread"]) == 3


def test_wrong_receipts_get_404_and_repeated_guesses_get_429(world, api, settings):
    settings.MAILBOX_RATE_LIMITS = {"mailbox.receipt": (3, 600), "mailbox.receipt.all": (100, 600)}
    answers = [
        api.post("/api/v1/mailbox/receipt/", {"receipt": "1234567812345678"}, format="json").status_code
        for _ in range(4)
    ]
    assert answers == [404, 404, 404, 429]


def test_a_snapshot_through_the_api_needs_a_file(world, api):
    refused = api.post("/api/v1/mailbox/submit/snapshot/", {"org": world.branch_a.pk, "description": "x"})
    assert refused.status_code == 400 and not SnapshotReport.objects.exists()
    sent = api.post(
        "/api/v1/mailbox/submit/snapshot/",
        {"org": world.branch_a.pk, "description": "消防通道堵塞", "files": [jpeg()]},
        format="multipart",
    )
    assert sent.status_code == 201 and SnapshotReport.objects.get().reporter is None


def test_handlers_of_other_organisations_get_404_and_administrators_403(world):
    item, _ = letter(world)
    for user, expected in ((world.secretary_b, 404), (world.officer, 404), (world.system_admin, 403)):
        client = APIClient()
        client.force_authenticate(user)
        assert client.get(f"/api/v1/mailbox/letters/{item.pk}/").status_code == expected
        assert client.post(f"/api/v1/mailbox/letters/{item.pk}/reply/", {"body": "x"}).status_code == expected
    assert not item.messages.filter(author_kind="handler").exists()


def test_the_system_administrator_keeps_the_categories(world):
    client = APIClient()
    client.force_authenticate(world.system_admin)
    made = client.post(
        "/api/v1/mailbox/categories/", {"name": "安全生产", "keywords": "安全 隐患"}, format="json"
    )
    assert made.status_code == 201
    changed = client.patch(
        f"/api/v1/mailbox/categories/{made.json()['id']}/", {"is_active": False}, format="json"
    )
    assert changed.status_code == 200 and not Category.objects.get(name="安全生产").is_active
    other = APIClient()
    other.force_authenticate(world.secretary_a)
    assert other.post("/api/v1/mailbox/categories/", {"name": "X"}, format="json").status_code == 403


def test_the_write_page_states_the_promise_and_sets_private_headers(world, client):
    page = client.get("/mailbox/write/")
    body = page.content.decode()
    assert page.status_code == 200 and "从不记录您是谁" in body and "单位网络可能记录" in body
    assert page["Cache-Control"] == "no-store" and page["Referrer-Policy"] == "no-referrer"


def test_a_handler_works_a_letter_through_the_pages(world, client):
    item, _ = letter(world)
    sign_in(client, world.secretary_a)
    inbox = client.get("/mailbox/")
    assert inbox.status_code == 200 and "未读 1" in inbox.content.decode()
    listed = AuditEntry.objects.get(action="mailbox.letter.list")
    assert listed.actor == world.secretary_a and listed.changes["count"] == 1
    detail = client.get(f"/mailbox/letters/{item.pk}/")
    assert detail.status_code == 200 and "车间主任经常上班时间离岗" in detail.content.decode()
    category = Category.objects.get(name="组织生活")
    client.post(f"/mailbox/letters/{item.pk}/correct/", {"category": category.pk})
    client.post(f"/mailbox/letters/{item.pk}/reply/", {"body": "已转纪检委员核实。"})
    client.post(f"/mailbox/letters/{item.pk}/close/")
    item.refresh_from_db()
    assert item.category == category and item.status == "closed"


def test_the_officer_of_the_committee_gets_404_on_a_branch_letter_page(world, client):
    item, _ = letter(world)
    sign_in(client, world.officer)
    assert client.get(f"/mailbox/letters/{item.pk}/").status_code == 404


def test_attachments_download_for_the_handler_only_and_are_audited(world, client):
    item, _ = letter(world, uploads=[jpeg()])
    stored = item.messages.get().files.get()
    sign_in(client, world.officer)
    assert client.get(f"/files/{stored.public_id}/").status_code == 404
    sign_in(client, world.secretary_a)
    got = client.get(f"/files/{stored.public_id}/")
    assert got.status_code == 200 and b"".join(got.streaming_content)[:2] == b"\xff\xd8"
    assert AuditEntry.objects.filter(action="core.file.read", actor=world.secretary_a).exists()


def test_the_menu_offers_handling_to_handlers_and_categories_to_the_system_administrator(world):
    from dangjian.core.nav import navigation_for

    def labels(user):
        return {i.label for g in navigation_for(user, "/") for i in g.items}

    assert {"来信办理", "随手拍办理"} <= labels(world.secretary_a)
    assert "来信办理" not in labels(world.member_user)
    assert "来信类别" in labels(world.system_admin) and "来信办理" not in labels(world.system_admin)


def test_a_malformed_letter_id_is_not_found(world):
    client = APIClient()
    client.force_authenticate(world.secretary_a)
    assert client.get("/api/v1/mailbox/letters/B92aCbd92-7eaf1D-B4D14A891B594aF/").status_code == 404
    assert (
        client.post("/api/v1/mailbox/snapshots/B92aCbd92-7eaf1D-B4D14A891B594aF/advance/", {}).status_code
        == 404
    )


def test_a_write_with_bad_input_on_a_letter_out_of_reach_is_not_found_first(world):
    item, _ = letter(world)
    client = APIClient()
    client.force_authenticate(world.secretary_b)
    for action in ("reply", "assign", "due", "correct"):
        assert client.post(f"/api/v1/mailbox/letters/{item.pk}/{action}/", {}).status_code == 404, action
