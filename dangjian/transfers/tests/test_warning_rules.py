"""The warning rules of transfers, 流动党员 and 失联党员, called directly through the registry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangjian.members import services as member_services
from dangjian.supervision import registry
from dangjian.supervision.registry import Context
from dangjian.transfers import services

TODAY = dt.date(2026, 5, 10)


def _run(code: str, today: dt.date, org_ids: Any = None, **params: Any) -> list[registry.Finding]:
    rule = registry.all_rules()[code]
    return list(rule.check(Context(today=today, params=rule.params | params, org_ids=org_ids)))


def _issued(world: Any, days: int = 30, kind: str = "internal", **kw: Any) -> Any:
    t = services.transfer_request(
        actor=world.secretary_a,
        member=kw.pop("member", world.member),
        kind=kind,
        reason="job",
        to_org=world.branch_b if kind == "internal" else None,
        to_org_name="" if kind == "internal" else "中共某区委组织部",
        today=TODAY,
    )
    return services.transfer_issue(
        actor=world.officer,
        transfer=t,
        valid_days=days,
        system_ref="X1" if kind == "national" else "",
        today=TODAY,
    )


def test_rules_are_registered_with_their_sources() -> None:
    rules = registry.all_rules()
    for code in (
        "transfers.approval_pending",
        "transfers.letter_validity",
        "transfers.receipt_overdue",
        "transfers.lost_contact",
        "transfers.mobile_should_transfer",
    ):
        assert code in rules and rules[code].source
    assert rules["transfers.lost_contact"].params == {"months": 6, "removal_years": 2}


def test_a_request_waiting_longer_than_the_review_days_is_flagged(world: Any) -> None:
    t = services.transfer_request(
        actor=world.member_user,
        member=world.member,
        kind="outside",
        reason="job",
        to_org_name="某单位",
        today=TODAY,
    )
    assert _run("transfers.approval_pending", TODAY + dt.timedelta(days=7)) == []
    [f] = _run("transfers.approval_pending", TODAY + dt.timedelta(days=8))
    assert (f.org_id, f.member_id, f.key) == (
        world.branch_a.pk,
        world.member.pk,
        f"transfer:{t.pk}:requested",
    )
    assert "待党支部审核" in f.message
    assert _run("transfers.approval_pending", TODAY + dt.timedelta(days=8), days=10) == []


def test_a_letter_about_to_expire_is_a_notice_and_an_expired_one_serious(world: Any) -> None:
    t = _issued(world, days=30)  # valid to 8 June
    assert _run("transfers.letter_validity", dt.date(2026, 5, 31)) == []
    [soon] = _run("transfers.letter_validity", dt.date(2026, 6, 1))
    assert soon.severity == "notice" and soon.due == dt.date(2026, 6, 8) and "将于" in soon.message
    [late] = _run("transfers.letter_validity", dt.date(2026, 6, 9))
    assert late.severity == "serious" and "已于" in late.message and late.org_id == world.branch_a.pk
    assert late.link.endswith(f"/transfers/{t.pk}/")
    services.transfer_reissue(actor=world.officer, transfer=t, today=dt.date(2026, 6, 9))
    assert _run("transfers.letter_validity", dt.date(2026, 6, 10)) == []


def test_org_ids_limit_the_findings(world: Any) -> None:
    _issued(world, days=5)
    later = TODAY + dt.timedelta(days=10)
    assert len(_run("transfers.letter_validity", later, org_ids=frozenset({world.branch_a.pk}))) == 1
    assert _run("transfers.letter_validity", later, org_ids=frozenset({world.branch_c.pk})) == []


def test_a_receipt_not_returned_within_a_month_of_the_report_is_flagged_on_the_receiving_side(
    world: Any,
) -> None:
    t = _issued(world)
    services.transfer_accept(actor=world.officer, transfer=t, today=TODAY)
    services.transfer_report(actor=world.secretary_b, transfer=t, on=TODAY, today=TODAY)
    assert _run("transfers.receipt_overdue", dt.date(2026, 6, 10)) == []
    [f] = _run("transfers.receipt_overdue", dt.date(2026, 6, 11))
    assert f.org_id == world.branch_b.pk and f.due == dt.date(2026, 6, 10)
    services.transfer_receipt(actor=world.secretary_b, transfer=t, today=dt.date(2026, 6, 11))
    assert _run("transfers.receipt_overdue", dt.date(2026, 6, 11)) == []


def test_an_external_letter_without_its_receipt_a_month_after_validity_is_flagged(world: Any) -> None:
    _issued(world, kind="national")  # valid to 8 June, 回执 expected by 8 July
    assert _run("transfers.receipt_overdue", dt.date(2026, 7, 8)) == []
    [f] = _run("transfers.receipt_overdue", dt.date(2026, 7, 9))
    assert f.org_id == world.branch_a.pk and "中共某区委组织部" in f.message
    # past its validity the external letter is not also flagged as "not reported"
    assert _run("transfers.letter_validity", dt.date(2026, 7, 9)) == []


def test_lost_contact_six_months_then_two_years_after_suspension(world: Any) -> None:
    member_services.member_mark_lost_contact(
        actor=world.secretary_a, member=world.member, since=dt.date(2025, 11, 10)
    )
    assert _run("transfers.lost_contact", dt.date(2026, 5, 9)) == []
    [f] = _run("transfers.lost_contact", dt.date(2026, 5, 10))
    assert f.member_id == world.member.pk and f.due == dt.date(2026, 5, 10) and "停止党籍" in f.message
    member_services.member_suspend(
        actor=world.secretary_a,
        member=world.member,
        on=dt.date(2026, 5, 20),
        reason="失联满6个月，支委会决定",
    )
    assert _run("transfers.lost_contact", dt.date(2028, 5, 19)) == []
    [case] = _run("transfers.lost_contact", dt.date(2028, 5, 20))
    assert case.severity == "serious" and "自行脱党" in case.message
    assert _run("transfers.lost_contact", dt.date(2028, 5, 20), removal_years=3) == []


def test_a_mobile_member_away_six_months_gets_a_notice_to_transfer(world: Any) -> None:
    services.mobile_register(
        actor=world.secretary_a,
        member=world.member,
        destination="广东省深圳市",
        reason="work",
        started_on=dt.date(2026, 1, 10),
        expected_until=dt.date(2027, 1, 10),
        today=TODAY,
    )
    assert _run("transfers.mobile_should_transfer", dt.date(2026, 7, 9)) == []
    [f] = _run("transfers.mobile_should_transfer", dt.date(2026, 7, 10))
    assert f.member_id == world.member.pk and "应转接" in f.message
