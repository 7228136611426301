"""audit.record(): called by every service, in the same transaction as the change it describes."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from dangjian.audit.models import AuditChainHead, AuditEntry
from dangjian.core import context, crypto

# Keys whose values never reach the log in clear (SECURITY.md: no passwords or raw identity numbers).
SENSITIVE_KEYS = {"password", "id_number", "phone", "address", "token", "key"}
_REDACTED = "***"


def _clean(changes: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in (changes or {}).items():
        if key in SENSITIVE_KEYS:
            out[key] = _REDACTED
        elif isinstance(value, dict):
            out[key] = _clean(value)
        elif isinstance(value, (list, tuple)) and len(value) == 2 and key in SENSITIVE_KEYS:
            out[key] = [_REDACTED, _REDACTED]
        else:
            out[key] = _plain(value)
    return out


def _plain(value: Any) -> Any:
    """A JSON-ready value: scalars stay, lists and tuples keep plain items (dates become text)."""
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    org_path: str = "",
    changes: dict[str, Any] | None = None,
    success: bool = True,
    target_repr: str = "",
) -> AuditEntry:
    """Write one audit entry. ``action`` is ``<app>.<noun>.<verb>``; ``changes`` maps field → [old, new].

    Raises whatever the insert raises, so the caller's transaction rolls back with it: an unaudited change
    never commits.
    """
    ctx = context.current()
    user = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        created_at=timezone.now(),
        actor=user,
        actor_name=getattr(user, "username", "") if user else "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=(target_repr or (str(target) if target is not None else ""))[:200],
        org_path=org_path,
        changes=_clean(changes),
        success=success,
        ip=ctx.ip,
        request_id=ctx.request_id,
    )
    # No savepoint inside the caller's transaction (two round trips on every audited write): a failure here
    # must roll the caller's change back anyway. Outside a transaction this is the entry's own transaction.
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        entry.seq = head.seq + 1
        entry.prev_mac = head.mac
        entry.mac = entry_mac(entry)
        entry.save(force_insert=True)
        head.seq, head.mac = entry.seq, entry.mac
        head.save(update_fields=["seq", "mac"])
    return entry


def canonical(entry: AuditEntry) -> bytes:
    """The bytes the MAC covers: every field of the entry and the previous MAC, in a fixed order."""
    created = entry.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fields = [
        entry.seq,
        created,
        entry.actor_id,
        entry.actor_name,
        entry.action,
        entry.target_type,
        entry.target_id,
        entry.target_repr,
        entry.org_path,
        entry.changes,
        entry.success,
        entry.ip,
        entry.request_id,
        entry.prev_mac,
    ]
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def entry_mac(entry: AuditEntry) -> str:
    return crypto.hmac_sm3(settings.AUDIT_HMAC_KEY, canonical(entry))


def diff(instance: models.Model, data: dict[str, Any]) -> dict[str, list[Any]]:
    """The [old, new] pairs of ``data`` that differ from ``instance`` (for ``changes``)."""
    out: dict[str, list[Any]] = {}
    for key, new in data.items():
        old = getattr(instance, key)
        if old != new:
            out[key] = [
                old if not hasattr(old, "pk") else str(old),
                new if not hasattr(new, "pk") else str(new),
            ]
    return out
