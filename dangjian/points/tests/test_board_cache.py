"""Boards kept for POINTS_BOARD_CACHE_SECONDS: answered again within those seconds for the same scope only,
recomputed after them, the viewer's own row and rank always the viewer's and current."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from conftest import make_member, make_user
from dangjian.access import services as access_services
from dangjian.access.models import Grant
from dangjian.accounts.models import User
from dangjian.points import selectors, services

ON = dt.date(2026, 3, 4)


@pytest.fixture
def kept(settings, monkeypatch):
    """Boards kept 60 s, with a clock the test moves (``kept["now"]``), and nothing kept from before."""
    settings.POINTS_BOARD_CACHE_SECONDS = 60
    clock = {"now": time.time()}
    monkeypatch.setattr(selectors, "_clock", lambda: clock["now"])
    selectors.board_forget()
    cache.clear()
    yield clock
    selectors.board_forget()
    cache.clear()


def _reads(member, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        services.points_award(member=member, action="article_read", content_key=f"r{i}", on=ON)


def _fresh(user: User) -> User:
    """The user as the next request loads it (grants read again)."""
    return User.objects.get(pk=user.pk)


def _board(user: User, level: str = "member") -> list[tuple[int, int]]:
    rows = selectors.leaderboard(user=_fresh(user), level=level, period="day", on=ON, cached=True)
    return [(r.pk, r.points) for r in rows]


def test_a_board_is_answered_again_within_the_seconds_then_recomputed(world, kept):
    _reads(world.member, 1)
    first = _board(world.officer)
    _reads(world.member_b, 3)
    assert _board(world.officer) == first  # within the seconds: the copy
    selectors.board_forget()  # another process: the shared copy
    assert _board(world.officer) == first
    kept["now"] += 61
    assert _board(world.officer) == [(world.member_b.pk, 3), (world.member.pk, 1)]
    assert first == [(world.member.pk, 1)]


def test_without_seconds_every_board_is_computed(world, settings):
    settings.POINTS_BOARD_CACHE_SECONDS = 0
    _reads(world.member, 1)
    assert _board(world.officer) == [(world.member.pk, 1)]
    _reads(world.member_b, 2)
    assert _board(world.officer) == [(world.member_b.pk, 2), (world.member.pk, 1)]


def test_another_scope_never_gets_a_kept_board(world, kept):
    _reads(world.member, 2)
    _reads(world.member_b, 1)
    assert _board(world.secretary_b) == [(world.member_b.pk, 1)]
    assert _board(world.secretary_a) == [(world.member.pk, 2)]
    assert _board(world.officer) == [(world.member.pk, 2), (world.member_b.pk, 1)]
    for level in ("branch", "committee"):
        assert _board(world.secretary_a, level) != _board(world.officer, level)


def test_a_withdrawn_grant_stops_the_kept_board_at_once(world, kept):
    _reads(world.member, 2)
    _reads(world.member_b, 1)
    assert len(_board(world.officer)) == 2
    assert _board(world.officer, "branch")
    Grant.objects.filter(user=world.officer).delete()
    assert _board(world.officer) == []
    assert _board(world.officer, "branch") == []


def test_each_viewer_sees_their_own_row_marked(world, kept):
    users = []
    for branch, name in ((world.branch_a, "干部甲"), (world.branch_b, "干部乙")):
        user = make_user(name, name)
        access_services.grant_create(
            actor=None, user=user, role="committee_officer", org=world.committee, bootstrap=True
        )
        users.append((user, make_member(branch, name, user=user)))
    for _user, member in users:
        _reads(member, 1)
    for user, member in users:
        rows = selectors.leaderboard(user=_fresh(user), level="member", period="day", on=ON, cached=True)
        assert [r.pk for r in rows if r.mine] == [member.pk]
        rows = selectors.leaderboard(user=_fresh(user), level="branch", period="day", on=ON, cached=True)
        assert [r.pk for r in rows if r.mine] == [member.org_id]


def test_the_api_board_is_kept_but_my_rank_is_current(world, kept, login):
    services.points_award(member=world.member, action="article_read", content_key="first")
    client = login(world.member_user)
    params = {"level": "member", "period": "day"}
    first = client.get(reverse("points-board"), params).json()
    assert [(r["id"], r["points"], r["mine"]) for r in first["results"]] == [(world.member.pk, 1, True)]
    assert first["my_rank"]["points"] == 1
    services.points_award(member=world.member, action="article_read", content_key="second")
    again = client.get(reverse("points-board"), params).json()
    assert again["results"] == first["results"]  # the board may lag by the seconds
    assert again["my_rank"]["points"] == 2  # the member's own points never do


def test_the_page_says_how_old_the_board_may_be(world, kept, login):
    body = login(world.officer).get(reverse("points:board")).content.decode()
    assert "排行每 60 秒更新一次" in body
