"""A double submission from two threads on the live database counts once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from dangjian.members.models import Member
from dangjian.points import services
from dangjian.points.models import PointDay, PointEntry

THREADS = 4


@pytest.mark.django_db(transaction=True)
def test_a_double_click_in_parallel_threads_counts_once(world):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"] == ":memory:":
        pytest.skip("needs a database file that several connections can share")
    on = dt.date(2026, 3, 4)
    member_pk = world.member.pk
    start = threading.Barrier(THREADS)
    failures: list[BaseException] = []
    results: list[int | None] = []

    def click() -> None:
        try:
            member = Member.objects.get(pk=member_pk)
            start.wait(timeout=30)
            entry = services.points_award(member=member, action="article_read", content_key="a1", on=on)
            results.append(entry.pk if entry else None)
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures[:3]
    assert PointEntry.objects.filter(member_id=member_pk).count() == 1
    assert PointDay.objects.get(member_id=member_pk, day=on).points == 1
    assert len(set(results)) == 1 and results[0] is not None
