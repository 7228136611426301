"""Autosave against the final submit from two threads, on real transactions (SQLite here; PostgreSQL in CI).

Every save the server acknowledged before the submit must be in the graded attempt; every save after it is
refused with ``exams.attempt_closed``; nothing else goes wrong and nothing changes after the submit.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from dangjian.core.errors import BusinessError
from dangjian.exams import services
from dangjian.exams.models import Answer, Attempt

pytestmark = pytest.mark.django_db(transaction=True)


def test_autosave_and_submit_from_two_threads_lose_and_duplicate_nothing(world, ex, settings):
    # This test is about the race, not the pace: the save rate limit is lifted (test_management covers it).
    settings.EXAMS_SAVE_RATE = 1_000_000
    settings.EXAMS_SAVE_BURST = 1_000_000
    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam)
    user = world.member_user
    question_ids = [q.pk for q in ex.questions if q.kind == "blank"] + [
        q.pk for q in ex.questions if q.kind == "short"
    ]
    acked: dict[int, tuple[int, list[str]]] = {}
    refused: list[int] = []
    errors: list[BaseException] = []
    started = threading.Event()
    submitted = threading.Event()

    def saver() -> None:
        try:
            # Save until the submit refuses us (bounded, in case the submit never comes).
            for seq in range(1, 50_000):
                qid = question_ids[seq % 2]
                response = [f"第{seq}次作答"]
                try:
                    result = services.answers_save(
                        actor=user,
                        attempt_id=attempt.pk,
                        items=[{"question": qid, "response": response, "seq": seq}],
                    )
                except BusinessError as exc:
                    assert exc.code == "exams.attempt_closed"
                    refused.append(seq)
                    if len(refused) > 3:
                        return
                    continue
                if seq in result["acked"]:
                    acked[qid] = (seq, response)
                if seq == 20:
                    started.set()
        except BaseException as exc:
            errors.append(exc)
        finally:
            started.set()
            connection.close()

    def submitter() -> None:
        try:
            started.wait(timeout=60)
            services.attempt_submit(actor=user, attempt_id=attempt.pk)
            submitted.set()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=saver), threading.Thread(target=submitter)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert submitted.is_set()
    final = Attempt.objects.get(pk=attempt.pk)
    assert final.status == "submitted"
    assert refused, "saves after the submit must be refused"
    rows = {a.question_id: a for a in Answer.objects.filter(attempt=final)}
    assert len(rows) == len(ex.questions)  # one row per question, never duplicated
    for qid, (seq, response) in acked.items():
        assert rows[qid].seq == seq and rows[qid].response == response
    # The blank answer was graded from what was acknowledged (wrong text → 0), not left ungraded.
    blank = rows[question_ids[0]]
    assert blank.is_correct is False and blank.score == 0


def test_two_simultaneous_starts_make_one_open_attempt(world, ex):
    results: list[Any] = []

    def start() -> None:
        try:
            results.append(services.attempt_start(actor=world.member_user, exam=ex.exam).pk)
        except BaseException as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(set(results)) == 1, results
    assert Attempt.objects.filter(exam=ex.exam, user=world.member_user).count() == 1


def test_two_simultaneous_filings_of_one_submission_file_it_once(world, ex):
    from unittest import mock

    from dangjian.exams.models import MistakeBook
    from dangjian.exams.services import taking

    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam)
    with mock.patch.object(taking, "_file_mistakes_after_commit"):  # the process died after the commit
        services.attempt_submit(actor=world.member_user, attempt_id=attempt.pk)  # all blank: wrong
    assert Attempt.objects.get(pk=attempt.pk).mistakes_pending
    barrier = threading.Barrier(2)
    results: list[Any] = []

    def file() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(taking._file_mistakes(attempt.pk, world.member_user.pk))
        except BaseException as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=file) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == [False, True], results
    counts = list(MistakeBook.objects.filter(user=world.member_user).values_list("wrong_count", flat=True))
    assert counts and set(counts) == {1}
    assert not Attempt.objects.get(pk=attempt.pk).mistakes_pending


def test_the_filing_after_a_real_commit_leaves_the_connection_committing_synchronously(world, ex):
    from dangjian.exams.models import MistakeBook

    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam)
    services.attempt_submit(actor=world.member_user, attempt_id=attempt.pk)  # all blank: filed on commit
    assert not Attempt.objects.get(pk=attempt.pk).mistakes_pending
    assert MistakeBook.objects.filter(user=world.member_user).count() == 4  # the objective questions
    if connection.vendor == "postgresql":  # the filing's quick commit was its own transaction's only
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
