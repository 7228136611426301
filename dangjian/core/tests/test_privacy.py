"""The personal-information inventory (dangjian.core.privacy): every stored field is classified; encrypted
fields are personal or sensitive; the roster and the API mask every sensitive field; the audit log never
holds a sensitive value; the member's own page shows what the platform holds about them."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import openpyxl
import pyotp
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse

from conftest import make_member, member_data
from dangjian.access import tokens
from dangjian.accounts import services as account_services
from dangjian.accounts.models import PasswordHistory, User
from dangjian.audit.models import AuditEntry
from dangjian.core import idcard, privacy
from dangjian.core.fields import EncryptedTextField
from dangjian.members import excel as member_excel
from dangjian.members import imports
from dangjian.members import services as member_services
from dangjian.members.models import Member

CANARY_BIRTH = dt.date(1978, 2, 3)
CANARY_ID = idcard.make("350102", CANARY_BIRTH, 41, "female")
CANARY_ID_2 = idcard.make("350102", CANARY_BIRTH, 43, "female")
CANARY_ID_IMPORTED = idcard.make("350102", CANARY_BIRTH, 45, "female")
CANARY_PHONE = "13655501234"
CANARY_ADDRESS = "福建省福州市鼓楼区隐私巷7号"
CANARY_REASON = "金丝雀事由：仅存于状态变动记录"
CANARY_PASSWORD = "Kanary!Pass2026"


# the inventory covers every field --------------------------------------------------------------------


def test_every_stored_field_of_every_model_is_classified():
    missing = privacy.unclassified()
    assert not missing, (
        "fields without a class in dangjian/core/privacy.py INVENTORY (public / internal / personal / "
        "sensitive): " + ", ".join(missing)
    )


def test_the_inventory_lists_no_field_that_no_longer_exists():
    gone = privacy.stale()
    assert not gone, "INVENTORY entries for fields that no longer exist: " + ", ".join(gone)


def test_the_inventory_covers_ids_foreign_keys_tree_columns_and_the_user_model():
    from dangjian.orgs.models import Org

    for name in ("id", "path", "depth", "numchild", "merged_into"):
        assert privacy.classify(Org, name) == privacy.INTERNAL
    assert privacy.classify(User, "password") == privacy.SENSITIVE
    assert privacy.classify(User, "groups") == privacy.INTERNAL
    assert User in privacy.inventoried_models()


def test_an_unknown_field_is_reported_rather_than_guessed():
    with pytest.raises(LookupError):
        privacy.classify(Member, "favourite_colour")


def test_a_new_field_without_a_class_would_be_reported(monkeypatch):
    trimmed = {label: dict(fields) for label, fields in privacy.INVENTORY.items()}
    del trimmed["members.member"]["birth_date"]
    trimmed["members.member"]["shoe_size"] = privacy.PERSONAL
    monkeypatch.setattr(privacy, "INVENTORY", trimmed)
    assert privacy.unclassified() == ["members.member.birth_date"]
    assert privacy.stale() == ["members.member.shoe_size"]


def test_every_encrypted_field_is_personal_or_sensitive():
    wrong = [
        f"{model._meta.label_lower}.{field.name}: {privacy.classify(model, field.name)}"
        for model in privacy.inventoried_models()
        for field in privacy.stored_fields(model)
        if isinstance(field, EncryptedTextField)
        and privacy.classify(model, field.name) not in (privacy.PERSONAL, privacy.SENSITIVE)
    ]
    assert not wrong, wrong


def test_identity_numbers_secrets_and_status_reasons_are_sensitive():
    from dangjian.access.models import ApiToken
    from dangjian.members.models import StatusChange

    for model, name in (
        (Member, "id_number"),
        (StatusChange, "reason"),
        (User, "totp_secret"),
        (PasswordHistory, "password"),
        (ApiToken, "key_hash"),
    ):
        assert privacy.classify(model, name) == privacy.SENSITIVE, name


# sensitive member fields are masked on the roster and in the API ------------------------------------------

# A distinctive value per masked field of Member. A field newly classified sensitive needs one here.
MEMBER_CANARIES = {"id_number": CANARY_ID, "phone": CANARY_PHONE, "address": CANARY_ADDRESS}


def masked_member_fields() -> list[str]:
    """Sensitive fields and encrypted ones (phone, address: masked on lists by SECURITY.md "Field scope")."""
    return [
        f.name
        for f in privacy.stored_fields(Member)
        if privacy.classify(Member, f.name) == privacy.SENSITIVE or isinstance(f, EncryptedTextField)
    ]


@pytest.fixture
def canary_member(world):
    return make_member(
        world.branch_a,
        "隐私测试",
        id_number=CANARY_ID,
        birth_date=CANARY_BIRTH,
        gender="female",
        phone=CANARY_PHONE,
        address=CANARY_ADDRESS,
    )


def test_every_masked_member_field_has_a_canary_value():
    missing = sorted(set(masked_member_fields()) - set(MEMBER_CANARIES))
    assert not missing, f"add a canary value to MEMBER_CANARIES for {missing}"


def test_sensitive_member_fields_are_masked_on_the_roster_page_for_a_secretary(world, login, canary_member):
    html = login(world.secretary_a).get(reverse("members:member_list")).content.decode()
    assert canary_member.name in html
    for name in masked_member_fields():
        raw = MEMBER_CANARIES[name]
        assert raw not in html, name
        if privacy.classify(Member, name) == privacy.SENSITIVE:
            assert privacy.masked(Member, name, raw) in html, name
    assert not AuditEntry.objects.filter(action="members.member.reveal").exists()


def test_sensitive_member_fields_are_masked_in_the_api_list_for_a_secretary(world, login, canary_member):
    response = login(world.secretary_a).get(reverse("member-list"), {"page_size": 500})
    assert response.status_code == 200
    assert all(raw not in response.content.decode() for raw in MEMBER_CANARIES.values())
    (row,) = [m for m in response.json()["results"] if m["id"] == canary_member.pk]
    for name in masked_member_fields():
        assert row[name] == privacy.masked(Member, name, MEMBER_CANARIES[name]), name


def test_masking_hides_other_sensitive_values_entirely():
    from dangjian.members.models import StatusChange

    assert privacy.masked(StatusChange, "reason", CANARY_REASON) == "******"
    assert privacy.masked(Member, "id_number", "") == ""


# the audit log never stores a sensitive value --------------------------------------------------------


def roster_upload(number: str) -> SimpleUploadedFile:
    """An .xlsx in the national form with one member whose identity number is ``number``."""
    row = {
        "姓名": "导入金丝雀",
        "性别": "女",
        "公民身份号码": number,
        "民族": "汉族",
        "所在党支部": "中共示例一公司第一支部委员会",
        "入党日期": "2010-07-01",
        "转正日期": "2011-07-01",
        "联系电话": "13655509876",
    }
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(member_excel.HEADERS))
    ws.append([row.get(h) for h in member_excel.HEADERS])
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("名册.xlsx", buffer.getvalue())


def write_every_sensitive_field(world: Any) -> dict[str, list[str]]:
    """Write each sensitive field through its service with planted values; return them per field."""
    planted: dict[str, list[str]] = {}

    member = member_services.member_create(
        actor=world.secretary_a,
        org=world.branch_a,
        data=member_data(
            "隐私测试", id_number=CANARY_ID, birth_date=CANARY_BIRTH, gender="female", phone=CANARY_PHONE
        ),
    )
    member_services.member_update(
        actor=world.secretary_a, member=member, data={"id_number": CANARY_ID_2, "address": CANARY_ADDRESS}
    )
    member_services.member_reveal(actor=world.secretary_a, member=Member.objects.get(pk=member.pk))
    planted["members.member.id_number"] = [CANARY_ID, CANARY_ID_2, CANARY_ID[:17], CANARY_ID_2[:17]]

    member_services.member_suspend(
        actor=world.secretary_a,
        member=Member.objects.get(pk=member.pk),
        on=dt.date(2026, 3, 1),
        reason=CANARY_REASON,
    )
    planted["members.statuschange.reason"] = [CANARY_REASON]

    # 留党察看: dates chosen to appear nowhere else, planted as the ISO text a service would log.
    full = Member.objects.get(pk=world.member.pk)
    member_services.member_discipline_record(
        actor=world.secretary_a, member=full, starts_on=dt.date(2019, 7, 13), months=12,
        decision="金丝雀处分决定：违反组织纪律",
    )  # fmt: skip
    member_services.member_discipline_restore(
        actor=world.secretary_a, member=full, on=dt.date(2020, 8, 17), decision="金丝雀恢复决定：确已改正"
    )
    planted["members.disciplinaryprobation.decision"] = ["金丝雀处分决定：违反组织纪律"]
    planted["members.disciplinaryprobation.restore_decision"] = ["金丝雀恢复决定：确已改正"]
    planted["members.disciplinaryprobation.starts_on"] = ["2019-07-13"]
    planted["members.disciplinaryprobation.ends_on"] = ["2020-07-13"]
    planted["members.disciplinaryprobation.restored_on"] = ["2020-08-17"]

    job = imports.import_job_submit(
        actor=world.secretary_a, upload=roster_upload(CANARY_ID_IMPORTED), dry_run=False, skip_invalid=False
    )
    assert Member.objects.filter(id_number_index=member_services.id_index(CANARY_ID_IMPORTED)).exists(), (
        job.result
    )
    planted["core.job.file"] = [CANARY_ID_IMPORTED, CANARY_ID_IMPORTED[:17]]

    user = world.member_user
    account_services.password_change(actor=user, old_password="Test@Pass2026", new_password=CANARY_PASSWORD)
    user.refresh_from_db()
    planted["accounts.user.password"] = [CANARY_PASSWORD, user.password]
    planted["accounts.passwordhistory.password"] = list(
        PasswordHistory.objects.filter(user=user).values_list("password", flat=True)
    )

    secret = account_services.totp_new_secret()
    account_services.totp_enrol(actor=user, secret=secret, code=pyotp.TOTP(secret).now())
    planted["accounts.user.totp_secret"] = [secret]

    token, key = tokens.token_create(actor=user, user=user, name="隐私测试")
    planted["access.apitoken.key_hash"] = [key, token.key_hash]

    from dangjian.meetings import services as meeting_services

    meeting = meeting_services.meeting_create(
        actor=world.secretary_a,
        org=world.branch_a,
        kind="theme_day",
        topic="隐私测试",
        planned_on=dt.date(2026, 3, 20),
    )
    lines = list(meeting.attendances.order_by("id"))
    meeting_services.attendance_update(
        actor=world.secretary_a, attendance=lines[0], leave_reason="金丝雀请假事由", present=False
    )
    meeting_services.attendance_update(
        actor=world.secretary_a, attendance=lines[1], excluded_reason="detained", present=False
    )
    planted["meetings.attendance.leave_reason"] = ["金丝雀请假事由"]
    planted["meetings.attendance.excluded_reason"] = ["detained"]
    # A revision after review keeps the reviewed record, with the attendance lines, as a version.
    meeting_services.meeting_update(
        actor=world.secretary_a, meeting=meeting, starts_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    )
    meeting_services.meeting_record(actor=world.secretary_a, meeting=meeting, minutes="一、学习")
    meeting_services.meeting_review(actor=world.officer, meeting=meeting, action="approve")
    meeting_services.meeting_revise(actor=world.secretary_a, meeting=meeting, reason="补充决定")
    planted["meetings.meetingversion.snapshot"] = ["金丝雀请假事由"]
    feed, feed_key = meeting_services.calendar_feed_create(user=world.secretary_a)
    planted["meetings.calendarfeed.key_hash"] = [feed_key, feed.key_hash]

    planted.update(write_every_sensitive_appraisal_field(world))
    planted.update(write_every_sensitive_development_field(world))
    return planted


def write_every_sensitive_development_field(world: Any) -> dict[str, list[str]]:
    """发展党员: an applicant's identity number and phone, a talk record, an evaluation, a 支部大会 vote with
    a member left out of 应到会, and the reason the process ended. Steps ③–⑭ are laid down directly (their
    rules are tested in the app); every sensitive value goes through a service."""
    from dangjian.development import services as dev_services
    from dangjian.development.models import DevelopmentStep, LocalPractice

    planted: dict[str, list[str]] = {}
    LocalPractice.objects.create(org=world.committee, publicity_days=0, activist_min_months=0)
    number = idcard.make("110105", dt.date(1999, 9, 9), 517, "male")
    dev = dev_services.development_create(
        actor=world.secretary_a,
        org=world.branch_a,
        name="隐私申请人",
        id_number=number,
        applied_on=dt.date(2023, 1, 9),
        phone="13712345678",
    )
    planted["development.development.id_number"] = [number, number[:17]]
    planted["development.development.id_number_index"] = [dev.id_number_index]
    planted["development.development.phone"] = ["13712345678"]
    dev_services.step_record(
        actor=world.secretary_a, development=dev, number=2, done_on=dt.date(2023, 1, 19),
        responsible="书记甲", note="金丝雀谈话记录：家庭情况",
    )  # fmt: skip
    planted["development.developmentstep.note"] = ["金丝雀谈话记录：家庭情况"]
    dev_services.step_record(actor=world.secretary_a, development=dev, number=3, done_on=dt.date(2023, 2, 1))
    dev_services.record_add(
        actor=world.secretary_a, development=dev, kind="evaluation", on=dt.date(2023, 7, 1),
        summary="金丝雀考察意见：思想动态",
    )  # fmt: skip
    planted["development.developmentrecord.summary"] = ["金丝雀考察意见：思想动态"]
    for n in range(4, 15):
        DevelopmentStep.objects.create(development=dev, number=n, done_on=dt.date(2024, 3, 1))
    li = Member.objects.get(org=world.branch_a, name="李四")
    dev_services.vote_record(
        actor=world.secretary_a, development=dev, held_on=dt.date(2024, 3, 10),
        present_ids=[world.member.pk], yes=1, excluded={li.pk: "detained"},
    )  # fmt: skip
    planted["development.developmentvote.excluded"] = ["detained"]
    dev_services.development_close(actor=world.secretary_a, development=dev, reason="金丝雀终止原因：违法")
    planted["development.development.closed_reason"] = ["金丝雀终止原因：违法"]
    return planted


def logged(field: str, value: object) -> str:
    """A non-text value as a service would put it in an audit entry's ``changes`` (JSON, field → value):
    codes and counters are not distinctive on their own, their pairing with the field's name is."""
    return f'"{field}": {json.dumps(value, ensure_ascii=False)}'


