"""The points pages for the personas, the audited export, the two-person rule on the page, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_member
from dangjian.audit.models import AuditEntry
from dangjian.core import excel
from dangjian.points import services
from dangjian.points.models import AdjustmentStatus, PointAdjustment, PointEntry


def test_member_sees_today_per_rule_and_history(world, login):
    services.points_award(member=world.member, action="login", source="登录")
    response = login(world.member_user).get(reverse("points:my_points"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="points-today"' in body and "<progress" in body and "style=" not in body
    assert "登录" in body


def test_an_account_without_a_member_record_sees_a_notice(world, login):
    response = login(world.outsider).get(reverse("points:my_points"))
    assert 'id="points-no-member"' in response.content.decode()


@pytest.mark.parametrize("level", ["member", "branch", "committee"])
@pytest.mark.parametrize("period", ["day", "week", "month", "year"])
def test_board_renders_for_the_officer(world, login, level, period):
    services.points_award(member=world.member, action="login")
    response = login(world.officer).get(reverse("points:board"), {"level": level, "period": period})
    assert response.status_code == 200


def test_board_highlights_my_rank_for_a_member(world, login):
    services.points_award(member=world.member, action="login")
    body = login(world.member_user).get(reverse("points:board")).content.decode()
    assert 'id="my-rank"' in body and "table-warning" in body


def test_secretary_a_board_never_lists_branch_b(world, login):
    services.points_award(member=world.member_b, action="login")
    body = login(world.secretary_a).get(reverse("points:board"), {"period": "day"}).content.decode()
    assert world.member_b.name not in body


def test_export_is_audited_and_holds_the_board(world, login):
    services.points_award(member=world.member, action="login")
    response = login(world.officer).get(reverse("points:board_export"), {"level": "member", "period": "day"})
    assert response.status_code == 200
    assert response["Content-Type"] == excel.XLSX_CONTENT_TYPE
    entry = AuditEntry.objects.get(action="points.board.export")
    assert entry.actor == world.officer and entry.changes["rows"] == 1


def test_officer_requests_and_the_same_officer_cannot_approve_on_the_page(world, login, snapshot):
    client = login(world.officer)
    response = client.post(
        reverse("points:adjustment_list"),
        {"member": world.member.pk, "points": -2, "reason": "无故缺席组织生活"},
    )
    assert response.status_code == 302
    adj = PointAdjustment.objects.get()
    before = snapshot()
    client.post(reverse("points:adjustment_decide", args=[adj.pk, "approve"]))
    assert snapshot() == before
    adj.refresh_from_db()
    assert adj.status == AdjustmentStatus.PENDING and not PointEntry.objects.exists()


def test_officer_cannot_adjust_a_member_outside_scope(world, login):
    response = login(world.officer).post(
        reverse("points:adjustment_list"), {"member": world.member_c.pk, "points": 2, "reason": "表彰"}
    )
    assert response.status_code == 200 and not PointAdjustment.objects.exists()


def test_decide_on_an_adjustment_outside_scope_is_404(world, login):
    adj = PointAdjustment.objects.create(
        member=world.member_c,
        points=1,
        reason="x",
        occurred_on=dt.date(2026, 1, 5),
        requested_by=world.outsider,
    )
    response = login(world.officer).post(reverse("points:adjustment_decide", args=[adj.pk, "approve"]))
    assert response.status_code == 404
    api = login(world.officer).post(reverse("pointadjustment-approve", args=[adj.pk]))
    assert api.status_code == 404


def test_rule_pages_render_and_edit_is_audited(world, login):
    client = login(world.officer)
    assert client.get(reverse("points:rule_list")).status_code == 200
    from dangjian.points.models import PointRule

    rule = PointRule.objects.get(code="comment")
    assert client.get(reverse("points:rule_edit", args=[rule.pk])).status_code == 200
    data = {
        "name": "发表观点",
        "unit_size": 1,
        "points_per_unit": 1,
        "daily_cap": 2,
        "active_from": "2020-01-01",
    }
    # A subsidiary's officer sees the form but may not change enterprise-wide rules: nothing changes.
    refused = client.post(reverse("points:rule_edit", args=[rule.pk]), data)
    assert refused.status_code == 200 and "根组织" in refused.content.decode()
    rule.refresh_from_db()
    assert rule.daily_cap != 2
    from dangjian.points.tests.test_services import root_officer

    client = login(root_officer(world))
    assert client.post(reverse("points:rule_edit", args=[rule.pk]), data).status_code == 302
    rule.refresh_from_db()
    assert rule.daily_cap == 2
    assert AuditEntry.objects.filter(action="points.rule.update").exists()


def test_api_me_and_board(world, login):
    services.points_award(member=world.member, action="login")
    client = login(world.member_user)
    me = client.get(reverse("points-me")).json()
    assert me["totals"]["day"] == 1 and me["history"][0]["points"] == 1
    board = client.get(reverse("points-board"), {"level": "member", "period": "day"}).json()
    assert board["results"][0]["mine"] is True and board["my_rank"]["branch"] == 1


def test_board_queries_do_not_grow_with_members(world, login):
    client = login(world.officer)
    url = reverse("points:board")
    today = timezone.localdate()

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            for level in ("member", "branch", "committee"):
                assert client.get(url, {"level": level, "period": "year"}).status_code == 200
        return len(ctx)

    services.points_award(member=world.member, action="login", on=today)
    count()  # warm the per-session caches
    small = count()
    for i in range(10):
        m = make_member(world.branch_b if i % 2 else world.branch_a, f"党员{i}")
        services.points_award(member=m, action="login", on=today)
    assert count() == small


def test_api_rule_change_needs_points_manage_and_is_audited(world, login):
    url = reverse("pointrule-detail", args=["login"])
    refused = login(world.secretary_a).patch(url, {"daily_cap": 3}, content_type="application/json")
    assert refused.status_code == 403
    assert login(world.secretary_a).get(url).json()["daily_cap"] == 1
    from dangjian.points.tests.test_services import root_officer

    changed = login(root_officer(world)).patch(url, {"daily_cap": 3}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["daily_cap"] == 3
    assert AuditEntry.objects.filter(action="points.rule.update").count() == 1
