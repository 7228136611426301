"""Services of 发展党员: an applicant from 入党申请书 to 转正 with every deadline enforced, and the
refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import make_id_number
from dangjian.audit.models import AuditEntry
from dangjian.core.errors import BusinessError
from dangjian.development import rules, services
from dangjian.development.models import Development, DevelopmentVote, LocalPractice, RecordKind, Stage, Status
from dangjian.members.models import Member, StatusChange

D = dt.date


def step(world: Any, dev: Development, number: int, on: dt.date, **kw: Any) -> Any:
    actor = world.officer if rules.STEP_BY_NUMBER[number].by == rules.UPPER else world.secretary_a
    return services.step_record(actor=actor, development=dev, number=number, done_on=on, **kw)


def refused(code: str, call: Any, *args: Any, **kw: Any) -> str:
    with pytest.raises(BusinessError) as exc:
        call(*args, **kw)
    assert exc.value.code == code, exc.value.message
    return exc.value.message


def test_application_to_full_membership_with_every_deadline_enforced(
    world: Any, people: Any, applicant: Development, snapshot: Any
) -> None:
    dev, sec, officer = applicant, world.secretary_a, world.officer
    # ② the talk within one month
    refused("development.responsible_required", step, world, dev, 2, D(2023, 9, 20))
    step(world, dev, 2, D(2023, 9, 20), responsible="书记甲、组织委员")
    # ③ at least 6 months after the application ([C]) and after the 公示 ([C] 5 days)
    before = snapshot()
    msg = refused(
        "development.too_early",
        step,
        world,
        dev,
        3,
        D(2024, 2, 29),
        data={"publicity_started_on": "2024-02-20"},
    )
    assert "满6个月" in msg
    refused(
        "development.publicity_running",
        step,
        world,
        dev,
        3,
        D(2024, 3, 3),
        data={"publicity_started_on": "2024-02-28"},
    )
    assert snapshot() == before
    step(world, dev, 3, D(2024, 3, 5), data={"publicity_started_on": "2024-02-28"})
    dev.refresh_from_db()
    assert dev.stage == Stage.ACTIVIST
    # ④ only the 上级党委 files
    refused(
        "development.upper_only",
        services.step_record,
        actor=sec,
        development=dev,
        number=4,
        done_on=D(2024, 3, 10),
    )
    step(world, dev, 4, D(2024, 3, 10))
    # ⑤ 培养联系人: 正式党员 only
    refused(
        "development.mentor_not_full",
        step,
        world,
        dev,
        5,
        D(2024, 3, 10),
        data={"mentor_ids": [people.wang.pk]},
    )
    step(world, dev, 5, D(2024, 3, 10), data={"mentor_ids": [people.jia.pk, people.li.pk]})
    assert set(dev.mentors.values_list("name", flat=True)) == {"党员甲", "李四"}
    # ⑥ needs an evaluation; ⑦ one year as 积极分子 with each half-year evaluated
    refused("development.evaluation_required", step, world, dev, 6, D(2024, 9, 1))
    services.record_add(
        actor=sec, development=dev, kind=RecordKind.EVALUATION, on=D(2024, 8, 30), summary="表现良好"
    )
    step(world, dev, 6, D(2024, 9, 1))
    services.record_add(
        actor=sec, development=dev, kind=RecordKind.THOUGHT_REPORT, on=D(2024, 12, 1), summary="学习体会"
    )
    refused(
        "development.activist_under_one_year",
        step,
        world,
        dev,
        7,
        D(2025, 3, 4),
        data={"publicity_started_on": "2025-02-20"},
    )
    msg = refused(
        "development.evaluation_missing",
        step,
        world,
        dev,
        7,
        D(2025, 3, 5),
        data={"publicity_started_on": "2025-02-20"},
    )
    assert "2024.09.05–2025.03.04" in msg
    services.record_add(
        actor=sec, development=dev, kind=RecordKind.EVALUATION, on=D(2025, 2, 28), summary="表现良好"
    )
    step(world, dev, 7, D(2025, 3, 5), data={"publicity_started_on": "2025-02-20"})
    step(world, dev, 8, D(2025, 3, 10))
    # ⑨ two 正式党员 introducers
    msg = refused(
        "development.introducer_not_full",
        step,
        world,
        dev,
        9,
        D(2025, 3, 12),
        data={"introducer_ids": [people.jia.pk, people.wang.pk]},
    )
    assert msg.startswith("王五不是正式党员，不能作入党介绍人")
    refused(
        "development.introducer_count",
        step,
        world,
        dev,
        9,
        D(2025, 3, 12),
        data={"introducer_ids": [people.jia.pk]},
    )
    step(world, dev, 9, D(2025, 3, 12), data={"introducer_ids": [people.jia.pk, people.li.pk]})
    refused("development.review_conclusion", step, world, dev, 10, D(2025, 4, 1), data={"conclusion": ""})
    step(world, dev, 10, D(2025, 4, 1), data={"conclusion": "政治审查合格"})
    refused("development.training_short", step, world, dev, 11, D(2025, 4, 10), data={"days": 2, "hours": 16})
    step(world, dev, 11, D(2025, 4, 10), data={"days": 3, "hours": 24})
    step(world, dev, 12, D(2025, 4, 20))
    step(world, dev, 13, D(2025, 4, 25))
    step(world, dev, 14, D(2025, 5, 1))
    # ⑮ the 支部大会 vote, through the meetings tally: 党员甲 and 李四 vote, 王五 (预备党员) has no vote
    refused("development.wrong_service", step, world, dev, 15, D(2025, 5, 10))
    failed = services.vote_record(
        actor=sec,
        development=dev,
        held_on=D(2025, 5, 9),
        present_ids=[people.jia.pk],
        yes=1,
        publicity_started_on=D(2025, 5, 1),
    )
    assert not failed.passed and "未超过半数" in failed.explanation
    vote = services.vote_record(
        actor=sec,
        development=dev,
        held_on=D(2025, 5, 10),
        present_ids=[people.jia.pk, people.li.pk, people.wang.pk],
        yes=2,
        publicity_started_on=D(2025, 5, 1),
    )
    assert vote.passed and vote.expected == 2 and vote.yes_total == 2
    dev.refresh_from_db()
    assert dev.resolution_on == D(2025, 5, 10)
    step(world, dev, 16, D(2025, 5, 20))
    # ⑰ within 3 months of the resolution (later only with a special reason, never after 6)
    refused(
        "development.upper_only",
        services.admission_approve,
        actor=sec,
        development=dev,
        approved_on=D(2025, 8, 1),
    )
    before = snapshot()
    refused(
        "development.extension_reason",
        services.admission_approve,
        actor=officer,
        development=dev,
        approved_on=D(2025, 8, 11),
    )
    refused(
        "development.approval_expired",
        services.admission_approve,
        actor=officer,
        development=dev,
        approved_on=D(2025, 11, 11),
        extension_reason="审批会议推迟",
    )
    assert snapshot() == before
    services.admission_approve(actor=officer, development=dev, approved_on=D(2025, 8, 10))
    dev.refresh_from_db()
    member = Member.objects.get(pk=dev.member_id)
    assert (member.name, member.status, member.joined_on, member.full_on) == (
        "张小明",
        "probationary",
        D(2025, 5, 10),
        None,
    )
    assert member.org == world.branch_a and dev.stage == Stage.PROBATIONARY
    for n, on in ((18, D(2025, 8, 20)), (19, D(2025, 8, 25)), (20, D(2025, 9, 1))):
        step(world, dev, n, on)
    services.record_add(
        actor=sec, development=dev, kind=RecordKind.PROBATION, on=D(2025, 12, 1), summary="预备期表现良好"
    )
    step(world, dev, 21, D(2025, 12, 1))
    step(world, dev, 22, D(2026, 4, 20))
    # ㉓ not before the probation year ends (2026-05-10)
    refused(
        "development.probation_running",
        services.vote_record,
        actor=sec,
        development=dev,
        held_on=D(2026, 5, 9),
        present_ids=[people.jia.pk, people.li.pk],
        yes=2,
        outcome="on_time",
        publicity_started_on=D(2026, 5, 1),
    )
    vote = services.vote_record(
        actor=sec,
        development=dev,
        held_on=D(2026, 5, 12),
        present_ids=[people.jia.pk, people.li.pk],
        yes=2,
        outcome="on_time",
        publicity_started_on=D(2026, 5, 1),
    )
    assert vote.passed and vote.outcome == "on_time"
    # ㉔ within 3 months of the discussion; 转正日期 = end of probation, not the approval day
    refused(
        "development.full_approval_late",
        services.full_approve,
        actor=officer,
        development=dev,
        approved_on=D(2026, 8, 13),
    )
    services.full_approve(actor=officer, development=dev, approved_on=D(2026, 6, 1))
    member.refresh_from_db()
    assert (member.status, member.full_on) == ("full", D(2026, 5, 10))
    assert StatusChange.objects.filter(
        member=member, kind="became_full", effective_on=D(2026, 5, 10)
    ).exists()
    step(world, dev, 25, D(2026, 6, 10))
    dev.refresh_from_db()
    assert (dev.status, dev.stage, dev.full_on) == (Status.ARCHIVED, Stage.FULL, D(2026, 5, 10))
    assert dev.steps.count() == 25
    assert AuditEntry.objects.filter(action="development.admission.approve").count() == 1
    assert AuditEntry.objects.filter(action="development.vote.record").count() == 3


def test_late_talk_is_recorded_with_a_warning(world: Any, applicant: Development) -> None:
    s = step(world, applicant, 2, D(2023, 10, 2), responsible="书记甲")
    assert s.warnings and "一个月内" in s.warnings[0]


def test_under_age_and_duplicate_applications_are_refused(
    world: Any, applicant: Development, snapshot: Any
) -> None:
    before = snapshot()
    msg = refused(
        "development.under_age",
        services.development_create,
        actor=world.secretary_a,
        org=world.branch_a,
        name="李小",
        id_number=make_id_number(D(2008, 6, 1), "female"),
        applied_on=D(2026, 5, 31),
    )
    assert "未满十八周岁" in msg
    refused(
        "development.duplicate",
        services.development_create,
        actor=world.secretary_a,
        org=world.branch_a,
        name="张小明",
        id_number=applicant.id_number,
        applied_on=D(2024, 1, 1),
    )
    refused(
        "development.already_member",
        services.development_create,
        actor=world.secretary_a,
        org=world.branch_a,
        name="党员甲",
        id_number=world.member.id_number,
        applied_on=D(2024, 1, 1),
    )
    refused(
        "development.forbidden",
        services.development_create,
        actor=world.secretary_b,
        org=world.branch_a,
        name="王某",
        id_number=make_id_number(D(1999, 1, 1)),
        applied_on=D(2024, 1, 1),
    )
    refused("development.out_of_order", step, world, applicant, 3, D(2024, 3, 5))
    assert snapshot() == before


def test_a_member_transferred_out_cannot_apply_again(world: Any, snapshot: Any) -> None:
    """已转出 is not 出党: the person is still a party member (in another organisation)."""
    from dangjian.members import services as member_services

    member_services.member_transfer_out(
        actor=None, member=world.member_b, on=D(2024, 1, 1), transfer_id=1, to_org_name="外单位党支部"
    )
    before = snapshot()
    refused(
        "development.already_member",
        services.development_create,
        actor=world.secretary_b,
        org=world.branch_b,
        name=world.member_b.name,
        id_number=world.member_b.id_number,
        applied_on=D(2024, 3, 1),
    )
    assert snapshot() == before


def test_extension_then_on_time(world: Any, people: Any) -> None:
    """A 预备党员 whose probation is extended by 6 months: ㉒ ㉓ again after the new end, 转正日期 the new
    end;
    a second extension is refused."""
    dev = _admitted(world, people)
    sec, officer = world.secretary_a, world.officer
    step(world, dev, 22, D(2025, 4, 20))
    services.vote_record(
        actor=sec,
        development=dev,
        held_on=D(2025, 5, 12),
        present_ids=[people.jia.pk, people.li.pk],
        yes=2,
        outcome="extend",
        extension_months=6,
        publicity_started_on=D(2025, 5, 1),
    )
    services.full_approve(actor=officer, development=dev, approved_on=D(2025, 6, 1))
    dev.refresh_from_db()
    assert dev.extension_months == 6 and dev.status == Status.OPEN and dev.probation_ends == D(2025, 11, 10)
    extended = StatusChange.objects.get(member_id=dev.member_id, kind="probation_extended")
    assert (extended.effective_on, extended.actor) == (D(2025, 6, 1), officer)
    assert extended.detail == {"months": 6, "probation_ends": "2025-11-10"}
    assert Member.objects.get(pk=dev.member_id).status == "probationary"
    assert not dev.steps.filter(number__in=(22, 23, 24)).exists()
    step(world, dev, 22, D(2025, 10, 20))
    refused(
        "development.extended_twice",
        services.vote_record,
        actor=sec,
        development=dev,
        held_on=D(2025, 11, 12),
        present_ids=[people.jia.pk, people.li.pk],
        yes=2,
        outcome="extend",
        extension_months=6,
        publicity_started_on=D(2025, 11, 1),
    )
    services.vote_record(
        actor=sec,
        development=dev,
        held_on=D(2025, 11, 12),
        present_ids=[people.jia.pk, people.li.pk],
        yes=2,
        outcome="on_time",
        publicity_started_on=D(2025, 11, 1),
    )
    services.full_approve(actor=officer, development=dev, approved_on=D(2025, 12, 1))
    assert Member.objects.get(pk=dev.member_id).full_on == D(2025, 11, 10)
    assert DevelopmentVote.objects.filter(development=dev, step=23).count() == 2


def test_cancellation_takes_the_member_off_the_roster(world: Any, people: Any, snapshot: Any) -> None:
    """㉓ 取消预备党员资格 approved at ㉔: the process ends and the member record leaves the roster."""
    dev = _admitted(world, people)
    step(world, dev, 22, D(2025, 4, 20))
    services.vote_record(
        actor=world.secretary_a,
        development=dev,
        held_on=D(2025, 5, 12),
        present_ids=[people.jia.pk, people.li.pk],
        yes=2,
        outcome="cancel",
        publicity_started_on=D(2025, 5, 1),
    )
    services.full_approve(
        actor=world.officer, development=dev, approved_on=D(2025, 6, 1), note="不具备党员条件"
    )
    dev.refresh_from_db()
    member = Member.objects.get(pk=dev.member_id)
    assert dev.status == Status.CANCELLED
    assert (member.exit_kind, member.exited_on, member.status) == (
        "probation_cancelled",
        D(2025, 6, 1),
        "probationary",
    )
    assert member not in Member.objects.active().filter(org=world.branch_a)
    change = StatusChange.objects.get(member=member, kind="probation_cancelled")
    assert change.effective_on == D(2025, 6, 1) and "不具备党员条件" in change.reason


def test_step_19_places_the_member_in_a_group(world: Any, people: Any) -> None:
    """⑲ 编入党小组 sets Member.group through members.services.member_update; without a group in a branch that
    has groups the step is recorded with a warning."""
    dev = _admitted(world, people, upto=18)
    refused(
        "development.bad_group", step, world, dev, 19, D(2024, 6, 10), data={"group_id": world.branch_b.pk}
    )
    s = step(world, dev, 19, D(2024, 6, 10), data={"group_id": world.group_a.pk})
    assert s.warnings == [] and s.data == {"group": world.group_a.label}
    assert Member.objects.get(pk=dev.member_id).group == world.group_a
    assert AuditEntry.objects.filter(action="members.member.update", target_id=str(dev.member_id)).exists()
    other = _admitted(world, people, upto=18, name="周编组", birth=D(1997, 2, 2))
    warned = step(world, other, 19, D(2024, 6, 10))
    assert warned.warnings == ["本支部设有党小组，预备党员尚未编入党小组"]
    assert Member.objects.get(pk=other.member_id).group is None


def test_an_introducer_under_disciplinary_probation_is_refused(
    world: Any, people: Any, snapshot: Any
) -> None:
    """⑨ 受留党察看处分、尚未恢复党员权利的党员不能作入党介绍人, read from the member's 党纪处分 record."""
    from dangjian.members import services as member_services

    member_services.member_discipline_record(
        actor=world.secretary_a, member=people.li, starts_on=D(2023, 1, 5), months=12, decision="留党察看一年"
    )
    dev = _admitted(world, people, upto=8)
    before = snapshot()
    msg = refused(
        "development.introducer_disciplined",
        step,
        world,
        dev,
        9,
        D(2023, 3, 3),
        data={"introducer_ids": [people.jia.pk, people.li.pk]},
    )
    assert msg.startswith("李四受留党察看处分")
    assert snapshot() == before
    member_services.member_discipline_restore(
        actor=world.secretary_a, member=people.li, on=D(2023, 3, 1), decision="恢复党员权利"
    )
    step(world, dev, 9, D(2023, 3, 3), data={"introducer_ids": [people.jia.pk, people.li.pk]})


