"""Retention of the audit log (SECURITY.md: ≥ 6 months, default 184 days).

The purge removes only entries older than the retention period, in ``seq`` order, and records itself as an
audit entry naming the last ``seq`` it removed, so the verifier can tell a lawful purge from a deletion.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dangjian.audit import services as audit
from dangjian.audit.models import AuditEntry

MINIMUM_RETENTION_DAYS = 184
PURGE_ACTION = "audit.entry.purge"


def retention_days() -> int:
    """The configured retention, never below the minimum (a lower setting is ignored)."""
    return max(int(getattr(settings, "AUDIT_RETENTION_DAYS", MINIMUM_RETENTION_DAYS)), MINIMUM_RETENTION_DAYS)


def purge(*, now: dt.datetime | None = None) -> int:
    """Delete entries older than the retention period. Returns how many were removed."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=retention_days())
    with transaction.atomic():
        # The oldest run of entries before the cutoff, contiguous in seq, so no hole opens mid-chain.
        first_young = (
            AuditEntry.objects.filter(created_at__gte=cutoff).order_by("seq").values_list("seq", flat=True)
        )
        limit = first_young.first()
        old = AuditEntry.objects.filter(created_at__lt=cutoff)
        if limit is not None:
            old = old.filter(seq__lt=limit)
        through = old.order_by("-seq").values_list("seq", flat=True).first()
        if through is None:
            return 0
        count, _ = AuditEntry.objects.filter(seq__lte=through).delete()
        audit.record(
            actor=None,
            action=PURGE_ACTION,
            changes={"purged_through": through, "count": count, "retention_days": retention_days()},
        )
    return count
