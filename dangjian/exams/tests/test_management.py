"""Management gaps closed: editing questions, copying papers, the exam actions in the API, the import in the
background and the answer-save rate limit."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import override_settings
from django.utils import timezone
from openpyxl import Workbook

from conftest import sign_in
from dangjian.audit.models import AuditEntry
from dangjian.core.errors import BusinessError
from dangjian.core.models import Job
from dangjian.exams import services
from dangjian.exams.models import Answer, Attempt, Exam, ExamStatus, Paper, Question

# --------------------------------------------------------------------------------------------------------
# Editing a question


def _loose(world, bank):
    """A question no paper uses yet."""
    return services.question_create(
        actor=world.officer,
        bank=bank,
        kind="单选题",
        stem="入党誓词中“永不叛党”之前是（  ）。",
        options=["随时准备为党和人民牺牲一切", "严守党的纪律"],
        answer="A",
    )


EDIT = {
    "kind": "多选题",
    "stem": "党员的义务包括（  ）。",
    "options": ["认真学习", "贯彻执行党的基本路线", "谋取私利"],
    "answer": "AB",
    "explanation": "见党章第三条。",
    "difficulty": "困难",
    "tags": "党章、义务",
    "source": "党章",
}


def test_editing_changes_every_field_and_is_audited(world, ex):
    question = _loose(world, ex.bank)
    services.question_update(actor=world.officer, question=question, **EDIT)
    question.refresh_from_db()
    assert (question.kind, question.stem, question.options, question.answer) == (
        "multiple",
        EDIT["stem"],
        EDIT["options"],
        ["A", "B"],
    )
    assert (question.explanation, question.difficulty, question.tag_list, question.source) == (
        "见党章第三条。",
        3,
        ["义务", "党章"],
        "党章",
    )
    entry = AuditEntry.objects.get(action="exams.question.update")
    assert "stem" in entry.changes["fields"] and "kind" in entry.changes["fields"]


def test_a_question_of_a_started_exam_cannot_be_edited(world, ex, snapshot):
    question = ex.questions[0]  # on the fixed paper of the open exam
    before = snapshot()
    with pytest.raises(BusinessError) as err:
        services.question_update(actor=world.officer, question=question, **EDIT)
    assert err.value.code == "exams.question_in_use" and "考试已经开始" in err.value.message
    assert snapshot() == before


def test_a_question_someone_answered_stays_locked_after_the_exam(world, ex, snapshot):
    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam)
    services.attempt_submit(actor=world.member_user, attempt_id=attempt.pk)
    Exam.objects.filter(pk=ex.exam.pk).update(status=ExamStatus.CANCELLED)
    before = snapshot()
    with pytest.raises(BusinessError, match="作答"):
        services.question_update(actor=world.officer, question=ex.questions[2], **EDIT)
    assert snapshot() == before


def test_a_question_of_a_future_exam_may_still_be_edited(world, ex):
    Exam.objects.filter(pk=ex.exam.pk).update(opens_at=timezone.now() + dt.timedelta(days=1))
    services.question_update(actor=world.officer, question=ex.questions[2], **EDIT)
    assert Question.objects.get(pk=ex.questions[2].pk).kind == "multiple"


def test_a_question_nobody_drew_is_free_again_after_the_exam_closed(world, ex):
    now = timezone.now()
    Exam.objects.filter(pk=ex.exam.pk).update(
        opens_at=now - dt.timedelta(days=2), closes_at=now - dt.timedelta(days=1)
    )
    assert services.question_locked_reason(ex.questions[2]) == ""


def test_a_random_paper_drawing_from_the_bank_locks_its_kind(world, ex):
    question = _loose(world, ex.bank)
    paper = services.paper_create(actor=world.officer, org=world.committee, title="随机", mode="random")
    services.paper_rule_add(actor=world.officer, paper=paper, bank=ex.bank, kind="single", count=1, score=10)
    now = timezone.now()
    exam = services.exam_create(
        actor=world.officer, org=world.committee, paper=paper, title="随机考试",
        opens_at=now - dt.timedelta(minutes=1), closes_at=now + dt.timedelta(hours=1),
        duration_minutes=10, pass_score=5, target_orgs=[world.committee],
    )  # fmt: skip
    assert services.question_locked_reason(question) == ""  # not published yet
    services.exam_publish(actor=world.officer, exam=exam)
    assert services.question_locked_reason(question)


def test_duplicate_stem_and_bad_input_are_refused(world, ex, snapshot):
    question = _loose(world, ex.bank)
    before = snapshot()
    with pytest.raises(BusinessError) as err:
        services.question_update(
            actor=world.officer, question=question, **EDIT | {"stem": ex.questions[2].stem}
        )
    assert err.value.code == "exams.duplicate_question"
    with pytest.raises(BusinessError) as err:
        services.question_update(actor=world.officer, question=question, **EDIT | {"answer": "Z"})
    assert err.value.code == "exams.bad_question"
    with pytest.raises(BusinessError) as err:
        services.question_update(actor=world.secretary_b, question=question, **EDIT)
    assert err.value.code == "exams.forbidden"
    assert snapshot() == before


def test_edit_page_and_api(client, world, ex, snapshot):
    question = _loose(world, ex.bank)
    sign_in(client, world.officer)
    page = client.get(f"/exams/questions/{question.pk}/edit/")
    assert page.status_code == 200 and "随时准备为党和人民牺牲一切" in page.content.decode()
    form = {"kind": "judge", "stem": "入党誓词共八十字。", "answer": "对", "difficulty": 1}
    r = client.post(f"/exams/questions/{question.pk}/edit/", form)
    assert r.status_code == 302
    question.refresh_from_db()
    assert question.kind == "judge" and question.answer == ["true"] and question.options == []
    r = client.patch(
        f"/api/v1/exams/questions/{question.pk}/", {"answer": "错"}, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    assert r.json()["answer"] == ["false"] and r.json()["stem"] == "入党誓词共八十字。"
    locked = ex.questions[0]
    page = client.get(f"/exams/questions/{locked.pk}/edit/")
    assert "考试已经开始" in page.content.decode()
    before = snapshot()
    r = client.put(f"/api/v1/exams/questions/{locked.pk}/", EDIT, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "exams.question_in_use"
    r = client.post(f"/exams/questions/{locked.pk}/edit/", form)
    assert r.status_code == 200 and "考试已经开始" in r.content.decode()
    assert snapshot() == before


def test_edit_is_out_of_reach_outside_scope(client, world, ex, snapshot):
    question = _loose(world, ex.bank)
    sign_in(client, world.secretary_b)
    before = snapshot()
    assert client.get(f"/exams/questions/{question.pk}/edit/").status_code == 404
    r = client.put(f"/api/v1/exams/questions/{question.pk}/", EDIT, content_type="application/json")
    assert r.status_code == 404
    assert snapshot() == before


# --------------------------------------------------------------------------------------------------------
# Copying a paper


def test_copy_keeps_questions_scores_and_settings(world, ex):
    copy = services.paper_copy(actor=world.officer, paper=ex.paper)
    assert copy.title == "固定试卷（副本）" and copy.org == ex.paper.org and copy.pk != ex.paper.pk
    assert copy.shuffle_options is False and copy.mode == "fixed"
    pairs = lambda p: [(i.question_id, i.score, i.position) for i in p.items.all()]  # noqa: E731
    assert pairs(copy) == pairs(ex.paper) and not copy.exams.exists()
    assert services.paper_total(copy) == services.paper_total(ex.paper)
    # the copy is free to change although the original was taken
    services.paper_part_remove(actor=world.officer, paper=copy, item_id=copy.items.first().pk)
    assert AuditEntry.objects.filter(action="exams.paper.copy").count() == 1


def test_copy_of_a_random_paper_keeps_its_rules(world, ex):
    paper = services.paper_create(actor=world.officer, org=world.committee, title="随机", mode="random")
    services.paper_rule_add(
        actor=world.officer, paper=paper, bank=ex.bank, kind="single", count=1, score=7, tag="党章"
    )
    copy = services.paper_copy(actor=world.officer, paper=paper, org=world.branch_a)
    rule = copy.rules.get()
    assert (rule.bank, rule.kind, rule.count, rule.score, rule.tag, copy.org) == (
        ex.bank,
        "single",
        1,
        7,
        "党章",
        world.branch_a,
    )


def test_copy_is_refused_outside_scope_and_where_the_bank_is_unusable(world, ex, snapshot):
    other_bank = services.bank_create(actor=world.secretary_a, org=world.branch_a, name="支部题库")
    question = _loose(world, other_bank)
    paper = services.paper_create(actor=world.officer, org=world.branch_a, title="支部试卷")
    services.paper_items_add(actor=world.officer, paper=paper, questions=[question], score=5)
    before = snapshot()
    with pytest.raises(BusinessError) as err:
        services.paper_copy(actor=world.officer, paper=paper, org=world.branch_b)
    assert err.value.code == "exams.question_unavailable"
    with pytest.raises(BusinessError) as err:
        services.paper_copy(actor=world.secretary_b, paper=ex.paper)
    assert err.value.code == "exams.forbidden"
    assert snapshot() == before


def test_copy_button_and_api(client, world, ex, snapshot):
    sign_in(client, world.officer)
    assert "复制试卷" in client.get(f"/exams/papers/{ex.paper.pk}/").content.decode()
    r = client.post(f"/exams/papers/{ex.paper.pk}/copy/")
    copy = Paper.objects.get(title="固定试卷（副本）")
    assert r.status_code == 302 and r["Location"] == f"/exams/papers/{copy.pk}/"
    r = client.post(
        f"/api/v1/exams/papers/{ex.paper.pk}/copy/",
        {"org": world.branch_a.pk},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["org"] == world.branch_a.pk
    assert r.json()["title"] == "固定试卷（副本）"
    sign_in(client, world.secretary_b)
    before = snapshot()
    assert client.post(f"/exams/papers/{ex.paper.pk}/copy/").status_code == 404
    r = client.post(f"/api/v1/exams/papers/{ex.paper.pk}/copy/", {}, content_type="application/json")
    assert r.status_code == 404
    assert snapshot() == before


# --------------------------------------------------------------------------------------------------------
# Cancel, remind and make-up in the API


def test_api_remind_makeup_and_cancel(client, world, ex, snapshot):
    sign_in(client, world.officer)
    base = f"/api/v1/exams/exams/{ex.exam.pk}"
    r = client.post(f"{base}/remind/", content_type="application/json")
    assert r.status_code == 200 and set(r.json()) == {"pending", "sent", "failed"}
    assert Exam.objects.get(pk=ex.exam.pk).reminded_at is not None
    now = timezone.now()
    window = {
        "opens_at": (now + dt.timedelta(days=1)).isoformat(),
        "closes_at": (now + dt.timedelta(days=2)).isoformat(),
    }
    r = client.post(f"{base}/makeup/", window, content_type="application/json")
    assert r.status_code == 201, r.content
    makeup = Exam.objects.get(pk=r.json()["id"])
    assert makeup.makeup_of_id == ex.exam.pk and makeup.status == "draft"
    assert makeup.candidates.filter(pk=world.member_user.pk).exists()
    before = snapshot()
    r = client.post(f"{base}/makeup/", window | {"closes_at": "bad"}, content_type="application/json")
    assert r.status_code == 400
    r = client.post(f"/api/v1/exams/exams/{makeup.pk}/remind/", content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "exams.not_open"  # a draft is not open
    assert snapshot() == before
    r = client.post(f"{base}/cancel/", content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    before = snapshot()
    r = client.post(f"{base}/cancel/", content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "exams.bad_status"
    assert snapshot() == before


def test_api_cancel_is_refused_once_someone_submitted(client, world, ex, snapshot):
    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam)
    services.attempt_submit(actor=world.member_user, attempt_id=attempt.pk)
    sign_in(client, world.officer)
    before = snapshot()
    r = client.post(f"/api/v1/exams/exams/{ex.exam.pk}/cancel/", content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "exams.has_results"
    assert snapshot() == before


def test_api_exam_actions_are_out_of_reach_outside_scope(client, world, ex, snapshot):
    now = timezone.now()
    window = {"opens_at": now.isoformat(), "closes_at": (now + dt.timedelta(days=1)).isoformat()}
    before = snapshot()
    for persona, code in ((world.secretary_b, 404), (world.member_user, 403)):
        sign_in(client, persona)
        for action, body in (("cancel", {}), ("remind", {}), ("makeup", window)):
            r = client.post(
                f"/api/v1/exams/exams/{ex.exam.pk}/{action}/", body, content_type="application/json"
            )
            assert r.status_code == code, (persona, action, r.status_code)
    assert snapshot() == before


# --------------------------------------------------------------------------------------------------------
# Import in the background


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["题型", "题干", "选项A", "选项B", "答案"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "题库.xlsx"
    return buf


ROWS = [["单选题", f"第 {n} 道导入的题目", "甲", "乙", "B"] for n in range(1, 251)]


def test_page_commit_runs_as_a_job_with_a_progress_page(
    client, world, ex, django_capture_on_commit_callbacks
):
    sign_in(client, world.officer)
    before = Question.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as queued:  # the job runs once its row commits
        r = client.post(f"/exams/banks/{ex.bank.pk}/import/", {"file": _xlsx(ROWS)})
    assert len(queued) == 1
    job = Job.objects.get(kind=services.IMPORT_JOB_KIND)
    assert r.status_code == 302 and r["Location"] == f"/exams/banks/import-jobs/{job.pk}/"
    assert job.status == "succeeded" and job.result["created"] == 250 and job.percent == 100
    assert "rows" not in job.params  # the rows are dropped once written
    assert Question.objects.count() == before + 250
    page = client.get(r["Location"])
    assert page.status_code == 200 and "已导入 250 道试题" in page.content.decode()
    fragment = client.get(r["Location"], headers={"HX-Request": "true"})
    assert 'id="job-progress"' in fragment.content.decode()


def test_a_pending_job_shows_a_polling_progress_bar(client, world, ex):
    job = Job.objects.create(
        kind=services.IMPORT_JOB_KIND, created_by=world.officer, org=world.committee, title="导入", total=10
    )
    sign_in(client, world.officer)
    body = client.get(f"/exams/banks/import-jobs/{job.pk}/").content.decode()
    assert "<progress" in body and "hx-trigger" in body
    sign_in(client, world.secretary_b)
    assert client.get(f"/exams/banks/import-jobs/{job.pk}/").status_code == 404
    assert client.get(f"/api/v1/exams/import-jobs/{job.pk}/").status_code == 404


def test_dry_run_and_bad_rows_answer_at_once_and_queue_nothing(client, world, ex, snapshot):
    sign_in(client, world.officer)
    before = snapshot()
    r = client.post(f"/exams/banks/{ex.bank.pk}/import/", {"file": _xlsx(ROWS[:3]), "dry_run": "on"})
    assert r.status_code == 200 and "检查通过" in r.content.decode()
    bad = [*ROWS[:3], ["单选题", "答案错的题", "甲", "乙", "Q"]]
    r = client.post(f"/exams/banks/{ex.bank.pk}/import/", {"file": _xlsx(bad)})
    assert r.status_code == 200 and "第 5 行" not in r.content.decode() and "答案“Q”" in r.content.decode()
    r = client.post(f"/api/v1/exams/banks/{ex.bank.pk}/import/", {"file": _xlsx(bad), "dry_run": "false"})
    assert r.status_code == 200 and r.json()["job"] is None and r.json()["problems"][0]["row"] == 5
    assert snapshot() == before


def test_api_commit_answers_202_and_the_job_reports(client, world, ex, django_capture_on_commit_callbacks):
    sign_in(client, world.officer)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            f"/api/v1/exams/banks/{ex.bank.pk}/import/", {"file": _xlsx(ROWS[:5]), "dry_run": "false"}
        )
    assert r.status_code == 202 and r.json()["job"]
    job = client.get(f"/api/v1/exams/import-jobs/{r.json()['job']}/").json()
    assert job["status"] == "succeeded" and job["result"]["created"] == 5 and job["percent"] == 100


def test_the_job_writes_all_rows_or_none(world, ex, snapshot):
    """A row that became a duplicate between the check and the run (someone added the same stem) makes
    the whole job fail: no row is written."""
    job = Job.objects.create(
        kind=services.IMPORT_JOB_KIND,
        created_by=world.officer,
        org=world.committee,
        params={"bank": ex.bank.pk, "rows": [[n + 2, {"kind": r[0], "stem": r[1], "options": r[2:4],
                                                        "answer": r[4]}] for n, r in enumerate(ROWS)]},
        total=len(ROWS),
    )  # fmt: skip
    services.question_create(
        actor=world.officer, bank=ex.bank, kind="单选题", stem=ROWS[-1][1], options=["甲", "乙"], answer="A"
    )
    before = Question.objects.count()
    job = services.bank_import_run(job_id=job.pk)
    assert job.status == "failed" and "未写入任何试题" in job.message
    assert Question.objects.count() == before
    assert not AuditEntry.objects.filter(action="exams.bank.import").exists()


# --------------------------------------------------------------------------------------------------------
# The answer-save rate limit


@override_settings(EXAMS_SAVE_RATE=1, EXAMS_SAVE_BURST=2)
def test_saves_over_the_limit_get_429_and_change_nothing(client, world, ex):
    sign_in(client, world.member_user)
    state = client.post(f"/api/v1/exams/mine/{ex.exam.pk}/start/", content_type="application/json").json()
    q = next(x for x in state["questions"] if x["kind"] == "blank")["id"]
    url = f"/api/v1/exams/attempts/{state['id']}/answers/"

    def save(text, seq):
        body = {"answers": [{"question": q, "response": [text], "seq": seq}]}
        return client.post(url, body, content_type="application/json")

    assert save("一", 1).status_code == 200
    assert save("二", 2).status_code == 200
    r = save("三", 3)
    assert r.status_code == 429 and int(r["Retry-After"]) >= 1
    assert r.json()["code"] == "exams.rate_limited" and "保存过于频繁" in r.json()["detail"]
    answer = Answer.objects.get(attempt_id=state["id"], question_id=q)
    assert (answer.response, answer.seq) == (["二"], 2)  # not applied, not acknowledged
    # the bucket refills with time: the same save goes through a second later
    Attempt.objects.filter(pk=state["id"]).update(save_tokens_at=timezone.now() - dt.timedelta(seconds=2))
    r = save("三", 3)
    assert r.status_code == 200 and r.json()["acked"] == [3]
    # handing in is never refused for pace, and carries its last answers
    Attempt.objects.filter(pk=state["id"]).update(save_tokens=0, save_tokens_at=timezone.now())
    body = {"answers": [{"question": q, "response": ["四"], "seq": 4}]}
    r = client.post(f"/api/v1/exams/attempts/{state['id']}/submit/", body, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert Answer.objects.get(attempt_id=state["id"], question_id=q).response == ["四"]


def test_the_limit_is_per_attempt_and_defaults_allow_a_burst(world, ex):
    attempt = services.attempt_start(actor=world.member_user, exam=ex.exam)
    q = attempt.layout[0]["q"]
    for seq in range(1, 21):  # the default burst: 20 saves at once
        services.answers_save(
            actor=world.member_user,
            attempt_id=attempt.pk,
            items=[{"question": q, "response": [], "seq": seq}],
        )
    with pytest.raises(BusinessError) as err:
        services.answers_save(
            actor=world.member_user, attempt_id=attempt.pk, items=[{"question": q, "response": [], "seq": 21}]
        )
    assert err.value.code == "exams.rate_limited" and err.value.details["retry_after"] == 1


def test_the_page_script_retries_after_429():
    from pathlib import Path

    script = (Path(__file__).resolve().parents[3] / "static/exams/exam.js").read_text()
    assert "r.status === 429" in script and "Retry-After" in script
