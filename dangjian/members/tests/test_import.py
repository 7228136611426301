"""Importing the roster from the national 党员信息采集表 (.xlsx): the service, the web page and the API."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.audit.models import AuditEntry
from dangjian.core import idcard
from dangjian.core.errors import BusinessError
from dangjian.core.models import Job, JobStatus
from dangjian.members import excel as member_excel
from dangjian.members import imports, tasks
from dangjian.members.imports import member_import
from dangjian.members.models import ChangeKind, Member, StatusChange
from dangjian.orgs import services as org_services

BRANCH_A = "中共示例一公司第一支部委员会"
_seq = itertools.count(1)


def make_id_number(birth: dt.date = dt.date(1985, 6, 15), gender: str = "male") -> str:
    """A valid identity number, unique in this test run (a region code the shared personas do not use)."""
    n = next(_seq)
    return idcard.make(f"{320102 + n // 490:06d}", birth, (n % 490) * 2 + 2, gender)


HEADERS = list(member_excel.HEADERS)


def person(
    name: str = "张三", *, birth: dt.date = dt.date(1985, 6, 15), gender: str = "male", **cells: Any
) -> dict[str, Any]:
    """One valid row of the national form (header → cell), in 第一党支部 unless told otherwise."""
    row: dict[str, Any] = {
        "姓名": name,
        "性别": "男" if gender == "male" else "女",
        "公民身份号码": make_id_number(birth, gender),
        "民族": "汉族",
        "出生日期": birth,
        "学历": "大学本科",
        "人员类别": "专业技术人员",
        "所在党支部": BRANCH_A,
        "入党日期": "2010-07-01",
        "转正日期": "2011-07-01",
        "工作岗位": "工程师",
        "联系电话": "13800138001",
        "家庭住址": "北京市东城区东长安街1号",
        "党籍状态": "正常",
        "是否失联党员": "否",
        "是否流动党员": "否",
    }
    row.update(cells)
    return row


def xlsx(
    rows: list[dict[str, Any]], *, headers: list[str] | None = None, title: str | None = None
) -> io.BytesIO:
    """A workbook in memory: an optional title row, the header, then the rows."""
    headers = headers or (list(rows[0]) if rows else HEADERS)
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def upload(rows: list[dict[str, Any]], name: str = "名册.xlsx", **kw: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx(rows, **kw).getvalue())


def run(actor: Any, rows: list[dict[str, Any]], **kw: Any) -> imports.ImportReport:
    return member_import(actor=actor, source=xlsx(rows), filename="名册.xlsx", **kw)


def state() -> tuple[int, int, int]:
    return Member.objects.count(), StatusChange.objects.count(), AuditEntry.objects.count()


def problems(report: imports.ImportReport) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in report.errors]


# --- The service -------------------------------------------------------------------------------------


def test_secretary_imports_valid_rows_into_own_branch(world):
    before = Member.objects.count()
    report = run(world.secretary_a, [person("张三"), person("李梅", gender="female", 转正日期=None)])
    assert report.outcome == "committed" and report.created == 2 and not report.errors
    assert Member.objects.count() == before + 2
    probationary = Member.objects.get(name="李梅")
    assert probationary.org == world.branch_a
    assert probationary.status == "probationary" and probationary.gender == "female"
    assert probationary.education == "bachelor" and probationary.category == "professional"
    assert StatusChange.objects.filter(member=probationary, kind=ChangeKind.CREATED).count() == 1
    entry = AuditEntry.objects.get(action="members.import.commit")
    assert entry.actor == world.secretary_a
    assert entry.changes == {"created": 2, "skipped": 0, "file": "名册.xlsx"}
    assert entry.org_path == world.branch_a.path


def test_status_columns_are_read(world):
    run(world.secretary_a, [person("流动者", 是否流动党员="是", 党籍状态="停止党籍", 是否失联党员="是")])
    m = Member.objects.get(name="流动者")
    assert m.mobile and m.lost_contact and m.standing == "suspended" and m.status == "full"


def test_optional_extra_columns_are_accepted(world):
    row = person("外出者", 是否流动党员="是", 是否失联党员="是")
    row["外出流向"] = "广东省深圳市"
    row["失联日期"] = "2025年3月1日"
    run(world.secretary_a, [row])
    m = Member.objects.get(name="外出者")
    assert m.mobile_destination == "广东省深圳市" and m.lost_contact_on == dt.date(2025, 3, 1)


def test_sex_and_birth_date_may_be_left_to_the_identity_number(world):
    run(world.secretary_a, [person("无性别", 性别=None, 出生日期=None)])
    m = Member.objects.get(name="无性别")
    assert m.gender == "male" and m.birth_date == dt.date(1985, 6, 15)


@pytest.mark.parametrize(
    "typed",
    [
        "2001-07-01",
        "2001.07.01",
        "2001/7/1",
        "2001年7月1日",
        "20010701",
        20010701,
        dt.datetime(2001, 7, 1),
        dt.date(2001, 7, 1),
        (dt.date(2001, 7, 1) - dt.date(1899, 12, 30)).days,
    ],
)
def test_every_date_format_people_type_is_read(world, typed):
    report = run(
        world.secretary_a, [person("日期", birth=dt.date(1975, 3, 2), 入党日期=typed, 转正日期=None)]
    )
    assert report.outcome == "committed", problems(report)
    assert Member.objects.get(name="日期").joined_on == dt.date(2001, 7, 1)


def test_header_below_a_title_row_is_found(world):
    report = member_import(
        actor=world.secretary_a, source=xlsx([person("标题下")], title="党员信息采集表"), filename="t.xlsx"
    )
    assert report.header_row == 2 and report.created == 1


def test_columns_in_any_order_and_usual_header_variants_are_read(world):
    row = person("乱序")
    row["身份证号"] = row.pop("公民身份号码")
    headers = list(reversed(list(row)))
    report = member_import(actor=world.secretary_a, source=xlsx([row], headers=headers), filename="t.xlsx")
    assert report.created == 1
    assert Member.objects.get(name="乱序").job_title == "工程师"


def test_minimal_columns_are_enough_and_the_rest_reported_missing(world):
    row = {k: person("最少")[k] for k in ("姓名", "公民身份号码", "民族", "所在党支部", "入党日期")}
    report = run(world.secretary_a, [row])
    assert report.created == 1
    assert "转正日期" in report.missing_columns


def test_a_file_without_a_required_column_is_refused_as_a_whole(world):
    row = person()
    del row["所在党支部"]
    with pytest.raises(BusinessError) as exc:
        run(world.secretary_a, [row])
    assert exc.value.code == "excel.missing_columns" and "所在党支部" in exc.value.message


def _bad_check(row: dict[str, Any]) -> None:
    number = row["公民身份号码"]
    row["公民身份号码"] = number[:17] + ("0" if number[17] != "0" else "1")


@pytest.mark.parametrize(
    ("spoil", "column", "reason"),
    [
        (_bad_check, "公民身份号码", "校验位错误"),
        (lambda r: r.update(公民身份号码="12345"), "公民身份号码", "应为18位"),
        (lambda r: r.update(公民身份号码=1.10101198506150e17), "公民身份号码", "存成了数字"),
        (lambda r: r.update(出生日期="1985-06-16"), "出生日期", "出生日期与公民身份号码不符"),
        (lambda r: r.update(性别="女"), "性别", "性别与公民身份号码不符"),
        (lambda r: r.update(性别="未知"), "性别", "性别应为"),
        (lambda r: r.update(所在党支部="不存在的支部"), "所在党支部", "未知的党支部"),
        (lambda r: r.update(所在党支部=""), "所在党支部", "所在党支部不能为空"),
        (lambda r: r.update(姓名=""), "姓名", "姓名不能为空"),
        (lambda r: r.update(姓名="长" * 51), "姓名", "不超过50字"),
        (lambda r: r.update(转正日期="2009-07-01"), "转正日期", "转正日期不能早于入党日期"),
        (lambda r: r.update(入党日期="2002-07-01", 转正日期=None), "入党日期", "未满18周岁"),
        (lambda r: r.update(入党日期=""), "入党日期", "入党日期不能为空"),
        (lambda r: r.update(入党日期="2010-13-45"), "入党日期", "不存在"),
        (lambda r: r.update(入党日期="去年"), "入党日期", "无法识别的日期"),
        (lambda r: r.update(联系电话="12345"), "联系电话", "联系电话格式不正确"),
        (lambda r: r.update(民族=""), "民族", "民族不能为空"),
        (lambda r: r.update(民族="火星族"), "民族", "未知的民族"),
        (lambda r: r.update(学历="博士后"), "学历", "未知的学历"),
        (lambda r: r.update(人员类别="宇航员"), "人员类别", "未知的人员类别"),
        (lambda r: r.update(党籍状态="暂停"), "党籍状态", "党籍状态应为"),
        (lambda r: r.update(是否流动党员="也许"), "是否流动党员", "应填写“是”或“否”"),
    ],
)
def test_each_bad_row_is_reported_with_row_number_column_and_reason(world, spoil, column, reason):
    bad = person("错行")
    spoil(bad)
    report = run(world.secretary_a, [person("好行"), bad], dry_run=True)
    assert report.total == 2 and report.valid == 1
    assert [(row, col) for row, col, _ in problems(report)] == [(3, column)]
    assert reason in report.errors[0].message
    assert report.errors[0].name == bad["姓名"]


def test_dry_run_reports_and_writes_nothing(world):
    before = state()
    report = run(world.secretary_a, [person("试"), person("错", 姓名="")], dry_run=True)
    assert report.outcome == "dry_run" and report.valid == 1 and report.error_rows == 1
    assert state() == before


def test_a_file_with_errors_is_refused_and_changes_nothing(world):
    before = state()
    report = run(world.secretary_a, [person("好一"), person("坏", 联系电话="1"), person("好二")])
    assert report.outcome == "refused" and report.created == 0
    assert "未导入任何数据" in report.message
    assert state() == before
    assert not Member.objects.filter(name__in=["好一", "好二"]).exists()


def test_skip_invalid_imports_only_the_valid_rows(world):
    before = Member.objects.count()
    report = run(
        world.secretary_a, [person("好一"), person("坏", 联系电话="1"), person("好二")], skip_invalid=True
    )
    assert report.outcome == "committed" and report.created == 2 and report.skipped == 1
    assert Member.objects.count() == before + 2
    assert not Member.objects.filter(name="坏").exists()
    assert AuditEntry.objects.get(action="members.import.commit").changes["skipped"] == 1


def test_the_import_is_atomic_when_a_write_fails(world, monkeypatch):
    before = state()

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports.audit, "record", broken)
    with pytest.raises(RuntimeError):
        run(world.secretary_a, [person(f"批{i}") for i in range(3)])
    assert state() == before


def test_a_number_repeated_inside_the_file_flags_every_occurrence(world):
    first = person("甲一")
    again = person("甲二", 公民身份号码=first["公民身份号码"])
    report = run(world.secretary_a, [first, person("乙"), again], skip_invalid=True)
    assert problems(report) == [
        (2, "公民身份号码", "公民身份号码与第 4 行重复"),
        (4, "公民身份号码", "公民身份号码与第 2 行重复"),
    ]
    assert report.created == 1 and Member.objects.filter(name__startswith="甲").count() == 0


def test_a_number_already_on_file_is_an_error(world):
    report = run(world.secretary_a, [person("重复", 公民身份号码=world.member_c.id_number)], dry_run=True)
    assert problems(report) == [(2, "公民身份号码", "公民身份号码已存在")]


def test_lowercase_x_and_full_width_digits_in_the_number_are_normalised(world):
    number = make_id_number()
    typed = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９x"))
    report = run(world.secretary_a, [person("全角", 公民身份号码=typed)])
    assert report.created == 1
    assert Member.objects.get(name="全角").id_number == number


def test_secretary_of_branch_a_cannot_import_into_branch_b(world):
    before = state()
    report = run(world.secretary_a, [person("越权", 所在党支部="第二党支部")])
    assert report.outcome == "refused"
    assert problems(report)[0][:2] == (2, "所在党支部")
    assert "未知的党支部" in problems(report)[0][2]
    assert state() == before


def test_officer_may_name_branches_by_short_name_within_the_committee(world):
    report = run(
        world.officer,
        [
            person("甲", 所在党支部="第一党支部"),
            person("乙", 所在党支部="第二党支部"),
            person("丙", 所在党支部="第三党支部"),
        ],
        dry_run=True,
    )
    assert [(row, col) for row, col, _ in problems(report)] == [(4, "所在党支部")]


def test_a_branch_name_matching_two_branches_is_ambiguous(world):
    org_services.org_create(
        actor=None,
        parent=world.committee,
        name="中共示例一公司第四支部委员会",
        kind="branch",
        short_name="第一党支部",
        bootstrap=True,
    )
    report = run(world.officer, [person("重名", 所在党支部="第一党支部")], dry_run=True)
    assert "对应多个党组织" in report.errors[0].message
    assert run(world.officer, [person("全称", 所在党支部=BRANCH_A)], dry_run=True).errors == []


def test_member_without_import_permission_is_refused(world):
    with pytest.raises(BusinessError) as exc:
        run(world.member_user, [person()])
    assert exc.value.code == "members.forbidden"


def test_an_empty_sheet_is_refused(world):
    with pytest.raises(BusinessError) as exc:
        run(world.secretary_a, [])
    assert exc.value.code == "members.import_empty"


def test_progress_is_reported_while_validating_and_writing(world):
    seen: list[tuple[int, int]] = []
    run(
        world.secretary_a,
        [person(f"进{i}") for i in range(5)],
        on_progress=lambda d, t, m: seen.append((d, t)),
    )
    assert seen[-1] == (10, 10)
    assert (5, 10) in seen
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


# --- The web page --------------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored_files(root) -> list[Any]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_secretary_uploads_a_small_file_and_reads_the_report(world, login, media):
    client = login(world.secretary_a)
    assert client.get(reverse("members:import_create")).status_code == 200
    response = client.post(
        reverse("members:import_create"), {"file": upload([person("网页甲"), person("网页乙")])}
    )
    job = Job.objects.get(kind="members.import")
    assert response.status_code == 302 and response["Location"] == reverse(
        "members:import_detail", args=[job.pk]
    )
    assert job.status == JobStatus.SUCCEEDED and job.result["created"] == 2
    assert job.created_by == world.secretary_a and job.org == world.branch_a
    assert not job.file and _stored_files(media) == []
    page = client.get(response["Location"])
    assert "已导入 2 名党员" in page.content.decode()
    assert 'hx-trigger="every 1s"' not in page.content.decode()


def test_web_page_lists_bad_rows_and_refuses_the_file(world, login, media):
    client = login(world.secretary_a)
    before = state()
    response = client.post(
        reverse("members:import_create"),
        {"file": upload([person("好"), person("坏", 转正日期="2009-01-01")])},
        follow=True,
    )
    body = response.content.decode()
    assert "第 3 行" in body and "转正日期不能早于入党日期" in body and "未导入任何数据" in body
    assert Member.objects.count() == before[0] and StatusChange.objects.count() == before[1]
    assert Job.objects.get().status == JobStatus.FAILED


def test_web_skip_invalid_checkbox_imports_only_valid_rows(world, login, media):
    client = login(world.secretary_a)
    client.post(
        reverse("members:import_create"),
        {"file": upload([person("好"), person("坏", 姓名="")]), "skip_invalid": "on"},
    )
    assert Job.objects.get().result["created"] == 1
    assert Member.objects.filter(name="好").exists()


def test_a_large_file_runs_as_a_background_job(
    world, login, media, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_THRESHOLD = 2
    queued: list[int] = []
    task = tasks.import_members_task

    def spy(job_id: int) -> Any:
        queued.append(job_id)
        return task(job_id)

    monkeypatch.setattr(tasks, "import_members_task", spy)
    client = login(world.secretary_a)
    # The job is queued only once its row is committed (transaction.on_commit).
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("members:import_create"), {"file": upload([person(f"后台{i}") for i in range(4)])}
        )
    job = Job.objects.get()
    assert queued == [job.pk]
    assert job.status == JobStatus.SUCCEEDED and job.result["created"] == 4 and job.percent == 100
    assert not job.file and _stored_files(media) == []
    fragment = client.get(reverse("members:import_progress", args=[job.pk])).content.decode()
    assert "已导入 4 名党员" in fragment and "hx-trigger" not in fragment


def test_progress_fragment_polls_while_the_job_runs(world, login):
    job = Job.objects.create(
        kind="members.import",
        created_by=world.secretary_a,
        org=world.branch_a,
        status=JobStatus.RUNNING,
        progress=30,
        total=120,
        message="正在校验第 30 / 60 行",
    )
    client = login(world.secretary_a)
    fragment = client.get(reverse("members:import_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and 'value="25"' in fragment and "正在校验" in fragment
    page = client.get(reverse("members:import_detail", args=[job.pk])).content.decode()
    assert reverse("members:import_progress", args=[job.pk]) in page


def test_progress_written_during_validation_is_visible_on_the_job(world, monkeypatch):
    """The background job records progress with direct UPDATEs while it validates (outside the write
    transaction), so the polling page sees it move."""
    job = Job.objects.create(
        kind="members.import", created_by=world.secretary_a, org=world.branch_a, params={"filename": "t.xlsx"}
    )
    job.file.save(
        "t.xlsx", SimpleUploadedFile("t.xlsx", xlsx([person(f"见{i}") for i in range(3)]).getvalue())
    )
    seen: list[tuple[str, int]] = []
    real = imports.job_progress

    def watch(j: Job, progress: int, total: int | None = None, message: str = "") -> None:
        real(j, progress, total, message)
        fresh = Job.objects.get(pk=j.pk)
        seen.append((fresh.status, fresh.progress))

    monkeypatch.setattr(imports, "job_progress", watch)
    imports.import_job_run(job_id=job.pk)
    assert ("running", 3) in seen
    assert Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED


def test_non_xlsx_upload_gets_a_clear_message(world, login, media):
    client = login(world.secretary_a)
    response = client.post(
        reverse("members:import_create"),
        {"file": SimpleUploadedFile("名册.xlsx", "姓名,身份证\n张三,1\n".encode())},
    )
    assert response.status_code == 400
    assert "无法读取该文件" in response.content.decode()
    assert not Job.objects.exists()
    response = client.post(
        reverse("members:import_create"), {"file": SimpleUploadedFile("名册.xls", b"\xd0\xcf")}
    )
    assert "另存为" in response.content.decode()


def test_upload_over_10_mb_is_refused(world, login, media):
    client = login(world.secretary_a)
    big = SimpleUploadedFile("名册.xlsx", b"PK\x03\x04" + b"0" * (10 * 1024 * 1024))
    response = client.post(reverse("members:import_create"), {"file": big})
    assert response.status_code == 400 and "超过 10 MB" in response.content.decode()
    assert not Job.objects.exists()


def test_other_branch_secretary_cannot_open_the_job(world, login, media):
    login(world.secretary_a).post(reverse("members:import_create"), {"file": upload([person("甲")])})
    job = Job.objects.get()
    client = login(world.secretary_b)
    assert client.get(reverse("members:import_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("members:import_progress", args=[job.pk])).status_code == 404
    assert login(world.officer).get(reverse("members:import_detail", args=[job.pk])).status_code == 200


def test_member_without_import_permission_gets_403(world, login):
    client = login(world.member_user)
    assert client.get(reverse("members:import_create")).status_code == 403
    assert client.get(reverse("members:import_template")).status_code == 403


def test_template_has_the_headers_and_an_example_row_that_imports(world, login):
    response = login(world.secretary_a).get(reverse("members:import_template"))
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in ws[2]][:16] == HEADERS
    assert ws["H3"].value == BRANCH_A
    report = member_import(
        actor=world.secretary_a, source=io.BytesIO(response.content), filename="模板.xlsx", dry_run=True
    )
    assert report.total == 1 and report.errors == []


def test_roster_page_shows_import_and_export_buttons_to_secretary_only(world, login):
    body = login(world.secretary_a).get(reverse("members:member_list")).content.decode()
    assert reverse("members:import_create") in body and reverse("members:member_export") in body
    body = login(world.member_user).get(reverse("members:member_list")).content.decode()
    assert reverse("members:import_create") not in body and reverse("members:member_export") not in body


# --- The API -------------------------------------------------------------------------------------------


def test_api_upload_then_poll_returns_status_progress_and_report(world, login, media):
    client = login(world.secretary_a)
    response = client.post(
        "/api/v1/imports/", {"file": upload([person("接口"), person("坏", 联系电话="1")]), "dry_run": "true"}
    )
    assert response.status_code == 201, response.content
    job_id = response.json()["id"]
    data = client.get(f"/api/v1/imports/{job_id}/").json()
    assert data["status"] == "succeeded" and data["percent"] == 100 and data["is_finished"]
    assert data["result"]["outcome"] == "dry_run"
    assert data["result"]["errors"] == [
        {"row": 3, "column": "联系电话", "message": "联系电话格式不正确", "name": "坏"}
    ]
    assert not Member.objects.filter(name="接口").exists()


def test_api_commit_with_skip_invalid(world, login, media):
    client = login(world.secretary_a)
    response = client.post(
        "/api/v1/imports/",
        {"file": upload([person("接口"), person("坏", 联系电话="1")]), "skip_invalid": "true"},
    )
    assert response.json()["result"]["created"] == 1
    assert Member.objects.filter(name="接口").exists()


def test_api_refuses_a_bad_file_with_a_chinese_message(world, login, media):
    client = login(world.secretary_a)
    response = client.post("/api/v1/imports/", {"file": SimpleUploadedFile("a.xlsx", b"not a zip")})
    assert response.status_code == 400 and response.json()["code"] == "excel.unreadable"


def test_api_jobs_are_scoped(world, login, media):
    job_id = login(world.secretary_a).post("/api/v1/imports/", {"file": upload([person("甲")])}).json()["id"]
    client = login(world.secretary_b)
    assert client.get(f"/api/v1/imports/{job_id}/").status_code == 404
    assert client.get("/api/v1/imports/").json()["results"] == []
    assert (
        login(world.member_user).post("/api/v1/imports/", {"file": upload([person("乙")])}).status_code == 403
    )
