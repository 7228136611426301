"""The personal-information inventory: every stored field of every model, classified once.

Rules (个人信息保护法 Art. 28 and 51; GB/T 35273-2020 §3.1–3.2 and Annex A/B; SECURITY.md "Data protection"):

- ``public``: facts the party publishes about an organisation (names of organisations, kinds, units,
  election dates). Shown to anyone who may see the organisation.
- ``internal``: what the platform needs to run and that says nothing about a person on its own: ids,
  foreign keys that only link rows, timestamps of records, tree paths (treebeard ``path``/``depth``/
  ``numchild``), flags, counters, hashes chaining the audit log, keyed blind indexes (an HMAC that is
  useless without the key kept outside the database), security settings.
- ``personal``: information about an identifiable person: names, gender, ethnicity, birth dates, phones,
  addresses, education and jobs, the member's branch, their membership dates and roster status, positions,
  login names, source addresses, file names and reports that may name people.
- ``sensitive``: personal information whose leak harms the person or the platform's security: the
  公民身份号码, the reasons and details of political status changes (why a member was suspended, expelled
  …), roster files holding identity numbers, anonymous-letter content, TOTP secrets, password hashes and
  token hashes. Sensitive values are masked on every list, never written to the audit log, and shown in
  full only to roles that may see them, with an audit entry.

``INVENTORY`` maps a model label to each stored field (concrete columns and many-to-many tables) and its
class. The test suite (dangjian/core/tests/test_privacy.py) fails on a field missing from the table or an
entry for a field that no longer exists, so a new field cannot ship without a classification. The member's
own page (我的档案) lists what the platform holds about them from this table.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone

from dangjian.core import masking

PUBLIC = "public"
INTERNAL = "internal"
PERSONAL = "personal"
SENSITIVE = "sensitive"
CLASSES = (PUBLIC, INTERNAL, PERSONAL, SENSITIVE)

_P, _I, _PE, _S = PUBLIC, INTERNAL, PERSONAL, SENSITIVE

INVENTORY: dict[str, dict[str, str]] = {
    "accounts.user": {
        "id": _I,
        "password": _S,  # an Argon2 hash
        "last_login": _PE,  # when the person last signed in
        "is_superuser": _I,
        "username": _PE,
        "first_name": _PE,
        "last_name": _PE,
        "email": _PE,
        "is_staff": _I,
        "is_active": _I,
        "date_joined": _I,
        "full_name": _PE,
        "must_change_password": _I,
        "password_changed_at": _I,
        "totp_secret": _S,
        "totp_confirmed": _I,
        "totp_last_step": _I,
        "groups": _I,
        "user_permissions": _I,
    },
    "accounts.passwordhistory": {
        "id": _I,
        "user": _I,
        "password": _S,  # earlier hashes
        "created_at": _I,
    },
    "accounts.loginthrottle": {
        "id": _I,
        "key": _PE,  # the login name typed
        "failures": _I,
        "locked_until": _I,
        "last_failure_at": _I,
    },
    "accounts.securitypolicy": {
        "id": _I,
        "password_min_length": _I,
        "password_min_classes": _I,
        "password_max_age_days": _I,
        "password_history": _I,
        "login_max_failures": _I,
        "login_lock_minutes": _I,
        "session_idle_minutes": _I,
        "session_absolute_hours": _I,
        "updated_at": _I,
    },
    "access.grant": {
        "id": _I,
        "user": _I,
        "role": _I,
        "org": _I,
        "include_subtree": _I,
        "granted_by": _I,
        "created_at": _I,
    },
    "access.apitoken": {
        "id": _I,
        "user": _I,
        "name": _I,
        "prefix": _I,
        "key_hash": _S,  # verifies the key like a password hash
        "created_at": _I,
        "last_used_at": _I,
        "revoked_at": _I,
    },
    "audit.auditentry": {
        "id": _I,
        "seq": _I,
        "prev_mac": _I,
        "mac": _I,
        "created_at": _I,
        "actor": _I,
        "actor_name": _PE,
        "action": _I,
        "target_type": _I,
        "target_id": _I,
        "target_repr": _PE,  # may name a member
        "org_path": _I,
        "changes": _PE,  # old/new values; audit.record() redacts sensitive keys
        "success": _I,
        "ip": _PE,  # source address
        "request_id": _I,
    },
    "audit.auditchainhead": {
        "id": _I,
        "seq": _I,
        "mac": _I,
    },
    "core.job": {
        "id": _I,
        "kind": _I,
        "status": _I,
        "created_by": _I,
        "org": _I,
        "title": _PE,  # holds the uploaded file's name
        "params": _PE,  # idem
        "progress": _I,
        "total": _I,
        "message": _I,
        "result": _PE,  # an import's row report names members
        "file": _S,  # an uploaded roster: names and identity numbers
        "created_at": _I,
        "finished_at": _I,
    },
    "core.ratecounter": {
        "id": _I,
        "key": _PE,  # client address and user id
        "window_start": _I,
        "count": _I,
    },
    "core.storedfile": {
        "id": _I,
        "public_id": _I,
        "storage_name": _I,
        "display_name": _PE,  # the uploader's file name
        "kind": _I,
        "content_type": _I,
        "size": _I,
        "sha256": _I,
        "width": _I,
        "height": _I,
        "purpose": _I,
        "org": _I,
        "uploader": _I,
        "encrypted": _I,
        "key_id": _I,
        "anonymous": _I,
        "created_on": _I,
        "created_at": _I,
    },
    "orgs.org": {
        "id": _I,
        "path": _I,
        "depth": _I,
        "numchild": _I,
        "name": _P,
        "short_name": _P,
        "kind": _P,
        "has_committee": _P,
        "contact_name": _PE,
        "contact_phone": _PE,
        "unit_situation": _P,
        "unit_name": _P,
        "unit_category": _P,
        "credit_code": _P,  # 统一社会信用代码: a public register
        "unit_org_status": _P,
        "elected_on": _P,
        "founded_on": _P,
        "is_active": _I,
        "merged_into": _I,
    },
    "orgs.position": {
        "id": _I,
        "org": _I,
        "member": _I,
        "title": _PE,
        "duties": _PE,
        "started_on": _PE,
        "ended_on": _PE,
    },
    "members.member": {
        "id": _I,
        "user": _I,
        "org": _PE,  # which branch a person belongs to
        "group": _PE,
        "name": _PE,
        "gender": _PE,
        "id_number": _S,
        "id_number_index": _I,  # keyed blind index
        "ethnicity": _PE,
        "birth_date": _PE,
        "education": _PE,
        "category": _PE,
        "joined_on": _PE,
        "full_on": _PE,
        "job_title": _PE,
        "phone": _PE,  # encrypted at rest and masked on lists (SECURITY.md "Field scope")
        "phone_index": _I,  # keyed blind index
        "address": _PE,  # encrypted at rest and masked on lists
        "status": _PE,
        "standing": _PE,
        "lost_contact": _PE,
        "lost_contact_on": _PE,
        "mobile": _PE,
        "mobile_destination": _PE,
        "party_post": _PE,
        "dues_paid_until": _PE,
        "exit_kind": _PE,
        "exited_on": _PE,
        "created_at": _I,
        "updated_at": _I,
    },
    "members.orgheadcount": {
        "org": _I,
        "on_roll": _P,  # an organisation's size, as on the organisation tree
        "in_subtree": _P,  # the same, with its subordinate organisations (the tree's roll-up)
    },
    "members.statuschange": {
        "id": _I,
        "member": _I,
        "kind": _PE,
        "effective_on": _PE,
        "reason": _S,  # why a member was suspended, expelled …
        "detail": _PE,  # destination, exit kind, organisations moved between: as on the member's record
        "actor": _I,
        "created_at": _I,
    },
    # 留党察看: a 党纪处分 and its dates say why and when a member lost rights; members.view_sensitive only.
    "members.disciplinaryprobation": {
        "id": _I,
        "member": _I,
        "starts_on": _S,
        "ends_on": _S,
        "decision": _S,
        "restored_on": _S,
        "restore_decision": _S,
        "recorded_by": _I,
        "created_at": _I,
    },
    "points.pointrule": {
        "id": _I,
        "code": _I,
        "name": _I,
        "unit": _I,
        "unit_size": _I,
        "points_per_unit": _I,
        "daily_cap": _I,
        "weekly_cap": _I,
        "active_from": _I,
        "active_until": _I,
        "is_active": _I,
        "updated_at": _I,
    },
    "points.pointentry": {
        "id": _I,
        "member": _I,
        "rule": _I,
        "action": _PE,  # what the member did (read, attended, passed an exam)
        "points": _PE,  # a person's score
        "units": _PE,
        "content_key": _PE,  # which article, video, meeting or exam
        "idempotency_key": _PE,  # repeats member, action, content and day
        "occurred_on": _PE,
        "source": _PE,  # may carry an adjustment's reason
        "created_at": _I,
        "row_mac": _I,
    },
    "points.pointday": {
        "id": _I,
        "member": _I,
        "day": _PE,
        "points": _PE,
    },
    "points.pointadjustment": {
        "id": _I,
        "member": _I,
        "points": _PE,
        "occurred_on": _PE,
        "reason": _PE,  # why points were awarded or deducted
        "status": _PE,
        "requested_by": _I,
        "requested_at": _I,
        "decided_by": _I,
        "decided_at": _I,
        "entry": _I,
    },
}


def _merge_app_inventories() -> None:
    """Add ``INVENTORY`` from each app's ``privacy.py`` (a dict of strings, no models), so an app classifies
    its own fields beside its models."""
    for app in settings.INSTALLED_APPS:
        if (
            not app.startswith("dangjian.")
            or app == "dangjian.core"
            or importlib.util.find_spec(f"{app}.privacy") is None
        ):
            continue
        extra: dict[str, dict[str, str]] = importlib.import_module(f"{app}.privacy").INVENTORY
        clash = sorted(set(extra) & set(INVENTORY))
        if clash:
            raise ImproperlyConfigured(f"{app}.privacy 重复分级：{clash}")
        INVENTORY.update(extra)


_merge_app_inventories()

# How a sensitive (or list-masked personal) value is shown when it is not shown in full.
MASKS: dict[tuple[str, str], Callable[[str | None], str]] = {
    ("members.member", "id_number"): masking.mask_id_number,
    ("members.member", "phone"): masking.mask_phone,
    ("members.member", "address"): masking.mask_address,
}
_HIDDEN = "******"


def inventoried_models() -> list[type[models.Model]]:
    """Every model the inventory must cover: those of the ``dangjian.*`` apps and the user model."""
    found: list[type[models.Model]] = []
    for config in apps.get_app_configs():
        if config.name.startswith("dangjian."):
            found.extend(m for m in config.get_models() if not m._meta.proxy)
    user_model = get_user_model()
    if user_model not in found:
        found.append(user_model)
    return found


def stored_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The fields that hold data for a row: its columns (ids and foreign keys too) and many-to-many links."""
    return [*model._meta.concrete_fields, *model._meta.many_to_many]


