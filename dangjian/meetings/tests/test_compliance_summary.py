"""The maintained compliance summary (``CompliancePeriod``): kept true by the services, robust to the tree
changing under it, rebuilt by the command, the Huey task and the migration, and read by the committee's
page for its whole scope."""

from __future__ import annotations

import datetime as dt
import random
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from conftest import make_user, sign_in
from dangjian.access import services as access_services
from dangjian.core.errors import BusinessError
from dangjian.core.models import Job, JobStatus
from dangjian.meetings import rules, selectors, services
from dangjian.meetings.models import CompliancePeriod, Meeting
from dangjian.orgs import services as org_services
from dangjian.orgs.models import Org

KINDS = (
    "general_meeting",
    "committee_meeting",
    "group_meeting",
    "lecture",
    "theme_day",
    "life_meeting",
    "appraisal",
    "heart_to_heart",
)
# (start, end, today): a closed year, a year seen from mid-August, and a range inside the year.
RANGES = (
    (dt.date(2025, 1, 1), dt.date(2025, 12, 31), dt.date(2026, 6, 1)),
    (dt.date(2025, 1, 1), dt.date(2025, 8, 15), dt.date(2025, 8, 15)),
    (dt.date(2025, 3, 10), dt.date(2025, 5, 20), dt.date(2025, 4, 30)),
)


def summary_rows() -> set[tuple[Any, ...]]:
    """The summary's non-empty rows (the services leave a row at zero when its last meeting goes)."""
    return {
        r
        for r in CompliancePeriod.objects.values_list(
            "org_id", "kind", "period", "period_start", "period_end", "on_time", "late"
        )
        if r[5] or r[6]
    }


def assert_summary_matches_the_records(user: Any) -> None:
    branches = list(selectors.branch_list(user=user))
    for start, end, today in RANGES:
        reference = selectors.compliance_from_meetings(branches, start, end, today)
        mine = selectors.compliance(branches, start, end, today)
        assert [(r.org.pk, r.periods) for r in mine] == [(r.org.pk, r.periods) for r in reference]
        overview = selectors.compliance_overview(selectors.branch_list(user=user), start, end, today)
        assert overview.totals == selectors.totals(reference)
        assert overview.behind == [r.org.pk for r in reference if r.missing]


@pytest.fixture
def head(world: Any) -> Any:
    """A committee officer of the group's root: reviews the records the officer below enters."""
    user = make_user("head", "集团组织干部")
    access_services.grant_create(
        actor=None, user=user, role="committee_officer", org=world.root, bootstrap=True
    )
    return user


def _branches(world: Any, rng: random.Random) -> list[Org]:
    out = [world.branch_a, world.branch_b]
    for i in range(4):
        branch = org_services.org_create(
            actor=None,
            parent=world.committee,
            name=f"随机第{i}党支部",
            kind="branch",
            bootstrap=True,
            has_committee=rng.random() < 0.6,
        )
        for g in range(rng.randint(0, 2)):
            org_services.org_create(
                actor=None, parent=branch, name=f"第{g}党小组", kind="group", bootstrap=True
            )
        out.append(branch)
    return out


def _at(day: dt.date, hour: int = 14) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def _random_day(rng: random.Random) -> dt.date:
    return dt.date(2024, 12, 1) + dt.timedelta(days=rng.randint(0, 430))  # Dec 2024 – early Feb 2026


