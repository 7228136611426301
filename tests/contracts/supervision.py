"""Scope contract of 党风廉政监督: see tests/contracts/__init__.py.

The objects: a warning of 第一党支部 (branch_a), a rectification task for it supervised by 一公司党委, a
responsibility item of branch_a, a scan run and a manual scan job started by the officer, and a study topic of
the committee in the 廉政教育专栏. secretary_a (supervision.view/rectify at branch_a) and the officer
(supervision.manage over the committee) see them; secretary_b gets 404; only the officer manages; members and
the outsider hold no supervision permission; the 三员 are refused. The rules are platform-wide configuration:
nobody in this tree manages every top-level organisation, so every rule change is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from tests.contracts import ADMINS, NOT_ADMINS, ORG_WORKERS, Write, api, html

A = ("secretary_a", "officer")
OFFICER = ("officer",)


def _warning(w: SimpleNamespace) -> Any:
    from django.utils import timezone

    from dangjian.supervision.models import Warning, WarningRule

    rule, _ = WarningRule.objects.get_or_create(
        code="orgs.election",
        defaults={
            "app": "orgs",
            "title": "党组织换届到期或逾期",
            "source": "任期意见",
            "subject": "org",
            "severity": "warning",
        },
    )
    now = timezone.now()
    item, _ = Warning.objects.get_or_create(
        rule=rule,
        key=f"org:{w.branch_a.pk}:contract",
        status="open",
        defaults={
            "org": w.branch_a,
            "severity": "warning",
            "message": "合同测试预警",
            "first_seen_at": now,
            "last_seen_at": now,
        },
    )
    return item


def _task(w: SimpleNamespace) -> Any:
    from dangjian.supervision.models import Rectification

    item = Rectification.objects.filter(org=w.branch_a).first()
    return item or Rectification.objects.create(
        title="合同测试整改",
        description="问题",
        source_kind="inspection",
        org=w.branch_a,
        supervisor=w.committee,
        deadline=dt.date.today() + dt.timedelta(days=30),
        evidence_required="记录",
    )


def _submitted(w: SimpleNamespace) -> Any:
    task = _task(w)
    task.status = "submitted"
    task.save(update_fields=["status"])
    return task


def _duty(w: SimpleNamespace) -> Any:
    from dangjian.supervision.models import ResponsibilityItem

    item = ResponsibilityItem.objects.filter(org=w.branch_a).first()
    return item or ResponsibilityItem.objects.create(
        org=w.branch_a,
        duty="primary",
        year=dt.date.today().year,
        title="合同测试责任事项",
        holder_title="支部书记",
        period="quarter",
    )


def _run(w: SimpleNamespace) -> Any:
    from django.utils import timezone

    from dangjian.supervision.models import ScanRun

    return ScanRun.objects.first() or ScanRun.objects.create(started_at=timezone.now(), trigger="schedule")


def _job(w: SimpleNamespace) -> Any:
    from dangjian.core.models import Job

    return Job.objects.filter(kind="supervision.scan").first() or Job.objects.create(
        kind="supervision.scan", created_by=w.officer, title="预警扫描", status="succeeded"
    )


def _entry(w: SimpleNamespace) -> Any:
    from dangjian.study.models import Topic
    from dangjian.supervision.models import IntegrityTopic

    topic, _ = Topic.objects.get_or_create(
        org=w.committee, title="合同测试廉政专题", defaults={"status": "published"}
    )
    entry, _ = IntegrityTopic.objects.get_or_create(topic=topic, defaults={"kind": "case"})
    return entry


def _pk(f: Callable[[SimpleNamespace], Any]) -> Callable[[SimpleNamespace], dict[str, Any]]:
    return lambda w: {"pk": f(w).pk}


def _rule_code(w: SimpleNamespace) -> dict[str, Any]:
    return {"code": "orgs.election"}


EXPECTED: dict[str, dict[str, Any]] = {
    "supervision:board": html(ORG_WORKERS),
    "supervision:board_export": html(ORG_WORKERS),
    "supervision:warning_list": html(ORG_WORKERS),
    "supervision:warning_detail": html(A, secretary_b=404),
    "supervision:warning_task": html(OFFICER, ok=405),
    "supervision:scan_start": html(OFFICER, ok=405),
    "supervision:scan_job": html(OFFICER),
    "supervision:rule_list": html(ORG_WORKERS),
    "supervision:rule_edit": html(()),  # only who manages every top-level organisation
    "supervision:task_list": html(ORG_WORKERS),
    "supervision:task_create": html(OFFICER),
    "supervision:task_detail": html(A, secretary_b=404),
    "supervision:task_report": html(ORG_WORKERS, ok=405),
    "supervision:task_check": html(OFFICER, ok=405),
    "supervision:duty_list": html(ORG_WORKERS),
    "supervision:duty_create": html(OFFICER),
    "supervision:duty_detail": html(A, secretary_b=404),
    "supervision:duty_end": html(OFFICER, ok=405),
    "supervision:integrity": html(NOT_ADMINS),
    "supervision:integrity_add": html(OFFICER, ok=405),
    "supervision:integrity_remove": html(OFFICER, ok=405),
    "supervision-rule-list": api(ORG_WORKERS),
    "supervision-rule-detail": api(ORG_WORKERS),
    "supervision-warning-list": api(ORG_WORKERS),
    "supervision-warning-detail": api(A, secretary_b=404),
    "supervision-warning-task": api(ORG_WORKERS, ok=405),
    "supervision-scan-list": api(ORG_WORKERS),
    # A run covers every organisation it scanned: only those who keep the rules for the whole tree (none of
    # the personas) or who started it read it.
    "supervision-scan-detail": api((), **dict.fromkeys(ORG_WORKERS, 404)),
    "supervision-scan-job": api(OFFICER, secretary_a=404, secretary_b=404),
    "supervision-task-list": api(ORG_WORKERS),
    "supervision-task-detail": api(A, secretary_b=404),
    "supervision-task-report": api(ORG_WORKERS, ok=405),
    "supervision-task-check": api(ORG_WORKERS, ok=405),
    "supervision-duty-list": api(ORG_WORKERS),
    "supervision-duty-detail": api(A, secretary_b=404),
    "supervision-duty-record": api(ORG_WORKERS, ok=405),
    "supervision-duty-end": api(ORG_WORKERS, ok=405),
    "supervision-board": api(ORG_WORKERS),
    "supervision-integrity": api(NOT_ADMINS, **dict.fromkeys(ADMINS, 403)),
}

KWARGS: dict[str, Callable[[SimpleNamespace], dict[str, Any]]] = {
    "supervision:warning_detail": _pk(_warning),
    "supervision:warning_task": _pk(_warning),
    "supervision:scan_job": _pk(_job),
    "supervision:rule_edit": _rule_code,
    "supervision:task_detail": _pk(_task),
    "supervision:task_report": _pk(_task),
    "supervision:task_check": _pk(_submitted),
    "supervision:duty_detail": _pk(_duty),
    "supervision:duty_end": _pk(_duty),
    "supervision:integrity_remove": _pk(_entry),
    "supervision-rule-detail": _rule_code,
    "supervision-warning-detail": _pk(_warning),
    "supervision-warning-task": _pk(_warning),
    "supervision-scan-detail": _pk(_run),
    "supervision-scan-job": _pk(_job),
    "supervision-task-detail": _pk(_task),
    "supervision-task-report": _pk(_task),
    "supervision-task-check": _pk(_submitted),
    "supervision-duty-detail": _pk(_duty),
    "supervision-duty-record": _pk(_duty),
    "supervision-duty-end": _pk(_duty),
}


def _deadline() -> str:
    return (dt.date.today() + dt.timedelta(days=10)).isoformat()


def _quarter() -> str:
    today = dt.date.today()
    return dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1).isoformat()


def _topic(w: SimpleNamespace) -> dict[str, Any]:
    return {"topic": 999_999, "kind": "education"}  # building the payload must not create objects


WRITES: dict[str, Write] = {
    "supervision:warning_task": Write(
        "post", OFFICER, lambda w: {"deadline": _deadline(), "evidence_required": "记录"}
    ),
    "supervision:scan_start": Write("post", OFFICER, lambda w: {}),
    "supervision:rule_edit": Write("post", (), lambda w: {"enabled": "on", "severity": "notice"}),
    "supervision:task_create": Write(
        "post",
        OFFICER,
        lambda w: {
            "org": w.branch_a.pk,
            "source_kind": "inspection",
            "title": "整改",
            "description": "问题",
            "deadline": _deadline(),
            "evidence_required": "记录",
        },
    ),
    "supervision:task_report": Write("post", A, lambda w: {"note": "进展"}),
    "supervision:task_check": Write("post", OFFICER, lambda w: {"decision": "return", "note": "重改"}),
    "supervision:duty_create": Write(
        "post",
        OFFICER,
        lambda w: {
            "org": w.branch_a.pk,
            "duty": "primary",
            "year": dt.date.today().year,
            "title": "事项",
            "holder_title": "支部书记",
            "period": "quarter",
        },
    ),
    "supervision:duty_detail": Write(
        "post",
        A,
        lambda w: {"period_start": _quarter(), "done_on": dt.date.today().isoformat(), "note": "已履责"},
    ),
    "supervision:duty_end": Write("post", OFFICER, lambda w: {}),
    "supervision:integrity_add": Write("post", OFFICER, _topic),
    "supervision:integrity_remove": Write("post", OFFICER, lambda w: {}),
    "supervision-rule-detail": Write("patch", (), lambda w: {"enabled": False, "severity": "notice"}),
    "supervision-warning-task": Write(
        "post", OFFICER, lambda w: {"deadline": _deadline(), "evidence_required": "记录"}
    ),
    "supervision-scan-list": Write("post", OFFICER, lambda w: {}),
    "supervision-task-list": Write(
        "post",
        OFFICER,
        lambda w: {
            "org": w.branch_a.pk,
            "source_kind": "inspection",
            "title": "整改",
            "description": "问题",
            "deadline": _deadline(),
            "evidence_required": "记录",
        },
    ),
    "supervision-task-report": Write("post", A, lambda w: {"note": "进展"}),
    "supervision-task-check": Write("post", OFFICER, lambda w: {"accept": False, "note": "重改"}),
    "supervision-duty-list": Write(
        "post",
        OFFICER,
        lambda w: {
            "org": w.branch_a.pk,
            "duty": "primary",
            "year": dt.date.today().year,
            "title": "事项",
            "holder_title": "支部书记",
            "period": "quarter",
        },
    ),
    "supervision-duty-record": Write(
        "post",
        A,
        lambda w: {"period_start": _quarter(), "done_on": dt.date.today().isoformat(), "note": "已履责"},
    ),
    "supervision-duty-end": Write("post", OFFICER, lambda w: {}),
}