def write_every_sensitive_appraisal_field(world: Any) -> dict[str, list[str]]:
    """民主评议党员 and 组织生活会: a talk summary, an exclusion, 不合格 ratings, a proposed and confirmed
    不合格 with its facts, then a 限期改正 closed with an outcome and a 劝其退党. Dates are chosen to appear
    nowhere else and planted as the ISO text a service would log; the participant as ``str()``, the form
    ``audit.diff`` gives a foreign key."""
    from conftest import make_user
    from dangjian.appraisal import services as appraisal_services
    from dangjian.appraisal.models import Participant, RatingTally

    planted: dict[str, list[str]] = {}
    secretary = world.secretary_a
    voters = {world.member: world.member_user}
    for name, username in (("李四", "privacy_lisi"), ("王五", "privacy_wangwu")):
        row = Member.objects.get(org=world.branch_a, name=name)
        row.user = make_user(username, name)
        row.save(update_fields=["user"])
        voters[row] = row.user
    wang = Member.objects.get(org=world.branch_a, name="王五")
    absent = make_member(world.branch_a, "隐私不参评")

    life_meeting = appraisal_services.life_meeting_create(
        actor=secretary, org=world.branch_a, year=2026, topic="隐私测试专题组织生活会"
    )
    appraisal_services.talk_record(
        actor=secretary, life_meeting=life_meeting, initiator=world.member, partner=wang,
        talked_on=dt.date(2026, 10, 9), topics="预备期表现", summary="金丝雀谈话要点：家中变故",
    )  # fmt: skip
    planted["appraisal.hearttoheart.summary"] = ["金丝雀谈话要点：家中变故"]

    appraisal = appraisal_services.appraisal_open(actor=secretary, org=world.branch_a, year=2025)
    appraisal_services.participant_exclude(
        actor=secretary,
        participant=Participant.objects.get(appraisal=appraisal, member=absent),
        reason="incapable",
        note="金丝雀不参评说明",
    )
    planted["appraisal.participant.excluded_reason"] = ["incapable", "因病不能表达本人意志"]
    planted["appraisal.participant.excluded_note"] = ["金丝雀不参评说明"]

    taking_part = list(Participant.objects.filter(appraisal=appraisal, excluded_reason=""))
    failing = next(p for p in taking_part if p.member_id == wang.pk)
    for member, user in voters.items():
        appraisal_services.ballot_cast(
            user=user,
            appraisal=appraisal,
            ratings={
                p.pk: "unqualified" if p == failing else "qualified"
                for p in taking_part
                if p.member_id != member.pk
            },
        )
    unqualified = RatingTally.objects.get(participant=failing).unqualified
    assert unqualified == 2
    planted["appraisal.ratingtally.unqualified"] = [logged("unqualified", unqualified)]

    appraisal_services.rating_close(actor=secretary, appraisal=appraisal)
    appraisal_services.grades_propose(
        actor=secretary,
        appraisal=appraisal,
        grades={p.pk: "unqualified" if p == failing else "qualified" for p in taking_part},
        notes={failing.pk: "金丝雀不合格事实：长期不参加组织生活"},
        proposed_on=dt.date(2026, 1, 12),
    )
    planted["appraisal.participant.proposed_grade"] = [logged("proposed_grade", "unqualified"), "不合格"]
    planted["appraisal.participant.proposal_note"] = ["金丝雀不合格事实：长期不参加组织生活"]
    appraisal_services.grades_confirm(
        actor=secretary, appraisal=appraisal, confirmed_on=dt.date(2026, 1, 16), decision="应到3人，实到3人"
    )
    planted["appraisal.participant.final_grade"] = [logged("final_grade", "unqualified"), "不合格"]

    rectify = appraisal_services.follow_up_create(
        actor=secretary, participant=failing, kind="rectify", decided_on=dt.date(2026, 1, 19),
        deadline=dt.date(2026, 7, 17), measures="金丝雀帮扶措施：结对帮带",
    )  # fmt: skip
    appraisal_services.follow_up_close(
        actor=secretary, follow_up=rectify, outcome="金丝雀处理结果：逾期未改", closed_on=dt.date(2026, 7, 20)
    )
    appraisal_services.follow_up_create(
        actor=secretary, participant=failing, kind="disposal", disposal="persuade",
        decided_on=dt.date(2026, 7, 23), measures="金丝雀处置决定：支部大会决定劝其退党",
    )  # fmt: skip
    planted["appraisal.followup.participant"] = [str(failing)]
    planted["appraisal.followup.kind"] = [
        logged("kind", "rectify"),
        logged("kind", "disposal"),
        "限期改正",
        "组织处置",
    ]
    planted["appraisal.followup.disposal"] = ["persuade", "劝其退党"]
    planted["appraisal.followup.decided_on"] = ["2026-01-19", "2026-07-23"]
    planted["appraisal.followup.deadline"] = ["2026-07-17"]
    planted["appraisal.followup.measures"] = [
        "金丝雀帮扶措施：结对帮带",
        "金丝雀处置决定：支部大会决定劝其退党",
    ]
    planted["appraisal.followup.outcome"] = ["金丝雀处理结果：逾期未改"]
    planted["appraisal.followup.closed_on"] = ["2026-07-20"]
    _plant_mailbox(world, planted)
    return planted


