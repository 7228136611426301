"""Points: caps, idempotency, rule dates, adjustments with two people, the integrity seal, scope, ranks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from conftest import make_member
from dangjian.access import services as access_services
from dangjian.audit.models import AuditEntry
from dangjian.core import integrity
from dangjian.core.errors import BusinessError
from dangjian.points import rules, selectors, services
from dangjian.points.models import AdjustmentStatus, PointDay, PointEntry, PointRule

ON = dt.date(2026, 3, 4)  # a Wednesday


def total(member, day=ON):
    return sum(PointDay.objects.filter(member=member, day=day).values_list("points", flat=True))


def test_defaults_follow_domain_section_7_and_seeding_again_creates_nothing(db):
    login = PointRule.objects.get(code="login")
    assert (login.points_per_unit, login.daily_cap) == (1, 1)
    dwell = PointRule.objects.get(code="article_dwell")
    assert (dwell.unit, dwell.unit_size, dwell.daily_cap) == ("minutes", 4, 6)
    assert PointRule.objects.get(code="daily_quiz").daily_cap == 5
    assert services.points_seed_rules() == 0


def test_the_seed_command_is_idempotent(db):
    from django.core.management import call_command

    call_command("points_seed_rules")
    assert PointRule.objects.filter(code="login").count() == 1


def test_article_reads_count_one_each_up_to_the_daily_cap_and_nothing_beyond(world):
    awarded = [services.points_award(member=world.member, action="article_read", content_key=f"a{i}", on=ON)
               for i in range(8)]  # fmt: skip
    assert [e.points if e else None for e in awarded] == [1, 1, 1, 1, 1, 1, None, None]
    assert total(world.member) == 6
    assert PointEntry.objects.filter(member=world.member).count() == 6


def test_dwell_minutes_give_one_point_per_four_minutes_clipped_to_the_cap(world):
    first = services.points_award(
        member=world.member, action="article_dwell", units=9, content_key="a1", on=ON
    )
    assert first is not None and first.points == 2
    second = services.points_award(
        member=world.member, action="article_dwell", units=40, content_key="a2", on=ON
    )
    assert second is not None and second.points == 4  # 10 asked, 4 left under the cap of 6
    assert total(world.member) == 6


def test_weekly_cap_carries_across_the_days_of_a_week(world):
    monday = ON - dt.timedelta(days=2)
    first = services.points_award(
        member=world.member, action="weekly_quiz", units=4, content_key="q1", on=monday
    )
    second = services.points_award(
        member=world.member, action="weekly_quiz", units=4, content_key="q2", on=ON
    )
    assert first is not None and first.points == 4
    assert second is not None and second.points == 1
    next_week = services.points_award(
        member=world.member, action="weekly_quiz", units=4, content_key="q3", on=ON + dt.timedelta(days=7)
    )
    assert next_week is not None and next_week.points == 4


def test_a_replay_returns_the_same_entry_and_adds_nothing(world):
    first = services.points_award(member=world.member, action="login", on=ON)
    again = services.points_award(member=world.member, action="login", on=ON)
    assert first is not None and again is not None and again.pk == first.pk
    assert PointEntry.objects.count() == 1
    assert total(world.member) == 1


def test_inactive_expired_and_future_rules_award_nothing(world):
    rule = PointRule.objects.get(code="comment")
    rule.is_active = False
    rule.save()
    assert services.points_award(member=world.member, action="comment", on=ON) is None
    rule.is_active = True
    rule.active_until = ON - dt.timedelta(days=1)
    rule.save()
    assert services.points_award(member=world.member, action="comment", on=ON) is None
    assert services.points_award(member=world.member, action="login", on=dt.date(2019, 5, 1)) is None
    assert services.points_award(member=world.member, action="no_such_action", on=ON) is None
    assert not PointEntry.objects.exists()


def test_a_deduction_approved_by_a_second_person_lowers_the_day_total(world):
    other = world.secretary_a
    access_services.grant_create(
        actor=None, user=other, role="committee_officer", org=world.committee, bootstrap=True
    )
    services.points_award(member=world.member, action="login", on=ON)
    adj = services.adjustment_request(
        actor=world.officer, member=world.member, points=-3, reason="无故缺席", on=ON
    )
    assert AuditEntry.objects.filter(action="points.adjustment.request", target_id=str(adj.pk)).exists()
    adj = services.adjustment_approve(actor=other, adjustment=adj)
    assert adj.status == AdjustmentStatus.APPROVED and adj.entry is not None
    assert adj.entry.points == -3 and adj.entry.rule is None
    assert total(world.member) == -2
    entry = AuditEntry.objects.get(action="points.adjustment.approve", target_id=str(adj.pk))
    assert entry.org_path == world.branch_a.path


def test_the_requester_cannot_approve_their_own_adjustment_and_nothing_changes(world, snapshot):
    adj = services.adjustment_request(
        actor=world.officer, member=world.member, points=5, reason="表彰", on=ON
    )
    before = snapshot()
    for decide in (services.adjustment_approve, services.adjustment_reject):
        with pytest.raises(BusinessError) as exc:
            decide(actor=world.officer, adjustment=adj)
        assert exc.value.code == "points.same_person"
    assert snapshot() == before


def test_a_secretary_without_points_manage_cannot_request_an_adjustment(world, snapshot):
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.adjustment_request(actor=world.secretary_a, member=world.member, points=5, reason="表彰")
    assert exc.value.code == "points.forbidden"
    assert snapshot() == before


def test_an_adjustment_without_a_reason_is_refused(world):
    with pytest.raises(BusinessError) as exc:
        services.adjustment_request(actor=world.officer, member=world.member, points=5, reason="  ")
    assert exc.value.code == "points.reason_required"


def root_officer(world):
    """An officer of the root committee: the only kind of grant that may change enterprise-wide rules."""
    from conftest import make_user
    from dangjian.access.services import grant_create

    user = make_user("root_officer", "集团组织部")
    grant_create(actor=None, user=user, role="committee_officer", org=world.root, bootstrap=True)
    return user


def test_rule_update_is_audited_and_refused_without_points_manage(world):
    rule = PointRule.objects.get(code="login")
    with pytest.raises(BusinessError):
        services.points_rule_update(actor=world.secretary_a, rule=rule, daily_cap=3)
    services.points_rule_update(actor=root_officer(world), rule=rule, daily_cap=3)
    rule.refresh_from_db()
    assert rule.daily_cap == 3
    assert AuditEntry.objects.filter(action="points.rule.update", target_id=str(rule.pk)).exists()


def test_a_subsidiary_officer_cannot_change_the_enterprise_wide_rules(world):
    rule = PointRule.objects.get(code="login")
    before = rule.daily_cap
    with pytest.raises(BusinessError, match="根组织"):
        services.points_rule_update(actor=world.officer, rule=rule, daily_cap=before + 5)
    rule.refresh_from_db()
    assert rule.daily_cap == before
    assert not AuditEntry.objects.filter(action="points.rule.update").exists()


def test_the_seal_detects_a_raw_sql_edit_of_points(world):
    entry = services.points_award(member=world.member, action="login", on=ON)
    assert entry is not None
    entry.refresh_from_db()
    assert integrity.verify(instance=entry)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE points_pointentry SET points = 100 WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert not integrity.verify(instance=entry)
    report = integrity.check(models_to_check=[PointEntry])
    assert report.failed["points.pointentry"] == [entry.pk]


def _award_reads(member, n):
    for i in range(n):
        services.points_award(member=member, action="article_read", content_key=f"x{i}", on=ON)


def test_secretary_a_never_sees_branch_b_members_on_the_board(world):
    _award_reads(world.member, 3)
    _award_reads(world.member_b, 5)
    rows = selectors.leaderboard(user=world.secretary_a, level="member", period="week", on=ON)
    assert [r.pk for r in rows] == [world.member.pk]
    officer_rows = selectors.leaderboard(user=world.officer, level="member", period="week", on=ON)
    assert [(r.pk, r.rank) for r in officer_rows] == [(world.member_b.pk, 1), (world.member.pk, 2)]
    branches = selectors.leaderboard(user=world.officer, level="branch", period="week", on=ON)
    assert [(r.pk, r.points) for r in branches] == [(world.branch_b.pk, 5), (world.branch_a.pk, 3)]
    committees = selectors.leaderboard(user=world.officer, level="committee", period="month", on=ON)
    assert [(r.pk, r.points) for r in committees] == [(world.committee.pk, 8)]
    assert selectors.leaderboard(user=world.secretary_a, level="committee", period="week", on=ON) == []


def test_a_member_without_a_grant_sees_only_themselves_and_their_rank(world):
    neighbour = make_member(world.branch_a, "孙八")
    _award_reads(world.member, 2)
    _award_reads(neighbour, 4)
    _award_reads(world.member_b, 6)
    rows = selectors.leaderboard(user=world.member_user, level="member", period="day", on=ON)
    assert [(r.pk, r.mine) for r in rows] == [(world.member.pk, True)]
    rank = selectors.my_rank(world.member, "day", ON)
    assert (rank.points, rank.branch_rank, rank.committee_rank) == (2, 2, 3)


def test_today_shows_each_rule_against_its_cap(world):
    _award_reads(world.member, 3)
    progress = {p.rule.code: p for p in selectors.points_today(world.member, ON)}
    assert (progress["article_read"].earned, progress["article_read"].cap, progress["article_read"].step) == (
        3,
        6,
        50,
    )
    assert progress["login"].earned == 0


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("day", ON, ON),
        ("week", dt.date(2026, 3, 2), dt.date(2026, 3, 8)),
        ("month", dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        ("year", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ],
)
def test_period_ranges(period, start, end):
    assert rules.period_range(period, ON) == (start, end)


def test_ties_share_a_rank():
    assert rules.competition_ranks([100, 90, 90, 80]) == [1, 2, 2, 4]
