"""The heartbeat: time measured on the server, never trusted from the client; points and progress follow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.db.models import Sum
from django.test import TestCase
from django.utils import timezone

from conftest import make_user
from dangjian.audit.models import AuditEntry
from dangjian.core.errors import BusinessError
from dangjian.points.models import PointEntry
from dangjian.studytime import services
from dangjian.studytime.models import StudyDay, StudyHours

T0 = timezone.make_aware(dt.datetime(2026, 5, 4, 9, 0, 0))


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def beat(w: SimpleNamespace, key: str, seconds: float, state: str = "visible") -> services.Heartbeat:
    """One heartbeat as a request makes it: its own transaction, then the after-commit work."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.study_heartbeat(user=w.member_user, content_key=key, state=state, now=at(seconds))


def study(w: SimpleNamespace, key: str, start: int, end: int, state: str = "visible", step: int = 15) -> None:
    for s in range(start, end + 1, step):
        beat(w, key, s, state)


def points(w: SimpleNamespace, action: str) -> int:
    return PointEntry.objects.filter(member=w.member, action=action).aggregate(t=Sum("points"))["t"] or 0


class TestTime:
    def test_time_is_the_server_measured_time_between_beats(self, world: SimpleNamespace) -> None:
        assert beat(world, "doc:1", 0).credited == 0
        assert beat(world, "doc:1", 15).credited == 15
        result = beat(world, "doc:1", 30)
        assert (result.credited, result.seconds_today) == (15, 30)
        day = StudyDay.objects.get(member=world.member, content_key="doc:1")
        assert (day.seconds, day.beats, day.on) == (30, 3, dt.date(2026, 5, 4))

    def test_an_idle_tab_earns_nothing(self, world: SimpleNamespace) -> None:
        study(world, "doc:1", 0, 30)
        # the page was hidden (no beats) for ten minutes, then shows again
        assert beat(world, "doc:1", 630).credited == 0
        assert beat(world, "doc:1", 645).credited == 15
        assert StudyDay.objects.get(content_key="doc:1").seconds == 45

    def test_a_stop_beat_ends_the_chain(self, world: SimpleNamespace) -> None:
        study(world, "doc:1", 0, 15)
        assert beat(world, "doc:1", 20, "stop").credited == 5
        assert beat(world, "doc:1", 30).credited == 0  # a new chain starts

    def test_two_tabs_never_earn_more_than_the_wall_clock(self, world: SimpleNamespace) -> None:
        for s in range(0, 301, 15):  # both tabs beat every 15 s for five minutes
            beat(world, "doc:1", s)
            beat(world, "doc:2", s)
        total = StudyDay.objects.filter(member=world.member).aggregate(t=Sum("seconds"))["t"]
        assert total == 300

    def test_a_paused_video_earns_nothing_and_a_video_at_most_its_length(
        self, world: SimpleNamespace
    ) -> None:
        study(world, "clip:1", 0, 60, state="visible")  # the page is open, the video does not play
        assert StudyDay.objects.get(content_key="clip:1").seconds == 0
        study(world, "clip:1", 75, 300, state="playing")  # plays (and replays) for almost four minutes
        assert StudyDay.objects.get(content_key="clip:1").seconds == 60

    def test_frequent_beats_lose_nothing_to_rounding(self, world: SimpleNamespace) -> None:
        for i in range(21):  # a beat every 0.99 s for 19.8 s
            beat(world, "doc:1", i * 0.99)
        assert StudyDay.objects.get(content_key="doc:1").seconds == 19

    def test_a_pause_or_a_silence_is_not_credited_when_the_beats_resume(self, world: SimpleNamespace) -> None:
        study(world, "clip:1", 0, 20, state="playing", step=5)  # 20 s played
        study(world, "clip:1", 25, 40, state="visible", step=5)  # paused: the page still beats
        study(world, "clip:1", 45, 50, state="playing", step=5)  # plays again: 45 → 50
        assert StudyDay.objects.get(content_key="clip:1").seconds == 25
        study(world, "doc:1", 200, 210, step=5)
        study(world, "doc:1", 300, 310, step=5)  # 90 s of silence: a new chain
        assert StudyDay.objects.get(content_key="doc:1").seconds == 20

    def test_unknown_or_forbidden_content_is_refused_and_nothing_is_written(
        self, world: SimpleNamespace
    ) -> None:
        for key in ("doc:999", "nothing:1", "doc:x", "doc", ""):
            with pytest.raises(BusinessError) as exc:
                beat(world, key, 0)
            assert exc.value.code == "studytime.not_found"
        with pytest.raises(BusinessError):
            services.study_heartbeat(user=world.member_user, content_key="doc:1", state="hours=9", now=at(0))
        assert not StudyDay.objects.exists()

    def test_an_account_without_a_member_record_cannot_study(self, world: SimpleNamespace) -> None:
        with pytest.raises(BusinessError) as exc:
            services.study_heartbeat(
                user=make_user("nobody"), content_key="doc:1", state="visible", now=at(0)
            )
        assert exc.value.code == "studytime.no_member"
        assert not StudyDay.objects.exists()

    def test_the_owner_hears_of_progress_after_commit(
        self, world: SimpleNamespace, providers: list[Any]
    ) -> None:
        study(world, "doc:1", 0, 30)
        assert providers == [(world.member.pk, "doc:1", 15, 15), (world.member.pk, "doc:1", 30, 30)]