def _plant_mailbox(world: Any, planted: dict[str, list[str]]) -> None:
    """书记信箱 and 随手拍: the handlers' every action on a letter and a case with planted content."""
    from dangjian.mailbox import services as mailbox_services
    from dangjian.mailbox.models import Category

    jpeg = io.BytesIO()
    __import__("PIL.Image", fromlist=["Image"]).new("RGB", (8, 8)).save(jpeg, "JPEG")
    handler = world.secretary_a
    letter, code = mailbox_services.letter_submit(
        writer=None,
        org=world.branch_a,
        subject="金丝雀来信标题",
        body="金丝雀来信正文：某科长收受礼金",
        anonymous=True,
    )
    mailbox_services.letter_open(actor=handler, letter=letter)
    mailbox_services.letter_add(letter=letter, body="金丝雀补充内容")
    mailbox_services.letter_assign(actor=handler, letter=letter, assignee=handler)
    mailbox_services.letter_correct(
        actor=handler, letter=letter, category=Category.objects.get(name="廉洁问题")
    )
    mailbox_services.letter_reply(actor=handler, letter=letter, body="金丝雀答复")
    mailbox_services.letter_close(actor=handler, letter=letter)
    planted["mailbox.letter.subject"] = ["金丝雀来信标题"]
    planted["mailbox.lettermessage.body"] = ["金丝雀来信正文", "金丝雀补充内容", "金丝雀答复", code]
    report, _ = mailbox_services.snapshot_submit(
        reporter=None,
        org=world.branch_a,
        description="金丝雀随手拍描述",
        location="金丝雀位置",
        anonymous=True,
        uploads=[SimpleUploadedFile("x.jpg", jpeg.getvalue())],
    )
    mailbox_services.snapshot_open(actor=handler, report=report)
    mailbox_services.snapshot_advance(actor=handler, report=report, to="declined", note="不属于受理范围")
    planted["mailbox.snapshotreport.description"] = ["金丝雀随手拍描述"]
    planted["mailbox.snapshotreport.location"] = ["金丝雀位置"]


