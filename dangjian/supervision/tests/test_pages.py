"""The pages of 党风廉政监督 answer and show what the services did (scope is the contract's job)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dangjian.access import services as access_services
from dangjian.supervision import services
from dangjian.supervision.models import Rectification, Warning

pytestmark = pytest.mark.django_db


def test_every_page_answers_for_the_committee_officer(world: Any, login: Any) -> None:
    services.scan_run()
    item = services.responsibility_create(
        actor=world.officer, org=world.committee, duty="primary", year=timezone.localdate().year,
        title="每季度听取党风廉政建设情况汇报", holder_title="党委书记", period="quarter",
    )  # fmt: skip
    warning = Warning.objects.filter(org=world.branch_a).first()
    assert warning is not None
    task = services.warning_to_task(
        actor=world.officer, warning=warning, deadline=timezone.localdate() + dt.timedelta(days=10),
        evidence_required="会议记录",
    )  # fmt: skip
    client = login(world.officer)
    for name, args in [
        ("board", []), ("warning_list", []), ("warning_detail", [warning.pk]), ("rule_list", []),
        ("task_list", []), ("task_create", []), ("task_detail", [task.pk]), ("duty_list", []),
        ("duty_create", []), ("duty_detail", [item.pk]), ("integrity", []),
    ]:  # fmt: skip
        r = client.get(reverse(f"supervision:{name}", args=args))
        assert r.status_code == 200, name
    r = client.get(reverse("supervision:board") + f"?org={world.committee.pk}")
    assert "第一党支部" in r.content.decode()
    r = client.get(reverse("supervision:board_export") + f"?org={world.committee.pk}")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_branch_reports_with_evidence_and_committee_accepts_through_the_pages(world: Any, login: Any) -> None:
    services.scan_run()
    warning = Warning.objects.filter(org=world.branch_a, status="open").first()
    client = login(world.officer)
    r = client.post(
        reverse("supervision:warning_task", args=[warning.pk]),
        {
            "deadline": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
            "evidence_required": "会议记录",
        },
    )
    task = Rectification.objects.get(warning=warning)
    assert r.status_code == 302 and task.supervisor == world.committee
    client.logout()
    client = login(world.secretary_a)
    photo = SimpleUploadedFile("记录.txt", "支委会已补开，会议记录见附件".encode(), content_type="text/plain")
    r = client.post(
        reverse("supervision:task_report", args=[task.pk]), {"note": "已补开", "file": photo, "submit": "on"}
    )
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.status == "submitted"
    # The branch cannot accept its own task.
    r = client.post(reverse("supervision:task_check", args=[task.pk]), {"decision": "accept"})
    assert r.status_code == 403
    client.logout()
    client = login(world.officer)
    r = client.post(
        reverse("supervision:task_check", args=[task.pk]), {"decision": "accept", "note": "同意销号"}
    )
    task.refresh_from_db()
    assert r.status_code == 302 and task.status == "accepted"
    page = client.get(reverse("supervision:board") + f"?org={world.committee.pk}").content.decode()
    assert 'id="tasks-closed">1<' in page


def test_a_manual_scan_runs_as_a_job_with_progress(
    world: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    access_services.grant_create(
        actor=None, user=world.officer, role="committee_officer", org=world.root, bootstrap=True
    )
    client = login(world.officer)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("supervision:scan_start"))
    assert r.status_code == 302
    page = client.get(r["Location"]).content.decode()
    assert "已完成" in page and "新增" in page
    assert Warning.objects.filter(status="open").exists()


def test_the_integrity_column_offers_a_quiz_from_the_shared_banks_that_fills_the_mistake_book(
    world: Any, login: Any
) -> None:
    from dangjian.exams import services as exams
    from dangjian.exams.models import DailyPractice, MistakeBook

    client = login(world.member_user)
    page = client.get(reverse("supervision:integrity")).content.decode()
    assert "暂无廉政类题目" in page  # no bank yet: said, not an empty card

    bank = exams.bank_create(actor=world.officer, org=world.committee, name="廉洁纪律题库")
    exams.question_create(
        actor=world.officer,
        bank=bank,
        kind="判断题",
        stem="收受礼金属于违反廉洁纪律。",
        answer="对",
        tags="纪律",
    )
    exams.question_create(
        actor=world.officer, bank=bank, kind="单选题", stem="八项规定出台于（  ）。",
        options=["2012年", "2002年"], answer="A", tags="作风,党章",
    )  # fmt: skip
    exams.question_create(
        actor=world.officer, bank=bank, kind="判断题", stem="党章题。", answer="对", tags="党章"
    )
    page = client.get(reverse("supervision:integrity")).content.decode()
    assert (
        "纪律（1 题）" in page
        and "作风（1 题）" in page
        and "党章" not in page.split("廉政知识小测")[1][:600]
    )

    response = client.post(reverse("exams:practice_start"), {"kind": "tag", "tag": "纪律"})
    practice = DailyPractice.objects.get(user=world.member_user)
    assert response.status_code == 302 and response["Location"].endswith(f"/{practice.pk}/")
    question = bank.questions.get(tags="纪律")
    exams.practice_answer(
        actor=world.member_user, practice=practice, question_id=question.pk, response=["false"]
    )
    assert MistakeBook.objects.filter(user=world.member_user, question=question, resolved=False).exists()


def test_the_quiz_tags_are_local_practice(world: Any, login: Any, settings: Any) -> None:
    from dangjian.exams import services as exams

    settings.SUPERVISION_INTEGRITY_QUIZ_TAGS = ["八项规定"]
    bank = exams.bank_create(actor=world.officer, org=world.committee, name="作风题库")
    exams.question_create(
        actor=world.officer, bank=bank, kind="判断题", stem="纪律题。", answer="对", tags="纪律"
    )
    exams.question_create(
        actor=world.officer,
        bank=bank,
        kind="判断题",
        stem="公款吃喝违反八项规定。",
        answer="对",
        tags="八项规定",
    )
    page = login(world.member_user).get(reverse("supervision:integrity")).content.decode()
    assert "八项规定（1 题）" in page and "纪律（1 题）" not in page
