"""Helpers for background jobs: progress updates that other requests can see while the job runs."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from dangjian.core.models import Job, JobStatus


def job_create(
    *, kind: str, user: Any, title: str, org: Any = None, params: dict[str, Any] | None = None, total: int = 0
) -> Job:
    return Job.objects.create(
        kind=kind, created_by=user, title=title, org=org, params=params or {}, total=total
    )


def job_progress(job: Job, progress: int, total: int | None = None, message: str = "") -> None:
    """Record progress with a direct UPDATE (outside the job's own transaction when called from it)."""
    fields: dict[str, Any] = {"progress": progress, "status": JobStatus.RUNNING}
    if total is not None:
        fields["total"] = total
    if message:
        fields["message"] = message[:500]
    Job.objects.filter(pk=job.pk).update(**fields)
    for k, v in fields.items():
        setattr(job, k, v)


def job_finish(job: Job, *, ok: bool, message: str = "", result: dict[str, Any] | None = None) -> None:
    job.status = JobStatus.SUCCEEDED if ok else JobStatus.FAILED
    job.message = message[:500]
    if result is not None:
        job.result = result
    if ok:
        job.progress = job.total
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "result", "progress", "finished_at"])