def every_sensitive_field() -> list[str]:
    return [
        f"{model._meta.label_lower}.{field.name}"
        for model in privacy.inventoried_models()
        for field in privacy.sensitive_fields(model)
    ]


def audit_text() -> str:
    rows = list(AuditEntry.objects.order_by("id").values())
    return json.dumps(rows, ensure_ascii=False, default=str)


def test_the_audit_log_never_stores_a_sensitive_value(world):
    planted = write_every_sensitive_field(world)
    assert sorted(planted) == sorted(every_sensitive_field()), (
        "write_every_sensitive_field must plant a value in every sensitive field"
    )
    text = audit_text()
    assert {"members.member.create", "members.member.update", "accounts.mfa.enrol"} <= set(
        AuditEntry.objects.values_list("action", flat=True)
    )
    leaks = [
        f"{field}: {value[:6]}…" for field, values in planted.items() for value in values if value in text
    ]
    assert not leaks, leaks


# the member's own page -------------------------------------------------------------------------------


def holdings_section(html: str) -> str:
    start = html.index('id="my-data"')
    return html[start : html.index("</div></div>", start)]


def test_my_page_lists_every_personal_field_of_my_record_with_its_chinese_name(world, login):
    member_services.member_update_contact(
        actor=world.member_user, member=world.member, phone=CANARY_PHONE, address=CANARY_ADDRESS
    )
    section = holdings_section(login(world.member_user).get(reverse("accounts:profile")).content.decode())
    for field in privacy.personal_fields(Member):
        assert f">{field.verbose_name}</dt>" in section, field.name
    for field in privacy.fields_of_class(Member, privacy.INTERNAL, privacy.PUBLIC):
        if field.verbose_name != field.name:  # columns without a Chinese name are never shown
            assert f">{field.verbose_name}</dt>" not in section, field.name
    assert world.member.name in section and world.branch_a.name in section
    assert CANARY_PHONE in section and CANARY_ADDRESS in section  # my own contact details, in full
    assert "1985-06-15" in section and "大学本科" in section


