"""Pages and API lists make a bounded number of queries, whatever the number of rows (no N+1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_member, sign_in
from dangjian.audit import services as audit
from dangjian.orgs.models import Position

PAGES = ["/", "/members/", "/orgs/", "/api/v1/members/", "/api/v1/orgs/", "/api/v1/positions/", "/audit/"]


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", PAGES)
def test_query_count_does_not_grow_with_the_rows(world, client, url):
    user = world.audit_admin if url.startswith("/audit/") else world.officer
    sign_in(client, user)
    add_rows(world, 0, 3)  # every list has some rows (an empty page skips its data query)
    queries(client, url)  # warm caches (content types, policy)
    before = queries(client, url)
    add_rows(world, 3, 28)
    after = queries(client, url)
    assert after <= before, f"{url}: {before} → {after} queries"


def add_rows(world, first: int, last: int) -> None:
    for i in range(first, last):
        member = make_member(world.branch_a if i % 2 else world.branch_b, f"新增{i}")
        Position.objects.create(
            org=member.org, member=member, title="committee_member", started_on=dt.date(2025, 1, 1)
        )
        audit.record(actor=world.officer, action="tests.rows.add", target=member, org_path=member.org.path)


# ------------------------------------------------------------------------------------------------------------
# Study time and points (issue 4): the heartbeat, "my rank" and the boards make a fixed number of queries,
# whatever the number of members, organisations or ledger entries (bench/study.py measures their speed).

_TRANSACTION = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK")


def _statements(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].upper().startswith(_TRANSACTION)]


def _award_many(world, first: int, last: int) -> None:
    from dangjian.points import services as points

    points.points_seed_rules()
    for i in range(first, last):
        member = make_member(world.branch_a if i % 2 else world.branch_b, f"积分{i}")
        points.points_award(member=member, action="exam_pass", content_key=f"e{i}")
    points.points_award(member=world.member, action="login")


def test_a_heartbeat_with_a_token_is_three_statements(world, client, settings):
    from dangjian.access import tokens
    from dangjian.accounts import policy
    from dangjian.studytime import content

    content.register("qc", resolve=lambda pk, user: content.Content(f"qc:{pk}", "文章", "article", "/"))
    settings.SECURITY_POLICY_CACHE_SECONDS = 5  # as in production
    key = tokens.token_create(actor=world.member_user, user=world.member_user, name="t")[1]
    beat = {"content": "qc:1", "state": "visible"}
    try:
        counts = []
        for _ in range(3):  # the first creates the rows and notes the token's use
            with CaptureQueriesContext(connection) as ctx:
                response = client.post("/api/v1/study/heartbeat/", beat, content_type="application/json",
                                       HTTP_AUTHORIZATION=f"Token {key}")  # fmt: skip
            assert response.status_code == 200
            counts.append(len(_statements(ctx)))
        # (In a request of its own on PostgreSQL, the locking read also sets ``synchronous_commit`` off for
        # the transaction: no statement of its own.)
        assert counts[1:] == [3, 3], counts
    finally:
        policy.forget()


def test_my_rank_is_one_statement(world):
    from dangjian.points import selectors

    _award_many(world, 0, 3)
    with CaptureQueriesContext(connection) as ctx:
        few = selectors.my_rank(world.member, "year")
    _award_many(world, 3, 28)
    with CaptureQueriesContext(connection) as ctx2:
        many = selectors.my_rank(world.member, "year")
    assert len(_statements(ctx)) == len(_statements(ctx2)) == 1
    assert few.points == many.points == 1
    assert many.branch_rank > few.branch_rank and many.committee_rank > few.committee_rank


@pytest.mark.parametrize("level", ["member", "branch", "committee"])
@pytest.mark.parametrize("who", ["officer", "secretary_a", "member_user"])
def test_boards_make_a_fixed_number_of_queries(world, client, level, who):
    """The board API with the viewer's rank: the session, the viewer's grants and member record, the scope's
    organisations, one statement for the board and one for "my rank"."""
    sign_in(client, getattr(world, who))
    url = f"/api/v1/points/board/?level={level}&period=year"
    _award_many(world, 0, 3)
    queries(client, url)  # warm caches (content types, policy)
    before = queries(client, url)
    _award_many(world, 3, 28)
    after = queries(client, url)
    assert after <= before, f"{url}: {before} → {after} queries"
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    board = [sql for sql in _statements(ctx) if "points_point" in sql]
    assert len(board) <= 2, board  # the board (none without a grant), then "my rank"
