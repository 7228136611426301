"""Field-key rotation (dangjian.core.keys, ``manage.py rotate_keys``)."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from conftest import make_member, make_user
from dangjian.accounts.models import User
from dangjian.audit.models import AuditEntry
from dangjian.audit.verify import verify_chain
from dangjian.core import crypto, keys
from dangjian.members.models import Member

OLD, CURRENT = list(settings.FIELD_ENCRYPTION_KEYS)[:2]


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 (test constants)
        return cursor.fetchone()[0]


def under_old_key() -> Any:
    """Settings in which the old key is the current one, as before the new key was appended."""
    return override_settings(FIELD_ENCRYPTION_KEYS={OLD: settings.FIELD_ENCRYPTION_KEYS[OLD]})


@pytest.fixture
def old_rows(world: Any) -> dict[str, Any]:
    """Two members and a user's TOTP secret written while the old key was current."""
    with under_old_key():
        first = make_member(world.branch_a, "旧密钥甲", address="上海市浦东新区世纪大道100号")
        second = make_member(world.branch_b, "旧密钥乙", phone="")
        user = make_user("totp_user")
        user.totp_secret = "JBSWY3DPEHPK3PXP"
        user.save(update_fields=["totp_secret"])
    return {"first": first, "second": second, "user": user}


def rotate(*args: str) -> str:
    out = StringIO()
    call_command("rotate_keys", *args, stdout=out, verbosity=0)
    return out.getvalue()


def test_settings_give_the_tests_an_old_and_a_current_key():
    assert crypto.current_key_id() == CURRENT != OLD


def test_every_encrypted_field_of_every_model_is_found():
    found = {m._meta.label: [f.name for f in fs] for m, fs in keys.encrypted_fields()}
    assert found["members.Member"] == ["id_number", "phone", "address"]
    assert found["accounts.User"] == ["totp_secret"]


def test_status_counts_the_values_each_key_protects(old_rows):
    status = keys.key_status()
    assert status["members.member.id_number"] == {OLD: 2, CURRENT: 5}
    assert status["members.member.phone"] == {OLD: 1, CURRENT: 5}  # an empty phone is not encrypted
    assert status["accounts.user.totp_secret"] == {OLD: 1}
    out = rotate("--status")
    assert f"密钥 {OLD}：6 项（请运行 rotate_keys）" in out
    assert f"密钥 {CURRENT}：15 项（当前密钥）" in out


def test_rotation_re_encrypts_old_values_under_the_current_key_and_keeps_the_plaintext(old_rows):
    first = old_rows["first"]
    before_updated_at = Member.objects.get(pk=first.pk).updated_at
    before_index = Member.objects.get(pk=first.pk).id_number_index
    out = rotate("--batch", "1")

    assert raw("members_member", "id_number", first.pk).startswith(f"{CURRENT}$")
    assert raw("members_member", "address", first.pk).startswith(f"{CURRENT}$")
    assert raw("accounts_user", "totp_secret", old_rows["user"].pk).startswith(f"{CURRENT}$")
    assert raw("members_member", "phone", old_rows["second"].pk) == ""
    reloaded = Member.objects.get(pk=first.pk)
    assert reloaded.id_number == first.id_number
    assert reloaded.address == "上海市浦东新区世纪大道100号"
    assert User.objects.get(pk=old_rows["user"].pk).totp_secret == "JBSWY3DPEHPK3PXP"
    # Rotation is not an edit: auto_now columns and the blind index (its own key) stay as they were.
    assert reloaded.updated_at == before_updated_at
    assert reloaded.id_number_index == before_index
    assert all(set(counts) <= {CURRENT} for counts in keys.key_status().values())
    assert "已重新加密 6 项" in out
    assert "members.member.id_number：2" in out
    assert f"原密钥 {OLD}：6" in out


