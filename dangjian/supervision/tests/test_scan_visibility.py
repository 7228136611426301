"""``ScanViewSet.get_queryset``: a scan run's figures cover every organisation it scanned, so the runs are
seen only by the rule keepers (supervision.manage over every top-level organisation) and by their starter."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient, APIRequestFactory

from conftest import make_user
from dangjian.access import services as access_services
from dangjian.supervision.api.views import ScanViewSet
from dangjian.supervision.models import ScanRun

pytestmark = pytest.mark.django_db
API = "/api/v1/supervision/scans"


@pytest.fixture
def runs(world: Any) -> dict[str, Any]:
    keeper = make_user("keeper", "集团纪委")
    access_services.grant_create(
        actor=None, user=keeper, role="discipline_officer", org=world.root, bootstrap=True
    )
    now = timezone.now()
    return {
        "keeper": keeper,
        "officer": ScanRun.objects.create(started_at=now, trigger="manual", started_by=world.officer),
        "secretary_b": ScanRun.objects.create(started_at=now, trigger="manual", started_by=world.secretary_b),
        "schedule": ScanRun.objects.create(started_at=now, trigger="schedule", started_by=None),
    }


def _queryset(user: Any) -> set[int]:
    request = APIRequestFactory().get(f"{API}/")
    request.user = user
    view = ScanViewSet()
    view.setup(request)  # the plain request is enough: get_queryset reads only ``request.user``
    return set(view.get_queryset().values_list("pk", flat=True))


def test_get_queryset_keeps_a_run_to_its_starter_and_the_rule_keepers(
    world: Any, runs: dict[str, Any]
) -> None:
    everything = {runs["officer"].pk, runs["secretary_b"].pk, runs["schedule"].pk}
    assert _queryset(runs["keeper"]) == everything
    assert _queryset(world.officer) == {runs["officer"].pk}  # manages one committee: only his own run
    assert _queryset(world.secretary_b) == {runs["secretary_b"].pk}
    assert _queryset(world.secretary_a) == set()  # a branch secretary who started none


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_branch_secretary_who_did_not_start_a_scan_can_neither_list_nor_read_it(
    world: Any, runs: dict[str, Any]
) -> None:
    client = _client(world.secretary_a)
    assert client.get(f"{API}/").json()["results"] == []
    for key in ("officer", "secretary_b", "schedule"):
        assert client.get(f"{API}/{runs[key].pk}/").status_code == 404


def test_the_starter_lists_and_reads_his_own_run_only(world: Any, runs: dict[str, Any]) -> None:
    client = _client(world.officer)
    assert [r["id"] for r in client.get(f"{API}/").json()["results"]] == [runs["officer"].pk]
    assert client.get(f"{API}/{runs['officer'].pk}/").status_code == 200
    assert client.get(f"{API}/{runs['secretary_b'].pk}/").status_code == 404
    assert client.get(f"{API}/{runs['schedule'].pk}/").status_code == 404


def test_a_rule_keeper_lists_and_reads_every_run(world: Any, runs: dict[str, Any]) -> None:
    client = _client(runs["keeper"])
    listed = {r["id"] for r in client.get(f"{API}/").json()["results"]}
    assert listed == {runs["officer"].pk, runs["secretary_b"].pk, runs["schedule"].pk}
    for key in ("officer", "secretary_b", "schedule"):
        assert client.get(f"{API}/{runs[key].pk}/").status_code == 200
