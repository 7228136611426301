"""The REST API: the same steps as the pages, one's own transfers without a grant, 404 outside scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from conftest import make_id_number, sign_in
from dangjian.transfers.models import Transfer


def _post(client: Any, name: str, data: dict[str, Any], **kw: Any) -> Any:
    return client.post(reverse(name, kwargs=kw or None), data, content_type="application/json")


def test_a_transfer_goes_out_and_comes_back_with_its_receipt_through_the_api(client: Any, world: Any) -> None:
    sign_in(client, world.member_user)
    r = _post(
        client,
        "transfer-list",
        {"member": world.member.pk, "kind": "internal", "reason": "job", "to_org": world.branch_b.pk},
    )
    assert r.status_code == 201 and r.json()["status"] == "requested"
    pk = r.json()["id"]
    steps = [
        (world.secretary_a, "transfer-branch-approve", {}),
        (world.officer, "transfer-issue", {"valid_days": 20}),
        (world.officer, "transfer-accept", {}),
        (world.member_user, "transfer-report", {}),
        (world.secretary_b, "transfer-receipt", {}),
    ]
    for user, name, data in steps:
        sign_in(client, user)
        r = _post(client, name, data, pk=pk)
        assert r.status_code == 200, (name, r.json())
    body = r.json()
    assert body["status"] == "completed" and body["valid_days"] == 20 and body["receipt_returned_on"]
    world.member.refresh_from_db()
    assert world.member.org == world.branch_b
    assert "id_number" not in str(body)


def test_a_step_outside_scope_is_403_and_a_broken_rule_is_400_with_its_code(client: Any, world: Any) -> None:
    sign_in(client, world.member_user)
    pk = _post(
        client,
        "transfer-list",
        {"member": world.member.pk, "kind": "outside", "reason": "job", "to_org_name": "某单位"},
    ).json()["id"]
    assert _post(client, "transfer-issue", {}, pk=pk).status_code == 403
    sign_in(client, world.secretary_a)
    r = _post(client, "transfer-reject", {"note": ""}, pk=pk)
    assert r.status_code == 400 and r.json()["code"] == "transfers.note_required"
    sign_in(client, world.secretary_b)
    assert client.get(reverse("transfer-detail", args=[pk])).status_code == 404
    assert client.get(reverse("transfer-list")).json()["count"] == 0


def test_the_member_lists_their_own_transfers(client: Any, world: Any) -> None:
    sign_in(client, world.member_user)
    _post(
        client,
        "transfer-list",
        {"member": world.member.pk, "kind": "outside", "reason": "job", "to_org_name": "某单位"},
    )
    mine = client.get(reverse("transfer-mine")).json()
    assert [t["member_name"] for t in mine] == ["党员甲"]


def test_incoming_and_mobile_through_the_api(client: Any, world: Any) -> None:
    sign_in(client, world.secretary_a)
    today = dt.date.today()
    r = _post(
        client,
        "transfer-incoming",
        {
            "to_org": world.branch_a.pk,
            "from_org_name": "中共某区委组织部",
            "letter_number": "A-12",
            "issued_on": str(today),
            "valid_days": 30,
            "reported_on": str(today),
            "member": {
                "name": "周九",
                "id_number": make_id_number(dt.date(1988, 8, 8)),
                "joined_on": "2010-07-01",
                "full_on": "2011-07-01",
            },
        },
    )
    assert r.status_code == 201 and r.json()["kind"] == "incoming" and r.json()["status"] == "reported"
    assert Transfer.objects.get(pk=r.json()["id"]).member.org == world.branch_a
    r = _post(
        client,
        "transfer-mobile-list",
        {
            "member": world.member.pk,
            "destination": "上海",
            "reason": "work",
            "started_on": str(today),
            "expected_until": str(today + dt.timedelta(days=100)),
        },
    )
    assert r.status_code == 201 and r.json()["certificate_number"].startswith("LD")
    r = _post(client, "transfer-mobile-end", {"on": str(today)}, pk=r.json()["id"])
    assert r.status_code == 200 and r.json()["ended_on"] == str(today)
