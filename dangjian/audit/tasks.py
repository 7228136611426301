"""Periodic jobs of the audit log."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from dangjian.audit import retention


@db_periodic_task(crontab(hour="3", minute="17"))
def purge_expired_audit_entries() -> int:
    """Nightly: remove entries past the retention period (never younger ones)."""
    return retention.purge()