class TestPoints:
    def test_an_article_counts_as_read_once_a_day(self, world: SimpleNamespace) -> None:
        study(world, "doc:1", 0, 15)
        assert points(world, "article_read") == 0  # 15 s is not reading yet
        study(world, "doc:1", 30, 60)
        assert points(world, "article_read") == 1
        study(world, "doc:1", 1000, 1200)  # read again the same day: nothing more
        assert points(world, "article_read") == 1

    def test_dwell_points_per_four_valid_minutes_capped(self, world: SimpleNamespace) -> None:
        study(world, "doc:1", 0, 9 * 60)  # 9 minutes → 2 blocks
        assert points(world, "article_dwell") == 2
        study(world, "doc:2", 2000, 2000 + 40 * 60)  # 40 more minutes, but the daily cap is 6
        assert points(world, "article_dwell") == 6

    def test_a_video_earns_the_video_rules(self, world: SimpleNamespace) -> None:
        study(world, "clip:1", 0, 60, state="playing")
        assert points(world, "video_watch") == 1
        assert points(world, "article_read") == 0


class TestHours:
    def test_crediting_the_same_source_twice_adds_nothing(self, world: SimpleNamespace) -> None:
        on = dt.date(2026, 5, 4)
        first = services.study_hours_credit(
            member=world.member, source_key="course-1", hours=Decimal("4"), on=on, kind="course", title="党章"
        )
        again = services.study_hours_credit(
            member=world.member, source_key="course-1", hours=Decimal("4"), on=on, kind="course", title="党章"
        )
        assert first.pk == again.pk and StudyHours.objects.count() == 1

    def test_a_secretary_records_offline_training_audited(self, world: SimpleNamespace) -> None:
        row = services.study_hours_record(
            actor=world.secretary_a,
            member=world.member,
            hours=Decimal("8"),
            on=dt.date(2026, 5, 4),
            title="集中轮训",
        )
        assert (row.kind, row.year, row.recorded_by) == ("training", 2026, world.secretary_a)
        assert AuditEntry.objects.filter(action="studytime.hours.record").count() == 1
        services.study_hours_revoke(actor=world.secretary_a, row=row)
        row.refresh_from_db()
        assert row.revoked
        assert AuditEntry.objects.filter(action="studytime.hours.revoke").count() == 1

    def test_out_of_scope_or_bad_input_is_refused_and_changes_nothing(self, world: SimpleNamespace) -> None:
        cases: list[tuple[Any, dict[str, Any], str]] = [
            (world.secretary_b, {}, "studytime.forbidden"),
            (world.member_user, {}, "studytime.forbidden"),
            (world.secretary_a, {"title": "  "}, "studytime.title_required"),
            (world.secretary_a, {"hours": Decimal("0")}, "studytime.bad_hours"),
            (world.secretary_a, {"on": timezone.localdate() + dt.timedelta(days=1)}, "studytime.future"),
        ]
        for actor, override, code in cases:
            kwargs = {
                "member": world.member,
                "hours": Decimal("2"),
                "on": dt.date(2026, 5, 4),
                "title": "轮训",
            }
            with pytest.raises(BusinessError) as exc:
                services.study_hours_record(actor=actor, **(kwargs | override))
            assert exc.value.code == code
        assert not StudyHours.objects.exists()
        assert not AuditEntry.objects.filter(action__startswith="studytime.").exists()

    def test_only_manual_entries_can_be_revoked(self, world: SimpleNamespace) -> None:
        row = services.study_hours_credit(
            member=world.member,
            source_key="course-1",
            hours=Decimal("4"),
            on=dt.date(2026, 5, 4),
            kind="course",
            title="党章",
        )
        with pytest.raises(BusinessError):
            services.study_hours_revoke(actor=world.secretary_a, row=row)
        row.refresh_from_db()
        assert not row.revoked
