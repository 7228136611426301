"""Encrypted backups of the whole database, and their restore into a fresh one.

File format (``.djbk``)::

    "DJBK1" ‖ u32 header length ‖ header JSON {format, cipher, compression, chunk_size, key_id}
    then chunks: u8 final flag ‖ u32 length ‖ 12-byte nonce ‖ SM4-GCM(ciphertext ‖ 16-byte tag)

Every chunk's associated data is the whole header, the chunk index and the final flag, so an altered byte,
a swapped, dropped or repeated chunk, a cut-off file (no final chunk) or bytes after the final chunk are all
refused before anything is written. The plaintext of the chunks is a zlib stream of JSON lines: for each
model, in dependency order, a section line ``{"section": "model", "model": label, "columns": [...]}`` and
its rows as JSON arrays; the last line is the manifest (created_at, app version, per-model row counts,
applied migrations, SHA-256 of every line before it).

Rows are read with the ORM (``values_list``), so every column comes back as a Python value the same way on
SQLite and PostgreSQL, except ``EncryptedTextField`` columns: they are read through ``Cast(column, text)``,
which has no ``from_db_value``, so the stored ciphertext is copied as it is and the backup holds no plaintext
identity number, phone or address. Restore writes them back unchanged with plain ``INSERT`` statements.

Key: ``BACKUP_KEY`` (``"kid:hex"``, 16-byte SM4 keys, the last one encrypts) when set, otherwise a key
derived from the current field key with HMAC-SM3 and the label ``backup``. The header names the key id
(``backup:<kid>`` or ``field:<kid>``) so an older backup still opens while its key is configured.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import struct
import tomllib
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.functions import Cast
from django.utils import timezone

from dangjian.audit import services as audit
from dangjian.core import crypto, keys
from dangjian.core.errors import BusinessError
from dangjian.core.fields import EncryptedTextField

MAGIC = b"DJBK1"
FORMAT = 1
CHUNK_SIZE = 1 << 20  # 1 MiB of compressed payload per encrypted chunk
CREATE_ACTION = "core.backup.create"
RESTORE_ACTION = "core.backup.restore"
# Filled by ``migrate`` itself (post_migrate): replaced from the backup, and not "data" in a fresh database.
# Rows ``migrate`` writes itself (a fresh target has them; a restore replaces them).
GENERATED_BY_MIGRATE = frozenset({"contenttypes.contenttype", "auth.permission", "mailbox.category"})

_NONCE = 12
_TAG = 16
_MAX_HEADER = 4096
_CHUNK_HEAD = struct.Struct(">BI")  # final flag, ciphertext length (tag included)
_LENGTH = struct.Struct(">I")
_INDEX = struct.Struct(">QB")  # chunk index, final flag (in the associated data)
_BATCH = 1000
_TAMPERED = "备份文件校验失败：密钥不符，或文件已被篡改、损坏"


def _refuse(code: str, message: str) -> BusinessError:
    return BusinessError(f"backup.{code}", message)


# --- Keys --------------------------------------------------------------------------------------------------


def _configured_backup_keys() -> dict[str, bytes]:
    """``BACKUP_KEY="kid:hex[,kid:hex]"`` → ``{kid: key}`` (empty when not set)."""
    found: dict[str, bytes] = {}
    for part in filter(None, (p.strip() for p in keys.configured_key(name="BACKUP_KEY").split(","))):
        kid, sep, hexkey = part.partition(":")
        try:
            key = bytes.fromhex(hexkey)
        except ValueError:
            key = b""
        if not sep or not kid or len(key) != 16:
            raise _refuse("bad_key", "BACKUP_KEY 格式应为“编号:32位十六进制数”（16 字节 SM4 密钥）")
        found[kid] = key
    return found


def current_key_id() -> str:
    """The key id a new backup is encrypted under: ``backup:<last BACKUP_KEY>`` or ``field:<current>``."""
    configured = _configured_backup_keys()
    if configured:
        return f"backup:{list(configured)[-1]}"
    return f"field:{crypto.current_key_id()}"


def key_for(*, key_id: str) -> bytes:
    """The key a header names: ``backup:<kid>`` from BACKUP_KEY, or ``field:<kid>`` derived from that field
    key as ``HMAC-SM3(field key, "dangjian.backup")`` cut to 16 bytes."""
    source, _, kid = key_id.partition(":")
    configured = _configured_backup_keys() if source == "backup" else {}
    if kid in configured:
        return configured[kid]
    if source == "field" and kid in settings.FIELD_ENCRYPTION_KEYS:
        return keys.derive_key(master=settings.FIELD_ENCRYPTION_KEYS[kid], label="backup", length=16)
    raise _refuse(
        "unknown_key", f"备份文件使用的密钥 {key_id} 不可用：请配置制作该备份时的 BACKUP_KEY 或 FIELD_KEYS"
    )


# --- The encrypted container ---------------------------------------------------------------------------


class EncryptedWriter:
    """Writes the container: ``write`` takes plaintext, ``close`` writes the final chunk (always)."""

    def __init__(self, fh: BinaryIO, *, key_id: str, chunk_size: int = CHUNK_SIZE) -> None:
        self._fh = fh
        self._key = key_for(key_id=key_id)
        self._chunk_size = chunk_size
        header = json.dumps(
            {
                "format": FORMAT,
                "cipher": "SM4-GCM",
                "compression": "zlib",
                "chunk_size": chunk_size,
                "key_id": key_id,
            },
            sort_keys=True,
        ).encode()
        self._prefix = MAGIC + _LENGTH.pack(len(header)) + header
        self._buffer = bytearray()
        self._index = 0
        fh.write(self._prefix)

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) > self._chunk_size:  # ">": the final chunk is written by close()
            self._emit(bytes(self._buffer[: self._chunk_size]), final=False)
            del self._buffer[: self._chunk_size]

    def close(self) -> None:
        self._emit(bytes(self._buffer), final=True)
        self._buffer.clear()

    def _emit(self, plaintext: bytes, *, final: bool) -> None:
        nonce = os.urandom(_NONCE)
        enc = Cipher(algorithms.SM4(self._key), modes.GCM(nonce)).encryptor()
        enc.authenticate_additional_data(self._prefix + _INDEX.pack(self._index, final))
        body = enc.update(plaintext) + enc.finalize() + enc.tag
        self._fh.write(_CHUNK_HEAD.pack(final, len(body)) + nonce + body)
        self._index += 1


def _read_exactly(fh: BinaryIO, n: int) -> bytes:
    data = fh.read(n)
    if len(data) != n:
        raise _refuse("truncated", "备份文件不完整（可能被截断）")
    return data


def read_header(fh: BinaryIO) -> tuple[dict[str, Any], bytes]:
    """Read and check the header; returns it and the bytes it occupies (the associated-data prefix)."""
    magic = fh.read(len(MAGIC))
    if magic != MAGIC:
        raise _refuse("not_a_backup", "不是本系统的备份文件（文件头不符）")
    raw_length = _read_exactly(fh, _LENGTH.size)
    (length,) = _LENGTH.unpack(raw_length)
    if not 0 < length <= _MAX_HEADER:
        raise _refuse("tampered", _TAMPERED)
    raw = _read_exactly(fh, length)
    try:
        header = json.loads(raw)
        ok = (
            header["format"] == FORMAT
            and header["cipher"] == "SM4-GCM"
            and isinstance(header["key_id"], str)
            and isinstance(header["chunk_size"], int)
            and 0 < header["chunk_size"] <= 1 << 26
        )
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise _refuse("tampered", _TAMPERED)
    return header, magic + raw_length + raw


def decrypted_chunks(fh: BinaryIO) -> Iterator[bytes]:
    """Yield the plaintext of each chunk after checking its tag; refuse a short, altered or padded file."""
    header, prefix = read_header(fh)
    key = key_for(key_id=str(header["key_id"]))
    limit = int(header["chunk_size"]) + _TAG
    index = 0
    while True:
        head = fh.read(_CHUNK_HEAD.size)
        if len(head) != _CHUNK_HEAD.size:
            raise _refuse("truncated", "备份文件不完整（可能被截断）")
        final, length = _CHUNK_HEAD.unpack(head)
        if final not in (0, 1) or not _TAG <= length <= limit:
            raise _refuse("tampered", _TAMPERED)
        nonce = _read_exactly(fh, _NONCE)
        body = _read_exactly(fh, length)
        dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, body[-_TAG:])).decryptor()
        dec.authenticate_additional_data(prefix + _INDEX.pack(index, final))
        try:
            plaintext = dec.update(body[:-_TAG]) + dec.finalize()
        except InvalidTag:
            raise _refuse("tampered", _TAMPERED) from None
        yield plaintext
        index += 1
        if final:
            if fh.read(1):
                raise _refuse("trailing_data", "备份文件末尾有多余数据（可能被篡改）")
            return


# --- The payload: JSON lines ---------------------------------------------------------------------------


def _payload_lines(fh: BinaryIO) -> Iterator[bytes]:
    """The decompressed payload, line by line (each line without its newline)."""
    inflate = zlib.decompressobj()
    pending = b""
    try:
        for chunk in decrypted_chunks(fh):
            pending += inflate.decompress(chunk)
            *lines, pending = pending.split(b"\n")
            yield from lines
        pending += inflate.flush()
    except zlib.error:
        raise _refuse("tampered", _TAMPERED) from None
    if not inflate.eof or inflate.unused_data or pending:
        raise _refuse("tampered", _TAMPERED)


def _records(fh: BinaryIO) -> Iterator[Any]:
    """The payload's records; the last one is the manifest, checked against the SHA-256 of the others."""
    digest = hashlib.sha256()
    size = 0
    previous: bytes | None = None
    for line in _payload_lines(fh):
        if previous is not None:
            digest.update(previous + b"\n")
            size += len(previous) + 1
            yield json.loads(previous)
        previous = line
    if previous is None:
        raise _refuse("tampered", _TAMPERED)
    manifest = json.loads(previous)
    if not isinstance(manifest, dict) or manifest.get("section") != "manifest":
        raise _refuse("tampered", _TAMPERED)
    if manifest.get("payload_sha256") != digest.hexdigest() or manifest.get("payload_bytes") != size:
        raise _refuse("checksum", "备份内容的校验和与清单不符")
    yield manifest


