"""The warning rule ``exams.participation``."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangjian.exams import services
from dangjian.exams.models import Attempt, Exam
from dangjian.supervision.registry import Context, all_rules


def _check(world, **params):
    found = all_rules()["exams.participation"]
    merged = found.params | params
    return list(found.check(Context(today=timezone.localdate(), params=merged)))


def _close(exam):
    Exam.objects.filter(pk=exam.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))


def test_a_branch_whose_members_skipped_a_closed_required_exam_is_warned(world, ex):
    _close(ex.exam)
    findings = _check(world)
    # 党员甲 is the only member with an account (第一党支部): 0% participation.
    assert [(f.org_id, f.key) for f in findings] == [
        (world.branch_a.pk, f"exam:{ex.exam.pk}:org:{world.branch_a.pk}")
    ]
    assert "党员甲" in findings[0].message and "参考率 0%" in findings[0].message


def test_taking_the_exam_clears_the_warning(world, ex):
    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam)
    services.attempt_submit(actor=world.member_user, attempt_id=attempt.pk)
    _close(ex.exam)
    assert _check(world) == []
    assert Attempt.objects.count() == 1


def test_open_exams_and_a_lower_threshold_raise_nothing(world, ex):
    assert _check(world) == []  # still open
    _close(ex.exam)
    assert _check(world, min_participation=0) == []