def test_my_page_masks_my_sensitive_fields_and_says_who_sees_them_in_full(world, login):
    html = login(world.member_user).get(reverse("accounts:profile")).content.decode()
    section = holdings_section(html)
    number = world.member.id_number
    assert number not in html
    assert privacy.masked(Member, "id_number", number) in section
    assert "党支部书记" in section and "审计日志" in section
    assert not AuditEntry.objects.filter(action="members.member.reveal").exists()


def test_my_page_counts_the_records_held_about_me(world, login):
    member_services.member_suspend(
        actor=world.secretary_a, member=world.member, on=dt.date(2026, 3, 1), reason="支部大会决定"
    )
    tokens.token_create(actor=world.member_user, user=world.member_user, name="手机")
    client = login(world.member_user)
    client.post(reverse("accounts:profile"), {"phone": "13912345678", "address": ""})  # one audited write
    response = client.get(reverse("accounts:profile"))
    counts = dict(response.context["records"])
    assert counts["状态变动记录"] == 1 and counts["职务记录"] == 0
    assert counts["党纪处分（留党察看）记录"] == 0
    assert counts["API 令牌（含已吊销）"] == 1
    mine = AuditEntry.objects.filter(actor=world.member_user).count()
    assert mine >= 2 and counts["以我的账号操作的审计日志"] == mine


def test_an_account_without_a_member_record_sees_only_its_own_record_counts(world, login):
    response = login(world.outsider).get(reverse("accounts:profile"))
    assert response.status_code == 200
    section = holdings_section(response.content.decode())
    assert "未关联党员档案" in section and "公民身份号码" not in section
    assert dict(response.context["records"]).keys() == {"API 令牌（含已吊销）", "以我的账号操作的审计日志"}


def test_my_page_holds_no_inline_script_or_style(world, login):
    html = login(world.member_user).get(reverse("accounts:profile")).content.decode()
    assert "<script>" not in html and " style=" not in html and "<style" not in html


def test_holdings_follow_the_model_order_and_skip_internal_fields(world):
    names = [h.name for h in privacy.holdings(world.member)]
    assert names == [f.name for f in privacy.personal_fields(Member)]
    assert "id_number_index" not in names and "user" not in names
    assert all(isinstance(f, models.Field) for f in privacy.personal_fields(Member))
