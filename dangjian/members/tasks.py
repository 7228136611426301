"""Background jobs of the members app (Huey; run immediately in tests)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from dangjian.members import imports


@db_task()  # type: ignore[untyped-decorator]
def import_members_task(job_id: int) -> None:
    """Run a queued roster import (``imports.import_job_run``); progress and the report land on the Job."""
    imports.import_job_run(job_id=job_id)


@db_periodic_task(crontab(minute="17"))  # type: ignore[untyped-decorator]
def recount_headcounts() -> int:
    """Hourly: recount every organisation's members on the roll, repairing any drift (returns the repairs)."""
    from dangjian.members import headcount

    return headcount.rebuild()
