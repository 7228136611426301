"""书记信箱: writing, receipts, the designated handlers' work, one-click corrections."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import make_user
from dangjian.access import services as access_services
from dangjian.audit.models import AuditEntry
from dangjian.core.errors import BusinessError
from dangjian.mailbox import selectors, services
from dangjian.mailbox.models import Category, ClassifierModel, Correction, Letter, LetterStatus
from dangjian.mailbox.tests.helpers import jpeg, letter


def test_anonymous_letter_is_classified_stored_encrypted_and_keyed_by_a_hashed_receipt(world):
    item, code = letter(
        world, subject="举报采购员收受回扣", body="采购员收受供应商购物卡和回扣，请纪检部门核查。"
    )
    assert len(code) == 16 and code.isdigit()
    assert item.receipt_hash == services.receipt_hash(code) and code not in item.receipt_hash
    assert item.category.name == "廉洁问题" and item.kind == "report"
    assert item.writer is None and item.received_on == timezone.localdate()
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT subject FROM mailbox_letter")
        assert "采购员" not in cur.fetchone()[0]
        cur.execute("SELECT body FROM mailbox_lettermessage")
        assert "购物卡" not in cur.fetchone()[0]


def test_wrong_and_expired_receipts_get_the_same_answer(world):
    item, code = letter(world)
    assert services.receipt_find(code) == item
    assert services.receipt_find(code[:-1] + str((int(code[-1]) + 1) % 10)) is None
    later = item.receipt_expires_on + dt.timedelta(days=1)
    assert services.receipt_find(code, today=later) is None
    assert services.receipt_find("12345") is None


def test_a_signed_letter_from_a_member_names_the_writer_and_is_audited(world):
    item, _ = services.letter_submit(
        writer=world.member_user, org=world.branch_a, subject="建议", body="建议优化报销流程", anonymous=False
    )
    assert item.writer == world.member_user and item.signed_name == "党员甲"
    assert AuditEntry.objects.filter(action="mailbox.letter.submit", actor=world.member_user).exists()


def test_a_signed_letter_without_an_account_needs_a_name(world, snapshot):
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.letter_submit(writer=None, org=world.branch_a, subject="建议", body="内容", anonymous=False)
    assert exc.value.code == "mailbox.name_required"
    assert snapshot() == before


def test_empty_letters_are_refused_and_change_nothing(world, snapshot):
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        letter(world, body="   ")
    assert exc.value.code == "mailbox.body_required"
    assert snapshot() == before


def test_only_the_designated_handlers_of_the_organisation_see_the_letter(world):
    item, _ = letter(world)
    assert list(selectors.letter_list(user=world.secretary_a)) == [item]
    for user in (world.secretary_b, world.officer, world.member_user, world.system_admin, world.audit_admin):
        assert not selectors.letter_list(user=user).exists()


def test_an_administrator_never_handles_letters_even_with_a_secretary_grant(world):
    item, _ = letter(world)
    from dangjian.access.models import Grant

    # The grant services refuse this (三员分立); a row written behind their back still grants no letters.
    Grant.objects.create(user=world.system_admin, role="branch_secretary", org=world.branch_a)
    assert not selectors.letter_list(user=world.system_admin).exists()
    with pytest.raises(BusinessError):
        services.letter_open(actor=world.system_admin, letter=item)


def test_every_read_is_audited_and_marks_the_letter_read(world):
    item, _ = letter(world)
    services.letter_open(actor=world.secretary_a, letter=item)
    services.letter_open(actor=world.secretary_a, letter=item)
    reads = AuditEntry.objects.filter(action="mailbox.letter.read", target_id=str(item.pk))
    assert reads.count() == 2 and reads.first().org_path == world.branch_a.path
    item.refresh_from_db()
    assert item.is_read


def test_handler_replies_and_the_writer_reads_the_reply_and_adds_to_the_letter(world):
    item, code = letter(world)
    services.letter_reply(actor=world.secretary_a, letter=item, body="已收到，支部将于本周核实。")
    found = services.receipt_find(code)
    lines = selectors.writer_thread(found)
    assert [line.author for line in lines] == ["我", "办理人答复"] and "本周核实" in lines[1].body
    services.letter_add(letter=found, body="补充：上周五也离岗了。", uploads=[jpeg()])
    item.refresh_from_db()
    assert item.has_news and item.status == LetterStatus.REPLIED
    added = item.messages.order_by("seq").last()
    assert added.created_at is None and added.author is None and added.files.count() == 1


def test_assign_to_a_colleague_who_is_a_handler_sets_a_due_date(world):
    colleague = make_user("zhiwei", "支部委员")
    access_services.grant_create(
        actor=None, user=colleague, role="branch_secretary", org=world.branch_a, bootstrap=True
    )
    item, _ = letter(world)
    services.letter_assign(actor=world.secretary_a, letter=item, assignee=colleague)
    item.refresh_from_db()
    assert item.assignee == colleague and item.due_on == timezone.localdate() + dt.timedelta(days=15)
    assert item.status == LetterStatus.IN_PROGRESS
    assert AuditEntry.objects.filter(action="mailbox.letter.assign", target_id=str(item.pk)).exists()


def test_assigning_to_someone_who_is_not_a_handler_is_refused(world, snapshot):
    item, _ = letter(world)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.letter_assign(actor=world.secretary_a, letter=item, assignee=world.secretary_b)
    assert exc.value.code == "mailbox.bad_assignee"
    assert snapshot() == before


def test_close_needs_a_reply_and_a_writers_addition_reopens(world, snapshot):
    item, _ = letter(world)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.letter_close(actor=world.secretary_a, letter=item)
    assert exc.value.code == "mailbox.no_reply" and snapshot() == before
    services.letter_reply(actor=world.secretary_a, letter=item, body="已核实并处理。")
    services.letter_close(actor=world.secretary_a, letter=item)
    item.refresh_from_db()
    assert item.status == LetterStatus.CLOSED and item.closed_on == timezone.localdate()
    services.letter_add(letter=item, body="处理结果我不满意。")
    item.refresh_from_db()
    assert item.status == LetterStatus.IN_PROGRESS and item.closed_on is None


def test_overdue_letters_are_flagged(world):
    item, _ = letter(world)
    Letter.objects.filter(pk=item.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    assert selectors.inbox_counts(user=world.secretary_a)["overdue"] == 1
    assert list(selectors.letter_filter(selectors.letter_list(user=world.secretary_a), overdue=True)) == [
        item
    ]


def test_a_correction_in_one_click_is_recorded_and_retrains_the_model(
    world, django_capture_on_commit_callbacks
):
    item, _ = letter(world, subject="关于食堂", body="食堂饭菜价格涨得太快。")
    other = Category.objects.get(name="生活困难")
    trained_before = ClassifierModel.objects.get(target="category").samples
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_correct(actor=world.secretary_a, letter=item, category=other, kind="help")
    item.refresh_from_db()
    assert item.category == other and item.category_source == "handler" and item.kind == "help"
    assert Correction.objects.filter(letter=item).count() == 1
    # The Huey task ran on commit (immediate in tests): the model now has one more example.
    assert ClassifierModel.objects.get(target="category").samples == trained_before + 1
    assert AuditEntry.objects.filter(action="mailbox.letter.correct").exists()


def test_a_secretary_of_another_branch_cannot_act_on_the_letter(world, snapshot):
    item, _ = letter(world)
    before = snapshot()
    for call in (
        lambda: services.letter_reply(actor=world.secretary_b, letter=item, body="x"),
        lambda: services.letter_open(actor=world.officer, letter=item),
        lambda: services.letter_close(actor=world.secretary_b, letter=item),
    ):
        with pytest.raises(BusinessError) as exc:
            call()
        assert exc.value.code == "mailbox.not_handler"
    assert snapshot() == before