def payload_text(*, path: Path) -> Iterator[bytes]:
    """Every decrypted, decompressed line of a backup (for inspection and tests; checks the file)."""
    with path.open("rb") as fh:
        yield from _payload_lines(fh)


# --- Models and values ---------------------------------------------------------------------------------


def backup_models() -> list[type[models.Model]]:
    """Every concrete table the project owns (auto-created many-to-many tables too), parents first."""
    found = {
        m._meta.label_lower: m
        for m in apps.get_models(include_auto_created=True)
        if not m._meta.proxy and m._meta.managed and not m._meta.swapped
    }
    depends: dict[str, set[str]] = {}
    for label, model in found.items():
        targets = {
            f.related_model._meta.label_lower
            for f in model._meta.local_concrete_fields
            if f.is_relation and f.related_model is not None and f.related_model is not model
        }
        depends[label] = {t for t in targets if t in found}
    ordered: list[str] = []
    remaining = dict(sorted(depends.items()))
    while remaining:
        ready = [label for label, deps in remaining.items() if not deps - set(ordered)]
        if not ready:  # a cycle: foreign keys are checked at commit, so any order of the rest will do
            ready = [next(iter(remaining))]
        for label in ready:
            ordered.append(label)
            del remaining[label]
    return [found[label] for label in ordered]


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.local_concrete_fields)


