"""The /api/v1/supervision/ routes call the same services as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.supervision import services
from dangjian.supervision.models import Rectification, ResponsibilityItem, Warning

pytestmark = pytest.mark.django_db
API = "/api/v1/supervision"


def test_warning_to_task_report_and_accept_through_the_api(world: Any, login: Any) -> None:
    services.scan_run()
    warning = Warning.objects.filter(org=world.branch_a, status="open").first()
    client = login(world.officer)
    assert client.get(f"{API}/warnings/?status=open").json()["count"] >= 1
    deadline = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    r = client.post(
        f"{API}/warnings/{warning.pk}/task/",
        {"deadline": deadline, "evidence_required": "会议记录"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    task_id = r.json()["id"]
    # Again: one open task per warning.
    r = client.post(
        f"{API}/warnings/{warning.pk}/task/",
        {"deadline": deadline, "evidence_required": "会议记录"},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "supervision.already_tasked"
    client.logout()
    client = login(world.secretary_a)
    evidence = SimpleUploadedFile("说明.txt", "整改说明".encode(), content_type="text/plain")
    r = client.post(f"{API}/tasks/{task_id}/report/", {"note": "已整改", "file": evidence, "submit": "true"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "submitted" and r.json()["steps"][-1]["file"]
    r = client.post(f"{API}/tasks/{task_id}/check/", {"accept": True}, content_type="application/json")
    assert r.status_code == 403
    client.logout()
    client = login(world.officer)
    r = client.post(f"{API}/tasks/{task_id}/check/", {"accept": True}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    board = client.get(f"{API}/board/?org={world.committee.pk}").json()
    assert board["total"]["tasks"]["accepted"] == 1
    assert Rectification.objects.get(pk=task_id).accepted_at is not None


def test_responsibility_items_and_records_through_the_api(world: Any, login: Any) -> None:
    client = login(world.officer)
    year = timezone.localdate().year
    r = client.post(
        f"{API}/duties/",
        {"org": world.committee.pk, "duty": "supervisory", "year": year, "title": "每月开展廉政谈话",
         "holder_title": "纪委书记", "period": "month"},
        content_type="application/json",
    )  # fmt: skip
    assert r.status_code == 201, r.content
    item = ResponsibilityItem.objects.get(pk=r.json()["id"])
    first = dt.date(year, 1, 1).isoformat()
    r = client.post(
        f"{API}/duties/{item.pk}/record/",
        {"period_start": first, "done_on": first, "note": "开展谈话 3 人次"},
    )
    assert r.status_code == 201, r.content
    assert client.get(f"{API}/duties/?year={year}").json()["count"] == 1
    rules = client.get(f"{API}/rules/").json()
    assert {"meetings.missing", "orgs.election", "studytime.behind"} <= {r["code"] for r in rules}


def test_refused_rule_change_leaves_everything_unchanged(world: Any, login: Any, snapshot: Any) -> None:
    client = login(world.officer)
    before = snapshot()
    r = client.patch(
        f"{API}/rules/orgs.election/",
        {"enabled": False, "severity": "notice"},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert snapshot() == before