def test_rotation_writes_one_audit_entry_with_counts_and_no_key_material(old_rows):
    rotate()
    entry = AuditEntry.objects.get(action=keys.ROTATE_ACTION)
    assert entry.actor is None
    assert entry.changes["total"] == 6
    assert entry.changes["from_key_ids"] == {OLD: 6}
    assert entry.changes["rotated"]["members.member.id_number"] == 2
    text = json.dumps(entry.changes)
    for key in settings.FIELD_ENCRYPTION_KEYS.values():
        assert key.hex() not in text
    assert old_rows["first"].id_number not in text
    assert verify_chain().ok


def test_a_second_run_changes_nothing(old_rows):
    rotate()
    stored = {m.pk: (raw("members_member", "id_number", m.pk), m.updated_at) for m in Member.objects.all()}
    entries = AuditEntry.objects.count()
    out = rotate()
    again = {m.pk: (raw("members_member", "id_number", m.pk), m.updated_at) for m in Member.objects.all()}
    assert again == stored
    assert AuditEntry.objects.count() == entries
    assert "已重新加密 0 项" in out


def test_a_dry_run_counts_but_writes_nothing(old_rows):
    before = raw("members_member", "id_number", old_rows["first"].pk)
    out = rotate("--dry-run")
    assert "需要重新加密 6 项" in out
    assert raw("members_member", "id_number", old_rows["first"].pk) == before
    assert not AuditEntry.objects.filter(action=keys.ROTATE_ACTION).exists()


def test_an_interrupted_rotation_is_finished_by_running_it_again(old_rows):
    calls = []

    def stop_after_first_batch(n: int) -> None:
        calls.append(n)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        keys.rotate(batch=1, progress=stop_after_first_batch)
    assert sum(keys.key_status()["members.member.id_number"].values()) == 7
    assert keys.stale_count() == 5  # the first batch (the user's TOTP secret) was committed
    report = keys.rotate(batch=1)
    assert report.total == 5
    assert keys.stale_count() == 0


def test_a_value_that_does_not_decrypt_is_reported_and_left_alone(old_rows):
    tampered = f"{OLD}$" + "A" * 40
    pk = old_rows["second"].pk
    with connection.cursor() as cursor:
        cursor.execute("UPDATE members_member SET address = %s WHERE id = %s", [tampered, pk])
    with pytest.raises(CommandError, match="无法解密"):
        rotate()
    assert raw("members_member", "address", pk) == tampered
    assert raw("members_member", "id_number", pk).startswith(f"{CURRENT}$")
    entry = AuditEntry.objects.get(action=keys.ROTATE_ACTION)
    assert entry.changes["failed"] == {"members.member.address": 1}


def test_a_row_edited_during_rotation_keeps_the_edit(old_rows, monkeypatch):
    first = old_rows["first"]
    real_decrypt = crypto.decrypt
    edited = []

    def decrypt_while_someone_edits(token: str) -> str:
        plain = real_decrypt(token)
        if plain == first.id_number and not edited:
            edited.append(True)
            Member.objects.filter(pk=first.pk).update(address="新地址（并发修改）")
        return plain

    monkeypatch.setattr(keys.crypto, "decrypt", decrypt_while_someone_edits)
    report = keys.rotate(batch=10)
    assert report.changed_meanwhile == 1
    assert Member.objects.get(pk=first.pk).address == "新地址（并发修改）"
    # The edited row's identity number and phone were not written: they wait for the next run.
    assert keys.stale_count() == 2
    assert keys.rotate().total == 2
    assert keys.stale_count() == 0


def test_rotation_re_seals_encrypted_uploads_and_keeps_their_content(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangjian.core import uploads

    secret = "举报材料 CANARY-ROTATE".encode()
    with under_old_key():
        stored = uploads.file_store(
            actor=world.member_user,
            purpose="mailbox.attachment",
            upload=SimpleUploadedFile("a.txt", secret, content_type="text/plain"),
            org=world.branch_a,
        )
    assert stored.key_id == OLD
    out = rotate()
    stored.refresh_from_db()
    assert stored.key_id == CURRENT and uploads.file_open(stored=stored) == secret
    assert "加密文件：1" in out
    assert "加密文件：0" in rotate()  # idempotent
