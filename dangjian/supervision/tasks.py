"""Background jobs of 党风廉政监督 (Huey; run immediately in tests)."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from dangjian.supervision import services


@db_periodic_task(crontab(minute="30", hour="1"))  # type: ignore[untyped-decorator]
def scheduled_scan() -> dict[str, Any]:
    """Every night at 01:30: the full warning scan (every rule, every organisation)."""
    run = services.scan_run(trigger="schedule")
    return {"run": run.pk, "opened": run.opened, "closed": run.closed}


@db_periodic_task(crontab(minute="0", hour="7"))  # type: ignore[untyped-decorator]
def escalate_overdue() -> int:
    """Every morning at 07:00: escalate overdue rectification tasks one level up."""
    return services.rectification_escalate_overdue()


@db_task()  # type: ignore[untyped-decorator]
def scan_task(job_id: int) -> None:
    """Run a manual scan (“立即扫描”) with its progress on the Job."""
    services.scan_job_run(job_id=job_id)