def classify(model: type[models.Model], field_name: str) -> str:
    """The class of one field; ``LookupError`` when the field is not in the inventory."""
    try:
        return INVENTORY[model._meta.label_lower][field_name]
    except KeyError:
        raise LookupError(f"{model._meta.label_lower}.{field_name} 未在个人信息清单中分级") from None


def unclassified() -> list[str]:
    """``label.field`` of every stored field missing from the inventory (or given an unknown class)."""
    out = []
    for model in inventoried_models():
        entries = INVENTORY.get(model._meta.label_lower, {})
        for field in stored_fields(model):
            if entries.get(field.name) not in CLASSES:
                out.append(f"{model._meta.label_lower}.{field.name}")
    return out


def stale() -> list[str]:
    """``label.field`` of every inventory entry whose model or field no longer exists."""
    existing = {m._meta.label_lower: {f.name for f in stored_fields(m)} for m in inventoried_models()}
    return [
        f"{label}.{name}"
        for label, fields in INVENTORY.items()
        for name in fields
        if name not in existing.get(label, set())
    ]


def fields_of_class(model: type[models.Model], *classes: str) -> list[models.Field[Any, Any]]:
    """The stored fields of ``model`` in the given classes, in the model's order."""
    return [f for f in stored_fields(model) if classify(model, f.name) in classes]


