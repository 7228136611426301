"""The pages: the register with filters and export, a transfer's steps through the forms, the letter PDF,
the member's own view, incoming letters, 流动党员 and 失联党员."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_id_number, sign_in
from dangjian.audit.models import AuditEntry
from dangjian.meetings.tests import pdftext
from dangjian.members import services as member_services
from dangjian.members.models import Member
from dangjian.transfers import services
from dangjian.transfers.models import MobileRegistration, Transfer


def _issued(world: Any, member: Any = None) -> Transfer:
    t = services.transfer_request(
        actor=world.secretary_a,
        member=member or world.member,
        kind="internal",
        reason="job",
        to_org=world.branch_b,
    )
    return services.transfer_issue(actor=world.officer, transfer=t)


def test_the_whole_transfer_goes_through_the_forms_and_the_record_moves(client: Any, world: Any) -> None:
    sign_in(client, world.member_user)
    response = client.post(
        reverse("transfers:mine"), {"kind": "internal", "to_org": world.branch_b.pk, "reason": "job"}
    )
    t = Transfer.objects.get(member=world.member)
    assert response.status_code == 302 and t.status == "requested"

    def act(user: Any, action: str, data: dict[str, Any]) -> None:
        sign_in(client, user)
        r = client.post(reverse("transfers:transfer_action", args=[t.pk, action]), data)
        assert r.status_code == 302, r
        page = client.get(r["Location"]).content.decode()
        assert "已办理" in page, page

    act(world.secretary_a, "branch_approve", {"note": "同意"})
    act(world.officer, "issue", {"valid_days": 30})
    act(world.officer, "accept", {"on": str(dt.date.today())})
    act(world.member_user, "report", {"on": str(dt.date.today())})
    act(world.secretary_b, "receipt", {"on": str(dt.date.today())})
    t.refresh_from_db()
    world.member.refresh_from_db()
    assert t.status == "completed" and world.member.org == world.branch_b
    sign_in(client, world.member_user)
    page = client.get(reverse("transfers:mine")).content.decode()
    assert world.branch_b.name in page and "已办结" in page


def test_a_refused_step_shows_the_reason_and_changes_nothing(client: Any, world: Any, snapshot: Any) -> None:
    t = _issued(world)
    sign_in(client, world.officer)
    before = snapshot()
    response = client.post(reverse("transfers:transfer_action", args=[t.pk, "report"]), {"on": "2026-01-01"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "不能办理此操作" in page
    after = snapshot()
    assert after == before


def test_another_branch_secretary_cannot_see_the_transfer(client: Any, world: Any) -> None:
    t = services.transfer_request(
        actor=world.secretary_a, member=world.member, kind="outside", reason="job", to_org_name="某单位"
    )
    sign_in(client, world.secretary_b)
    assert client.get(reverse("transfers:transfer_detail", args=[t.pk])).status_code == 404
    assert t.member.name not in client.get(reverse("transfers:register")).content.decode()


def test_the_receiving_secretary_sees_the_incoming_transfer_in_the_register(client: Any, world: Any) -> None:
    t = _issued(world)
    sign_in(client, world.secretary_b)
    page = client.get(reverse("transfers:register"), {"direction": "in"}).content.decode()
    assert world.member.name in page
    page = client.get(reverse("transfers:register"), {"direction": "out"}).content.decode()
    assert world.member.name not in page
    assert client.get(reverse("transfers:transfer_detail", args=[t.pk])).status_code == 200


def test_register_filters_by_status_and_overdue(client: Any, world: Any) -> None:
    t = _issued(world)
    Transfer.objects.filter(pk=t.pk).update(expires_on=dt.date.today() - dt.timedelta(days=1))
    services.transfer_request(
        actor=world.secretary_a,
        member=Member.objects.get(name="李四"),
        kind="outside",
        reason="job",
        to_org_name="中共某县委组织部",
    )
    sign_in(client, world.officer)
    overdue = client.get(reverse("transfers:register"), {"overdue": "true"}).content.decode()
    assert "党员甲" in overdue and "李四" not in overdue and "已超期" in overdue
    pending = client.get(reverse("transfers:register"), {"status": "branch_approved"}).content.decode()
    assert "李四" in pending and "党员甲" not in pending


def test_the_register_exports_to_excel_masked_and_audited(client: Any, world: Any) -> None:
    _issued(world)
    sign_in(client, world.officer)
    response = client.get(reverse("transfers:register_export"), {"status": "open"})
    assert response.status_code == 200 and "spreadsheet" in response["Content-Type"]
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][:3] == ("序号", "姓名", "公民身份号码")
    assert rows[2][1] == "党员甲" and "*" in rows[2][2] and rows[2][8] == f"{dt.date.today().year}-0001"
    assert world.member.id_number not in str(rows)
    entry = AuditEntry.objects.get(action="transfers.transfer.export")
    assert entry.actor == world.officer and entry.changes["rows"] == 1


def test_the_letter_pdf_carries_every_field_of_the_three_parts(client: Any, world: Any) -> None:
    wang = world.probationary
    member_services.member_set_dues_paid_until(
        actor=world.secretary_a, member=wang, paid_until=dt.date(2026, 4, 1), reason="测试"
    )
    t = _issued(world, member=wang)
    sign_in(client, world.secretary_a)
    response = client.get(reverse("transfers:letter_pdf", args=[t.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdftext.text(response.content).replace("\n", "").replace("\u3000", " ")
    for part in ("存 根", "中国共产党党员组织关系介绍信", "中国共产党党员组织关系介绍信回执"):
        assert part in text
    assert text.count(f"第 {t.letter_number} 号") == 3
    age = dt.date.today().year - 1998 - (1 if (dt.date.today().month, dt.date.today().day) < (1, 2) else 0)
    for field in (
        "王五同志（男）",
        f"{age}岁",
        "汉族",
        "预备党员（预备期自2026年3月1日起，至2027年3月1日止）",
        wang.id_number,
        world.branch_a.name,
        world.branch_b.name,
        "党费已交到2026年4月",
        "有效期30天",
        world.committee.name,
    ):
        assert field in text, field
    assert AuditEntry.objects.filter(action="transfers.transfer.letter", target_id=str(t.pk)).exists()


def test_the_member_sees_only_their_own_transfer(client: Any, world: Any) -> None:
    mine = _issued(world)
    other = services.transfer_request(
        actor=world.secretary_a,
        member=Member.objects.get(name="李四"),
        kind="outside",
        reason="job",
        to_org_name="某单位",
    )
    sign_in(client, world.member_user)
    page = client.get(reverse("transfers:mine")).content.decode()
    assert world.branch_b.name in page and "介绍信第" in page
    assert client.get(reverse("transfers:transfer_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("transfers:transfer_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("transfers:register")).status_code == 403


def test_incoming_form_creates_the_member_and_a_bad_form_changes_nothing(
    client: Any, world: Any, snapshot: Any
) -> None:
    sign_in(client, world.secretary_b)
    today = dt.date.today()
    data = {
        "to_org": world.branch_b.pk,
        "from_org_name": "中共某大学委员会",
        "letter_number": "0451",
        "issued_on": str(today),
        "valid_days": 30,
        "reported_on": str(today),
        "dues_paid_until": f"{today:%Y-%m}",
        "reason": "graduation",
        "name": "孙八",
        "id_number": make_id_number(dt.date(1999, 2, 3), "female"),
        "gender": "female",
        "ethnicity": "汉族",
        "joined_on": "2025-12-01",
    }
    before = snapshot()
    bad = client.post(reverse("transfers:incoming_create"), data | {"id_number": "110101199902031111"})
    assert bad.status_code == 200 and "公民身份号码" in bad.content.decode()
    assert snapshot() == before
    response = client.post(reverse("transfers:incoming_create"), data)
    assert response.status_code == 302
    m = Member.objects.get(name="孙八")
    assert (
        m.org == world.branch_b and m.status == "probationary" and m.dues_paid_until == today.replace(day=1)
    )


def test_mobile_registration_pages(client: Any, world: Any) -> None:
    sign_in(client, world.secretary_a)
    today = dt.date.today()
    response = client.post(
        reverse("transfers:mobile_create"),
        {
            "member": world.member.pk,
            "destination": "广东省深圳市南山区",
            "destination_org": "中共深圳某园区委员会",
            "reason": "work",
            "started_on": str(today),
            "expected_until": str(today + dt.timedelta(days=200)),
            "contact": "微信群",
        },
    )
    r = MobileRegistration.objects.get()
    assert response["Location"] == reverse("transfers:mobile_detail", args=[r.pk])
    page = client.get(response["Location"]).content.decode()
    assert r.certificate_number in page and "中共深圳某园区委员会" in page
    assert "党员甲" in client.get(reverse("transfers:mobile_list")).content.decode()
    client.post(reverse("transfers:mobile_end", args=[r.pk]), {"on": str(today), "note": "已返回"})
    r.refresh_from_db()
    assert r.ended_on == today
    assert "党员甲" not in client.get(reverse("transfers:mobile_list")).content.decode()


def test_lost_contact_page_shows_the_deadlines(client: Any, world: Any) -> None:
    since = dt.date.today() - dt.timedelta(days=200)
    member_services.member_mark_lost_contact(actor=world.secretary_a, member=world.member, since=since)
    sign_in(client, world.secretary_a)
    page = client.get(reverse("transfers:lost_contact_list")).content.decode()
    assert "党员甲" in page and "应研究停止党籍" in page
    sign_in(client, world.secretary_b)
    assert "党员甲" not in client.get(reverse("transfers:lost_contact_list")).content.decode()


def test_register_filters_by_organisation_on_either_side(client: Any, world: Any) -> None:
    _issued(world)  # branch_a → branch_b
    sign_in(client, world.officer)
    page = client.get(reverse("transfers:register"))
    assert f'value="{world.branch_b.pk}"' in page.content.decode()
    assert "党员甲" in client.get(reverse("transfers:register"), {"org": world.branch_b.pk}).content.decode()
    assert "党员甲" in client.get(reverse("transfers:register"), {"org": world.branch_a.pk}).content.decode()
    group = client.get(reverse("transfers:register"), {"org": world.group_a.pk}).content.decode()
    assert "暂无组织关系转接" in group
