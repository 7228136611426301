"""Fifty parallel writers leave the audit chain intact (SECURITY.md "Audit")."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from dangjian.audit import services as audit
from dangjian.audit.models import AuditEntry
from dangjian.audit.verify import verify_chain

WRITERS = 50
EACH = 4


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_writers_leave_a_gap_free_valid_chain():
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"] == ":memory:":
        pytest.skip("needs a database file that several connections can share")
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait(timeout=30)
            for i in range(EACH):
                with transaction.atomic():
                    audit.record(actor=None, action="tests.parallel.write", target_repr=f"写入者{n}-{i}")
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures[:3]
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, WRITERS * EACH + 1))
    report = verify_chain()
    assert report.ok, report.problem
    assert report.checked == WRITERS * EACH
