"""Background jobs of 党费 (Huey; run immediately in tests): monthly bills and the yearly proposal, with a
progress bar on a ``core.Job``."""

from __future__ import annotations

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from dangjian.core.errors import BusinessError
from dangjian.core.jobs import job_finish, job_progress
from dangjian.core.models import Job
from dangjian.dues import services

BILLS_JOB_KIND = "dues.bills"
PROPOSE_JOB_KIND = "dues.propose"


def bills_job_run(*, job_id: int) -> None:
    job = Job.objects.select_related("created_by", "org").get(pk=job_id)
    month = dt.date.fromisoformat(job.params["month"])
    try:
        result = services.bills_generate(
            actor=job.created_by,
            month=month,
            org=job.org,
            progress=lambda done, total: job_progress(job, done, total, "正在生成账单"),
        )
    except BusinessError as exc:
        job_finish(job, ok=False, message=exc.message)
        return
    job_finish(
        job,
        ok=True,
        message=(
            f"新生成 {result.created} 张，已有 {result.existing} 张，未核定党费 {result.without_fixing} 人"
        ),
        result={
            "created": result.created,
            "existing": result.existing,
            "without_fixing": result.without_fixing,
        },
    )


def propose_job_run(*, job_id: int) -> None:
    job = Job.objects.select_related("created_by", "org").get(pk=job_id)
    try:
        result = services.fixings_propose_year(
            actor=job.created_by,
            year=int(job.params["year"]),
            org=job.org,
            progress=lambda done, total: job_progress(job, done, total, "正在测算"),
        )
    except BusinessError as exc:
        job_finish(job, ok=False, message=exc.message)
        return
    job_finish(
        job,
        ok=True,
        message=(
            f"待确认 {result.proposed} 人，已核定 {result.already} 人，"
            f"未登记类别和工资项目 {result.no_profile} 人"
        ),
        result={"proposed": result.proposed, "already": result.already, "no_profile": result.no_profile},
    )


@db_task()  # type: ignore[untyped-decorator]
def generate_bills_task(job_id: int) -> None:
    bills_job_run(job_id=job_id)


@db_task()  # type: ignore[untyped-decorator]
def propose_year_task(job_id: int) -> None:
    propose_job_run(job_id=job_id)


@db_periodic_task(crontab(day="1", hour="1", minute="10"))  # type: ignore[untyped-decorator]
def monthly_bills() -> int:
    """On the 1st of every month: this month's bills for every member (idempotent)."""
    return services.bills_generate(actor=None, month=dt.date.today().replace(day=1)).created


@db_periodic_task(crontab(month="1", day="2", hour="1", minute="30"))  # type: ignore[untyped-decorator]
def yearly_proposal() -> int:
    """On 2 January: propose every member's amount for the year; the branches confirm."""
    return services.fixings_propose_year(actor=None, year=dt.date.today().year).proposed
