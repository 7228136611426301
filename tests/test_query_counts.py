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
