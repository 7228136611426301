"""Taking an exam: start, ordered saves, submit, grading, the deadline and the one open attempt."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.audit.models import AuditEntry
from dangjian.core.errors import BusinessError
from dangjian.exams import services
from dangjian.exams.models import Answer, Attempt, MistakeBook
from dangjian.exams.tests.conftest import RIGHT
from dangjian.points.models import PointEntry


def _by_kind(ex):
    return {q.kind: q.pk for q in ex.questions}


def test_member_of_the_subtree_starts_and_gets_one_answer_row_per_question(world, ex):
    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam)
    assert attempt.answers.count() == 5
    assert attempt.max_score == Decimal("100")
    assert attempt.member == world.member and attempt.taker_org == world.branch_a
    assert AuditEntry.objects.filter(action="exams.attempt.start", target_id=str(attempt.pk)).exists()
    # Starting again resumes the open attempt.
    assert services.attempt_start(actor=world.member_user, exam=ex.exam).pk == attempt.pk


def test_a_newer_sequence_number_wins_and_a_late_older_save_changes_nothing(world, ex):
    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam)
    q = _by_kind(ex)["single"]
    r = services.answers_save(
        actor=world.member_user, attempt_id=attempt.pk, items=[{"question": q, "response": ["B"], "seq": 5}]
    )
    assert r["acked"] == [5]
    r = services.answers_save(
        actor=world.member_user, attempt_id=attempt.pk, items=[{"question": q, "response": ["C"], "seq": 3}]
    )
    assert r["stale"] == [3]
    r = services.answers_save(
        actor=world.member_user, attempt_id=attempt.pk, items=[{"question": q, "response": ["B"], "seq": 5}]
    )
    assert r["stale"] == [5]  # a repeat is idempotent
    answer = Answer.objects.get(attempt=attempt, question_id=q)
    assert answer.response == ["B"] and answer.seq == 5


def test_submit_grades_objective_answers_and_queues_the_short_answer(
    world, ex, django_capture_on_commit_callbacks
):
    from dangjian.points import services as points_services

    points_services.points_seed_rules()
    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam)
    kinds = _by_kind(ex)
    items = [{"question": kinds[k], "response": RIGHT[k], "seq": 1} for k in kinds]
    items[1]["response"] = ["A", "B"]  # multiple choice half right: wrong
    items[3]["response"] = ["为 人民服务"]  # spacing tolerated (half-width)
    with django_capture_on_commit_callbacks(execute=True):  # the 错题本 is filed after the commit
        attempt = services.attempt_submit(actor=world.member_user, attempt_id=attempt.pk, items=items)
    assert attempt.status == "submitted"
    assert attempt.score == Decimal("60") and attempt.pending_grading == 1 and attempt.passed is None
    assert MistakeBook.objects.filter(user=world.member_user, question_id=kinds["multiple"]).exists()
    short = attempt.answers.get(question_id=kinds["short"])
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_grade(actor=world.officer, answer=short, score=15, comment="较完整")
    attempt.refresh_from_db()
    assert attempt.score == Decimal("75") and attempt.passed is True and attempt.pending_grading == 0
    assert PointEntry.objects.filter(member=world.member, rule__code="exam_pass").count() == 1
    assert AuditEntry.objects.filter(action="exams.answer.grade").count() == 1
    from dangjian.core import integrity

    assert integrity.verify(instance=attempt)


def test_a_save_after_submit_is_refused_and_changes_nothing(world, ex, snapshot):
    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam)
    services.attempt_submit(actor=world.member_user, attempt_id=attempt.pk)
    before = snapshot()
    with pytest.raises(BusinessError) as err:
        services.answers_save(
            actor=world.member_user,
            attempt_id=attempt.pk,
            items=[{"question": ex.questions[0].pk, "response": ["A"], "seq": 9}],
        )
    assert err.value.code == "exams.attempt_closed"
    assert snapshot() == before
    # Submitting again returns the same result.
    assert services.attempt_submit(actor=world.member_user, attempt_id=attempt.pk).score == Decimal("0")


def test_someone_outside_the_subtree_cannot_start(world, ex, snapshot):
    from conftest import make_member, make_user

    user = make_user("qian", "钱七")
    make_member(world.branch_c, "钱七二", user=user)
    before = snapshot()
    with pytest.raises(BusinessError) as err:
        services.attempt_start(actor=user, exam=ex.exam)
    assert err.value.code == "exams.not_a_taker"
    assert snapshot() == before


def test_overdue_attempts_are_submitted_with_the_deadline_as_finish_time(world, ex):
    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam)
    services.answers_save(
        actor=world.member_user,
        attempt_id=attempt.pk,
        items=[{"question": _by_kind(ex)["judge"], "response": ["true"], "seq": 1}],
    )
    later = attempt.deadline + dt.timedelta(seconds=services.grace_seconds() + 1)
    assert services.attempts_autosubmit(now=later - dt.timedelta(seconds=5)) == 0
    assert services.attempts_autosubmit(now=later) == 1
    attempt.refresh_from_db()
    assert attempt.status == "submitted" and attempt.auto_submitted
    assert attempt.submitted_at == attempt.deadline
    assert attempt.score == Decimal("20")


def test_a_save_past_deadline_and_grace_is_refused(world, ex):
    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(minutes=5))
    with pytest.raises(BusinessError) as err:
        services.answers_save(
            actor=world.member_user,
            attempt_id=attempt.pk,
            items=[{"question": ex.questions[0].pk, "response": ["A"], "seq": 1}],
        )
    assert err.value.code == "exams.attempt_closed"


def test_attempts_are_limited_and_only_one_is_open(world, ex):
    first = services.attempt_start(actor=world.member_user, exam=ex.exam)
    services.attempt_submit(actor=world.member_user, attempt_id=first.pk)
    second = services.attempt_start(actor=world.member_user, exam=ex.exam)
    assert second.number == 2
    services.attempt_submit(actor=world.member_user, attempt_id=second.pk)
    with pytest.raises(BusinessError) as err:
        services.attempt_start(actor=world.member_user, exam=ex.exam)
    assert err.value.code == "exams.no_attempts_left"


def test_the_database_refuses_a_second_open_attempt(world, ex):
    from django.db import IntegrityError, transaction

    first = services.attempt_start(actor=world.member_user, exam=ex.exam)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(
            exam=ex.exam,
            user=world.member_user,
            number=2,
            started_at=first.started_at,
            deadline=first.deadline,
        )


def test_random_paper_draws_per_examinee_and_shuffles_options(world, ex):
    import random

    paper = services.paper_create(actor=world.officer, org=world.committee, title="随机", mode="random")
    services.paper_rule_add(actor=world.officer, paper=paper, bank=ex.bank, kind="single", count=1, score=50)
    services.paper_rule_add(actor=world.officer, paper=paper, bank=ex.bank, kind="judge", count=1, score=50)
    layouts = {str(services.paper_draw(paper, rng=random.Random(i))) for i in range(10)}
    assert len(layouts) > 1  # the option order differs between examinees
    with pytest.raises(BusinessError) as err:
        services.paper_rule_add(
            actor=world.officer, paper=paper, bank=ex.bank, kind="judge", count=5, score=5
        )
    assert err.value.code == "exams.pool_too_small"


def test_shuffled_letters_are_stored_in_the_original_order(world, ex):
    import random

    paper = services.paper_create(
        actor=world.officer, org=world.committee, title="乱序", shuffle_options=True
    )
    services.paper_items_add(actor=world.officer, paper=paper, questions=[ex.questions[0]], score=100)
    ex.exam.paper = paper
    ex.exam.save()
    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam, rng=random.Random(3))
    order = attempt.layout[0]["order"]
    shown_right = "ABCDEF"[order.index(0)]
    services.attempt_submit(
        actor=world.member_user,
        attempt_id=attempt.pk,
        items=[{"question": ex.questions[0].pk, "response": [shown_right], "seq": 1}],
    )
    attempt.refresh_from_db()
    assert attempt.score == Decimal("100")


def test_tag_rules_draw_only_questions_with_the_tag(world, ex):
    paper = services.paper_create(actor=world.officer, org=world.committee, title="标签", mode="random")
    services.paper_rule_add(
        actor=world.officer, paper=paper, bank=ex.bank, kind="judge", tag="党章", count=1, score=10
    )
    with pytest.raises(BusinessError):
        services.paper_rule_add(
            actor=world.officer, paper=paper, bank=ex.bank, kind="judge", tag="纪律", count=1, score=10
        )


def test_make_up_exam_names_those_absent_or_failed(world, ex):
    from conftest import make_member, make_user

    other = make_user("lisi", "李四二")
    make_member(world.branch_b, "李四二", user=other)
    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam)
    kinds = _by_kind(ex)
    items = [{"question": kinds[k], "response": RIGHT[k], "seq": 1} for k in ("single", "judge")]
    services.attempt_submit(actor=world.member_user, attempt_id=attempt.pk, items=items)  # 40: failed
    now = timezone.now()
    makeup = services.exam_makeup(
        actor=world.officer,
        exam=ex.exam,
        opens_at=now + dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=2),
    )
    assert makeup.makeup_of == ex.exam and makeup.status == "draft"
    # 党员甲 failed, 李四二 never came: both are named.
    assert set(makeup.candidates.values_list("username", flat=True)) == {"dangyuan", "lisi"}
    assert not makeup.target_orgs.exists()


def test_reminder_mails_only_those_who_have_not_started(world, ex, mailoutbox):
    world.member_user.email = "dangyuan@example.com"
    world.member_user.save(update_fields=["email"])
    result = services.exam_remind(actor=world.officer, exam=ex.exam)
    assert result["sent"] == 1 and "党章知识测试" in mailoutbox[0].subject
    services.attempt_start(actor=world.member_user, exam=ex.exam)
    assert services.exam_remind(actor=world.officer, exam=ex.exam)["pending"] == 0
    assert AuditEntry.objects.filter(action="exams.exam.remind").count() == 2


def test_secretary_of_another_branch_cannot_grade_or_cancel(world, ex, snapshot):
    before = snapshot()
    with pytest.raises(BusinessError) as err:
        services.exam_cancel(actor=world.secretary_b, exam=ex.exam)
    assert err.value.code == "exams.forbidden"
    assert snapshot() == before


def test_rules_read_answers_as_people_type_them():
    from dangjian.exams import rules

    assert rules.parse_letters("a、b，D") == ["A", "B", "D"]
    assert rules.parse_letters("AG") is None
    assert (
        rules.parse_judge("√") is True
        and rules.parse_judge("错误") is False
        and rules.parse_judge("?") is None
    )
    assert rules.is_correct("blank", ["为人民服务"], ["为 人民服务 "]) is True
    assert rules.is_correct("blank", ["ABC"], ["ａｂｃ"]) is True  # full-width letters
    assert rules.is_correct("multiple", ["A", "C"], ["C", "A"]) is True
    assert rules.is_correct("multiple", ["A", "C"], ["A"]) is False
    assert rules.to_original(["A"], [2, 0, 1]) == ["C"] and rules.to_shown(["C"], [2, 0, 1]) == ["A"]


def test_the_periodic_task_submits_overdue_attempts(world, ex):
    from dangjian.exams import tasks

    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(minutes=5))
    assert tasks.submit_overdue_attempts.call_local() == 1
    attempt.refresh_from_db()
    assert (
        attempt.status == "submitted" and attempt.auto_submitted and attempt.submitted_at == attempt.deadline
    )


def test_wrong_answers_are_counted_again_and_reopened_in_the_mistake_book(
    world, ex, django_capture_on_commit_callbacks
):
    kinds = _by_kind(ex)
    wrong_single = next(x for x in ("A", "B", "C", "D") if [x] != RIGHT["single"])
    first = services.attempt_start(actor=world.member_user, exam=ex.exam)
    items = [{"question": kinds["single"], "response": [wrong_single], "seq": 1}]
    with django_capture_on_commit_callbacks(execute=True):
        services.attempt_submit(actor=world.member_user, attempt_id=first.pk, items=items)
    book = MistakeBook.objects.get(user=world.member_user, question_id=kinds["single"])
    assert book.wrong_count == 1 and book.last_response == [wrong_single]
    # Blank objective answers are wrong too: every objective question of the paper is in the book.
    objective = {q.pk for q in ex.questions if q.is_objective}
    assert set(MistakeBook.objects.filter(user=world.member_user).values_list("question_id", flat=True)) == (
        objective
    )
    MistakeBook.objects.filter(pk=book.pk).update(resolved=True)

    second = services.attempt_start(actor=world.member_user, exam=ex.exam)
    with django_capture_on_commit_callbacks(execute=True):
        services.attempt_submit(actor=world.member_user, attempt_id=second.pk)  # all blank
    book.refresh_from_db()
    assert book.wrong_count == 2 and book.resolved is False and book.last_response == []
    assert MistakeBook.objects.filter(user=world.member_user).count() == len(objective)


def test_submit_stores_each_answers_own_grade(world, ex):
    kinds = _by_kind(ex)
    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam)
    items = [
        {"question": kinds["single"], "response": RIGHT["single"], "seq": 1},
        {"question": kinds["multiple"], "response": ["A"], "seq": 1},  # wrong
        {"question": kinds["blank"], "response": ["为人民服务"], "seq": 1},
        {"question": kinds["short"], "response": ["四个意识"], "seq": 1},  # waits for a grader
    ]  # the judge question is left blank: wrong
    services.attempt_submit(actor=world.member_user, attempt_id=attempt.pk, items=items)
    graded = {a.question_id: (a.is_correct, a.score, a.graded_at is not None) for a in attempt.answers.all()}
    assert graded == {
        kinds["single"]: (True, Decimal("20"), False),
        kinds["multiple"]: (False, Decimal("0"), False),
        kinds["judge"]: (False, Decimal("0"), False),
        kinds["blank"]: (True, Decimal("20"), False),
        kinds["short"]: (None, None, False),
    }
    attempt.refresh_from_db()
    assert attempt.score == Decimal("40") and attempt.pending_grading == 1 and attempt.passed is None
    entry = AuditEntry.objects.get(action="exams.attempt.submit", target_id=str(attempt.pk))
    assert "党员甲" in entry.target_repr and entry.changes["score"] == "40.0"


def test_a_blank_short_answer_scores_zero_and_the_pass_is_decided_at_once(world, ex):
    kinds = _by_kind(ex)
    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam)
    items = [{"question": kinds[k], "response": RIGHT[k], "seq": 1} for k in ("single", "multiple", "judge")]
    attempt = services.attempt_submit(actor=world.member_user, attempt_id=attempt.pk, items=items)
    short = attempt.answers.get(question_id=kinds["short"])
    assert (short.is_correct, short.score, short.graded_at is not None) == (False, Decimal("0"), True)
    assert attempt.score == Decimal("60") and attempt.pending_grading == 0 and attempt.passed is True


def test_a_second_wrong_submit_keeps_each_questions_own_last_response(
    world, ex, django_capture_on_commit_callbacks
):
    kinds = _by_kind(ex)
    first = services.attempt_start(actor=world.member_user, exam=ex.exam)
    with django_capture_on_commit_callbacks(execute=True):
        services.attempt_submit(actor=world.member_user, attempt_id=first.pk)  # all blank: every one wrong
    books = {b.question_id: b for b in MistakeBook.objects.filter(user=world.member_user)}
    second = services.attempt_start(actor=world.member_user, exam=ex.exam)
    items = [
        {"question": kinds["single"], "response": ["B"], "seq": 1},
        {"question": kinds["multiple"], "response": ["B"], "seq": 1},
        {"question": kinds["judge"], "response": ["false"], "seq": 1},
        {"question": kinds["blank"], "response": RIGHT["blank"], "seq": 1},  # right this time
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.attempt_submit(actor=world.member_user, attempt_id=second.pk, items=items)
    after = {
        b.question_id: (b.wrong_count, b.last_response)
        for b in MistakeBook.objects.filter(user=world.member_user)
    }
    assert after == {
        kinds["single"]: (2, ["B"]),
        kinds["multiple"]: (2, ["B"]),
        kinds["judge"]: (2, ["false"]),
        kinds["blank"]: (1, books[kinds["blank"]].last_response),  # a right answer leaves its entry alone
    }


def test_submitting_someone_elses_attempt_is_refused_and_changes_nothing(world, ex, snapshot):
    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam)
    services.answers_save(
        actor=world.member_user,
        attempt_id=attempt.pk,
        items=[{"question": _by_kind(ex)["single"], "response": ["A"], "seq": 1}],
    )
    before = snapshot()
    with pytest.raises(BusinessError) as err:
        services.attempt_submit(actor=world.secretary_a, attempt_id=attempt.pk)
    assert err.value.code == "exams.not_found"
    assert snapshot() == before
    attempt.refresh_from_db()
    assert attempt.status == "open" and attempt.score is None


def test_a_save_with_one_bad_item_or_by_someone_else_applies_nothing(world, ex, snapshot):
    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam)
    good = {"question": _by_kind(ex)["single"], "response": ["A"], "seq": 1}
    before = snapshot()
    with pytest.raises(BusinessError) as err:
        services.answers_save(
            actor=world.member_user, attempt_id=attempt.pk, items=[good, {"question": 999999, "seq": 2}]
        )
    assert err.value.code == "exams.bad_answer"
    with pytest.raises(BusinessError) as err:
        services.answers_save(actor=world.secretary_a, attempt_id=attempt.pk, items=[good])
    assert err.value.code == "exams.not_found"
    assert snapshot() == before
    assert not Answer.objects.filter(attempt=attempt, seq__gt=0).exists()
