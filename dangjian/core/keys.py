"""Key management: which keys protect what, rotating the field-encryption key, and derived keys.

Keys live outside the database (``config/secrets.py``): ``FIELD_KEYS`` (settings.FIELD_ENCRYPTION_KEYS, the
last one encrypts new values), ``BLIND_INDEX_KEY`` and ``AUDIT_HMAC_KEY``. Purpose keys (row integrity,
backups) are either set on their own (``INTEGRITY_KEY``, ``BACKUP_KEY``) or derived from one of those with
HMAC-SM3 and a purpose label, so that one key never serves two purposes directly.

Rotation (``manage.py rotate_keys``): every ``EncryptedTextField`` value whose key id is not the current one
is decrypted and encrypted again under the current key, batch by batch, each row updated only if it still
holds the value that was read. It is idempotent (a second run finds nothing to do) and resumable (an
interrupted run is continued by running it again). Blind indexes use ``BLIND_INDEX_KEY`` and do not change.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Cast, Greatest, StrIndex, Substr

from dangjian.core import crypto
from dangjian.core.errors import BusinessError
from dangjian.core.fields import EncryptedTextField

ROTATE_ACTION = "core.keys.rotate"
_RAW = "_raw_{}"  # the annotation that reads a column's stored (encrypted) text without decrypting it


def derive_key(*, master: bytes, label: str, length: int = 32) -> bytes:
    """A purpose key: ``HMAC-SM3(master, "dangjian." + label)``, cut to ``length`` bytes (at most 32)."""
    if not 0 < length <= 32:
        raise ValueError("derived keys are 1 to 32 bytes long")
    return bytes.fromhex(crypto.hmac_sm3(master, f"dangjian.{label}".encode()))[:length]


def configured_key(*, name: str) -> str:
    """A key set on its own: the setting ``name`` if present, else the environment variable ``name``.

    Empty when neither is set, so the caller falls back to a derived key.
    """
    value = getattr(settings, name, None)
    if isinstance(value, bytes):
        return value.hex()
    return str(value or os.environ.get(name, "")).strip()


# --- Field-encryption keys -------------------------------------------------------------------------------


def encrypted_fields() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every concrete installed model with its ``EncryptedTextField`` columns (found by introspection)."""
    found: list[tuple[type[models.Model], list[EncryptedTextField]]] = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped:
            continue
        fields = [f for f in meta.local_concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return found


def _raw(queryset: models.QuerySet[Any], fields: list[EncryptedTextField]) -> models.QuerySet[Any]:
    """``queryset`` annotated with each field's stored text (a cast to plain text skips the decryption)."""
    annotated: models.QuerySet[Any] = queryset.annotate(
        **{_RAW.format(f.attname): Cast(f.attname, output_field=models.TextField()) for f in fields}
    )
    return annotated


def _stale(field: EncryptedTextField, current: str) -> models.Q:
    """Rows whose ``field`` holds a value under a key other than ``current`` (empty and NULL are plain)."""
    raw = _RAW.format(field.attname)
    return (
        models.Q(**{f"{raw}__isnull": False})
        & ~models.Q(**{raw: ""})
        & ~models.Q(**{f"{raw}__startswith": f"{current}$"})
    )


def key_status() -> dict[str, dict[str, int]]:
    """How many stored values each key id protects, per ``"app.model.field"``: ``{label: {kid: n}}``.

    Counted in the database (the text before ``$``), so it is cheap even for many rows. A non-empty value
    without a key id (not written by ``EncryptedTextField``) is counted under ``"?"``.
    """
    status: dict[str, dict[str, int]] = {}
    for model, fields in encrypted_fields():
        for f in fields:
            raw = _RAW.format(f.attname)
            position = StrIndex(raw, models.Value("$")) - 1
            rows = (
                _raw(model._base_manager.all(), [f])
                .filter(**{f"{raw}__gt": ""})
                # Greatest: the database may compute the key id before applying the filter above.
                .annotate(_kid=Substr(raw, 1, Greatest(position, models.Value(0))))
                .values("_kid")
                .annotate(n=models.Count("pk"))
                .order_by("_kid")
            )
            status[f"{model._meta.label_lower}.{f.name}"] = {r["_kid"] or "?": r["n"] for r in rows}
    return status


@dataclass
class RotationReport:
    """What a rotation found and did. Counts only; never key material or values."""

    current_key_id: str
    dry_run: bool
    rotated: Counter[str] = field(default_factory=Counter)  # "app.model.field" → values re-encrypted
    from_keys: Counter[str] = field(default_factory=Counter)  # old key id → values moved off it
    failed: Counter[str] = field(default_factory=Counter)  # "app.model.field" → values that did not decrypt
    changed_meanwhile: int = 0  # rows edited by someone else between read and write (left for the next run)

    @property
    def total(self) -> int:
        return sum(self.rotated.values())

    def as_changes(self) -> dict[str, Any]:
        """The audit entry's ``changes``: counts per field and per old key id."""
        return {
            "current_key_id": self.current_key_id,
            "rotated": dict(self.rotated),
            "from_key_ids": dict(self.from_keys),
            "failed": dict(self.failed),
            "changed_meanwhile": self.changed_meanwhile,
            "total": self.total,
        }


def stale_count() -> int:
    """How many stored values are not under the current key (the work ``rotate`` has to do)."""
    current = crypto.current_key_id()
    total = 0
    for model, fields in encrypted_fields():
        qs = _raw(model._base_manager.all(), fields)
        for f in fields:
            total += qs.filter(_stale(f, current)).count()
    return total


def _batches(
    model: type[models.Model], fields: list[EncryptedTextField], current: str, batch: int
) -> Iterator[list[dict[str, Any]]]:
    """Rows with at least one stale value, in primary-key order, ``batch`` at a time (pk and raw texts)."""
    stale = models.Q()
    for f in fields:
        stale |= _stale(f, current)
    qs = _raw(model._base_manager.all(), fields).filter(stale).order_by("pk")
    names = ["pk", *(_RAW.format(f.attname) for f in fields)]
    last: Any = None
    while True:
        page = qs if last is None else qs.filter(pk__gt=last)
        rows = list(page.values(*names)[:batch])
        if not rows:
            return
        yield rows
        last = rows[-1]["pk"]


def rotate(
    *, batch: int = 500, dry_run: bool = False, progress: Callable[[int], None] | None = None
) -> RotationReport:
    """Re-encrypt every value not under the current field key, ``batch`` rows per transaction.

    Each row is written with ``QuerySet.update`` (no ``save()``: ``auto_now`` columns and signals stay
    untouched), and only if its stored text is still the one that was read, so a concurrent edit is never
    overwritten. Values that do not decrypt (unknown key id, tampered) are counted in ``failed`` and left.
    ``dry_run`` decrypts and counts but writes nothing. ``progress(n)`` is called after each batch with the
    number of values it handled. No audit entry here: the command records one (``core.keys.rotate``).
    """
    if batch < 1:
        raise ValueError("batch must be positive")
    current = crypto.current_key_id()
    report = RotationReport(current_key_id=current, dry_run=dry_run)
    for model, fields in encrypted_fields():
        for rows in _batches(model, fields, current, batch):
            with transaction.atomic():
                handled = sum(_rotate_row(model, fields, row, current, report) for row in rows)
            if progress:
                progress(handled)
    return report


def _rotate_row(
    model: type[models.Model],
    fields: list[EncryptedTextField],
    row: dict[str, Any],
    current: str,
    report: RotationReport,
) -> int:
    """Re-encrypt one row's stale values. Returns how many stale values the row had."""
    label = model._meta.label_lower
    plain: dict[str, str] = {}  # attname → plaintext to write (encrypted again on the way in)
    guard: dict[str, str] = {}  # raw annotation → the stored text that was read
    stale = 0
    for f in fields:
        stored = row[_RAW.format(f.attname)]
        if not stored or stored.startswith(f"{current}$"):
            continue
        stale += 1
        try:
            plain[f.attname] = crypto.decrypt(stored)
        except BusinessError:
            report.failed[f"{label}.{f.name}"] += 1
            continue
        guard[_RAW.format(f.attname)] = stored
    if not plain:
        return stale
    if not report.dry_run:
        row_qs = _raw(model._base_manager.filter(pk=row["pk"]), fields).filter(**guard)
        if not row_qs.update(**plain):
            report.changed_meanwhile += 1
            return stale
    for f in fields:
        if f.attname in plain:
            report.rotated[f"{label}.{f.name}"] += 1
            report.from_keys[crypto.key_id_of(guard[_RAW.format(f.attname)])] += 1
    return stale