def _kind(f: models.Field[Any, Any]) -> str:
    """The internal type that decides how a value is written: a foreign key's is its target's."""
    target: Any = f
    while target.is_relation:
        target = target.target_field
    return str(target.get_internal_type())


def _dump_value(value: Any) -> Any:
    """A column value as JSON: dates and times ISO 8601 (full precision), durations in microseconds,
    decimals and UUIDs as text, bytes as hex; everything else as it is."""
    if value is None:
        return None
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
    if isinstance(value, (Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    return value


def _load_value(kind: str, value: Any) -> Any:
    """The inverse of ``_dump_value`` for a column of internal type ``kind``."""
    if value is None:
        return None
    if kind == "DateTimeField":
        return dt.datetime.fromisoformat(value)
    if kind == "DateField":
        return dt.date.fromisoformat(value)
    if kind == "TimeField":
        return dt.time.fromisoformat(value)
    if kind == "DecimalField":
        return Decimal(value)
    if kind == "DurationField":
        return dt.timedelta(microseconds=value)
    if kind == "UUIDField":
        return uuid.UUID(value)
    if kind == "BinaryField":
        return bytes.fromhex(value)
    return value


def _rows(model: type[models.Model]) -> Iterator[list[Any]]:
    """The model's rows as JSON-ready lists, encrypted columns as their stored ciphertext."""
    columns = _columns(model)
    encrypted = {f.attname: f"_stored_{f.attname}" for f in columns if isinstance(f, EncryptedTextField)}
    qs = model._base_manager.order_by("pk").annotate(
        **{alias: Cast(attname, output_field=models.TextField()) for attname, alias in encrypted.items()}
    )
    names = [encrypted.get(f.attname, f.attname) for f in columns]
    for row in qs.values_list(*names).iterator(chunk_size=2000):
        yield [_dump_value(value) for value in row]


def _app_version() -> str:
    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as fh:
            return str(tomllib.load(fh)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


@contextlib.contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent view of every table while the backup reads, without blocking writers.

    PostgreSQL: a REPEATABLE READ, READ ONLY transaction. SQLite (WAL): a deferred read transaction, begun
    by hand because the project opens write transactions with BEGIN IMMEDIATE, which would hold off every
    writer for the whole backup. Inside an existing transaction (tests) that transaction is the snapshot.
    """
    if connection.in_atomic_block:
        yield
    elif connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            try:
                yield
            finally:
                cursor.execute("COMMIT")
    else:
        with transaction.atomic():
            yield


# --- Backup ----------------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    """What a backup wrote: the file, the per-model row counts and the payload checksum."""

    path: Path
    counts: dict[str, int]
    payload_sha256: str
    key_id: str

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def default_path() -> Path:
    """``var/backups/dangjian-<local time>.djbk``."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    var_dir = Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var"))
    return var_dir / "backups" / f"dangjian-{stamp}.djbk"


def backup_create(
    *,
    actor: Any = None,
    path: Path,
    on_total: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> BackupResult:
    """Write an encrypted, compressed backup of every table to ``path`` (which must not exist yet).

    Rows are streamed model by model (never all in memory) from one consistent snapshot; the file appears
    under its name only when complete (written beside it, then renamed) and is readable by its owner only.
    Side effect: the audit entry ``core.backup.create`` (file name, row counts, checksum, key id), written
    after the file is complete, so the backup itself does not contain it.
    """
    if path.exists():
        raise _refuse("exists", f"文件已存在：{path}（不会覆盖已有备份）")
    path.parent.mkdir(parents=True, exist_ok=True)
    key_id = current_key_id()
    partial = path.with_name(f".{path.name}.part")
    counts: dict[str, int] = {}
    digest = hashlib.sha256()
    size = 0
    try:
        with partial.open("wb") as fh:
            os.chmod(partial, 0o600)
            writer = EncryptedWriter(fh, key_id=key_id)
            deflate = zlib.compressobj(6)

            def emit(record: Any) -> None:
                nonlocal size
                line = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
                digest.update(line)
                size += len(line)
                writer.write(deflate.compress(line))

            with _snapshot():
                chosen = backup_models()
                if on_total:
                    on_total(sum(m._base_manager.count() for m in chosen))
                for model in chosen:
                    label = model._meta.label_lower
                    emit(
                        {"section": "model", "model": label, "columns": [f.attname for f in _columns(model)]}
                    )
                    counts[label] = 0
                    for row in _rows(model):
                        emit(row)
                        counts[label] += 1
                        if progress and counts[label] % 500 == 0:
                            progress(500)
                    if progress:
                        progress(counts[label] % 500)
                migrations = _applied_migrations()
            manifest = {
                "section": "manifest",
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "app_version": _app_version(),
                "database_vendor": connection.vendor,
                "models": counts,
                "migrations": migrations,
                "payload_sha256": digest.hexdigest(),
                "payload_bytes": size,
            }
            writer.write(
                deflate.compress(json.dumps(manifest, ensure_ascii=False).encode() + b"\n") + deflate.flush()
            )
            writer.close()
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    result = BackupResult(path=path, counts=counts, payload_sha256=digest.hexdigest(), key_id=key_id)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=CREATE_ACTION,
            target_repr=path.name,
            changes={
                "file": path.name,
                "rows": result.total,
                "models": len(counts),
                "payload_sha256": result.payload_sha256,
                "key_id": key_id,
            },
        )
    return result


# --- Verify and restore ----------------------------------------------------------------------------------


def backup_verify(*, path: Path) -> dict[str, Any]:
    """Read the whole file (decrypt, decompress, check every chunk, the structure and the checksum) and
    return its manifest. Writes nothing; raises ``BusinessError`` (``backup.*``) with a Chinese message."""
    if not path.is_file():
        raise _refuse("missing", f"备份文件不存在：{path}")
    counts: dict[str, int] = {}
    current: str | None = None
    manifest: dict[str, Any] = {}
    with path.open("rb") as fh:
        for record in _records(fh):
            if isinstance(record, list):
                if current is None:
                    raise _refuse("tampered", _TAMPERED)
                counts[current] += 1
            elif record.get("section") == "model":
                current = str(record["model"])
                counts[current] = 0
            else:
                manifest = record
    if manifest.get("models") != counts:
        raise _refuse("checksum", "备份文件中的行数与清单不符")
    return manifest


def _check_schema(manifest: dict[str, Any]) -> list[type[models.Model]]:
    """The target's models for the backup's, after checking that both have the same migrations."""
    wanted = {tuple(m) for m in manifest["migrations"]}
    have = {tuple(m) for m in _applied_migrations()}
    if wanted != have:
        missing = sorted(f"{a}.{n}" for a, n in wanted - have)
        extra = sorted(f"{a}.{n}" for a, n in have - wanted)
        detail = "；".join(
            part
            for part in (
                f"目标库缺少迁移 {'、'.join(missing[:5])}" if missing else "",
                f"目标库多出迁移 {'、'.join(extra[:5])}" if extra else "",
            )
            if part
        )
        raise _refuse(
            "schema_mismatch",
            f"备份的数据库结构与目标库不一致（{detail}）：请用制作备份时的版本恢复，再升级",
        )
    chosen = {m._meta.label_lower: m for m in backup_models()}
    unknown = [label for label in manifest["models"] if label not in chosen]
    if unknown:
        raise _refuse("schema_mismatch", f"目标库没有这些数据表：{'、'.join(unknown)}")
    return [chosen[label] for label in manifest["models"]]


def _non_empty(chosen: list[type[models.Model]]) -> list[str]:
    return [
        m._meta.label_lower
        for m in chosen
        if m._meta.label_lower not in GENERATED_BY_MIGRATE and m._base_manager.exists()
    ]


@dataclass
class RestoreResult:
    """The manifest's counts and the counts found in the database after loading (equal, or no commit)."""

    manifest: dict[str, Any]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def backup_restore(
    *,
    actor: Any = None,
    path: Path,
    force: bool = False,
    on_total: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> RestoreResult:
    """Load a backup into this database, all or nothing.

    Rules: the file is verified completely first (tampered, truncated, wrong key: refused, nothing written);
    the target must have the same migrations as the source; it must hold no data (the rows ``migrate``
    creates itself do not count) unless ``force``, and then every table is emptied first. Rows are inserted
    in dependency order in batches, sequences are reset (PostgreSQL), and the row count of every model must
    equal the manifest's or the transaction rolls back. Side effect: the audit entry
    ``core.backup.restore``, appended after the restored entries so the restored audit chain goes on intact.
    """
    manifest = backup_verify(path=path)
    chosen = _check_schema(manifest)
    if not force and (occupied := _non_empty(chosen)):
        raise _refuse(
            "target_not_empty",
            f"目标数据库已有数据（{'、'.join(occupied[:5])} 等），拒绝恢复；确要覆盖请加 --force",
        )
    by_label = {m._meta.label_lower: m for m in chosen}
    result = RestoreResult(manifest=manifest)
    if on_total:
        on_total(sum(manifest["models"].values()))
    with transaction.atomic():
        with connection.cursor() as cursor:
            for model in reversed(chosen):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        with path.open("rb") as fh:
            _load(fh, by_label, progress)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), chosen):
                cursor.execute(sql)
        result.counts = {label: model._base_manager.count() for label, model in by_label.items()}
        if result.counts != manifest["models"]:
            wrong = [label for label, n in result.counts.items() if n != manifest["models"].get(label)]
            raise _refuse("count_mismatch", f"恢复后的行数与备份清单不符：{'、'.join(wrong)}")
        audit.record(
            actor=actor,
            action=RESTORE_ACTION,
            target_repr=path.name,
            changes={
                "file": path.name,
                "rows": result.total,
                "models": len(result.counts),
                "payload_sha256": manifest["payload_sha256"],
                "backup_created_at": manifest["created_at"],
                "forced": force,
            },
        )
    ContentType.objects.clear_cache()
    return result


