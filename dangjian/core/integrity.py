"""Row integrity for money and score rows: an HMAC-SM3 over the fields that matter, kept in ``row_mac``.

SECURITY.md (Data protection): dues payments and exam scores carry an HMAC, so that an edit made past the
application (raw SQL, a restored file, a database tool) is detected. A model opts in by subclassing
``IntegrityProtected`` and naming its protected fields::

    class DuesPayment(IntegrityProtected):
        integrity_fields = ("member_id", "amount", "paid_on")

``save()`` seals the row; ``verify(instance=row)`` checks it; ``manage.py check_integrity`` walks every
protected model and reports each row whose MAC fails. The MAC covers the model label, the primary key (so a
MAC cannot be copied to another row) and the canonical JSON of the protected fields (Decimals quantized to
the field's places and written as text, dates and times ISO 8601, datetimes in UTC). The key is
``INTEGRITY_KEY`` when set, otherwise ``HMAC-SM3(AUDIT_HMAC_KEY, "dangjian.integrity")``; either way it lives
outside the database.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction

from dangjian.core import crypto, keys


class IntegrityProtected(models.Model):
    """Abstract base of a row whose ``integrity_fields`` are sealed with an HMAC-SM3 in ``row_mac``.

    ``save()`` seals every time a protected field may have changed. Writes that skip ``save()``
    (``QuerySet.update``, ``bulk_create``, ``bulk_update``) must call ``seal`` on each instance and write
    ``row_mac`` with it; otherwise ``check_integrity`` reports the rows, as it would a tampered one.
    """

    integrity_fields: ClassVar[tuple[str, ...]] = ()

    row_mac = models.CharField("完整性校验值", max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            touched = set(update_fields)
            protected = [self._meta.get_field(name) for name in self.integrity_fields]
            if not any(f.name in touched or getattr(f, "attname", "") in touched for f in protected):
                super().save(*args, **kwargs)  # nothing the MAC covers is written
                return
            kwargs["update_fields"] = [*update_fields, "row_mac"]
        if self.pk is not None:
            seal(instance=self)
            super().save(*args, **kwargs)
            return
        # The primary key is part of the MAC and is known only after the insert.
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            seal(instance=self)
            type(self)._base_manager.using(self._state.db).filter(pk=self.pk).update(row_mac=self.row_mac)


def integrity_key() -> bytes:
    """The MAC key: ``INTEGRITY_KEY`` (hex) if configured, else derived from ``AUDIT_HMAC_KEY``."""
    configured = keys.configured_key(name="INTEGRITY_KEY")
    if configured:
        return bytes.fromhex(configured)
    return keys.derive_key(master=settings.AUDIT_HMAC_KEY, label="integrity")


def _canonical_value(f: models.Field[Any, Any], value: Any) -> Any:
    """One protected value in a form that survives a round trip through either database."""
    if value is None:
        return None
    value = f.to_python(value)
    target = getattr(f, "target_field", f) if f.is_relation else f  # a foreign key compares as its target
    if isinstance(target, models.DecimalField) and isinstance(value, Decimal):
        places = target.decimal_places or 0
        return format(value.quantize(Decimal(1).scaleb(-places)), "f")
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return str(value)


def canonical(*, instance: IntegrityProtected) -> bytes:
    """The bytes the MAC covers: model label, primary key and the protected fields, as sorted JSON."""
    meta = instance._meta
    values = {}
    for name in instance.integrity_fields:
        f = meta.get_field(name)
        assert isinstance(f, models.Field), f"{name} is not a concrete field"
        values[name] = _canonical_value(f, getattr(instance, f.attname))
    document = {"model": meta.label_lower, "pk": str(instance.pk), "fields": values}
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def compute_mac(*, instance: IntegrityProtected) -> str:
    """HMAC-SM3 of ``canonical(instance)`` under the integrity key (64 hex characters)."""
    if instance.pk is None:
        raise ValueError("a row is sealed after it has a primary key")
    return crypto.hmac_sm3(integrity_key(), canonical(instance=instance))


def seal(*, instance: IntegrityProtected) -> str:
    """Set ``instance.row_mac`` from its current values (does not save) and return it."""
    instance.row_mac = compute_mac(instance=instance)
    return instance.row_mac


def verify(*, instance: IntegrityProtected) -> bool:
    """Whether ``instance.row_mac`` matches its protected values (constant-time comparison)."""
    if not instance.row_mac or instance.pk is None:
        return False
    return crypto.constant_time_equal(instance.row_mac, compute_mac(instance=instance))


def protected_models() -> list[type[IntegrityProtected]]:
    """Every installed concrete model that subclasses ``IntegrityProtected``, by label."""
    found = [
        m
        for m in apps.get_models()
        if issubclass(m, IntegrityProtected) and not m._meta.proxy and m._meta.managed
    ]
    return sorted(found, key=lambda m: m._meta.label_lower)


@dataclass
class IntegrityReport:
    """Rows checked per model and the rows whose MAC failed (``"app.model"`` → primary keys)."""

    checked: dict[str, int] = field(default_factory=dict)
    failed: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(self.failed.values())


def check(
    *,
    models_to_check: Iterable[type[IntegrityProtected]] | None = None,
    batch: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> IntegrityReport:
    """Verify every row of the protected models (all of them unless given), streaming in pk order.

    ``progress(n)`` is called with the number of rows checked since the last call. Reads only.
    """
    report = IntegrityReport()
    for model in models_to_check if models_to_check is not None else protected_models():
        label = model._meta.label_lower
        report.checked[label] = 0
        report.failed[label] = []
        names = [model._meta.get_field(n).name for n in model.integrity_fields]
        rows = model._base_manager.only("pk", "row_mac", *names).order_by("pk").iterator(chunk_size=batch)
        pending = 0
        for row in rows:
            report.checked[label] += 1
            if not verify(instance=row):
                report.failed[label].append(row.pk)
            pending += 1
            if progress and pending >= batch:
                progress(pending)
                pending = 0
        if progress and pending:
            progress(pending)
    return report


@checks.register()
def check_declarations(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """System check: every protected model names at least one field, and each name exists."""
    errors: list[checks.CheckMessage] = []
    for model in protected_models():
        if not model.integrity_fields:
            errors.append(
                checks.Error("integrity_fields 为空：须列出受完整性保护的字段", obj=model, id="core.E101")
            )
        for name in model.integrity_fields:
            try:
                model._meta.get_field(name)
            except FieldDoesNotExist:
                message = f"integrity_fields 中的字段 {name} 不存在"
                errors.append(checks.Error(message, obj=model, id="core.E102"))
    return errors
