"""Periodic housekeeping of the toolkit."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from dangjian.core.paging import refresh_counts
from dangjian.core.uploads import file_sweep_orphans


@db_periodic_task(crontab(hour="4", minute="7"))  # type: ignore[untyped-decorator]
def sweep_orphan_uploads() -> int:
    """Nightly: remove stored bytes that no StoredFile names (left by a rolled-back transaction)."""
    return file_sweep_orphans()


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def refresh_list_counts() -> int:
    """Every minute: recount the large lists people are reading, so none of them waits for a COUNT."""
    return refresh_counts()