def personal_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The fields holding personal information (``personal`` and ``sensitive``), in the model's order."""
    return fields_of_class(model, PERSONAL, SENSITIVE)


def sensitive_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return fields_of_class(model, SENSITIVE)


def masked(model: type[models.Model], field_name: str, value: Any) -> str:
    """``value`` as lists show it: the field's mask, or nothing but asterisks for other sensitive fields."""
    if value in (None, ""):
        return ""
    mask = MASKS.get((model._meta.label_lower, field_name))
    return mask(str(value)) if mask else _HIDDEN


@dataclass(frozen=True)
class Holding:
    """One field the platform holds about a person, as their own page shows it."""

    name: str
    label: str
    value: str
    sensitive: bool


def _display(instance: models.Model, field: models.Field[Any, Any]) -> str:
    value = getattr(instance, field.name)
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(getattr(instance, f"get_{field.name}_display")())
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(getattr(value, "name", None) or value)  # e.g. an organisation's full name
    return str(value)


def holdings(instance: models.Model) -> list[Holding]:
    """Every personal and sensitive field of ``instance`` with its Chinese name and value, sensitive values
    masked (the full value is for roles that may see it, audited)."""
    model = type(instance)
    out = []
    for field in personal_fields(model):
        sensitive = classify(model, field.name) == SENSITIVE
        value = masked(model, field.name, getattr(instance, field.name)) if sensitive else ""
        out.append(
            Holding(
                name=field.name,
                label=str(field.verbose_name),
                value=(value or "—") if sensitive else _display(instance, field),
                sensitive=sensitive,
            )
        )
    return out


def records_about(user: Any, member: Any = None) -> list[tuple[str, int]]:
    """Counts of the records the platform keeps about a person beyond their own record: status history,
    positions, API tokens and the audit entries of what they did."""
    from dangjian.access.models import ApiToken
    from dangjian.audit.models import AuditEntry

    counts: list[tuple[str, int]] = []
    if member is not None:
        counts.append(("状态变动记录", member.history.count()))
        counts.append(("职务记录", member.positions.count()))
        counts.append(("党纪处分（留党察看）记录", member.disciplinary_probations.count()))
    counts.append(("API 令牌（含已吊销）", ApiToken.objects.filter(user=user).count()))
    counts.append(("以我的账号操作的审计日志", AuditEntry.objects.filter(actor=user).count()))
    return counts
