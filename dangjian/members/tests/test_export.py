"""Exporting the roster as the 党员信息采集表 (.xlsx): filters, masking, audit, safety, round trip."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
from django.urls import reverse

from dangjian.access import roles
from dangjian.access import services as access_services
from dangjian.audit.models import AuditEntry
from dangjian.core import masking
from dangjian.members import excel as member_excel
from dangjian.members import services
from dangjian.members.imports import member_import
from dangjian.members.models import Member
from dangjian.members.tests.test_import import make_id_number

URL = "members:member_export"


def make_member(org: Any, name: str, **fields: Any) -> Member:
    birth = fields.pop("birth_date", dt.date(1985, 6, 15))
    gender = fields.pop("gender", "male")
    data = {
        "name": name,
        "id_number": make_id_number(birth, gender),
        "gender": gender,
        "birth_date": birth,
        "joined_on": dt.date(2010, 7, 1),
        "full_on": dt.date(2011, 7, 1),
        "phone": "13900139000",
        **fields,
    }
    prepared, problems = services.prepare(data)
    assert not problems, problems
    member = services.build(prepared, org)
    member.save()
    return member


def export(client: Any, **params: Any) -> Any:
    return client.get(reverse(URL), params)


def sheet(response: Any) -> list[list[Any]]:
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [[c.value for c in row] for row in ws.iter_rows()]


def by_name(rows: list[list[Any]]) -> dict[str, dict[str, Any]]:
    headers = rows[0]
    return {r[0]: dict(zip(headers, r, strict=False)) for r in rows[1:]}


def test_export_has_the_16_headers_and_masks_identity_number_and_phone(world, login):
    response = export(login(world.secretary_a))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet(response)
    assert rows[0][:16] == list(member_excel.HEADERS)
    members = by_name(rows)
    assert set(members) == {"党员甲", "李四", "王五"}
    jia = members["党员甲"]
    assert jia["公民身份号码"] == masking.mask_id_number(world.member.id_number) != world.member.id_number
    assert jia["联系电话"] == "138****8000"
    assert jia["所在党支部"] == world.branch_a.name
    assert jia["入党日期"] == dt.datetime(2010, 7, 1)
    assert members["王五"]["转正日期"] is None


def test_every_export_is_audited(world, login):
    export(login(world.secretary_a))
    entry = AuditEntry.objects.get(action="members.member.export")
    assert entry.actor == world.secretary_a
    assert entry.changes == {"rows": 3, "unmasked": False}


def test_full_identity_numbers_when_ticked_by_a_role_that_may_see_them(world, login):
    rows = sheet(export(login(world.secretary_a), full="1"))
    assert by_name(rows)["党员甲"]["公民身份号码"] == world.member.id_number
    assert by_name(rows)["党员甲"]["联系电话"] == "13800138000"
    assert AuditEntry.objects.get(action="members.member.export").changes == {"rows": 3, "unmasked": True}


def test_full_export_is_refused_without_view_sensitive(world, login, monkeypatch):
    monkeypatch.setitem(
        roles.PERMISSIONS, roles.Role.PARTY_WORKER, frozenset({"members.view", "members.export"})
    )
    access_services.grant_create(
        actor=None, user=world.outsider, role="party_worker", org=world.branch_a, bootstrap=True
    )
    client = login(world.outsider)
    assert export(client, full="1").status_code == 403
    assert not AuditEntry.objects.filter(action="members.member.export").exists()
    assert export(client).status_code == 200


def test_export_follows_the_list_filters_and_scope(world, login):
    rows = sheet(export(login(world.secretary_a), gender="female"))
    assert set(by_name(rows)) == {"李四"}
    rows = sheet(export(login(world.officer)))
    assert "赵六" in by_name(rows) and "钱七" not in by_name(rows)
    rows = sheet(export(login(world.officer), org=world.branch_b.pk))
    assert set(by_name(rows)) == {"赵六"}


def test_exited_members_are_left_out_unless_asked_for(world, login):
    Member.objects.filter(pk=world.probationary.pk).update(
        exit_kind="withdrew", exited_on=dt.date(2026, 1, 5)
    )
    client = login(world.secretary_a)
    assert "王五" not in by_name(sheet(export(client)))
    assert "王五" in by_name(sheet(export(client, include_exited="1")))


def test_text_that_would_run_as_a_formula_is_neutralised(world, login):
    make_member(
        world.branch_a,
        '=HYPERLINK("http://evil.example","点我")',
        job_title="@SUM(A1)",
        address="-1+1 北京市",
    )
    ws = openpyxl.load_workbook(io.BytesIO(export(login(world.secretary_a), full="1").content)).worksheets[0]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert len(cells) == 1
    assert cells[0].data_type == "s" and cells[0].value.startswith("'=")
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "'@SUM(A1)" in values and "'-1+1 北京市" in values
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_member_without_export_permission_gets_403(world, login):
    for persona in (world.member_user, world.outsider, world.security_admin, world.audit_admin):
        assert export(login(persona)).status_code == 403
    assert not AuditEntry.objects.filter(action="members.member.export").exists()


def test_an_unmasked_export_re_imports_into_a_fresh_branch(world, login):
    """Export branch B in full, remove its records, import the file: the same records come back."""
    make_member(
        world.branch_b,
        "孙八",
        gender="female",
        birth_date=dt.date(1992, 2, 29),
        full_on=None,
        joined_on=dt.date(2025, 12, 1),
        education="postgraduate",
        category="manager",
        ethnicity="回族",
        phone="010-12345678",
        address="=北京市海淀区",
    )
    Member.objects.filter(name="赵六").update(
        mobile=True,
        mobile_destination="深圳",
        lost_contact=True,
        lost_contact_on=dt.date(2025, 1, 2),
        standing="suspended",
    )
    fields = [
        "name",
        "gender",
        "id_number",
        "ethnicity",
        "birth_date",
        "education",
        "category",
        "joined_on",
        "full_on",
        "job_title",
        "phone",
        "address",
        "status",
        "standing",
        "lost_contact",
        "lost_contact_on",
        "mobile",
        "mobile_destination",
    ]
    original = {m.name: {f: getattr(m, f) for f in fields} for m in Member.objects.filter(org=world.branch_b)}

    response = export(login(world.officer), org=world.branch_b.pk, full="1")
    Member.objects.filter(org=world.branch_b).delete()
    report = member_import(actor=world.officer, source=io.BytesIO(response.content), filename="导出.xlsx")

    assert report.outcome == "committed", report.errors
    again = {m.name: {f: getattr(m, f) for f in fields} for m in Member.objects.filter(org=world.branch_b)}
    assert again == original


def test_a_masked_export_does_not_re_import(world, login):
    response = export(login(world.secretary_a))
    report = member_import(
        actor=world.secretary_a, source=io.BytesIO(response.content), filename="脱敏.xlsx", dry_run=True
    )
    assert report.valid == 0
    assert {e.column for e in report.errors} >= {"公民身份号码"}
