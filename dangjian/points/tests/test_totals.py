"""Period totals (PointTotal, PointOrgTotal): kept with each ledger entry, equal to the ledger recomputed,
following a member who moves, read through their indexes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_member, make_user
from dangjian.access import services as access_services
from dangjian.members import services as member_services
from dangjian.points import rules, selectors, services
from dangjian.points.models import PointDay, PointEntry, PointOrgTotal, PointTotal

ON = dt.date(2026, 3, 4)  # a Wednesday
DAYS = (ON, ON + dt.timedelta(days=1), dt.date(2026, 3, 30), dt.date(2026, 4, 1), dt.date(2026, 5, 20))


def totals() -> set[tuple[int, str, dt.date, int, int, int | None]]:
    return set(
        PointTotal.objects.values_list("member_id", "period", "start", "points", "branch_id", "committee_id")
    )


def org_totals() -> set[tuple[int, str, dt.date, int]]:
    return {row for row in PointOrgTotal.objects.values_list("org_id", "period", "start", "points") if row[3]}


def days() -> set[tuple[int, dt.date, int]]:
    return {row for row in PointDay.objects.values_list("member_id", "day", "points") if row[2]}


def from_ledger(member, period: str, on: dt.date) -> int:
    start, end = rules.period_range(period, on)
    got = PointEntry.objects.filter(member=member, occurred_on__range=(start, end)).aggregate(t=Sum("points"))
    return int(got["t"] or 0)


def _second_officer(world):
    other = make_user("officer2", "组织干部乙")
    access_services.grant_create(actor=None, user=other, role="committee_officer", org=world.committee,
                                 bootstrap=True)  # fmt: skip
    return other


def _activity(world) -> None:
    """Reads, logins and a deduction for three members of two committees over several periods."""
    for i, day in enumerate(DAYS):
        services.points_award(member=world.member, action="login", on=day)
        for j in range(i + 1):
            services.points_award(member=world.member, action="article_read", content_key=f"a{j}", on=day)
        services.points_award(member=world.member_b, action="exam_pass", content_key=f"e{i}", on=day)
    services.points_award(member=world.member_c, action="meeting_attend", content_key="m1", on=ON)
    adjustment = services.adjustment_request(actor=world.officer, member=world.member, points=-2,
                                             reason="缺席组织生活", on=ON)  # fmt: skip
    services.adjustment_approve(actor=_second_officer(world), adjustment=adjustment)


def test_each_award_adds_to_the_members_and_the_branchs_four_periods(world):
    _activity(world)
    for member in (world.member, world.member_b, world.member_c):
        for day in DAYS:
            for period in rules.PERIODS:
                assert selectors.points_total(member, period, day) == from_ledger(member, period, day)
    row = PointTotal.objects.get(member=world.member_b, period="year", start=dt.date(2026, 1, 1))
    assert (row.points, row.branch_id, row.committee_id) == (25, world.branch_b.pk, world.committee.pk)
    branch_a_week = PointOrgTotal.objects.get(org=world.branch_a, period="week", start=dt.date(2026, 3, 2))
    # 党员甲 that week: 2 logins + 1 + 2 reads − 2 (the deduction)
    assert branch_a_week.points == 2 + 3 - 2


def test_an_approved_adjustment_reaches_the_totals_and_a_replay_adds_nothing(world):
    services.points_award(member=world.member, action="login", on=ON)
    adjustment = services.adjustment_request(actor=world.officer, member=world.member, points=10,
                                             reason="获评优秀共产党员", on=ON)  # fmt: skip
    assert selectors.points_total(world.member, "day", ON) == 1  # pending: not counted
    services.adjustment_approve(actor=_second_officer(world), adjustment=adjustment)
    services.points_award(member=world.member, action="login", on=ON)  # replay: idempotent
    for period in rules.PERIODS:
        assert selectors.points_total(world.member, period, ON) == 11
    org = PointOrgTotal.objects.get(org=world.branch_a, period="month", start=dt.date(2026, 3, 1))
    assert org.points == 11


def test_rebuilding_from_the_ledger_gives_the_incremental_totals(world):
    _activity(world)
    before = (totals(), org_totals(), days())
    PointTotal.objects.filter(member=world.member).update(points=999)  # damage them
    PointOrgTotal.objects.all().delete()
    counts = services.points_rebuild_totals()
    assert (totals(), org_totals(), days()) == before
    assert counts["members"] == 3 and counts["totals"] == len(before[0])


def test_the_rebuild_command_shows_its_count(world, capsys):
    _activity(world)
    before = totals()
    call_command("points_rebuild_totals", verbosity=0)
    assert totals() == before
    assert "党员 3 人" in capsys.readouterr().out


def test_a_moved_member_takes_their_points_to_the_new_branch_for_every_period(world):
    _activity(world)
    neighbour = make_member(world.branch_b, "孙八")
    services.points_award(member=neighbour, action="login", on=ON)
    member_services.member_move(actor=world.officer, member=world.member, org=world.branch_b, on=ON)
    assert not PointTotal.objects.filter(member=world.member).exclude(branch=world.branch_b).exists()
    assert not PointOrgTotal.objects.filter(org=world.branch_a).exclude(points=0).exists()
    week_b = PointOrgTotal.objects.get(org=world.branch_b, period="week", start=dt.date(2026, 3, 2))
    assert week_b.points == from_ledger(world.member, "week", ON) + 5 + 5 + 1  # two exams, a login
    rows = selectors.leaderboard(user=world.secretary_b, level="member", period="year", on=ON)
    assert world.member.pk in [r.pk for r in rows]
    assert selectors.leaderboard(user=world.secretary_a, level="member", period="year", on=ON) == []
    incremental = (totals(), org_totals())
    services.points_rebuild_totals()
    assert (totals(), org_totals()) == incremental


def test_a_move_to_another_committee_changes_the_committee_rank(world):
    root_officer = make_user("root_officer", "集团组织部")
    access_services.grant_create(actor=None, user=root_officer, role="committee_officer", org=world.root,
                                 bootstrap=True)  # fmt: skip
    for i in range(3):
        services.points_award(member=world.member_c, action="article_read", content_key=f"c{i}", on=ON)
    services.points_award(member=world.member, action="article_read", content_key="a", on=ON)
    assert selectors.my_rank(world.member, "day", ON).committee_rank == 1  # 党员甲 leads 一公司党委
    member_services.member_move(actor=root_officer, member=world.member, org=world.branch_c, on=ON)
    world.member.refresh_from_db()
    rank = selectors.my_rank(world.member, "day", ON)
    assert (rank.points, rank.branch_rank, rank.committee_rank) == (1, 2, 2)
    assert PointTotal.objects.filter(member=world.member, committee=world.committee2).count() == 4
    incremental = totals()
    services.points_rebuild_totals()
    assert totals() == incremental


def test_saving_a_member_without_moving_them_costs_one_query(world):
    services.points_award(member=world.member, action="login", on=ON)
    world.member.name = "党员甲"
    with CaptureQueriesContext(connection) as ctx:
        world.member.save()
    assert sum("points_pointtotal" in q["sql"] for q in ctx.captured_queries) == 1


def test_an_existing_ledger_gets_its_totals_when_the_table_is_created(world):
    from importlib import import_module

    from django.apps import apps

    _activity(world)
    expected = totals(), org_totals()
    PointTotal.objects.all().delete()
    PointOrgTotal.objects.all().delete()
    import_module("dangjian.points.migrations.0002_pointorgtotal_pointtotal").fill_totals(apps, None)
    assert (totals(), org_totals()) == expected


def test_ranks_and_boards_read_only_the_totals(world):
    _activity(world)
    with CaptureQueriesContext(connection) as ctx:
        selectors.my_rank(world.member, "year", ON)
        selectors.leaderboard(user=world.officer, level="member", period="year", on=ON)
        selectors.leaderboard(user=world.officer, level="committee", period="year", on=ON)
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "points_pointentry" not in sql and "points_pointday" not in sql


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan text; bench/study.py shows both")
def test_the_rank_counts_read_one_range_of_an_index(world):
    _activity(world)
    ahead = PointTotal.objects.filter(period="year", start=dt.date(2026, 1, 1), points__gt=3)
    plans = []
    for qs in (
        ahead.filter(branch_id=world.branch_a.pk),
        ahead.filter(committee_id__in=[world.committee.pk]),
    ):
        sql, params = qs.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN SELECT COUNT(*) FROM ({sql})", params)  # noqa: S608
            plans.append(" ".join(str(row[-1]) for row in cursor.fetchall()))
    assert "COVERING INDEX points_total_branch" in plans[0], plans[0]
    assert "INDEX points_total_committee" in plans[1], plans[1]
    assert not any("SCAN points_pointtotal" in p and "INDEX" not in p for p in plans)


def test_api_rank_gives_points_and_both_ranks(world, login):
    services.points_award(member=world.member_b, action="exam_pass", content_key="e", on=dt.date.today())
    services.points_award(member=world.member, action="login", on=dt.date.today())
    body = login(world.member_user).get(reverse("points-rank"), {"period": "day"}).json()
    assert body == {"member": world.member.pk, "period": "day", "points": 1, "branch": 1, "committee": 2}


def test_api_rank_refuses_an_unknown_period_and_answers_an_account_without_a_member(world, login):
    client = login(world.secretary_b)
    assert client.get(reverse("points-rank"), {"period": "decade"}).status_code == 400
    assert client.get(reverse("points-rank")).json()["member"] is None
