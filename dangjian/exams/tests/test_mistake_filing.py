"""The 错题本 of a submission is filed after its commit, in its own transaction: filed once, repaired if the
filing did not happen (the process died between the two commits, or it failed), never duplicated."""

from __future__ import annotations

from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import sign_in
from dangjian.exams import services, tasks
from dangjian.exams.models import Attempt, MistakeBook
from dangjian.exams.services import taking
from dangjian.exams.tests.conftest import RIGHT


def _wrong_submit(world, ex, capture, *, execute: bool):
    """Submit with the single and multiple choice wrong and the rest right; ``execute=False`` drops what
    would run after the commit (the process died right after the submission committed)."""
    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam)
    kinds = {q.kind: q.pk for q in ex.questions}
    items = [{"question": kinds[k], "response": RIGHT[k], "seq": 1} for k in kinds]
    items[0]["response"] = ["B"]  # single choice: wrong
    items[1]["response"] = ["A"]  # multiple choice: wrong
    with capture(execute=execute) as queued:
        attempt = services.attempt_submit(actor=world.member_user, attempt_id=attempt.pk, items=items)
    return attempt, {kinds["single"], kinds["multiple"]}, queued


def _book(world) -> dict[int, int]:
    return dict(MistakeBook.objects.filter(user=world.member_user).values_list("question_id", "wrong_count"))


def test_the_mistakes_are_filed_after_the_submission_commits(world, ex, django_capture_on_commit_callbacks):
    attempt, wrong, queued = _wrong_submit(world, ex, django_capture_on_commit_callbacks, execute=False)
    # Inside the submission nothing was filed: the attempt says its filing is pending.
    assert _book(world) == {}
    assert Attempt.objects.get(pk=attempt.pk).mistakes_pending is True
    assert attempt.score == 40 and attempt.pending_grading == 1  # graded in the submission all the same
    assert len(queued) == 1
    queued[0]()  # what runs right after the commit
    assert _book(world) == dict.fromkeys(wrong, 1)
    assert Attempt.objects.get(pk=attempt.pk).mistakes_pending is False


def test_a_submission_without_wrong_answers_files_nothing_after_it(
    world, ex, django_capture_on_commit_callbacks
):
    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam)
    items = [{"question": q.pk, "response": RIGHT[q.kind], "seq": 1} for q in ex.questions]
    with django_capture_on_commit_callbacks(execute=True) as queued:
        services.attempt_submit(actor=world.member_user, attempt_id=attempt.pk, items=items)
    assert queued == [] and _book(world) == {}
    assert Attempt.objects.get(pk=attempt.pk).mistakes_pending is False


def test_filing_twice_files_once(world, ex, django_capture_on_commit_callbacks):
    attempt, wrong, queued = _wrong_submit(world, ex, django_capture_on_commit_callbacks, execute=True)
    assert _book(world) == dict.fromkeys(wrong, 1)
    queued[0]()  # the same callback again
    assert services.mistakes_file_pending() == 0
    assert taking._file_mistakes(attempt.pk, world.member_user.pk) is False
    assert _book(world) == dict.fromkeys(wrong, 1)


def test_a_lost_filing_is_repaired_by_the_hourly_task(world, ex, django_capture_on_commit_callbacks):
    attempt, wrong, _ = _wrong_submit(world, ex, django_capture_on_commit_callbacks, execute=False)
    assert tasks.file_pending_mistakes.call_local() == 1
    assert _book(world) == dict.fromkeys(wrong, 1)  # read back from the graded answers: the same
    assert tasks.file_pending_mistakes.call_local() == 0
    assert _book(world) == dict.fromkeys(wrong, 1)
    assert Attempt.objects.get(pk=attempt.pk).mistakes_pending is False


def test_a_lost_filing_is_repaired_by_the_mistake_pages(
    client, world, ex, django_capture_on_commit_callbacks
):
    _, wrong, _ = _wrong_submit(world, ex, django_capture_on_commit_callbacks, execute=False)
    sign_in(client, world.member_user)
    body = client.get("/api/v1/exams/mistakes/").json()
    assert {m["question"]["id"] for m in body} == wrong
    assert "党的纪律包括" in client.get("/exams/mistakes/").content.decode()
    assert _book(world) == dict.fromkeys(wrong, 1)


def test_a_lost_filing_is_repaired_by_the_submit_sent_again(world, ex, django_capture_on_commit_callbacks):
    attempt, wrong, _ = _wrong_submit(world, ex, django_capture_on_commit_callbacks, execute=False)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.attempt_submit(actor=world.member_user, attempt_id=attempt.pk)
    assert again.status == "submitted" and _book(world) == dict.fromkeys(wrong, 1)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        services.attempt_submit(actor=world.member_user, attempt_id=attempt.pk)
    assert queued == [] and _book(world) == dict.fromkeys(wrong, 1)


def test_a_failing_filing_leaves_the_submission_and_the_repair_files_it(
    world, ex, django_capture_on_commit_callbacks
):
    with mock.patch("dangjian.exams.services.taking._mistakes_add", side_effect=RuntimeError("down")):
        attempt, wrong, _ = _wrong_submit(world, ex, django_capture_on_commit_callbacks, execute=True)
    stored = Attempt.objects.get(pk=attempt.pk)
    assert stored.status == "submitted" and stored.score == 40
    assert stored.mistakes_pending is True and _book(world) == {}  # rolled back with the failed filing
    assert services.mistakes_file_pending(user=world.member_user) == 1
    assert _book(world) == dict.fromkeys(wrong, 1)


def test_a_lost_filing_is_repaired_before_the_mistakes_are_practised(
    world, ex, django_capture_on_commit_callbacks
):
    _, wrong, _ = _wrong_submit(world, ex, django_capture_on_commit_callbacks, execute=False)
    practice = services.practice_start(actor=world.member_user, kind="mistakes")
    assert set(practice.questions) == wrong


def test_the_submissions_locked_transaction_holds_no_mistake_book_statement(
    world, ex, django_capture_on_commit_callbacks
):
    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam)
    with CaptureQueriesContext(connection) as ctx, django_capture_on_commit_callbacks(execute=False):
        services.attempt_submit(actor=world.member_user, attempt_id=attempt.pk)  # all blank: wrong
    assert not [q for q in ctx.captured_queries if "exams_mistakebook" in q["sql"]]


def test_the_mistake_upsert_names_the_mistake_books_table_and_columns():
    sql = taking._MISTAKES_UPSERT_SQL
    assert f"INSERT INTO {MistakeBook._meta.db_table} " in sql
    names = ("user", "question", "last_response", "wrong_count", "resolved", "first_wrong_at", "updated_at")
    for name in names:
        assert MistakeBook._meta.get_field(name).column in sql
    assert taking._CLAIM_QUICK_SQL.split()[:3] == ["UPDATE", Attempt._meta.db_table, "SET"]
    assert Attempt._meta.get_field("mistakes_pending").column in taking._CLAIM_QUICK_SQL
