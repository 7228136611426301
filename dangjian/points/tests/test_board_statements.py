"""The boards and "my rank" as single statements: the cut-off of the branch board keeps its ties, committee
sums add every organisation below (and the committee's own row), the written-out SQL names the tables."""

from __future__ import annotations

import datetime as dt

from conftest import make_member, make_user
from dangjian.access import services as access_services
from dangjian.orgs.models import Org
from dangjian.points import selectors, services
from dangjian.points.models import PointTotal

ON = dt.date(2026, 3, 4)


def _reads(member, n: int) -> None:
    services.points_seed_rules()
    for i in range(n):
        services.points_award(member=member, action="article_read", content_key=f"r{i}", on=ON)


def _root_officer(world):
    user = make_user("rootofficer", "集团组织干部")
    access_services.grant_create(
        actor=None, user=user, role="committee_officer", org=world.root, bootstrap=True
    )
    return user


def test_the_branch_board_orders_those_tied_at_the_cut_by_name(world, monkeypatch):
    monkeypatch.setattr(selectors, "BOARD_LIMIT", 2)
    for member in (world.member, world.member_b, world.member_c):
        _reads(member, 3)
    rows = selectors.leaderboard(user=_root_officer(world), level="branch", period="day", on=ON)
    branches = (world.branch_a, world.branch_b, world.branch_c)
    expected = sorted((b.short_name or b.name, b.pk) for b in branches)[:2]
    assert [(r.name, r.pk, r.rank, r.points) for r in rows] == [(n, pk, 1, 3) for n, pk in expected]


def test_the_branch_board_reads_everything_below_the_limit(world):
    _reads(world.member, 2)
    _reads(world.member_b, 4)
    rows = selectors.leaderboard(user=world.officer, level="branch", period="day", on=ON)
    assert [(r.pk, r.rank, r.points) for r in rows] == [(world.branch_b.pk, 1, 4), (world.branch_a.pk, 2, 2)]


def test_committee_sums_add_every_organisation_below_and_their_own_row(world):
    in_committee = make_member(world.committee, "机关党员")  # a member of the committee's own organisation
    _reads(world.member, 1)
    _reads(world.member_b, 2)
    _reads(world.member_c, 4)
    _reads(in_committee, 3)
    rows = selectors.leaderboard(user=_root_officer(world), level="committee", period="day", on=ON)
    got = {r.pk: r.points for r in rows}
    assert got == {world.root.pk: 10, world.committee.pk: 6, world.committee2.pk: 4}
    assert [r.pk for r in rows] == [world.root.pk, world.committee.pk, world.committee2.pk]
    officer = selectors.leaderboard(user=world.officer, level="committee", period="day", on=ON)
    assert [(r.pk, r.points) for r in officer] == [(world.committee.pk, 6)]


def test_member_board_rows_carry_their_names(world):
    _reads(world.member, 2)
    _reads(world.member_b, 4)
    rows = selectors.leaderboard(user=world.officer, level="member", period="day", on=ON)
    assert [(r.name, r.org_name, r.points) for r in rows] == [
        (world.member_b.name, world.branch_b.short_name, 4),
        (world.member.name, world.branch_a.short_name, 2),
    ]


def test_my_rank_of_a_member_of_a_root_organisation_has_no_committee_rank(world):
    at_root = make_member(world.root, "集团机关党员")
    _reads(at_root, 2)
    _reads(world.member, 5)
    rank = selectors.my_rank(at_root, "day", ON)
    assert (rank.points, rank.branch_rank, rank.committee_rank) == (2, 1, None)


def test_the_written_out_statements_name_the_tables():
    assert PointTotal._meta.db_table == "points_pointtotal"
    assert Org._meta.db_table == "orgs_org"
    for sql in (selectors._RANK_SQL, selectors._RANK_BRANCH_SQL):
        assert "FROM points_pointtotal " in sql
    assert "FROM orgs_org " in selectors._RANK_SQL