def _load(
    fh: BinaryIO, by_label: dict[str, type[models.Model]], progress: Callable[[int], None] | None
) -> None:
    """Insert every row of the payload (read again: the checksum is checked again before the commit)."""
    insert: _Inserter | None = None
    for record in _records(fh):
        if isinstance(record, list):
            assert insert is not None
            insert.add(record)
            if progress and insert.pending >= _BATCH:
                progress(insert.flush())
        elif record.get("section") == "model":
            if insert is not None and (done := insert.flush()) and progress:
                progress(done)
            insert = _Inserter(by_label[record["model"]], record["columns"])
    if insert is not None and (done := insert.flush()) and progress:
        progress(done)


class _Inserter:
    """Batches of plain ``INSERT`` statements for one table; encrypted columns go in as stored."""

    def __init__(self, model: type[models.Model], columns: list[str]) -> None:
        fields = {f.attname: f for f in _columns(model)}
        if set(columns) != set(fields):
            raise _refuse("schema_mismatch", f"数据表 {model._meta.label_lower} 的字段与备份不一致")
        self.fields = [fields[c] for c in columns]
        self.kinds = [_kind(f) for f in self.fields]
        quote = connection.ops.quote_name
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from the model, not input)
            quote(model._meta.db_table),
            ", ".join(quote(str(f.column)) for f in self.fields),
            ", ".join(["%s"] * len(self.fields)),
        )
        self.rows: list[list[Any]] = []

    @property
    def pending(self) -> int:
        return len(self.rows)

    def add(self, record: list[Any]) -> None:
        if len(record) != len(self.fields):
            raise _refuse("tampered", _TAMPERED)
        row = []
        for f, kind, value in zip(self.fields, self.kinds, record, strict=True):
            if isinstance(f, EncryptedTextField) or value is None:
                row.append(value)
            else:
                row.append(f.get_db_prep_save(_load_value(kind, value), connection))
        self.rows.append(row)

    def flush(self) -> int:
        done = len(self.rows)
        if done:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, self.rows)
            self.rows = []
        return done
