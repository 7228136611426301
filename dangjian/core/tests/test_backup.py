"""The backup file format and the backup/restore services (dangjian.core.backup).

The restore into a fresh database, on SQLite and PostgreSQL, is ``tests/test_backup_restore_live.py``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from conftest import make_member, take_snapshot
from dangjian.audit.models import AuditEntry
from dangjian.audit.verify import verify_chain
from dangjian.core import backup
from dangjian.core.errors import BusinessError
from dangjian.members.models import Member

CJK = re.compile(r"[\u4e00-\u9fff]")
CANARY_ID = "11010519491231002X"


def container(payload: bytes, *, chunk_size: int = 64, key_id: str | None = None) -> bytes:
    out = io.BytesIO()
    writer = backup.EncryptedWriter(out, key_id=key_id or backup.current_key_id(), chunk_size=chunk_size)
    writer.write(payload)
    writer.close()
    return out.getvalue()


def read(data: bytes) -> bytes:
    return b"".join(backup.decrypted_chunks(io.BytesIO(data)))


def refused(data: bytes) -> BusinessError:
    with pytest.raises(BusinessError) as exc:
        read(data)
    assert exc.value.code.startswith("backup.")
    assert CJK.search(exc.value.message), exc.value.message
    return exc.value


PAYLOAD = os.urandom(150)  # three chunks of 64 bytes: two full, one final


def test_the_container_gives_back_what_was_written():
    assert read(container(PAYLOAD)) == PAYLOAD
    assert read(container(b"")) == b""
    assert read(container(b"x" * 128)) == b"x" * 128  # an exact multiple still ends with a final chunk


def test_the_file_starts_with_the_magic_and_names_its_key_but_no_key_material():
    data = container(PAYLOAD)
    assert data.startswith(b"DJBK1")
    header, _ = backup.read_header(io.BytesIO(data))
    assert header["key_id"] == f"field:{list(settings.FIELD_ENCRYPTION_KEYS)[-1]}"
    for key in settings.FIELD_ENCRYPTION_KEYS.values():
        assert key.hex().encode() not in data and key not in data


def test_every_single_altered_byte_is_refused():
    data = container(PAYLOAD)
    for position in range(len(data)):
        tampered = bytearray(data)
        tampered[position] ^= 0x01
        refused(bytes(tampered))


def test_a_truncated_file_is_refused_at_every_length():
    data = container(PAYLOAD)
    for length in range(len(data)):
        refused(data[:length])


def test_a_file_cut_after_a_whole_chunk_is_refused_as_truncated():
    data = container(PAYLOAD)
    _, prefix = backup.read_header(io.BytesIO(data))
    first_chunk_end = len(prefix) + 5 + 12 + 64 + 16
    assert refused(data[:first_chunk_end]).code == "backup.truncated"
    assert "截断" in refused(data[:first_chunk_end]).message


def test_bytes_after_the_final_chunk_are_refused():
    assert refused(container(PAYLOAD) + b"\0").code == "backup.trailing_data"


def test_swapped_chunks_are_refused():
    data = container(b"a" * 64 + b"b" * 64 + b"c")
    _, prefix = backup.read_header(io.BytesIO(data))
    size = 5 + 12 + 64 + 16
    first, second = data[len(prefix) : len(prefix) + size], data[len(prefix) + size : len(prefix) + 2 * size]
    swapped = prefix + second + first + data[len(prefix) + 2 * size :]
    assert refused(swapped).code == "backup.tampered"


def test_a_wrong_key_is_refused():
    with override_settings(BACKUP_KEY="b1:" + "00" * 16):
        data = container(PAYLOAD)
    with override_settings(BACKUP_KEY="b1:" + "01" * 16):
        error = refused(data)
    assert error.code == "backup.tampered"
    assert "密钥不符" in error.message


def test_a_key_that_is_not_configured_is_named():
    with override_settings(BACKUP_KEY="b9:" + "00" * 16):
        data = container(PAYLOAD)
    error = refused(data)
    assert error.code == "backup.unknown_key"
    assert "backup:b9" in error.message


def test_the_backup_key_is_used_when_configured_and_its_last_entry_encrypts():
    with override_settings(BACKUP_KEY=f"b1:{'00' * 16},b2:{'11' * 16}"):
        assert backup.current_key_id() == "backup:b2"
        assert backup.key_for(key_id="backup:b1") == bytes(16)
    with override_settings(BACKUP_KEY="not-a-key"), pytest.raises(BusinessError) as exc:
        backup.current_key_id()
    assert exc.value.code == "backup.bad_key"


def test_a_backup_under_a_derived_key_opens_after_a_new_field_key_is_appended():
    data = container(PAYLOAD)
    rotated = {**settings.FIELD_ENCRYPTION_KEYS, "t9": bytes(range(16))}
    with override_settings(FIELD_ENCRYPTION_KEYS=rotated):
        assert backup.current_key_id() == "field:t9"
        assert read(data) == PAYLOAD


def test_a_file_that_is_not_a_backup_is_refused():
    assert refused(b"PK\x03\x04 not ours").code == "backup.not_a_backup"


# --- Backups of the real database -------------------------------------------------------------------------


@pytest.fixture
def canary(world: Any) -> Member:
    return make_member(
        world.branch_a,
        "金丝雀",
        id_number=CANARY_ID,
        birth_date=dt.date(1949, 12, 31),
        gender="female",
        phone="13912345678",
    )


@pytest.fixture
def made(canary: Member, tmp_path: Path) -> backup.BackupResult:
    return backup.backup_create(path=tmp_path / "b.djbk")


def test_the_backup_command_writes_a_file_only_its_owner_reads(canary, tmp_path):
    out = StringIO()
    target = tmp_path / "nightly.djbk"
    call_command("backup", "--output", str(target), stdout=out, verbosity=0)
    assert "备份完成" in out.getvalue()
    assert target.stat().st_mode & 0o777 == 0o600
    assert not list(tmp_path.glob(".*.part"))
    entry = AuditEntry.objects.filter(action=backup.CREATE_ACTION).get()
    assert entry.changes["file"] == "nightly.djbk"
    assert entry.changes["rows"] == sum(backup.backup_verify(path=target)["models"].values())


def test_an_existing_file_is_never_overwritten(canary, tmp_path):
    target = tmp_path / "kept.djbk"
    target.write_bytes(b"earlier backup")
    with pytest.raises(CommandError, match="文件已存在"):
        call_command("backup", "--output", str(target), verbosity=0)
    assert target.read_bytes() == b"earlier backup"


def test_the_manifest_counts_every_table_and_records_the_schema(made):
    manifest = backup.backup_verify(path=made.path)
    assert manifest["models"] == made.counts
    assert manifest["models"]["members.member"] == Member.objects.count() == 6
    assert manifest["models"]["orgs.org"] == 7
    assert ["members", "0001_initial"] in manifest["migrations"]
    assert manifest["app_version"] != "unknown"
    labels = list(manifest["models"])
    assert labels.index("orgs.org") < labels.index("members.member")  # parents first
    assert labels.index("accounts.user") < labels.index("members.member")


def test_the_backup_holds_no_plaintext_identity_number_or_phone(made, canary):
    data = made.path.read_bytes()
    for secret in (CANARY_ID, "13912345678", "金丝雀"):
        assert secret.encode() not in data
    payload = b"\n".join(backup.payload_text(path=made.path))
    assert "金丝雀".encode() in payload  # the payload really is the data …
    assert CANARY_ID.encode() not in payload  # … but encrypted fields stay ciphertext inside it
    assert b"13912345678" not in payload
    stored = Member.objects.filter(pk=canary.pk).values_list("id_number_index", flat=True).get()
    assert stored.encode() in payload


def test_restore_refuses_a_database_that_already_has_data(made):
    before = take_snapshot()
    with pytest.raises(CommandError, match="目标数据库已有数据"):
        call_command("restore", str(made.path), verbosity=0)
    assert take_snapshot() == before


def test_restore_refuses_a_tampered_file_and_changes_nothing(made):
    data = bytearray(made.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    made.path.write_bytes(bytes(data))
    before = take_snapshot()
    with pytest.raises(CommandError, match="备份文件校验失败"):
        call_command("restore", str(made.path), "--force", verbosity=0)
    assert take_snapshot() == before


def test_restore_refuses_a_backup_of_another_schema(made):
    manifest = backup.backup_verify(path=made.path)
    manifest["migrations"].append(["members", "0099_future"])
    with pytest.raises(BusinessError) as exc:
        backup._check_schema(manifest)
    assert exc.value.code == "backup.schema_mismatch"
    assert "members.0099_future" in exc.value.message


def test_check_only_verifies_and_prints_the_manifest(made):
    out = StringIO()
    call_command("restore", str(made.path), "--check", stdout=out, verbosity=0)
    assert "备份文件校验通过" in out.getvalue()
    assert "members.member：6" in out.getvalue()


def test_a_forced_restore_puts_back_exactly_what_was_backed_up(made, world, canary):
    snapshot = take_snapshot()
    make_member(world.branch_b, "备份之后新增")
    Member.objects.filter(pk=canary.pk).update(name="被改掉的名字")
    out = StringIO()
    call_command("restore", str(made.path), "--force", stdout=out, verbosity=0)
    assert "行数与备份清单一致" in out.getvalue()
    restored = take_snapshot()
    # Identical rows, decrypted fields included. The audit log is the one in the backup (the entry that
    # recorded making it came after it) followed by the restore entry.
    entries = restored.pop("audit.AuditEntry")
    before = snapshot.pop("audit.AuditEntry")
    assert before[-1]["action"] == backup.CREATE_ACTION
    assert entries[:-1] == before[:-1]
    assert entries[-1]["action"] == backup.RESTORE_ACTION
    assert entries[-1]["seq"] == before[-1]["seq"]
    assert restored == snapshot
    assert Member.objects.get(pk=canary.pk).id_number == CANARY_ID
    assert verify_chain().ok
    # Sequences go on after the restored rows.
    assert make_member(world.branch_b, "恢复之后新增").pk > max(m["id"] for m in snapshot["members.Member"])
    assert json.loads(json.dumps(entries[-1]["changes"]))["rows"] == made.total
