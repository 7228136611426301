"""Writes on member records (dangjian.members.services): validation, encryption at rest, masking,
the status services with their history and audit, and contact updates by the member themself."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from django.db import connection
from django.urls import reverse

from conftest import member_data
from dangjian.audit.models import AuditEntry
from dangjian.core import idcard, masking
from dangjian.core.errors import BusinessError
from dangjian.members import services
from dangjian.members.models import ChangeKind, Member, StatusChange
from dangjian.members.selectors import member_list

CANARY_BIRTH = dt.date(1979, 10, 1)
CANARY_ID = idcard.make("330106", CANARY_BIRTH, 77, "male")
CANARY_PHONE = "13712345679"
CANARY_ADDRESS = "浙江省杭州市西湖区金丝雀路99号"
ON = dt.date(2026, 3, 10)


def canary_data(**overrides):
    return (
        member_data(
            "金丝雀", id_number=CANARY_ID, birth_date=CANARY_BIRTH, phone=CANARY_PHONE, address=CANARY_ADDRESS
        )
        | overrides
    )


@pytest.fixture
def canary(world):
    return services.member_create(actor=world.secretary_a, org=world.branch_a, data=canary_data())


def fresh(member):
    return Member.objects.get(pk=member.pk)


def refused(snapshot, code, service, **kwargs):
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        service(**kwargs)
    assert exc.value.code == code, exc.value.message
    assert snapshot() == before
    return exc.value


def audited(action, member, actor=None):
    entry = AuditEntry.objects.filter(action=action, target_id=str(member.pk)).latest("id")
    if actor is not None:
        assert entry.actor == actor
    return entry


def no_canary_in(text):
    for secret in (CANARY_ID, CANARY_ID[:17], CANARY_PHONE, CANARY_ADDRESS):
        assert secret not in text, secret


# member_create ------------------------------------------------------------------------------------------


def test_secretary_creates_a_record_with_history_and_audit(world, canary):
    assert canary.org == world.branch_a and canary.status == "full"
    assert (canary.birth_date, canary.gender) == (CANARY_BIRTH, "male")
    assert StatusChange.objects.filter(
        member=canary, kind=ChangeKind.CREATED, actor=world.secretary_a
    ).exists()
    entry = audited("members.member.create", canary, world.secretary_a)
    assert entry.changes == {"name": "金丝雀", "org": "第一党支部"} and entry.org_path == world.branch_a.path


def test_birth_date_and_sex_are_taken_from_the_identity_number_when_not_given(world):
    data = canary_data()
    del data["birth_date"], data["gender"]
    member = services.member_create(actor=world.secretary_a, org=world.branch_a, data=data)
    assert (member.birth_date, member.gender) == (CANARY_BIRTH, "male")


def test_a_record_without_a_becoming_full_date_is_probationary(world):
    member = services.member_create(
        actor=world.secretary_a,
        org=world.branch_a,
        data=canary_data(joined_on=dt.date(2026, 1, 5), full_on=None),
    )
    assert member.status == "probationary"


def test_full_width_digits_and_lowercase_x_are_normalised_before_saving(world):
    number = "11010519491231002X"
    typed = "１１０１０５１９４９１２３１００２ｘ"
    member = services.member_create(
        actor=world.secretary_a,
        org=world.branch_a,
        data=member_data("陈九", id_number=typed, birth_date=dt.date(1949, 12, 31), gender="female"),
    )
    assert fresh(member).id_number == number
    assert list(member_list(user=world.secretary_a, filters={"q": number.lower()})) == [member]


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"id_number": CANARY_ID[:17] + ("0" if CANARY_ID[17] != "0" else "1")}, "id_number", "校验位"),
        ({"birth_date": dt.date(1979, 10, 2)}, "birth_date", "出生日期与公民身份号码不符"),
        ({"gender": "female"}, "gender", "性别与公民身份号码不符"),
        ({"joined_on": dt.date(1997, 9, 30), "full_on": dt.date(1998, 9, 30)}, "joined_on", "未满18周岁"),
        ({"full_on": dt.date(2010, 6, 30)}, "full_on", "转正日期不能早于入党日期"),
        ({"phone": "1371234567"}, "phone", "联系电话格式不正确"),
        ({"name": " "}, "name", "姓名不能为空"),
        ({"joined_on": None}, "joined_on", "入党日期不能为空"),
    ],
)
def test_member_create_refuses_an_inconsistent_record(overrides, field, reason, world, snapshot):
    error = refused(
        snapshot,
        "members.invalid",
        services.member_create,
        actor=world.secretary_a,
        org=world.branch_a,
        data=canary_data(**overrides),
    )
    assert field in dict(error.details)
    assert reason in dict(error.details)[field] and reason in error.message


def test_a_duplicate_identity_number_is_found_through_the_blind_index(world, canary, snapshot):
    for typed in (CANARY_ID, CANARY_ID.lower(), " ".join(CANARY_ID)):
        refused(
            snapshot,
            "members.duplicate_id",
            services.member_create,
            actor=world.officer,
            org=world.branch_b,
            data=canary_data(id_number=typed, name="另一人"),
        )


def test_member_create_refuses_a_non_branch_an_inactive_branch_and_out_of_scope(world, snapshot):
    refused(
        snapshot,
        "members.not_branch",
        services.member_create,
        actor=world.officer,
        org=world.committee,
        data=canary_data(),
    )
    refused(
        snapshot,
        "members.forbidden",
        services.member_create,
        actor=world.secretary_a,
        org=world.branch_b,
        data=canary_data(),
    )
    refused(
        snapshot,
        "members.forbidden",
        services.member_create,
        actor=world.member_user,
        org=world.branch_a,
        data=canary_data(),
    )
    type(world.branch_b).objects.filter(pk=world.branch_b.pk).update(is_active=False)
    refused(
        snapshot,
        "orgs.inactive",
        services.member_create,
        actor=world.officer,
        org=type(world.branch_b).objects.get(pk=world.branch_b.pk),
        data=canary_data(),
    )


# encryption at rest -------------------------------------------------------------------------------------


def test_identity_number_phone_and_address_are_not_stored_in_clear(canary):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM members_member")
        table = repr(cursor.fetchall())
        cursor.execute("SELECT id_number, phone, address FROM members_member WHERE id = %s", [canary.pk])
        stored = cursor.fetchone()
    no_canary_in(table)
    assert all(value.startswith("t2$") for value in stored)  # key id of the current key
    assert fresh(canary).id_number == CANARY_ID and fresh(canary).address == CANARY_ADDRESS


def _tamper(pk, column, mutate):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM members_member WHERE id = %s", [pk])  # noqa: S608 (fixed names)
        (value,) = cursor.fetchone()
        cursor.execute(f"UPDATE members_member SET {column} = %s WHERE id = %s", [mutate(value), pk])  # noqa: S608


def _flip_a_byte(token):
    kid, _, body = token.partition("$")
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 0x01
    return f"{kid}${base64.b64encode(bytes(raw)).decode()}"


@pytest.mark.parametrize(
    "mutate", [_flip_a_byte, lambda t: t[:-6], lambda t: t + "!!", lambda t: "t1$" + t[3:]]
)
def test_a_tampered_ciphertext_raises_a_business_error_on_load(canary, mutate):
    _tamper(canary.pk, "id_number", mutate)
    with pytest.raises(BusinessError) as exc:
        Member.objects.get(pk=canary.pk)
    assert exc.value.code == "crypto.tampered"


# masking ------------------------------------------------------------------------------------------------


def test_list_and_detail_pages_show_masked_values_only(world, login, canary):
    client = login(world.secretary_a)
    listing = client.get(reverse("members:member_list")).content.decode()
    detail = client.get(reverse("members:member_detail", args=[canary.pk])).content.decode()
    for html in (listing, detail):
        no_canary_in(html)
        assert masking.mask_id_number(CANARY_ID) in html
        assert "137****5679" in html
    assert masking.mask_address(CANARY_ADDRESS) in detail
    assert not AuditEntry.objects.filter(action="members.member.reveal").exists()


def test_the_api_shows_masked_values_only(world, login, canary):
    client = login(world.secretary_a)
    listing = client.get(reverse("member-list")).content.decode()
    detail = client.get(reverse("member-detail", args=[canary.pk])).json()
    no_canary_in(listing)
    no_canary_in(json.dumps(detail, ensure_ascii=False))
    assert detail["id_number"] == masking.mask_id_number(CANARY_ID) and detail["phone"] == "137****5679"


def test_reveal_shows_the_full_values_and_writes_an_audit_entry(world, login, canary):
    response = login(world.secretary_a).post(reverse("members:member_reveal", args=[canary.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert CANARY_ID in html and CANARY_PHONE in html and CANARY_ADDRESS in html
    entry = audited("members.member.reveal", canary, world.secretary_a)
    assert entry.changes == {"fields": ["id_number", "phone", "address"]}


def test_a_member_cannot_reveal_even_their_own_record(world, login, snapshot):
    before = snapshot()
    response = login(world.member_user).post(reverse("members:member_reveal", args=[world.member.pk]))
    assert response.status_code == 403
    assert snapshot() == before
    with pytest.raises(BusinessError):
        services.member_reveal(actor=world.member_user, member=world.member)


def test_the_edit_form_shows_the_full_values_only_with_an_audit_entry(world, login, canary):
    response = login(world.secretary_a).get(reverse("members:member_edit", args=[canary.pk]))
    assert response.status_code == 200 and CANARY_ID in response.content.decode()
    audited("members.member.reveal", canary, world.secretary_a)


# member_update ------------------------------------------------------------------------------------------


def test_member_update_corrects_fields_with_an_audit_of_the_changes(world, canary):
    services.member_update(
        actor=world.officer, member=canary, data={"job_title": "高级工程师", "joined_on": dt.date(2010, 7, 2)}
    )
    member = fresh(canary)
    assert (member.job_title, member.joined_on) == ("高级工程师", dt.date(2010, 7, 2))
    entry = audited("members.member.update", canary, world.officer)
    assert entry.changes["job_title"] == ["工程师", "高级工程师"]
    assert entry.changes["joined_on"] == ["2010-07-01", "2010-07-02"]


def test_a_corrected_identity_number_is_searchable_and_never_audited_in_clear(world, canary):
    new_number = idcard.make("330106", CANARY_BIRTH, 79, "male")
    services.member_update(actor=world.secretary_a, member=canary, data={"id_number": new_number})
    assert list(member_list(user=world.secretary_a, filters={"q": new_number})) == [canary]
    assert not member_list(user=world.secretary_a, filters={"q": CANARY_ID}).exists()
    entry = audited("members.member.update", canary)
    assert entry.changes == {"id_number": "***"}
    assert new_number not in json.dumps(entry.changes)


def test_member_update_refusals_change_nothing(world, canary, snapshot):
    refused(
        snapshot,
        "members.bad_field",
        services.member_update,
        actor=world.secretary_a,
        member=canary,
        data={"status": "probationary"},
    )
    refused(
        snapshot,
        "members.invalid",
        services.member_update,
        actor=world.secretary_a,
        member=canary,
        data={"birth_date": dt.date(1980, 1, 1)},
    )
    refused(
        snapshot,
        "members.duplicate_id",
        services.member_update,
        actor=world.secretary_a,
        member=canary,
        data={"id_number": world.member.id_number, "birth_date": world.member.birth_date},
    )
    refused(
        snapshot,
        "members.forbidden",
        services.member_update,
        actor=world.secretary_b,
        member=canary,
        data={"job_title": "x"},
    )
    refused(
        snapshot,
        "members.bad_group",
        services.member_update,
        actor=world.officer,
        member=world.member_b,
        data={"group": world.group_a},
    )
    refused(
        snapshot,
        "members.use_conversion",
        services.member_update,
        actor=world.secretary_a,
        member=world.probationary,
        data={"full_on": dt.date(2026, 5, 1)},
    )


def test_a_member_is_placed_in_a_group_of_their_branch(world):
    services.member_update(actor=world.secretary_a, member=world.member, data={"group": world.group_a})
    assert fresh(world.member).group == world.group_a


# status services ----------------------------------------------------------------------------------------


def changed(member, kind, on, action, actor):
    change = StatusChange.objects.filter(member=member, kind=kind).latest("id")
    assert change.effective_on == on and change.actor == actor
    audited(action, member, actor)
    return change


def test_a_probationary_member_becomes_full(world):
    services.member_convert_to_full(
        actor=world.secretary_a, member=world.probationary, on=ON, reason="按期转正"
    )
    member = fresh(world.probationary)
    assert (member.status, member.full_on) == ("full", ON)
    assert (
        changed(member, ChangeKind.BECAME_FULL, ON, "members.member.convert", world.secretary_a).reason
        == "按期转正"
    )


def test_conversion_refusals_change_nothing(world, snapshot):
    refused(
        snapshot,
        "members.not_probationary",
        services.member_convert_to_full,
        actor=world.secretary_a,
        member=world.member,
        on=ON,
    )
    refused(
        snapshot,
        "members.bad_date",
        services.member_convert_to_full,
        actor=world.secretary_a,
        member=world.probationary,
        on=world.probationary.joined_on,
    )
    refused(
        snapshot,
        "members.forbidden",
        services.member_convert_to_full,
        actor=world.secretary_b,
        member=world.probationary,
        on=ON,
    )


def test_suspend_then_restore_standing(world):
    services.member_suspend(
        actor=world.secretary_a, member=world.member, on=ON, reason="失联超过六个月，支部决定"
    )
    assert fresh(world.member).standing == "suspended"
    changed(world.member, ChangeKind.SUSPENDED, ON, "members.member.suspend", world.secretary_a)
    later = ON + dt.timedelta(days=30)
    services.member_restore(actor=world.officer, member=fresh(world.member), on=later, reason="恢复联系")
    assert fresh(world.member).standing == "normal"
    changed(world.member, ChangeKind.RESTORED, later, "members.member.restore", world.officer)


def test_standing_refusals_change_nothing(world, snapshot):
    refused(
        snapshot,
        "members.reason_required",
        services.member_suspend,
        actor=world.secretary_a,
        member=world.member,
        on=ON,
        reason=" ",
    )
    refused(
        snapshot,
        "members.not_suspended",
        services.member_restore,
        actor=world.secretary_a,
        member=world.member,
        on=ON,
        reason="x",
    )
    services.member_suspend(actor=world.secretary_a, member=world.member, on=ON, reason="支部决定")
    refused(
        snapshot,
        "members.already_suspended",
        services.member_suspend,
        actor=world.secretary_a,
        member=fresh(world.member),
        on=ON,
        reason="支部决定",
    )


def test_lost_contact_then_contact_restored(world):
    services.member_mark_lost_contact(
        actor=world.secretary_a, member=world.member, since=ON, reason="电话停机"
    )
    member = fresh(world.member)
    assert (member.lost_contact, member.lost_contact_on) == (True, ON)
    changed(member, ChangeKind.LOST_CONTACT, ON, "members.member.mark_lost_contact", world.secretary_a)
    later = ON + dt.timedelta(days=10)
    services.member_mark_contact_restored(actor=world.secretary_a, member=member, on=later)
    member = fresh(world.member)
    assert (member.lost_contact, member.lost_contact_on) == (False, None)
    changed(member, ChangeKind.CONTACT_RESTORED, later, "members.member.restore_contact", world.secretary_a)


def test_contact_refusals_change_nothing(world, snapshot):
    refused(
        snapshot,
        "members.not_lost",
        services.member_mark_contact_restored,
        actor=world.secretary_a,
        member=world.member,
        on=ON,
    )
    services.member_mark_lost_contact(actor=world.secretary_a, member=world.member, since=ON)
    refused(
        snapshot,
        "members.already_lost",
        services.member_mark_lost_contact,
        actor=world.secretary_a,
        member=fresh(world.member),
        since=ON,
    )


def test_mobile_member_starts_and_ends(world):
    services.member_start_mobile(
        actor=world.secretary_a, member=world.member, on=ON, destination=" 广东深圳 "
    )
    member = fresh(world.member)
    assert (member.mobile, member.mobile_destination) == (True, "广东深圳")
    assert changed(
        member, ChangeKind.MOBILE_STARTED, ON, "members.member.start_mobile", world.secretary_a
    ).detail == {"destination": "广东深圳"}
    services.member_end_mobile(actor=world.secretary_a, member=member, on=ON + dt.timedelta(days=200))
    member = fresh(world.member)
    assert (member.mobile, member.mobile_destination) == (False, "")
    changed(
        member,
        ChangeKind.MOBILE_ENDED,
        ON + dt.timedelta(days=200),
        "members.member.end_mobile",
        world.secretary_a,
    )


def test_mobile_refusals_change_nothing(world, snapshot):
    refused(
        snapshot,
        "members.destination_required",
        services.member_start_mobile,
        actor=world.secretary_a,
        member=world.member,
        on=ON,
        destination="",
    )
    refused(
        snapshot,
        "members.not_mobile",
        services.member_end_mobile,
        actor=world.secretary_a,
        member=world.member,
        on=ON,
    )
    services.member_start_mobile(actor=world.secretary_a, member=world.member, on=ON, destination="深圳")
    refused(
        snapshot,
        "members.already_mobile",
        services.member_start_mobile,
        actor=world.secretary_a,
        member=fresh(world.member),
        on=ON,
        destination="广州",
    )


def test_an_exit_is_recorded_and_the_account_is_closed(world):
    services.member_exit(
        actor=world.officer, member=world.member, kind="withdrew", on=ON, reason="本人申请，支部大会通过"
    )
    member = fresh(world.member)
    assert (member.exit_kind, member.exited_on, member.is_active) == ("withdrew", ON, False)
    assert changed(member, ChangeKind.EXITED, ON, "members.member.exit", world.officer).detail == {
        "exit_kind": "withdrew"
    }
    world.member_user.refresh_from_db()
    assert world.member_user.is_active is False
    assert member not in member_list(user=world.officer)
    assert member in member_list(user=world.officer, include_exited=True)


def test_exit_refusals_change_nothing(world, snapshot):
    refused(
        snapshot,
        "members.bad_exit",
        services.member_exit,
        actor=world.officer,
        member=world.member,
        kind="vanished",
        on=ON,
        reason="x",
    )
    refused(
        snapshot,
        "members.reason_required",
        services.member_exit,
        actor=world.officer,
        member=world.member,
        kind="withdrew",
        on=ON,
        reason="",
    )
    services.member_exit(actor=world.officer, member=world.member, kind="deceased", on=ON, reason="病故")
    refused(
        snapshot,
        "members.already_exited",
        services.member_exit,
        actor=world.officer,
        member=fresh(world.member),
        kind="withdrew",
        on=ON,
        reason="x",
    )


def test_a_member_moves_to_another_branch_in_scope(world):
    services.member_update(actor=world.secretary_a, member=world.member, data={"group": world.group_a})
    services.member_move(
        actor=world.officer, member=fresh(world.member), org=world.branch_b, on=ON, reason="调动"
    )
    member = fresh(world.member)
    assert (member.org, member.group) == (world.branch_b, None)
    change = changed(member, ChangeKind.MOVED, ON, "members.member.move", world.officer)
    assert change.detail == {"from": world.branch_a.pk, "to": world.branch_b.pk}


def test_move_refusals_change_nothing(world, snapshot):
    refused(
        snapshot,
        "members.same_org",
        services.member_move,
        actor=world.officer,
        member=world.member,
        org=world.branch_a,
        on=ON,
    )
    refused(
        snapshot,
        "members.not_branch",
        services.member_move,
        actor=world.officer,
        member=world.member,
        org=world.committee,
        on=ON,
    )
    refused(
        snapshot,
        "members.forbidden",
        services.member_move,
        actor=world.secretary_a,
        member=world.member,
        org=world.branch_b,
        on=ON,
    )
    refused(
        snapshot,
        "members.forbidden",
        services.member_move,
        actor=world.officer,
        member=world.member,
        org=world.branch_c,
        on=ON,
    )


@pytest.mark.parametrize(
    ("service", "kwargs"),
    [
        (services.member_suspend, {"on": ON, "reason": "x"}),
        (services.member_mark_lost_contact, {"since": ON}),
        (services.member_start_mobile, {"on": ON, "destination": "深圳"}),
        (services.member_exit, {"kind": "withdrew", "on": ON, "reason": "x"}),
    ],
)
def test_status_services_refuse_out_of_scope_members(service, kwargs, world, snapshot):
    refused(snapshot, "members.forbidden", service, actor=world.secretary_b, member=world.member, **kwargs)
    refused(snapshot, "members.forbidden", service, actor=world.member_user, member=world.member, **kwargs)


def test_the_status_page_action_calls_the_service(world, login):
    response = login(world.secretary_a).post(
        reverse("members:member_status", args=[world.member.pk, "suspend"]),
        {"on": "2026-03-10", "reason": "支部大会决定"},
    )
    assert response.status_code == 302
    assert fresh(world.member).standing == "suspended"
    changed(world.member, ChangeKind.SUSPENDED, ON, "members.member.suspend", world.secretary_a)


def test_the_status_page_shows_a_broken_rule_and_changes_nothing(world, login, snapshot):
    client = login(world.secretary_a)
    before = snapshot()
    response = client.post(
        reverse("members:member_status", args=[world.member.pk, "restore"]),
        {"on": "2026-03-10", "reason": "x"},
        follow=True,
    )
    assert "党籍正常" in response.content.decode()
    assert snapshot() == before


# contact details by the member themself ---------------------------------------------------------------


def test_a_member_corrects_their_own_contact_details_on_the_profile_page(world, login):
    response = login(world.member_user).post(
        reverse("accounts:profile"), {"phone": "137 1234 5679", "address": CANARY_ADDRESS}
    )
    assert response.status_code == 302
    member = fresh(world.member)
    assert (member.phone, member.address) == (CANARY_PHONE, CANARY_ADDRESS)
    assert list(member_list(user=world.secretary_a, filters={"q": CANARY_PHONE})) == [member]
    entry = audited("members.member.update_contact", member, world.member_user)
    assert set(entry.changes) == {"phone", "address"}
    no_canary_in(json.dumps(entry.changes, ensure_ascii=False))


def test_a_bad_phone_on_the_profile_page_changes_nothing(world, login, snapshot):
    client = login(world.member_user)
    before = snapshot()
    response = client.post(reverse("accounts:profile"), {"phone": "12345", "address": "x"})
    assert response.status_code == 200 and "联系电话格式不正确" in response.content.decode()
    assert snapshot() == before


def test_a_member_cannot_change_another_members_contact_details(world, snapshot):
    refused(
        snapshot,
        "members.forbidden",
        services.member_update_contact,
        actor=world.member_user,
        member=world.member_b,
        phone=CANARY_PHONE,
        address="x",
    )


def test_an_unchanged_contact_writes_no_audit_entry(world):
    services.member_update_contact(
        actor=world.member_user, member=world.member, phone=world.member.phone, address=world.member.address
    )
    assert not AuditEntry.objects.filter(action="members.member.update_contact").exists()


# the audit log never holds identity numbers or phones ---------------------------------------------------


def test_the_audit_log_never_contains_the_raw_identity_number_phone_or_address(world, login, canary):
    client = login(world.secretary_a)
    client.post(reverse("members:member_reveal", args=[canary.pk]))
    client.get(reverse("members:member_edit", args=[canary.pk]))
    services.member_update(actor=world.secretary_a, member=fresh(canary), data={"phone": "13900000001"})
    services.member_update_contact(
        actor=world.secretary_a, member=fresh(canary), phone=CANARY_PHONE, address=CANARY_ADDRESS + "甲"
    )
    client.get(reverse("members:member_list"), {"q": CANARY_ID})
    entries = list(AuditEntry.objects.values("changes", "target_repr", "action"))
    assert {"members.member.create", "members.member.reveal", "members.member.update"} <= {
        e["action"] for e in entries
    }
    no_canary_in(json.dumps(entries, ensure_ascii=False, default=str))
