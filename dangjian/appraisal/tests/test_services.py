"""Services of 民主评议党员 and 组织生活会 preparation: scope, rules, audit, anonymity, refusals change
nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from conftest import make_member
from dangjian.appraisal import services
from dangjian.appraisal.models import (
    AppraisalStatus,
    BallotReceipt,
    ExaminationStatus,
    FollowUp,
    HeartToHeart,
    Participant,
    RatingTally,
)
from dangjian.appraisal.selectors import readiness, tally
from dangjian.audit.models import AuditEntry
from dangjian.core.errors import BusinessError
from dangjian.members.models import Member

from .conftest import YEAR, part

TODAY = dt.date.today()


def _vote_all(appraisal, people, grades=None):
    """Everyone votes: 党员甲, 李四 and 王五 each rate the two others (default 合格)."""
    grades = grades or {}
    for user, me in (
        (people.jia_user, people.jia),
        (people.li_user, people.li),
        (people.wang_user, people.wang),
    ):
        others = Participant.objects.filter(appraisal=appraisal).exclude(member=me)
        services.ballot_cast(
            user=user,
            appraisal=appraisal,
            ratings={p.pk: grades.get(p.member.name, "qualified") for p in others},
        )


# --------------------------------------------------------------------------------------------------------
# Opening


def test_secretary_opens_an_appraisal_with_the_full_and_probationary_members_of_her_branch(world, appraisal):
    names = sorted(p.member.name for p in appraisal.participants.select_related("member"))
    assert names == ["党员甲", "李四", "王五"]
    assert part(appraisal, world.probationary).member_status == "probationary"
    assert RatingTally.objects.filter(participant__appraisal=appraisal).count() == 3
    entry = AuditEntry.objects.get(action="appraisal.appraisal.open")
    assert entry.target_id == str(appraisal.pk) and entry.org_path == world.branch_a.path
    assert entry.changes["participants"] == 3


def test_a_member_whose_standing_is_suspended_is_listed_as_excluded(world, people):
    suspended = make_member(world.branch_a, "孙八")
    Member.objects.filter(pk=suspended.pk).update(standing="suspended")
    appraisal = services.appraisal_open(actor=world.secretary_a, org=world.branch_a, year=YEAR)
    assert part(appraisal, suspended).excluded_reason == "suspended"


def test_secretary_of_another_branch_cannot_open_one_and_nothing_changes(world, people, snapshot):
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.appraisal_open(actor=world.secretary_b, org=world.branch_a, year=YEAR)
    assert exc.value.code == "appraisal.forbidden"
    assert snapshot() == before


def test_a_second_appraisal_in_the_same_year_is_refused(world, appraisal, snapshot):
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.appraisal_open(actor=world.secretary_a, org=world.branch_a, year=YEAR)
    assert exc.value.code == "appraisal.exists"
    assert snapshot() == before


def test_a_branch_with_fewer_than_two_members_cannot_hold_mutual_rating(world, snapshot):
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.appraisal_open(actor=world.secretary_b, org=world.branch_b, year=YEAR)
    assert exc.value.code == "appraisal.too_few"
    assert snapshot() == before


def test_secretary_excludes_a_member_with_a_reason_kept_out_of_the_audit_log(world, people, appraisal):
    make_member(world.branch_a, "周九")
    item = services.appraisal_open(actor=world.secretary_a, org=world.branch_a, year=YEAR + 1)
    target = Participant.objects.get(appraisal=item, member__name="周九")
    services.participant_exclude(actor=world.secretary_a, participant=target, reason="abroad")
    target.refresh_from_db()
    assert target.excluded_reason == "abroad" and not target.takes_part
    entry = AuditEntry.objects.get(action="appraisal.participant.exclude")
    assert "abroad" not in str(entry.changes)


def test_exclusion_is_refused_once_someone_has_voted(world, people, appraisal, snapshot):
    others = Participant.objects.filter(appraisal=appraisal).exclude(member=people.jia)
    services.ballot_cast(
        user=people.jia_user, appraisal=appraisal, ratings={p.pk: "qualified" for p in others}
    )
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.participant_exclude(
            actor=world.secretary_a, participant=part(appraisal, people.wang), reason="abroad"
        )
    assert exc.value.code == "appraisal.voting_started"
    assert snapshot() == before


# --------------------------------------------------------------------------------------------------------
# 个人自评 and 民主测评


def test_member_writes_a_self_assessment_and_the_log_holds_no_text(world, people, appraisal):
    services.self_assessment_submit(
        user=people.jia_user,
        appraisal=appraisal,
        text="一年来认真学习，按时参加组织生活。",
        self_grade="qualified",
    )
    mine = part(appraisal, people.jia)
    assert mine.self_assessment.startswith("一年来") and mine.self_grade == "qualified"
    entry = AuditEntry.objects.get(action="appraisal.self_assessment.submit")
    assert entry.actor == people.jia_user and "一年来" not in str(entry.changes)


def test_someone_outside_the_appraisal_cannot_write_a_self_assessment(world, appraisal, snapshot):
    before = snapshot()
    for user in (world.outsider, world.secretary_a):
        with pytest.raises(BusinessError) as exc:
            services.self_assessment_submit(user=user, appraisal=appraisal, text="自评")
        assert exc.value.code == "appraisal.not_participant"
    assert snapshot() == before


def test_a_ballot_adds_to_counters_and_leaves_only_a_receipt_without_grades(world, people, appraisal):
    li, wang = part(appraisal, people.li), part(appraisal, people.wang)
    services.ballot_cast(
        user=people.jia_user, appraisal=appraisal, ratings={li.pk: "excellent", wang.pk: "basic"}
    )
    assert li.tally.counts == {"excellent": 1, "qualified": 0, "basic": 0, "unqualified": 0}
    RatingTally.objects.get(participant=wang)  # counters exist per ratee
    assert RatingTally.objects.get(participant=wang).basic == 1
    receipt = BallotReceipt.objects.get()
    assert receipt.rater == part(appraisal, people.jia)
    entry = AuditEntry.objects.get(action="appraisal.ballot.cast")
    assert entry.changes == {"ratings": 2}


def test_no_stored_row_links_a_rater_to_a_grade():
    """Anonymity by construction: the counters have no rater, the receipt has no grade and no time."""
    tally_fields = {f.name for f in RatingTally._meta.get_fields()}
    receipt_fields = {f.name for f in BallotReceipt._meta.get_fields()}
    assert not tally_fields & {"rater", "member", "user", "created_at"}
    assert receipt_fields == {"id", "appraisal", "rater"}
    assert not any(isinstance(f, models.DateTimeField | models.DateField) for f in BallotReceipt._meta.fields)


def test_a_second_ballot_is_refused_and_changes_nothing(world, people, appraisal, snapshot):
    others = {
        p.pk: "qualified" for p in Participant.objects.filter(appraisal=appraisal).exclude(member=people.jia)
    }
    services.ballot_cast(user=people.jia_user, appraisal=appraisal, ratings=others)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.ballot_cast(user=people.jia_user, appraisal=appraisal, ratings=others)
    assert exc.value.code == "appraisal.already_voted"
    assert snapshot() == before


def test_an_incomplete_ballot_or_one_rating_oneself_is_refused_and_changes_nothing(
    world, people, appraisal, snapshot
):
    mine, li = part(appraisal, people.jia), part(appraisal, people.li)
    before = snapshot()
    for ratings in (
        {li.pk: "qualified"},
        {mine.pk: "excellent", li.pk: "qualified", part(appraisal, people.wang).pk: "qualified"},
    ):
        with pytest.raises(BusinessError) as exc:
            services.ballot_cast(user=people.jia_user, appraisal=appraisal, ratings=ratings)
        assert exc.value.code == "appraisal.bad_ballot"
    assert snapshot() == before


def test_counts_are_unreadable_while_rating_is_open_and_shown_after_closing(world, people, appraisal):
    _vote_all(appraisal, people, {"李四": "excellent"})
    assert tally(appraisal) is None
    services.rating_close(actor=world.secretary_a, appraisal=appraisal)
    appraisal.refresh_from_db()
    result = tally(appraisal)
    assert result is not None and result.visible and result.progress.rate == 100
    li = next(r for r in result.rows if r.participant.member == people.li)
    assert li.tally.counts["excellent"] == 2 and li.tally.suggested == "excellent"
    entry = AuditEntry.objects.get(action="appraisal.appraisal.close")
    assert entry.changes["cast"] == 3 and entry.changes["rate"] == 100


def test_counts_stay_hidden_when_fewer_ballots_than_the_minimum_were_cast(world, people, appraisal):
    others = {
        p.pk: "unqualified"
        for p in Participant.objects.filter(appraisal=appraisal).exclude(member=people.jia)
    }
    services.ballot_cast(user=people.jia_user, appraisal=appraisal, ratings=others)
    services.rating_close(actor=world.secretary_a, appraisal=appraisal)
    appraisal.refresh_from_db()
    result = tally(appraisal)
    assert result is not None and not result.visible
    assert all(r.tally.total == 0 for r in result.rows)


def test_no_ballot_is_accepted_after_closing(world, people, appraisal, snapshot):
    services.rating_close(actor=world.secretary_a, appraisal=appraisal)
    before = snapshot()
    others = {
        p.pk: "qualified" for p in Participant.objects.filter(appraisal=appraisal).exclude(member=people.jia)
    }
    with pytest.raises(BusinessError) as exc:
        services.ballot_cast(user=people.jia_user, appraisal=appraisal, ratings=others)
    assert exc.value.code == "appraisal.closed"
    assert snapshot() == before


# --------------------------------------------------------------------------------------------------------
# Proposal, confirmation, filing


@pytest.fixture
def closed(world, people, appraisal):
    _vote_all(appraisal, people)
    return services.rating_close(actor=world.secretary_a, appraisal=appraisal)


def _grades(appraisal, people, **by_name):
    return {
        part(appraisal, m).pk: by_name.get(m.name, "qualified") for m in (people.jia, people.li, people.wang)
    }


def test_proposal_before_rating_closes_is_refused(world, people, appraisal, snapshot):
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.grades_propose(
            actor=world.secretary_a, appraisal=appraisal, grades=_grades(appraisal, people), proposed_on=TODAY
        )
    assert exc.value.code == "appraisal.bad_status"
    assert snapshot() == before


def test_more_than_a_third_excellent_is_refused_without_a_reason_and_changes_nothing(
    world, people, closed, snapshot
):
    """DOMAIN.md §8: 优秀 generally ≤1/3: of 3 participants at most 1 without a written reason."""
    grades = _grades(closed, people, 党员甲="excellent", 李四="excellent")
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.grades_propose(actor=world.secretary_a, appraisal=closed, grades=grades, proposed_on=TODAY)
    assert exc.value.code == "appraisal.too_many_excellent" and "三分之一" in exc.value.message
    assert snapshot() == before
    services.grades_propose(
        actor=world.secretary_a, appraisal=closed, grades=grades, proposed_on=TODAY,
        excellent_reason="两人分获集团劳动模范和抗洪抢险先进个人",
    )  # fmt: skip
    closed.refresh_from_db()
    assert closed.status == AppraisalStatus.PROPOSED and closed.excellent_reason.startswith("两人")
    entry = AuditEntry.objects.get(action="appraisal.grades.propose")
    assert entry.changes["excellent"] == 2 and entry.changes["exceeded"] is True
    assert "李四" not in str(entry.changes)


def test_the_share_setting_changes_the_guard(world, people, closed, settings):
    settings.APPRAISAL_EXCELLENT_SHARE = (2, 3)
    grades = _grades(closed, people, 党员甲="excellent", 李四="excellent")
    services.grades_propose(actor=world.secretary_a, appraisal=closed, grades=grades, proposed_on=TODAY)
    closed.refresh_from_db()
    assert closed.status == AppraisalStatus.PROPOSED and closed.excellent_reason == ""


def test_an_unqualified_proposal_needs_a_note_and_every_member_needs_a_grade(world, people, closed, snapshot):
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.grades_propose(
            actor=world.secretary_a,
            appraisal=closed,
            grades=_grades(closed, people, 王五="unqualified"),
            proposed_on=TODAY,
        )
    assert exc.value.code == "appraisal.note_required"
    grades = _grades(closed, people)
    grades.pop(part(closed, people.wang).pk)
    with pytest.raises(BusinessError) as exc:
        services.grades_propose(actor=world.secretary_a, appraisal=closed, grades=grades, proposed_on=TODAY)
    assert exc.value.code == "appraisal.grade_required"
    assert snapshot() == before


def _confirm(world, people, closed, **grades):
    notes = (
        {part(closed, people.wang).pk: "全年无故不参加组织生活"}
        if grades.get("王五") == "unqualified"
        else {}
    )
    services.grades_propose(
        actor=world.secretary_a,
        appraisal=closed,
        grades=_grades(closed, people, **grades),
        notes=notes,
        proposed_on=TODAY,
    )
    return services.grades_confirm(
        actor=world.secretary_a, appraisal=closed, confirmed_on=TODAY, decision="应到3人，实到3人，一致同意"
    )


def test_the_general_meeting_confirms_and_the_proposed_grades_become_final(world, people, closed):
    item = _confirm(world, people, closed, 李四="excellent")
    assert item.status == AppraisalStatus.CONFIRMED
    assert part(closed, people.li).final_grade == "excellent"
    assert part(closed, people.jia).final_grade == "qualified"
    assert AuditEntry.objects.filter(action="appraisal.grades.confirm", target_id=str(closed.pk)).exists()


def test_only_the_level_above_files_and_not_the_one_who_opened_it(world, people, closed, snapshot):
    _confirm(world, people, closed)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.appraisal_file(actor=world.secretary_a, appraisal=closed)
    assert exc.value.code == "appraisal.forbidden"
    assert snapshot() == before
    services.appraisal_file(actor=world.officer, appraisal=closed, note="已备案")
    closed.refresh_from_db()
    assert closed.status == AppraisalStatus.FILED and closed.filed_by == world.officer


# --------------------------------------------------------------------------------------------------------
# 不合格 follow-up


def test_rectification_of_an_unqualified_member_has_a_deadline_within_a_year(world, people, closed, snapshot):
    """DOMAIN.md §8: 不合格 → 限期改正 (≤1 year) or 组织处置."""
    _confirm(world, people, closed, 王五="unqualified")
    wang = part(closed, people.wang)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.follow_up_create(
            actor=world.secretary_a, participant=wang, kind="rectify", decided_on=TODAY,
            deadline=TODAY + dt.timedelta(days=400), measures="支部书记谈话，安排党员帮带",
        )  # fmt: skip
    assert exc.value.code == "appraisal.bad_deadline"
    with pytest.raises(BusinessError) as exc:
        services.follow_up_create(
            actor=world.secretary_a, participant=part(closed, people.li), kind="rectify", decided_on=TODAY,
            deadline=TODAY + dt.timedelta(days=90), measures="谈话",
        )  # fmt: skip
    assert exc.value.code == "appraisal.not_unqualified"
    assert snapshot() == before
    follow_up = services.follow_up_create(
        actor=world.secretary_a, participant=wang, kind="rectify", decided_on=TODAY,
        deadline=TODAY + dt.timedelta(days=180), measures="支部书记谈话，安排党员帮带",
    )  # fmt: skip
    with pytest.raises(BusinessError) as exc:
        services.follow_up_create(
            actor=world.secretary_a, participant=wang, kind="disposal", disposal="persuade", decided_on=TODAY,
            measures="劝其退党",
        )  # fmt: skip
    assert exc.value.code == "appraisal.follow_up_open"
    services.follow_up_close(
        actor=world.secretary_a, follow_up=follow_up, outcome="已按期改正", closed_on=TODAY
    )
    follow_up.refresh_from_db()
    assert not follow_up.is_open
    assert FollowUp.objects.count() == 1


def test_the_audit_log_of_a_follow_up_holds_no_kind_date_measure_or_outcome(world, people, closed):
    """Every field of a follow-up is sensitive (appraisal.privacy): its entries name only the ids."""
    _confirm(world, people, closed, 王五="unqualified")
    wang = part(closed, people.wang)
    deadline = TODAY + dt.timedelta(days=177)
    follow_up = services.follow_up_create(
        actor=world.secretary_a, participant=wang, kind="rectify", decided_on=TODAY, deadline=deadline,
        measures="支部书记谈话，安排党员帮带",
    )  # fmt: skip
    services.follow_up_close(
        actor=world.secretary_a, follow_up=follow_up, outcome="已按期改正", closed_on=TODAY
    )
    services.follow_up_create(
        actor=world.secretary_a, participant=wang, kind="disposal", disposal="persuade", decided_on=TODAY,
        measures="支部大会决定劝其退党",
    )  # fmt: skip
    entries = list(AuditEntry.objects.filter(action__startswith="appraisal.follow_up.").order_by("id"))
    assert [e.action for e in entries] == [
        "appraisal.follow_up.create", "appraisal.follow_up.close", "appraisal.follow_up.create"
    ]  # fmt: skip
    assert all(
        e.target_type == "appraisal.followup" and e.changes == {"appraisal": closed.pk} for e in entries
    )
    logged = str([(e.target_repr, e.changes) for e in entries])
    secrets = ["rectify", "disposal", "persuade", "限期改正", "组织处置", "劝其退党", "帮带", "已按期改正"]
    for secret in [*secrets, str(TODAY), str(deadline), str(wang)]:
        assert secret not in logged, secret


# --------------------------------------------------------------------------------------------------------
# 组织生活会 preparation


def test_talks_show_who_has_not_yet_been_talked_with(world, people, life_meeting):
    ready = readiness(life_meeting)
    assert ready.committee_missing == [("党员甲", "李四")] or ready.committee_missing == [("李四", "党员甲")]
    assert ready.members_missing == ["王五"]
    services.talk_record(
        actor=world.secretary_a, life_meeting=life_meeting, initiator=people.li, partner=people.jia,
        talked_on=TODAY, topics="支委分工与履职", summary="交流了组织委员履职情况。",
    )  # fmt: skip
    services.talk_record(
        actor=world.secretary_a, life_meeting=life_meeting, initiator=people.jia, partner=people.wang,
        talked_on=TODAY, topics="预备期表现", summary="肯定进步，指出不足。",
    )  # fmt: skip
    ready = readiness(life_meeting)
    assert ready.coverage.complete and ready.coverage.percent == 100
    entry = AuditEntry.objects.filter(action="appraisal.talk.record").first()
    assert entry is not None and "肯定进步" not in str(entry.changes) and "交流了" not in str(entry.changes)


def test_a_talk_with_oneself_or_someone_of_another_branch_is_refused(world, people, life_meeting, snapshot):
    before = snapshot()
    for initiator, partner in ((people.li, people.li), (people.li, world.member_b)):
        with pytest.raises(BusinessError):
            services.talk_record(
                actor=world.secretary_a, life_meeting=life_meeting, initiator=initiator, partner=partner,
                talked_on=TODAY, topics="谈话", summary="要点",
            )  # fmt: skip
    with pytest.raises(BusinessError) as exc:
        services.talk_record(
            actor=world.secretary_b, life_meeting=life_meeting, initiator=people.li, partner=people.jia,
            talked_on=TODAY, topics="谈话", summary="要点",
        )  # fmt: skip
    assert exc.value.code == "appraisal.forbidden"
    assert snapshot() == before
    assert HeartToHeart.objects.count() == 0


def test_member_hands_in_material_the_secretary_returns_it_and_accepts_the_correction(
    world, people, life_meeting
):
    exam = services.examination_submit(
        user=people.jia_user, life_meeting=life_meeting, text="对照党章，查找差距。"
    )
    services.examination_review(
        actor=world.secretary_a, examination=exam, action="return", note="请补充整改措施"
    )
    exam.refresh_from_db()
    assert exam.status == ExaminationStatus.RETURNED
    exam = services.examination_submit(
        user=people.jia_user, life_meeting=life_meeting, text="对照党章，查找差距。整改措施：……"
    )
    assert exam.status == ExaminationStatus.SUBMITTED
    services.examination_review(actor=world.secretary_a, examination=exam, action="accept")
    with pytest.raises(BusinessError) as exc:
        services.examination_submit(user=people.jia_user, life_meeting=life_meeting, text="再改")
    assert exc.value.code == "appraisal.accepted"
    assert readiness(life_meeting).materials_accepted == 1


def test_material_can_be_an_uploaded_document_through_the_pipeline(world, people, life_meeting):
    upload = SimpleUploadedFile("对照检查材料.txt", "对照检查材料\n一、存在的问题\n".encode())
    exam = services.examination_submit(user=people.li_user, life_meeting=life_meeting, upload=upload)
    assert exam.file is not None and exam.file.purpose == "appraisal.material"
    assert AuditEntry.objects.filter(action="core.file.store").exists()


def test_a_return_without_a_note_or_by_another_branch_is_refused(world, people, life_meeting, snapshot):
    exam = services.examination_submit(user=people.jia_user, life_meeting=life_meeting, text="材料")
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.examination_review(actor=world.secretary_a, examination=exam, action="return")
    assert exc.value.code == "appraisal.note_required"
    with pytest.raises(BusinessError) as exc:
        services.examination_review(actor=world.secretary_b, examination=exam, action="accept")
    assert exc.value.code == "appraisal.forbidden"
    assert snapshot() == before


def test_a_member_of_another_branch_cannot_hand_in_material(world, people, life_meeting, snapshot):
    from conftest import make_user

    other = make_user("zhaoliu", "赵六")
    Member.objects.filter(pk=world.member_b.pk).update(user=other)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.examination_submit(user=other, life_meeting=life_meeting, text="材料")
    assert exc.value.code == "appraisal.not_participant"
    assert snapshot() == before
