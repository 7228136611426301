"""Background jobs of 组织生活 (Huey; run immediately in tests)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from dangjian.meetings import services

# Reminders go out in the daytime only (local time); each is sent once, so running hourly costs one query
# when there is nothing new and catches up after the worker was down.
SEND_HOURS = range(7, 22)


@db_periodic_task(crontab(minute="15"))  # type: ignore[untyped-decorator]
def send_meeting_reminders() -> dict[str, int] | None:
    """Every hour at :15, between 7:00 and 21:59: e-mail the secretaries about planned meetings due within
    ``MEETINGS_REMIND_DAYS`` (each once per meeting, recipient and date; see ``services.reminders_send``)."""
    if timezone.localtime().hour not in SEND_HOURS:
        return None
    return services.reminders_send()


@db_task()  # type: ignore[untyped-decorator]
def rebuild_compliance_task(job_id: int) -> None:
    """Recount the compliance summary (``services.compliance_rebuild_job_run``); progress on the Job."""
    services.compliance_rebuild_job_run(job_id=job_id)
