"""Background jobs of 考试中心 (Huey; run immediately in tests)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from dangjian.exams import services


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def submit_overdue_attempts() -> int:
    """Every minute: submit the open attempts whose deadline plus grace has passed, with the deadline as
    their finish time (``services.attempts_autosubmit``)."""
    return services.attempts_autosubmit()


@db_periodic_task(crontab(minute="25"))  # type: ignore[untyped-decorator]
def file_pending_mistakes() -> int:
    """Every hour at :25: file in the 错题本 the wrong answers of submissions whose filing right after the
    submission did not happen (``services.mistakes_file_pending``; the 错题本 pages do it for their
    reader)."""
    return services.mistakes_file_pending()


@db_periodic_task(crontab(minute="40"))  # type: ignore[untyped-decorator]
def send_exam_reminders() -> int:
    """Every hour at :40: remind the takers who have not started an exam closing within a day (once)."""
    return len(services.reminders_due())


@db_task()  # type: ignore[untyped-decorator]
def import_questions_task(job_id: int) -> None:
    """Write a checked Excel import of questions (``services.bank_import_run``); progress on the Job."""
    services.bank_import_run(job_id=job_id)
