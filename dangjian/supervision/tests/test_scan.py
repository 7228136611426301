"""The warning scan: rules declared by the owning apps, one open warning per cause, closing by itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dangjian.audit.models import AuditEntry
from dangjian.core.errors import BusinessError
from dangjian.orgs.models import Org
from dangjian.supervision import registry, services
from dangjian.supervision.models import ScanRun, Warning, WarningRule
from dangjian.supervision.registry import Context

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)


def _ids(*orgs: Org) -> frozenset[int]:
    return frozenset(o.pk for o in orgs)


def test_every_rule_of_the_apps_with_data_is_declared_with_a_source() -> None:
    codes = set(registry.all_rules())
    assert {"meetings.missing", "orgs.election", "studytime.behind", "supervision.duty_overdue"} <= codes
    assert all(r.source and r.title for r in registry.all_rules().values())  # thresholds where a rule has any


def test_election_rule_reports_overdue_due_soon_and_missing_date(world: Any) -> None:
    check = registry.all_rules()["orgs.election"].check
    world.branch_b.elected_on = None
    world.branch_b.save()
    # 一公司党委 elected 2022-03-01 → 5 years → due 2027-03-01: within 3 months of 2026-12-15 → notice.
    found = {
        f.key: f
        for f in check(Context(today=dt.date(2026, 12, 15), params={"remind_months": 3, "urgent_months": 1}))
    }
    assert found[f"org:{world.committee.pk}:20220301"].severity == "notice"
    assert found[f"org:{world.branch_b.pk}:unknown"].missing is True
    # branch_a elected 2024-01-10 → 3 years → due 2027-01-10; overdue by 2027-02-01.
    late = {
        f.key: f for f in check(Context(today=dt.date(2027, 2, 1), params={}, org_ids=_ids(world.branch_a)))
    }
    assert late[f"org:{world.branch_a.pk}:20240110"].severity == "serious"
    assert len(late) == 1


def test_meetings_rule_finds_missing_meetings_through_the_compliance_selector(world: Any) -> None:
    check = registry.all_rules()["meetings.missing"].check
    found = list(
        check(Context(today=TODAY, params={"months": 3, "serious_missing": 3}, org_ids=_ids(world.branch_a)))
    )
    kinds = {f.key.split(":")[2] for f in found}
    # branch_a has a 支委会 and a 党小组 and held nothing: 支委会, 党小组会 and 主题党日 are missing.
    assert {"committee_meeting", "group_meeting", "theme_day"} <= kinds
    assert all(f.org_id == world.branch_a.pk for f in found)
    monthly = next(f for f in found if f.key.endswith("committee_meeting"))
    assert monthly.severity == "serious" and "缺开 3 次" in monthly.message


def test_study_rule_names_members_behind_schedule(world: Any) -> None:
    check = registry.all_rules()["studytime.behind"].check
    found = list(
        check(
            Context(
                today=TODAY, params={"tolerance_hours": 4, "serious_ratio": 50}, org_ids=_ids(world.branch_a)
            )
        )
    )
    assert {f.member_id for f in found} >= {world.member.pk}
    assert all(f.severity == "warning" for f in found)  # no hours at all: below half of the expectation


def test_scan_opens_refreshes_and_closes_warnings_by_itself(world: Any) -> None:
    world.branch_b.elected_on = None
    world.branch_b.save()
    run = services.scan_run(today=TODAY)
    assert run.opened > 0 and run.closed == 0
    missing = Warning.objects.get(rule__code="orgs.election", org=world.branch_b, status="open")
    assert missing.missing
    opened = Warning.objects.filter(status="open").count()
    again = services.scan_run(today=TODAY)
    assert again.opened == 0 and again.refreshed == opened
    assert Warning.objects.filter(status="open").count() == opened  # still one per (rule, key)
    world.branch_b.elected_on = dt.date(2025, 6, 1)
    world.branch_b.save()
    third = services.scan_run(today=TODAY)
    missing.refresh_from_db()
    assert missing.status == "closed" and missing.closed_reason == "resolved" and third.closed >= 1
    assert AuditEntry.objects.filter(action="supervision.scan.run").count() == 3


def test_warning_owner_is_the_branch_secretary_with_an_account(world: Any) -> None:
    from dangjian.orgs.models import Position

    Position.objects.create(
        org=world.branch_a, member=world.member, title="secretary", started_on=dt.date(2024, 1, 10)
    )
    services.scan_run(today=TODAY)
    w = Warning.objects.filter(org=world.branch_a, rule__code="meetings.missing").first()
    assert w is not None and w.owner == world.member_user


def test_a_disabled_rule_closes_its_warnings_and_a_failing_rule_keeps_them(
    world: Any, monkeypatch: Any
) -> None:
    services.scan_run(today=TODAY)
    rule = WarningRule.objects.get(code="studytime.behind")
    rule.enabled = False
    rule.save()
    services.scan_run(today=TODAY)
    assert not Warning.objects.filter(rule=rule, status="open").exists()
    meetings = WarningRule.objects.get(code="meetings.missing")
    before = Warning.objects.filter(rule=meetings, status="open").count()
    spec = registry.all_rules()["meetings.missing"]

    def broken(ctx: Context) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setitem(
        registry._RULES, "meetings.missing", registry.Rule(**{**spec.__dict__, "check": broken})
    )
    run = services.scan_run(today=TODAY)
    assert "error" in run.details["meetings.missing"]
    assert Warning.objects.filter(rule=meetings, status="open").count() == before


def test_only_who_manages_every_top_level_organisation_edits_rules(world: Any, snapshot: Any) -> None:
    services.rules_sync()
    rule = WarningRule.objects.get(code="orgs.election")
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.rule_update(actor=world.officer, rule=rule, enabled=False, severity="notice", params={})
    assert exc.value.code == "supervision.rules_forbidden"
    assert snapshot() == before


def test_scan_run_is_recorded(world: Any) -> None:
    services.scan_run(today=TODAY)
    run = ScanRun.objects.get()
    assert set(run.details) >= {"meetings.missing", "orgs.election"}
    assert run.finished_at is not None


def test_a_warning_whose_cause_reads_differently_is_rewritten_in_place(world: Any) -> None:
    world.branch_b.elected_on = None
    world.branch_b.save()
    services.scan_run(today=TODAY)
    w = Warning.objects.get(rule__code="orgs.election", org=world.branch_b, status="open")
    Warning.objects.filter(pk=w.pk).update(message="旧的内容", severity="notice", missing=False)
    services.scan_run(today=TODAY)
    fresh = Warning.objects.get(pk=w.pk)
    assert fresh.status == "open" and fresh.missing and fresh.message != "旧的内容"
    assert fresh.severity == "warning" and fresh.last_seen_at > w.last_seen_at
