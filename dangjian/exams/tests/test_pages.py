"""Pages of 考试中心: organisers' banks, import, papers, exams and results; members' exam and practice."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from conftest import sign_in
from dangjian.audit.models import AuditEntry
from dangjian.exams import excel, services
from dangjian.exams.models import Attempt, Question


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["智慧党建题库导入"])
    ws.append(["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "难度", "标签"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "题库.xlsx"
    return buf


GOOD = [
    ["单选题", "党的基层组织是（  ）。", "党支部", "党委", "党组", "", "A", "", "容易", "党章"],
    ["判断题", "党员有权对党的决议提出不同意见。", "", "", "", "", "√", "", "中等", "党章、权利"],
    ["填空题", "“两个维护”是坚决维护党中央权威和________。", "", "", "", "", "集中统一领导", "", "", "理论"],
]  # fmt: skip


def test_organiser_dry_runs_then_imports_a_bank(client, world, ex, django_capture_on_commit_callbacks):
    sign_in(client, world.officer)
    url = f"/exams/banks/{ex.bank.pk}/import/"
    before = Question.objects.count()
    r = client.post(url, {"file": _xlsx(GOOD), "dry_run": "on"})
    assert r.status_code == 200 and "检查通过" in r.content.decode()
    assert Question.objects.count() == before
    with django_capture_on_commit_callbacks(execute=True):  # the background job, once its row commits
        r = client.post(url, {"file": _xlsx(GOOD)})
    assert r.status_code == 302
    assert Question.objects.count() == before + 3
    assert AuditEntry.objects.filter(action="exams.bank.import").count() == 1
    tags = Question.objects.get(stem__startswith="党员有权").tag_list
    assert tags == sorted(["党章", "权利"])


def test_a_bad_file_reports_every_row_and_writes_nothing(client, world, ex, snapshot):
    sign_in(client, world.officer)
    bad = [
        ["单选题", "没有答案的题目", "甲", "乙", "", "", "", "", "", ""],
        ["单选题", "答案不在选项中", "甲", "乙", "", "", "D", "", "", ""],
        ["论述题", "未知题型", "", "", "", "", "略", "", "", ""],
        ["判断题", "预备党员的预备期为一年。", "", "", "", "", "对", "", "", ""],  # already in the bank
        GOOD[0],
        GOOD[0],
    ]
    before = snapshot()
    r = client.post(f"/exams/banks/{ex.bank.pk}/import/", {"file": _xlsx(bad)})
    body = r.content.decode()
    assert r.status_code == 200
    for reason in ("缺少答案", "不在选项之中", "未知的题型", "题库中已有相同题干", "与第 7 行题干重复"):
        assert reason in body, reason
    assert snapshot() == before


def test_export_re_imports_in_the_same_layout(world, ex):
    content = excel.export_bank(ex.bank)
    ws = load_workbook(io.BytesIO(content)).active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["题型", "题干", "选项A"] and "答案" in header and "标签" in header
    buf = io.BytesIO(content)
    buf.name = "x.xlsx"
    rows = excel.read_rows(buf)
    other = services.bank_create(actor=world.officer, org=world.committee, name="副本")
    result = services.bank_import(actor=world.officer, bank=other, rows=rows, dry_run=False)
    assert result["problems"] == [] and result["created"] == 5
    assert sorted(other.questions.values_list("answer", flat=True), key=str) == sorted(
        ex.bank.questions.values_list("answer", flat=True), key=str
    )


def test_shared_bank_is_visible_below_but_not_editable(client, world, ex):
    sign_in(client, world.secretary_a)
    r = client.get(f"/exams/banks/{ex.bank.pk}/")
    assert r.status_code == 200 and "添加试题" not in r.content.decode()
    assert client.post(f"/exams/banks/{ex.bank.pk}/", {"kind": "judge"}).status_code == 403
    assert client.get(f"/exams/banks/{ex.bank.pk}/import/").status_code == 404


def test_organiser_pages_render(client, world, ex):
    sign_in(client, world.officer)
    for url in (
        "/exams/", "/exams/banks/", f"/exams/banks/{ex.bank.pk}/", "/exams/papers/",
        f"/exams/papers/{ex.paper.pk}/", f"/exams/papers/{ex.paper.pk}/preview/", "/exams/new/",
        f"/exams/{ex.exam.pk}/", "/exams/grading/", "/exams/banks/template.xlsx",
        f"/exams/{ex.exam.pk}/results.xlsx", f"/exams/banks/{ex.bank.pk}/export.xlsx",
    ):  # fmt: skip
        assert client.get(url).status_code == 200, url


def test_member_takes_the_exam_through_the_pages_and_sees_the_result(client, world, ex):
    sign_in(client, world.member_user)
    r = client.get("/exams/mine/")
    assert "党章知识测试" in r.content.decode() and "开始考试" in r.content.decode()
    r = client.post(f"/exams/mine/{ex.exam.pk}/start/")
    attempt = Attempt.objects.get(user=world.member_user)
    assert r.url == f"/exams/attempts/{attempt.pk}/"
    page = client.get(r.url).content.decode()
    assert "exams/exam.js" in page and 'data-question="' in page
    r = client.post(f"/exams/attempts/{attempt.pk}/submit/")
    assert "不及格" in client.get(r.url).content.decode()  # nothing answered: 0 points


def test_organiser_creates_and_publishes_an_exam_for_a_subtree(client, world, ex):
    sign_in(client, world.officer)
    r = client.post(
        "/exams/new/",
        {
            "org": world.committee.pk, "paper": ex.paper.pk, "title": "第二次测试",
            "opens_at": "2026-01-01T08:00", "closes_at": "2099-01-01T08:00", "duration_minutes": 20,
            "max_attempts": 1, "pass_score": 60, "target_orgs": [world.branch_a.pk], "required": "on",
        },
    )  # fmt: skip
    assert r.status_code == 302
    exam = ex.exam.__class__.objects.get(title="第二次测试")
    r = client.post(f"/exams/{exam.pk}/publish/")
    exam.refresh_from_db()
    assert exam.status == "published"


def test_member_practises_and_the_mistake_book_collects_wrong_answers(client, world, ex):
    sign_in(client, world.member_user)
    r = client.post("/exams/practice/start/", {"kind": "tag", "tag": "党章"})
    assert r.status_code == 302
    practice_url = r.url
    from dangjian.exams.models import DailyPractice, MistakeBook

    practice = DailyPractice.objects.get(user=world.member_user)
    judge = Question.objects.get(kind="judge")
    assert judge.pk in practice.questions
    client.post(practice_url, {"question": judge.pk, "response": "false"})
    assert MistakeBook.objects.filter(user=world.member_user, question=judge, resolved=False).exists()
    assert "预备党员的预备期" in client.get("/exams/mistakes/").content.decode()
    r = client.post("/exams/practice/start/", {"kind": "mistakes"})
    retry = DailyPractice.objects.get(user=world.member_user, kind="mistakes")
    client.post(r.url, {"question": judge.pk, "response": "true"})
    assert MistakeBook.objects.get(user=world.member_user, question=judge).resolved
    assert retry.pk
    assert client.post("/exams/practice/start/", {"kind": "daily"}).status_code == 302
    assert client.get("/exams/practice/").status_code == 200


def test_organiser_names_people_as_takers_and_unknown_names_are_refused(client, world, ex, snapshot):
    sign_in(client, world.officer)
    form = {
        "org": world.committee.pk, "paper": ex.paper.pk, "title": "指定人员考试",
        "opens_at": "2026-01-01T08:00", "closes_at": "2099-01-01T08:00", "duration_minutes": 20,
        "max_attempts": 1, "pass_score": 60,
    }  # fmt: skip
    before = snapshot()
    r = client.post("/exams/new/", form | {"candidates": "党员甲、查无此人"})
    assert "未找到有账号的党员：查无此人" in r.content.decode()
    assert snapshot() == before
    r = client.post("/exams/new/", form | {"candidates": "党员甲"})
    assert r.status_code == 302
    exam = ex.exam.__class__.objects.get(title="指定人员考试")
    assert list(exam.candidates.all()) == [world.member_user]