def _random_operations(world: Any, head: Any, branches: list[Org], rng: random.Random, n: int) -> None:
    """``n`` random writes through the services (refused ones are skipped, as a user would be refused)."""
    officer = world.officer
    for _ in range(n):
        op = rng.random()
        try:
            if op < 0.45 or not Meeting.objects.exists():
                org = rng.choice(branches)
                kind = rng.choice(KINDS)
                groups = list(
                    Org.objects.filter(kind="group", path__startswith=org.path, depth=org.depth + 1)
                )
                planned = _random_day(rng)
                starts = _at(planned + dt.timedelta(days=rng.choice((0, 0, 0, -3, 5, 20, 45, 100))))
                services.meeting_create(
                    actor=officer,
                    org=org,
                    kind=kind,
                    topic="随机会议",
                    planned_on=planned,
                    starts_at=starts if rng.random() < 0.9 else None,
                    group=rng.choice(groups) if kind == "group_meeting" and groups else None,
                )
                continue
            meeting = rng.choice(list(Meeting.objects.order_by("id")))
            if op < 0.7:
                services.meeting_record(actor=officer, meeting=meeting, minutes="记录")
            elif op < 0.8:
                change: dict[str, Any] = {}
                if rng.random() < 0.5:
                    change["planned_on"] = _random_day(rng)
                else:
                    change["starts_at"] = _at(_random_day(rng))
                services.meeting_update(actor=officer, meeting=meeting, **change)
            elif op < 0.85:
                services.meeting_cancel(actor=officer, meeting=meeting, reason="调整")
            elif op < 0.95:
                action = rng.choice(("approve", "approve", "return", "comment"))
                services.meeting_review(actor=head, meeting=meeting, action=action, comment="意见")
            else:
                services.meeting_revise(actor=officer, meeting=meeting, reason="补充内容")
        except BusinessError:
            pass


def test_the_summary_gives_the_records_results_over_random_meetings(world, head):
    """Property-style (fixed seed): after random creates, records, updates, cancellations, reviews and
    revisions, the summary-based selectors equal the computation from the records, for several ranges; the
    incremental summary equals a rebuilt one."""
    rng = random.Random(20261124)
    branches = _branches(world, rng)
    _random_operations(world, head, branches, rng, 260)
    held = Meeting.objects.filter(status__in=("held", "returned", "reviewed"))
    assert held.count() > 25 and held.filter(status="reviewed").exists()  # the run exercised something
    assert any(r[6] for r in summary_rows())  # some late (补开) meetings
    assert_summary_matches_the_records(head)
    incremental = summary_rows()
    counts = services.compliance_rebuild()
    assert summary_rows() == incremental and counts["meetings"] == held.count()


def test_moves_merges_and_new_groups_keep_the_summary_true(world, head):
    """The summary is keyed by the meeting's organisation and what is owed is read from the tree as it is
    now, so org_move, org_merge and a new 党小组 need no rewrite: the results still equal the records'."""
    rng = random.Random(7)
    branches = _branches(world, rng)
    _random_operations(world, head, branches, rng, 160)
    before = summary_rows()
    org_services.org_move(actor=head, org=branches[2], new_parent=world.committee2)
    org_services.org_merge(actor=head, source=branches[3], target=branches[4])
    org_services.org_create(actor=None, parent=world.branch_b, name="新党小组", kind="group", bootstrap=True)
    org_services.org_update(actor=head, org=branches[5], has_committee=not branches[5].has_committee)
    assert summary_rows() == before  # nothing rewritten ...
    assert_summary_matches_the_records(head)  # ... and still true
    officer_view = list(selectors.branch_list(user=world.officer))
    assert branches[2] not in officer_view and branches[3] not in officer_view  # moved away / merged
    assert_summary_matches_the_records(world.officer)


def test_a_reconfigured_frequency_is_ignored_until_the_rebuild(world, head, settings):
    services.meeting_create(
        actor=world.officer,
        org=world.branch_b,
        kind="lecture",
        topic="党课",
        planned_on=dt.date(2025, 2, 10),
        starts_at=_at(dt.date(2025, 2, 10)),
    )
    services.meeting_record(actor=world.officer, meeting=Meeting.objects.get(), minutes="记录")
    settings.MEETINGS_LOCAL_FREQUENCIES = {"lecture": ("month", 1)}
    start, end, today = RANGES[0]
    row = selectors.compliance([world.branch_b], start, end, today)[0]
    february = next(p for p in row.periods if p.kind == "lecture" and p.start == dt.date(2025, 2, 1))
    assert february.held == 0  # the quarter's row is not read as February's
    call_command("meetings_rebuild_compliance", verbosity=0)
    row = selectors.compliance([world.branch_b], start, end, today)[0]
    february = next(p for p in row.periods if p.kind == "lecture" and p.start == dt.date(2025, 2, 1))
    assert february.held == 1
    assert_summary_matches_the_records(head)


