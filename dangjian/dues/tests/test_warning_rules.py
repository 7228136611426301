"""The warning rules of 党费: arrears at 3 and 6 months, the 自行脱党 case, members without a base."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from dangjian.dues import rules
from dangjian.dues.tests.test_services import fix
from dangjian.members.models import Member
from dangjian.supervision.registry import Context, all_rules

TODAY = dt.date(2026, 11, 24)


def run(code: str, org_ids: frozenset[int] | None = None, **params: int) -> list:  # type: ignore[type-arg]
    r = all_rules()[code]
    return list(r.check(Context(today=TODAY, params={**r.params, **params}, org_ids=org_ids)))


def paid_until(member: Member, month: dt.date | None) -> None:
    Member.objects.filter(pk=member.pk).update(dues_paid_until=month)


def test_arrears_warn_at_three_months_and_are_serious_at_six(world: SimpleNamespace) -> None:
    fix(world, world.member)
    paid_until(world.member, dt.date(2026, 8, 1))  # September and October unpaid: 2 months
    assert [f for f in run("dues.arrears") if not f.missing] == []
    paid_until(world.member, dt.date(2026, 7, 1))  # 3 months
    (f,) = [f for f in run("dues.arrears") if not f.missing]
    assert f.member_id == world.member.pk and f.severity == "warning" and f.org_id == world.branch_a.pk
    assert "3 个月" in f.message and "交至 2026年07月" in f.message
    paid_until(world.member, dt.date(2026, 4, 1))  # 6 months
    (f,) = [f for f in run("dues.arrears") if not f.missing]
    assert f.severity == "serious"


def test_members_without_a_fixed_base_are_reported_missing_not_counted(world: SimpleNamespace) -> None:
    fix(world, world.member)
    paid_until(world.member, dt.date(2026, 10, 1))
    (missing,) = [f for f in run("dues.arrears", org_ids=frozenset({world.branch_a.pk})) if f.missing]
    unfixed = list(Member.objects.filter(org=world.branch_a).exclude(pk=world.member.pk).order_by("id"))
    assert (missing.org_id, missing.member_id, missing.severity) == (world.branch_a.pk, None, None)
    assert missing.message.startswith(f"{len(unfixed)} 名党员尚未核定党费基数")
    assert all(m.name in missing.message for m in unfixed) and world.member.name not in missing.message
    # One finding per branch, however many members: the names are cut after five.
    others = [f for f in run("dues.arrears") if f.missing]
    assert len(others) == len({f.org_id for f in others})


def test_six_months_unpaid_raises_the_lapse_case_and_never_removes_anyone(world: SimpleNamespace) -> None:
    fix(world, world.member)
    paid_until(world.member, dt.date(2026, 5, 1))  # 5 months
    assert run("dues.lapse") == []
    paid_until(world.member, dt.date(2026, 4, 1))
    (f,) = run("dues.lapse")
    assert "支部大会讨论决定" in f.message and "不会自动除名" in f.message
    world.member.refresh_from_db()
    assert world.member.is_active


def test_never_paid_counts_from_the_month_of_joining(world: SimpleNamespace) -> None:
    fix(world, world.probationary)  # joined 2026-03-01, never paid
    paid_until(world.probationary, None)
    (f,) = [f for f in run("dues.arrears") if not f.missing and f.member_id == world.probationary.pk]
    assert rules.unpaid_months(dt.date(2026, 2, 1), TODAY) == 8
    assert "8 个月" in f.message and "从未交纳" in f.message and f.severity == "serious"


def test_rules_are_limited_to_the_given_organisations(world: SimpleNamespace) -> None:
    fix(world, world.member)
    paid_until(world.member, dt.date(2025, 1, 1))
    assert run("dues.lapse", org_ids=frozenset({world.branch_b.pk})) == []
    assert len(run("dues.lapse", org_ids=frozenset({world.branch_a.pk}))) == 1
