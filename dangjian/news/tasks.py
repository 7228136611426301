"""Background jobs of 党建新鲜事 (Huey; run immediately in tests)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from dangjian.news import services


@db_task()  # type: ignore[untyped-decorator]
def fetch_feeds_task(job_id: int) -> None:
    """“立即抓取”: run a queued fetch Job (``services.fetch_job_run``); progress and outcome go on the Job."""
    services.fetch_job_run(job_id=job_id)


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def fetch_due_feeds() -> int:
    """Every five minutes: fetch the enabled feeds whose interval has passed; returns how many were due."""
    return len(services.feeds_fetch_due())