def test_the_command_checks_and_rebuilds_and_the_task_reports_progress(
    world, head, django_capture_on_commit_callbacks
):
    rng = random.Random(3)
    _random_operations(world, head, [world.branch_a, world.branch_b], rng, 60)
    expected = summary_rows()
    assert expected
    call_command("meetings_rebuild_compliance", "--check", "--year", "2025", verbosity=0)
    CompliancePeriod.objects.all().delete()
    with pytest.raises(CommandError, match="不一致"):
        call_command("meetings_rebuild_compliance", "--check", "--year", "2025", verbosity=0)
    call_command("meetings_rebuild_compliance", verbosity=0)
    assert summary_rows() == expected
    CompliancePeriod.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):  # Huey runs the task at once in tests
        call_command("meetings_rebuild_compliance", "--queue", verbosity=0)
    job = Job.objects.get(kind=services.REBUILD_JOB_KIND)
    assert job.status == JobStatus.SUCCEEDED and job.progress == job.total > 0
    assert job.result["rows"] == len(expected) and summary_rows() == expected


def test_the_migration_fills_the_summary_from_existing_meetings(world, head):
    _random_operations(world, head, [world.branch_a, world.branch_b], random.Random(11), 60)
    expected = summary_rows()
    CompliancePeriod.objects.all().delete()
    import_module("dangjian.meetings.migrations.0005_compliance_period").fill(apps, None)
    assert summary_rows() == expected


def test_a_refused_record_leaves_the_summary_unchanged(world, theme_day, snap):
    before = snap()
    with pytest.raises(BusinessError):
        services.meeting_record(actor=world.secretary_b, meeting=theme_day, minutes="越权")
    assert snap() == before and not CompliancePeriod.objects.exists()


def test_the_committee_page_totals_and_behind_filter_cover_the_whole_scope(client, world):
    """More than one page of branches: the headline counts all of them, and 只看有缺项的支部 lists the
    branches behind from the whole scope (page 1 of the filter reaches branches of page 2 of the list)."""
    for i in range(50):
        org_services.org_create(
            actor=None, parent=world.committee, name=f"第{i:02d}新党支部", kind="branch", bootstrap=True
        )
    year = 2025
    branches = list(selectors.branch_list(user=world.officer))
    assert len(branches) == 52 and branches[1] == world.branch_b
    # 第二党支部 (no 支委会, no 党小组) holds everything owed in 2025; every other branch holds nothing.
    for slot in rules.plan_slots(services.branch_facts(world.branch_b), year):
        m = services.meeting_create(
            actor=world.officer,
            org=world.branch_b,
            kind=slot.kind,
            topic=slot.topic,
            planned_on=slot.planned_on,
            starts_at=_at(slot.planned_on),
        )
        services.meeting_record(actor=world.officer, meeting=m, minutes="记录")
    sign_in(client, world.officer)
    url = reverse("meetings:compliance")
    full = client.get(url + f"?year={year}").content.decode()
    assert "共 52 个党支部" in full and "51 个支部有缺项" in full
    assert "第二党支部" in full and "第48新党支部" not in full  # page 1 of 2
    behind = client.get(url + f"?year={year}&behind=1").content.decode()
    assert "第48新党支部" in behind and "第二党支部" not in behind.split('id="compliance-table"')[1]
    assert "共 52 个党支部" in behind and "查看全部支部" in behind
    second = client.get(url + f"?year={year}&behind=1&page=2").content.decode()
    assert "第49新党支部" in second and "behind=1" in second
    api = client.get(reverse("meetings-compliance") + f"?year={year}").json()
    assert api["count"] == 52 and len(api["results"]) == 50
    assert api["totals"]["branches"] == 52 and api["totals"]["behind"] == 51
    assert api["totals"]["held"] == Meeting.objects.count() and api["totals"]["late"] == 0
