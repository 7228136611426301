"""The audit chain detects altered, deleted and reordered entries (SECURITY.md "Audit")."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from dangjian.audit import services as audit
from dangjian.audit.models import AuditChainHead, AuditEntry
from dangjian.audit.verify import verify_chain


@pytest.fixture
def chain(db):
    for i in range(5):
        audit.record(
            actor=None, action="tests.thing.do", target_repr=f"第{i}号", changes={"n": i, "名称": "中文"}
        )
    return list(AuditEntry.objects.order_by("seq"))


def test_entries_form_a_gap_free_chain(chain):
    assert [e.seq for e in chain] == [1, 2, 3, 4, 5]
    assert all(b.prev_mac == a.mac for a, b in itertools.pairwise(chain))
    assert verify_chain().ok
    head = AuditChainHead.objects.get()
    assert (head.seq, head.mac) == (5, chain[-1].mac)


def test_verifier_reports_a_row_edited_with_raw_sql(chain):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET target_repr = %s WHERE seq = 3", ["改过的"])
    report = verify_chain()
    assert not report.ok and report.seq == 3 and "篡改" in report.problem
    with pytest.raises(CommandError, match="第 3 条"):
        call_command("verify_audit", verbosity=0)


def test_verifier_reports_a_deleted_entry(chain):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = 2")
    report = verify_chain()
    assert not report.ok and report.seq == 2 and "缺失" in report.problem


def test_verifier_reports_the_last_entries_deleted(chain):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq >= 4")
    report = verify_chain()
    assert not report.ok and report.seq == 4


def test_verify_command_passes_on_an_intact_chain(chain, capsys):
    call_command("verify_audit", verbosity=0)
    assert "校验通过" in capsys.readouterr().out


def test_a_change_whose_audit_write_fails_is_rolled_back(world, monkeypatch):
    """A service whose audit entry cannot be written commits nothing (audit cannot be bypassed)."""
    import datetime as dt

    from django.db import DatabaseError

    from dangjian.members import services as member_services
    from dangjian.members.models import Member, StatusChange

    def broken_save(self, *args, **kwargs):
        raise DatabaseError("磁盘已满")

    history_before = StatusChange.objects.count()
    monkeypatch.setattr(AuditEntry, "save", broken_save)
    with pytest.raises(DatabaseError):
        member_services.member_suspend(
            actor=world.secretary_a, member=world.member, on=dt.date(2026, 1, 5), reason="测试"
        )
    assert Member.objects.get(pk=world.member.pk).standing == "normal"
    assert StatusChange.objects.count() == history_before


def test_sensitive_values_never_reach_the_log(db):
    entry = audit.record(
        actor=None,
        action="tests.thing.do",
        changes={"id_number": ["110101198506150011", "110101198506150033"], "password": "x"},
    )
    assert entry.changes == {"id_number": "***", "password": "***"}


def test_purge_removes_only_entries_older_than_the_retention_and_keeps_the_chain_valid(db):
    import datetime as dt

    from django.utils import timezone

    from dangjian.audit import retention

    now = timezone.now()
    days = retention.retention_days()
    for age in (days + 30, days + 10, days - 1, 1):
        entry = audit.record(actor=None, action="tests.thing.do")
        # created_at is covered by the MAC: re-sign after back-dating, as if written then
        entry.created_at = now - dt.timedelta(days=age)
        entry.mac = audit.entry_mac(entry)
        AuditEntry.objects.filter(pk=entry.pk).update(created_at=entry.created_at, mac=entry.mac)
    # rebuild the links after re-signing
    prev = ""
    for e in AuditEntry.objects.order_by("seq"):
        e.prev_mac = prev
        e.mac = audit.entry_mac(e)
        AuditEntry.objects.filter(pk=e.pk).update(prev_mac=e.prev_mac, mac=e.mac)
        prev = e.mac
    AuditChainHead.objects.update(mac=prev)
    assert retention.purge(now=now) == 2
    remaining = list(AuditEntry.objects.order_by("seq").values_list("seq", "action"))
    assert remaining == [(3, "tests.thing.do"), (4, "tests.thing.do"), (5, retention.PURGE_ACTION)]
    assert verify_chain().ok
    assert retention.purge(now=now) == 0  # nothing younger than the retention is ever removed


def test_deleting_the_oldest_entries_outside_a_purge_is_detected(chain):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq <= 2")
    report = verify_chain()
    assert not report.ok and report.seq == 1


def test_retention_below_six_months_is_not_honoured(settings):
    from dangjian.audit import retention

    settings.AUDIT_RETENTION_DAYS = 30
    assert retention.retention_days() == 184


def test_audit_admin_searches_by_organisation_and_outcome(world, client):
    from conftest import sign_in

    audit.record(actor=None, action="tests.a.b", org_path=world.branch_a.path)
    audit.record(actor=None, action="tests.a.b", org_path=world.branch_c.path, success=False)
    sign_in(client, world.audit_admin)
    page = client.get("/audit/", {"org": world.committee.pk, "action": "tests."})
    assert [e.org_path for e in page.context["page_obj"]] == [world.branch_a.path]
    page = client.get("/audit/", {"outcome": "failure", "action": "tests."})
    assert [e.org_path for e in page.context["page_obj"]] == [world.branch_c.path]


def test_the_audit_export_is_itself_audited_and_neutralises_formulas(world, client):
    import io

    import openpyxl

    from conftest import sign_in

    audit.record(actor=None, action="tests.a.b", target_repr='=HYPERLINK("x")')
    sign_in(client, world.audit_admin)
    response = client.get("/audit/export/", {"action": "tests."})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert not any(v.startswith("=") for v in values)
    entry = AuditEntry.objects.get(action="audit.entry.export")
    assert entry.actor == world.audit_admin and entry.changes["rows"] == 1


def test_only_the_audit_admin_exports_the_log(world, client):
    from conftest import sign_in

    sign_in(client, world.security_admin)
    assert client.get("/audit/export/").status_code == 403
    assert not AuditEntry.objects.filter(action="audit.entry.export").exists()