ADMITTED_BIRTH = D(1998, 1, 1)


def _admitted(
    world: Any, people: Any, upto: int = 21, name: str = "李延长", birth: dt.date = ADMITTED_BIRTH
) -> Development:
    """A 预备党员 admitted by a 支部大会 on 2024-05-10 (steps recorded through the services), with the steps
    up to ``upto`` done (the vote ⑮ and approval ⑰ once ``upto`` passes them)."""
    LocalPractice.objects.get_or_create(
        org=world.committee, defaults={"publicity_days": 0, "activist_min_months": 0}
    )
    dev = services.development_create(
        actor=world.secretary_a,
        org=world.branch_a,
        name=name,
        id_number=make_id_number(birth),
        applied_on=D(2022, 1, 5),
    )

    def steps(*numbered: tuple[int, dt.date, dict[str, Any]]) -> bool:
        for n, on, kw in numbered:
            if n > upto:
                return False
            step(world, dev, n, on, **kw)
        return True

    if not steps(
        (2, D(2022, 1, 20), {"responsible": "书记甲"}),
        (3, D(2022, 3, 1), {}),
        (4, D(2022, 3, 2), {}),
        (5, D(2022, 3, 2), {"data": {"mentor_ids": [people.jia.pk]}}),
    ):
        return dev
    for on in (D(2022, 8, 1), D(2023, 2, 1)):
        services.record_add(actor=world.secretary_a, development=dev, kind="evaluation", on=on, summary="好")
    if (
        not steps(
            (6, D(2023, 2, 1), {}),
            (7, D(2023, 3, 1), {}),
            (8, D(2023, 3, 2), {}),
            (9, D(2023, 3, 3), {"data": {"introducer_ids": [people.jia.pk, people.li.pk]}}),
            (10, D(2024, 3, 4), {"data": {"conclusion": "合格"}}),
            (11, D(2024, 3, 20), {"data": {"days": 3}}),
            *((n, D(2024, 4, 1), {}) for n in (12, 13, 14)),
        )
        or upto < 15
    ):
        return dev
    services.vote_record(
        actor=world.secretary_a,
        development=dev,
        held_on=D(2024, 5, 10),
        present_ids=[people.jia.pk, people.li.pk],
        yes=2,
    )
    if not steps((16, D(2024, 5, 20), {})) or upto < 17:
        return dev
    services.admission_approve(actor=world.officer, development=dev, approved_on=D(2024, 6, 1))
    steps(*((n, D(2024, 6, 10), {}) for n in (18, 19, 20, 21)))
    dev.refresh_from_db()
    return dev


def test_practice_is_inherited_and_set_at_committee_level(world: Any, snapshot: Any) -> None:
    assert services.practice_for(world.branch_a).publicity_days == rules.DEFAULT_PUBLICITY_DAYS
    services.practice_save(
        actor=world.officer,
        org=world.committee,
        publicity_days=7,
        activist_min_months=6,
        review_valid_months=12,
        thought_report_months=2,
        notice_days=20,
    )
    got = services.practice_for(world.branch_a)
    assert (got.publicity_days, got.thought_report_months, got.source) == (7, 2, world.committee)
    before = snapshot()
    refused(
        "development.practice_level",
        services.practice_save,
        actor=world.secretary_a,
        org=world.branch_a,
        publicity_days=3,
    )
    refused(
        "development.practice_invalid",
        services.practice_save,
        actor=world.officer,
        org=world.committee,
        publicity_days=99,
    )
    assert snapshot() == before


def test_close_before_admission(world: Any, applicant: Development) -> None:
    services.development_close(actor=world.secretary_a, development=applicant, reason="本人撤回申请")
    applicant.refresh_from_db()
    assert applicant.status == Status.WITHDRAWN
    refused("development.closed", step, world, applicant, 2, D(2023, 9, 20), responsible="x")
