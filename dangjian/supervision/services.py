"""Writes of 党风廉政监督: rule configuration, the warning scan, responsibility lists, rectification tasks,
the integrity column. Every business write checks scope, raises ``BusinessError`` and is audited in the same
transaction (docs/architecture.md §4).
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone

from dangjian.access import scope
from dangjian.audit import services as audit
from dangjian.core import uploads
from dangjian.core.errors import BusinessError
from dangjian.core.jobs import job_create, job_finish, job_progress
from dangjian.core.models import Job
from dangjian.members.models import Member
from dangjian.orgs.models import Org, Position, PositionTitle
from dangjian.supervision import registry, rules
from dangjian.supervision.models import (
    OPEN_RECT,
    DutyKind,
    IntegrityKind,
    IntegrityTopic,
    Period,
    Rectification,
    RectificationStep,
    RectStatus,
    ResponsibilityItem,
    ResponsibilityRecord,
    ScanRun,
    Severity,
    SourceKind,
    StepKind,
    Warning,
    WarningRule,
    WarningStatus,
)
from dangjian.supervision.selectors import open_task_of_source, source_org_choices

EVIDENCE_PURPOSE = "supervision.evidence"
SCAN_JOB_KIND = "supervision.scan"
BATCH = 2000


def escalate_every_days() -> int:
    """[C] Days between two escalations of a task that stays overdue (``SUPERVISION_ESCALATE_DAYS``, 7)."""
    return max(int(getattr(settings, "SUPERVISION_ESCALATE_DAYS", 7)), 1)


def _require(actor: Any, permission: str, org: Org, message: str = "无权对该组织进行此操作") -> None:
    if not scope.org_in_scope(actor, permission, org):
        raise BusinessError("supervision.out_of_scope", message)


def manages_rules(actor: Any) -> bool:
    """Rules are platform-wide: only who holds supervision.manage over every top-level organisation."""
    s = scope.scope_for(actor, "supervision.manage")
    if s.everywhere:
        return True
    roots = Org.objects.filter(depth=1, is_active=True).values_list("path", flat=True)
    return bool(s.subtrees) and all(any(p.startswith(t) for t in s.subtrees) for p in roots)


def _clean(text: str, field: str, limit: int, *, required: bool = True) -> str:
    value = (text or "").strip()
    if required and not value:
        raise BusinessError("supervision.required", f"请填写{field}")
    if len(value) > limit:
        raise BusinessError("supervision.too_long", f"{field}不能超过 {limit} 字")
    return value


# --------------------------------------------------------------------------------------------------------
# Rules (configuration)


def rules_sync() -> dict[str, WarningRule]:
    """Create a stored rule for each declared rule (with its defaults), refresh the stored title, source and
    subject from the code, and mark rules no longer declared. Configuration kept by users is not touched."""
    declared = registry.all_rules()
    stored = {r.code: r for r in WarningRule.objects.all()}
    for code, spec in declared.items():
        row = stored.get(code)
        if row is None:
            stored[code] = WarningRule.objects.create(
                code=code,
                app=spec.app,
                title=spec.title,
                source=spec.source,
                subject=spec.subject,
                severity=spec.severity,
                params=dict(spec.params),
            )
            continue
        fresh: dict[str, Any] = {"app": spec.app, "title": spec.title, "source": spec.source}
        fresh |= {"subject": spec.subject, "declared": True}
        if any(getattr(row, k) != v for k, v in fresh.items()):
            for k, v in fresh.items():
                setattr(row, k, v)
            row.save(update_fields=[*fresh, "updated_at"])
    gone = [code for code in stored if code not in declared and stored[code].declared]
    if gone:
        WarningRule.objects.filter(code__in=gone).update(declared=False)
    return stored


def params_of(row: WarningRule) -> dict[str, Any]:
    """The rule's default thresholds overridden by the stored ones (only keys the code knows)."""
    spec = registry.all_rules().get(row.code)
    defaults = dict(spec.params) if spec else {}
    return defaults | {k: v for k, v in (row.params or {}).items() if k in defaults}


@transaction.atomic
def rule_update(
    *, actor: Any, rule: WarningRule, enabled: bool, severity: str, params: dict[str, Any]
) -> WarningRule:
    """Switch a rule on or off, set its severity and thresholds. Thresholds must be non-negative numbers of
    the keys the rule declares. Audit: supervision.rule.update."""
    if not manages_rules(actor):
        raise BusinessError(
            "supervision.rules_forbidden", "预警规则为全平台配置，仅上级党委纪检/组织部门可修改"
        )
    if rule.pk is None:  # not stored yet (no scan has run): store every declared rule first
        rule = rules_sync()[rule.code]
    if severity not in Severity.values:
        raise BusinessError("supervision.bad_severity", "未知的预警等级")
    spec = registry.all_rules().get(rule.code)
    if spec is None:
        raise BusinessError("supervision.rule_undeclared", "该规则已不在系统中，不能修改")
    clean: dict[str, Any] = {}
    for key, value in params.items():
        if key not in spec.params:
            raise BusinessError("supervision.bad_param", f"规则没有参数“{key}”")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise BusinessError(
                "supervision.bad_param", f"“{spec.param_labels.get(key, key)}”应为数字"
            ) from None
        if number < 0 or number > 100_000:
            raise BusinessError("supervision.bad_param", f"“{spec.param_labels.get(key, key)}”超出范围")
        clean[key] = int(number) if number == int(number) else number
    before = {"enabled": rule.enabled, "severity": rule.severity, "params": rule.params}
    rule.enabled, rule.severity, rule.params, rule.updated_by = enabled, severity, clean, actor
    rule.save(update_fields=["enabled", "severity", "params", "updated_by", "updated_at"])
    after = {"enabled": enabled, "severity": severity, "params": clean}
    audit.record(
        actor=actor,
        action="supervision.rule.update",
        target=rule,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )
    return rule


# --------------------------------------------------------------------------------------------------------
# The scan

Progress = Callable[[int, int, str], None]


def _secretaries() -> dict[int, int]:
    """The account of each organisation's current 书记 (the default owner of its warnings), one query."""
    rows = (
        Position.objects.filter(
            title=PositionTitle.SECRETARY, ended_on__isnull=True, member__user__isnull=False
        )
        .order_by("org_id", "-started_on")
        .values_list("org_id", "member__user_id")
    )
    out: dict[int, int] = {}
    for org_id, user_id in rows:
        out.setdefault(org_id, user_id)
    return out


def _scan_rule(
    row: WarningRule,
    spec: registry.Rule,
    *,
    today: dt.date,
    now: dt.datetime,
    org_ids: frozenset[int] | None,
    owners: Callable[[], dict[int, int]],
) -> dict[str, Any]:
    """Run one rule and reconcile its open warnings with what it found: insert the new causes (bulk), update
    the changed ones (bulk), close the ones no longer found (one UPDATE), touch the rest (one UPDATE)."""
    started = time.perf_counter()
    ctx = registry.Context(today=today, params=params_of(row), org_ids=org_ids)
    found: dict[str, registry.Finding] = {}
    for finding in spec.check(ctx):
        found[finding.key] = finding
    checked = time.perf_counter()
    open_qs = Warning.objects.filter(rule=row, status=WarningStatus.OPEN)
    if org_ids is not None:
        open_qs = open_qs.filter(org_id__in=org_ids)
    current = {
        key: (pk, org_id, member_id, severity, message, missing, due, link)
        for pk, key, org_id, member_id, severity, message, missing, due, link in open_qs.values_list(
            "pk", "key", "org_id", "member_id", "severity", "message", "missing", "due", "link"
        )
    }
    new: list[Warning] = []
    changed: list[Warning] = []
    for key, f in found.items():
        severity = f.severity or row.severity
        values = (f.org_id, f.member_id, severity, f.message[:500], f.missing, f.due, f.link[:300])
        have = current.get(key)
        if have is None:
            new.append(
                Warning(
                    rule=row,
                    key=key[:120],
                    org_id=f.org_id,
                    member_id=f.member_id,
                    severity=severity,
                    message=values[3],
                    missing=f.missing,
                    due=f.due,
                    link=values[6],
                    owner_id=owners().get(f.org_id),
                    first_seen_at=now,
                    last_seen_at=now,
                )
            )
        elif have[1:] != values:
            changed.append(
                Warning(
                    pk=have[0],
                    org_id=f.org_id,
                    member_id=f.member_id,
                    severity=severity,
                    message=values[3],
                    missing=f.missing,
                    due=f.due,
                    link=values[6],
                    last_seen_at=now,
                )
            )
    gone = [v[0] for k, v in current.items() if k not in found]
    for i in range(0, len(new), BATCH):
        Warning.objects.bulk_create(new[i : i + BATCH], ignore_conflicts=True)
    if changed:
        _update_changed(changed, now)
    for i in range(0, len(gone), BATCH):
        Warning.objects.filter(pk__in=gone[i : i + BATCH]).update(
            status=WarningStatus.CLOSED, closed_at=now, closed_reason="resolved"
        )
    open_qs.filter(last_seen_at__lt=now).update(last_seen_at=now)
    return {
        "found": len(found),
        "missing": sum(1 for f in found.values() if f.missing),
        "opened": len(new),
        "refreshed": len(found) - len(new),
        "closed": len(gone),
        "check_s": round(checked - started, 3),
        "total_s": round(time.perf_counter() - started, 3),
    }


_CHANGED = ("org_id", "member_id", "severity", "message", "missing", "due", "link", "last_seen_at")


def _update_changed(changed: list[Warning], now: dt.datetime) -> None:
    """Write the warnings whose cause reads differently now: one prepared UPDATE by primary key, executed for
    all of them (``executemany``). ``bulk_update`` writes a CASE per field over each batch, whose cost per row
    grows with the batch (minutes for tens of thousands of rows)."""
    conn = connections[router.db_for_write(Warning)]
    ops, q = conn.ops, conn.ops.quote_name
    sets = ", ".join(f"{q(c)} = %s" for c in _CHANGED)
    sql = f"UPDATE {q(Warning._meta.db_table)} SET {sets} WHERE {q('id')} = %s"  # noqa: S608 - quoted model identifiers only; values are parameters
    seen = ops.adapt_datetimefield_value(now)
    params = [
        (
            w.org_id,
            w.member_id,
            w.severity,
            w.message,
            w.missing,
            ops.adapt_datefield_value(w.due),
            w.link,
            seen,
            w.pk,
        )
        for w in changed
    ]
    with conn.cursor() as cursor:
        for i in range(0, len(params), BATCH):
            cursor.executemany(sql, params[i : i + BATCH])


def scan_run(
    *,
    actor: Any = None,
    trigger: str = "schedule",
    today: dt.date | None = None,
    org_ids: frozenset[int] | None = None,
    progress: Progress | None = None,
) -> ScanRun:
    """Run every enabled rule over ``org_ids`` (``None``: every organisation) and keep the warnings: one open
    warning per (rule, key), refreshed while found, closed by itself when its cause is gone. A rule that fails
    is recorded as failed and its warnings are left as they were (a failure never closes a warning); a rule
    switched off has its open warnings closed (reason ``disabled``). Audit: supervision.scan.run."""
    today = today or timezone.localdate()
    now = timezone.now()
    stored = rules_sync()
    declared = registry.all_rules()
    run = ScanRun.objects.create(started_at=now, trigger=trigger, started_by=actor)
    cache: dict[str, dict[int, int]] = {}

    def owners() -> dict[int, int]:
        if "o" not in cache:
            cache["o"] = _secretaries()
        return cache["o"]

    details: dict[str, Any] = {}
    codes = [c for c in declared if c in stored]
    for n, code in enumerate(codes):
        row = stored[code]
        if progress:
            progress(n, len(codes), f"正在检查：{row.title}")
        if not row.enabled:
            qs = Warning.objects.filter(rule=row, status=WarningStatus.OPEN)
            if org_ids is not None:
                qs = qs.filter(org_id__in=org_ids)
            closed = qs.update(status=WarningStatus.CLOSED, closed_at=now, closed_reason="disabled")
            details[code] = {"disabled": True, "closed": closed}
            run.closed += closed
            continue
        try:
            with transaction.atomic():
                result = _scan_rule(row, declared[code], today=today, now=now, org_ids=org_ids, owners=owners)
        except Exception as exc:  # a rule's bug must not stop the others nor close its warnings
            details[code] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
            continue
        details[code] = result
        run.opened += result["opened"]
        run.refreshed += result["refreshed"]
        run.closed += result["closed"]
    run.details = details
    run.finished_at = timezone.now()
    run.save(update_fields=["details", "finished_at", "opened", "refreshed", "closed"])
    audit.record(
        actor=actor,
        action="supervision.scan.run",
        target=run,
        changes={
            "trigger": trigger,
            "opened": run.opened,
            "refreshed": run.refreshed,
            "closed": run.closed,
            "failed": [c for c, d in details.items() if "error" in d],
        },
    )
    if progress:
        progress(len(codes), len(codes), "扫描完成")
    return run


def scan_scope(actor: Any) -> frozenset[int] | None:
    """The organisations a manual scan by ``actor`` covers: all (``None``) for whoever manages every
    top-level organisation, else the organisations in their supervision.manage scope."""
    if manages_rules(actor):
        return None
    s = scope.scope_for(actor, "supervision.manage")
    return frozenset(
        scope.restrict(Org.objects.all(), actor, "supervision.manage").values_list("pk", flat=True)
    ) | (frozenset(s.nodes))


def scan_request(*, actor: Any) -> Job:
    """“立即扫描”: queue a scan of the actor's scope as a background Job with a progress bar.
    Needs supervision.manage. Audit: supervision.scan.request."""
    if not scope.has_permission(actor, "supervision.manage"):
        raise BusinessError("supervision.out_of_scope", "无权发起预警扫描")
    with transaction.atomic():
        job = job_create(kind=SCAN_JOB_KIND, user=actor, title="预警扫描", total=len(registry.all_rules()))
        Job.objects.filter(pk=job.pk).update(message="排队中，等待后台处理")
        audit.record(actor=actor, action="supervision.scan.request", target=job)
        job_id = job.pk

        def enqueue() -> None:
            from dangjian.supervision.tasks import scan_task

            scan_task(job_id)

        transaction.on_commit(enqueue)
    return job


def scan_job_run(*, job_id: int) -> Job:
    """Run a queued manual scan with progress on its Job."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:
        return job
    actor = job.created_by
    try:
        run = scan_run(
            actor=actor,
            trigger="manual",
            org_ids=scan_scope(actor),
            progress=lambda done, total, msg: job_progress(job, done, total, msg),
        )
    except Exception as exc:
        job_finish(job, ok=False, message=f"扫描失败：{type(exc).__name__}")
        raise
    failed = [c for c, d in run.details.items() if "error" in d]
    message = f"新增 {run.opened} 条，仍存在 {run.refreshed} 条，已消除 {run.closed} 条"
    if failed:
        message += f"；{len(failed)} 条规则运行出错"
    job_finish(job, ok=not failed, message=message, result={"run": run.pk, "failed": failed})
    return job


# --------------------------------------------------------------------------------------------------------
# 监督责任清单


def _member_in(member: Member | None, org: Org) -> None:
    if member is not None and not member.org.path.startswith(org.path):
        raise BusinessError("supervision.holder_outside", "责任人应为本组织或下级组织的党员")


@transaction.atomic
def responsibility_create(
    *,
    actor: Any,
    org: Org,
    duty: str,
    year: int,
    title: str,
    holder_title: str,
    period: str,
    description: str = "",
    holder: Member | None = None,
    evidence_required: str = "",
) -> ResponsibilityItem:
    """Add an item to an organisation's 监督责任清单 (主体责任规定 第十一条). Needs supervision.manage over
    the organisation. Audit: supervision.responsibility.create."""
    _require(actor, "supervision.manage", org)
    if duty not in DutyKind.values:
        raise BusinessError("supervision.bad_duty", "未知的责任类别")
    if period not in Period.values:
        raise BusinessError("supervision.bad_period", "未知的履责周期")
    if not 2000 <= int(year) <= 2100:
        raise BusinessError("supervision.bad_year", "年度不正确")
    _member_in(holder, org)
    item = ResponsibilityItem.objects.create(
        org=org,
        duty=duty,
        year=year,
        title=_clean(title, "责任事项", 150),
        description=_clean(description, "具体要求", 2000, required=False),
        holder_title=_clean(holder_title, "责任岗位", 50),
        holder=holder,
        period=period,
        evidence_required=_clean(evidence_required, "佐证要求", 200, required=False),
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="supervision.responsibility.create",
        target=item,
        org_path=org.path,
        changes={"duty": duty, "year": year, "title": item.title, "period": period},
    )
    return item


@transaction.atomic
def responsibility_end(*, actor: Any, item: ResponsibilityItem) -> ResponsibilityItem:
    """Take an item off the list (kept with its records). Audit: supervision.responsibility.end."""
    _require(actor, "supervision.manage", item.org)
    if not item.is_active:
        raise BusinessError("supervision.already_ended", "该责任事项已停用")
    item.is_active = False
    item.save(update_fields=["is_active", "updated_at"])
    audit.record(
        actor=actor,
        action="supervision.responsibility.end",
        target=item,
        org_path=item.org.path,
        changes={"is_active": [True, False]},
    )
    return item


def may_record(actor: Any, item: ResponsibilityItem) -> bool:
    """The holder records their own performance; so do the organisation's managers and rectifiers."""
    if item.holder is not None and item.holder.user_id is not None and item.holder.user_id == actor.pk:
        return True
    return scope.org_in_scope(actor, "supervision.manage", item.org) or scope.org_in_scope(
        actor, "supervision.rectify", item.org
    )


@transaction.atomic
def responsibility_record(
    *,
    actor: Any,
    item: ResponsibilityItem,
    period_start: dt.date,
    done_on: dt.date,
    note: str,
    upload: Any = None,
) -> ResponsibilityRecord:
    """Record the performance of an item for one period with evidence (upload pipeline, purpose
    ``supervision.evidence``). One record per period; not for a period that has not started nor after the
    fact date is in the future. Audit: supervision.responsibility.record."""
    if not may_record(actor, item):
        raise BusinessError("supervision.out_of_scope", "只有责任人或本组织的监督工作人员可以记录履责情况")
    if not item.is_active:
        raise BusinessError("supervision.already_ended", "该责任事项已停用")
    today = timezone.localdate()
    periods = {p.start: p for p in rules.periods_of(item.period, item.year)}
    period = periods.get(period_start)
    if period is None:
        raise BusinessError("supervision.bad_period", "履责周期不正确")
    if period.start > today:
        raise BusinessError("supervision.future_period", "该周期尚未开始")
    if done_on > today:
        raise BusinessError("supervision.future_date", "履责日期不能晚于今天")
    if item.records.filter(period_start=period.start).exists():
        raise BusinessError("supervision.already_recorded", "该周期已记录履责情况")
    if upload is None and item.evidence_required:
        raise BusinessError("supervision.evidence_required", f"请上传佐证材料：{item.evidence_required}")
    stored = (
        uploads.file_store(actor=actor, purpose=EVIDENCE_PURPOSE, upload=upload, org=item.org)
        if upload
        else None
    )
    record = ResponsibilityRecord.objects.create(
        item=item,
        period_start=period.start,
        period_end=period.end,
        done_on=done_on,
        note=_clean(note, "履责情况", 2000),
        file=stored,
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        action="supervision.responsibility.record",
        target=record,
        org_path=item.org.path,
        changes={"item": item.pk, "period_start": period.start.isoformat(), "file": bool(stored)},
    )
    return record


# --------------------------------------------------------------------------------------------------------
# 督办整改


_ALREADY: dict[str, str] = {
    SourceKind.LETTER: "该来信已转为督办整改任务，尚未销号，不能重复转办",
    SourceKind.SNAPSHOT: "该随手拍已转为督办整改任务，尚未销号，不能重复转办",
}


def _already(source_kind: str) -> str:
    return _ALREADY.get(source_kind, "该问题已转为督办整改任务，尚未销号，不能重复转办")


def supervisor_for(actor: Any, org: Org) -> Org | None:
    """The level that supervises a task for ``org`` given by ``actor``: the nearest organisation above
    ``org`` where the actor holds supervision.manage, or ``org`` itself if the actor manages only there."""
    steplen = Org.steplen
    paths = [org.path[:i] for i in range(steplen, len(org.path), steplen)]
    above: dict[str, Org] = {o.path: o for o in Org.objects.filter(path__in=paths)}
    for path in reversed(paths):
        o = above.get(path)
        if o is not None and scope.org_in_scope(actor, "supervision.manage", o):
            return o
    return org if scope.org_in_scope(actor, "supervision.manage", org) else None


def _step(task: Rectification, kind: str, actor: Any, note: str = "", file: Any = None) -> RectificationStep:
    return RectificationStep.objects.create(task=task, kind=kind, actor=actor, note=note, file=file)


@transaction.atomic
def rectification_create(
    *,
    actor: Any,
    org: Org,
    title: str,
    description: str,
    deadline: dt.date,
    evidence_required: str,
    source_kind: str,
    source_ref: str = "",
    responsible: Any = None,
    warning: Warning | None = None,
    source_id: uuid.UUID | None = None,
) -> Rectification:
    """Assign a 督办整改 task to ``org`` (党内监督条例 第二十六条): the actor's nearest managing level above
    it supervises. Needs supervision.manage over the organisation. A warning, a letter or a case
    (``source_id``) can have one open task. Audit: supervision.rectification.create."""
    supervisor = supervisor_for(actor, org)
    if supervisor is None:
        raise BusinessError("supervision.out_of_scope", "无权向该组织交办整改任务")
    if source_kind not in SourceKind.values:
        raise BusinessError("supervision.bad_source", "未知的问题来源")
    if deadline < timezone.localdate():
        raise BusinessError("supervision.past_deadline", "整改期限不能早于今天")
    if responsible is not None and not scope.org_in_scope(responsible, "supervision.rectify", org):
        raise BusinessError("supervision.responsible_outside", "责任人须在该组织有整改权限（如支部书记）")
    if warning is not None:
        if source_kind != SourceKind.WARNING or warning.org_id != org.pk:
            raise BusinessError("supervision.bad_source", "来源预警与责任组织不一致")
        if Rectification.objects.filter(warning=warning, status__in=OPEN_RECT).exists():
            raise BusinessError("supervision.already_tasked", "该预警已转为督办任务")
    if source_id is not None and open_task_of_source(source_kind, source_id) is not None:
        raise BusinessError("supervision.already_tasked", _already(source_kind))
    fields = dict(
        title=_clean(title, "整改事项", 150),
        description=_clean(description, "问题描述", 4000),
        source_kind=source_kind,
        source_ref=_clean(source_ref, "来源编号", 80, required=False),
        source_id=source_id,
        warning=warning,
        org=org,
        responsible=responsible,
        supervisor=supervisor,
        deadline=deadline,
        evidence_required=_clean(evidence_required, "佐证要求", 300),
        created_by=actor,
    )
    try:
        with transaction.atomic():  # a concurrent second attempt meets the one-open-task constraint
            task = Rectification.objects.create(**fields)
    except IntegrityError:
        raise BusinessError("supervision.already_tasked", _already(source_kind)) from None
    _step(task, StepKind.CREATE, actor, f"交办：{task.title}，期限 {deadline:%Y-%m-%d}")
    audit.record(
        actor=actor,
        action="supervision.rectification.create",
        target=task,
        org_path=org.path,
        changes={
            "source": source_kind,
            "source_ref": task.source_ref,
            "warning": warning.pk if warning else None,
            "source_id": str(source_id) if source_id else None,
            "supervisor": supervisor.pk,
            "deadline": deadline.isoformat(),
        },
    )
    return task


def warning_to_task(
    *,
    actor: Any,
    warning: Warning,
    deadline: dt.date,
    evidence_required: str,
    description: str = "",
    responsible: Any = None,
) -> Rectification:
    """Turn a warning into a rectification task for its organisation (the warning's owner is responsible by
    default, if they may rectify there)."""
    if warning.status != WarningStatus.OPEN:
        raise BusinessError("supervision.warning_closed", "该预警已消除，无需整改")
    owner = warning.owner
    if (
        responsible is None
        and owner is not None
        and scope.org_in_scope(owner, "supervision.rectify", warning.org)
    ):
        responsible = owner
    return rectification_create(
        actor=actor,
        org=warning.org,
        title=warning.rule.title,
        description=description or warning.message,
        deadline=deadline,
        evidence_required=evidence_required,
        source_kind=SourceKind.WARNING,
        source_ref=f"预警#{warning.pk}",
        responsible=responsible,
        warning=warning,
    )


FROM_SOURCE = (SourceKind.LETTER, SourceKind.SNAPSHOT)
DEFAULT_EVIDENCE = "整改情况说明及相关记录照片或文件"


def may_task_source(actor: Any, source_org: Org) -> bool:
    """Whether a handler of a letter or case of ``source_org`` may turn it into a task: they hold
    supervision.manage over that organisation or one below it (the handling itself is the mailbox's check)."""
    return bool(source_org_choices(actor, source_org))


@transaction.atomic
def rectification_from_source(
    *,
    actor: Any,
    source_type: str,
    source_id: Any,
    org: Org,
    deadline: dt.date,
    evidence_required: str = DEFAULT_EVIDENCE,
    title: str = "",
    description: str = "",
) -> Rectification:
    """转督办整改: a handler of a letter (书记信箱) or a 随手拍 case turns it into a task for ``org`` (the
    addressed organisation or one below it, in the actor's supervision.manage scope), the text taken from the
    source unless given. The task keeps the source's kind, number and id, never anything about the writer.
    One open task per source. Audit: supervision.rectification.create (with the source)."""
    from dangjian.mailbox.selectors import rectification_source

    if source_type not in FROM_SOURCE:
        raise BusinessError("supervision.bad_source", "未知的问题来源")
    try:
        key = uuid.UUID(str(source_id))
    except ValueError:
        raise BusinessError("supervision.source_not_found", "来信或随手拍不存在") from None
    source = rectification_source(user=actor, source_type=source_type, source_id=key)
    if source is None:
        raise BusinessError("supervision.source_not_found", "来信或随手拍不存在，或您不是其办理人")
    if source.refused:
        raise BusinessError("supervision.source_closed", source.refused)
    if not org.path.startswith(source.org.path) or org.kind == "group":
        raise BusinessError("supervision.out_of_scope", "责任组织须为来信（随手拍）所涉组织或其下级党组织")
    if org.pk not in {o.pk for o in source_org_choices(actor, source.org)}:
        raise BusinessError("supervision.out_of_scope", "无权向该组织交办整改任务")
    responsible = source.responsible
    if responsible is not None and (
        org.pk != source.org.pk or not scope.org_in_scope(responsible, "supervision.rectify", org)
    ):
        responsible = None  # the assignee answers for the task only where they may rectify
    return rectification_create(
        actor=actor,
        org=org,
        title=title or source.title[:150],
        description=description or source.description[:4000],
        deadline=deadline,
        evidence_required=evidence_required,
        source_kind=source_type,
        source_ref=key.hex[:8].upper(),
        responsible=responsible,
        source_id=key,
    )


def may_rectify(actor: Any, task: Rectification) -> bool:
    return scope.org_in_scope(actor, "supervision.rectify", task.org) or (
        task.responsible_id is not None and task.responsible_id == actor.pk
    )


def may_check(actor: Any, task: Rectification) -> bool:
    """The supervising level checks (and the level a task was escalated to); never the responsible party
    alone (a manager of the task's own organisation that is not its supervisor cannot accept its own)."""
    for org in (task.supervisor, task.escalated_to):
        if org is not None and scope.org_in_scope(actor, "supervision.manage", org):
            return True
    return False


@transaction.atomic
def rectification_report(
    *, actor: Any, task: Rectification, note: str, upload: Any = None, submit: bool = False
) -> Rectification:
    """The responsible party reports progress (报告进展) or submits for acceptance (提交验收) with evidence
    (upload pipeline, purpose ``supervision.evidence``). Submitting needs evidence (a file now or earlier).
    Audit: supervision.rectification.progress / .submit."""
    if not may_rectify(actor, task):
        raise BusinessError("supervision.out_of_scope", "只有责任组织可以报告整改情况")
    kind = StepKind.SUBMIT if submit else StepKind.PROGRESS
    status = rules.next_status(kind, task.status)
    if status is None:
        raise BusinessError(
            "supervision.bad_state", f"任务当前为“{task.get_status_display()}”，不能{kind.label}"
        )
    note = _clean(note, "整改情况", 4000)
    stored = (
        uploads.file_store(actor=actor, purpose=EVIDENCE_PURPOSE, upload=upload, org=task.org)
        if upload
        else None
    )
    if submit and stored is None and not task.steps.filter(file__isnull=False).exists():
        raise BusinessError(
            "supervision.evidence_required", f"提交验收须上传佐证材料：{task.evidence_required}"
        )
    before = task.status
    task.status = status
    task.save(update_fields=["status", "updated_at"])
    _step(task, kind, actor, note, stored)
    audit.record(
        actor=actor,
        action=f"supervision.rectification.{kind}",
        target=task,
        org_path=task.org.path,
        changes={"status": [before, status], "file": bool(stored)},
    )
    return task


@transaction.atomic
def rectification_check(*, actor: Any, task: Rectification, accept: bool, note: str) -> Rectification:
    """The supervising level checks a submitted task: accept (验收销号) or return it (退回重改, reason
    required). Audit: supervision.rectification.accept / .return."""
    if not may_check(actor, task):
        raise BusinessError("supervision.out_of_scope", "只有督办组织可以验收")
    kind = StepKind.ACCEPT if accept else StepKind.RETURN
    status = rules.next_status(kind, task.status)
    if status is None:
        raise BusinessError("supervision.bad_state", "任务尚未提交验收")
    note = _clean(note, "验收意见" if accept else "退回理由", 4000, required=not accept)
    before = task.status
    task.status = status
    fields = ["status", "updated_at"]
    if accept:
        task.accepted_at = timezone.now()
        fields.append("accepted_at")
    task.save(update_fields=fields)
    _step(task, kind, actor, note)
    audit.record(
        actor=actor,
        action=f"supervision.rectification.{kind}",
        target=task,
        org_path=task.org.path,
        changes={"status": [before, status]},
    )
    return task


def rectification_escalate_overdue(*, today: dt.date | None = None) -> int:
    """Escalate each overdue task one level up (党内监督条例 第三十五条): to the organisation above its
    supervisor (or above where it was last escalated), again every ``SUPERVISION_ESCALATE_DAYS`` days while
    it stays overdue. A task at the top stays where it is. Returns the number escalated.
    Audit: supervision.rectification.escalate (no actor: the schedule)."""
    today = today or timezone.localdate()
    every = escalate_every_days()
    candidates = Rectification.objects.filter(
        status__in=(RectStatus.ASSIGNED, RectStatus.IN_PROGRESS, RectStatus.RETURNED), deadline__lt=today
    ).select_related("supervisor", "escalated_to", "org")
    count = 0
    for task in candidates:
        last = timezone.localdate(task.escalated_at) if task.escalated_at else None
        if not rules.should_escalate(
            status=task.status, deadline=task.deadline, today=today, escalated_at=last, every_days=every
        ):
            continue
        target_path = rules.escalation_target(
            task.supervisor.path, task.escalated_to.path if task.escalated_to else None, Org.steplen
        )
        target = Org.objects.filter(path=target_path).first() if target_path else None
        if target is None:
            continue
        with transaction.atomic():
            task.escalated_to = target
            task.escalation_level += 1
            task.escalated_at = timezone.now()
            task.save(update_fields=["escalated_to", "escalation_level", "escalated_at", "updated_at"])
            days = (today - task.deadline).days
            _step(
                task,
                StepKind.ESCALATE,
                None,
                f"逾期 {days} 天未完成整改，升级至{target.short_name or target.name}督办",
            )
            audit.record(
                actor=None,
                action="supervision.rectification.escalate",
                target=task,
                org_path=task.org.path,
                changes={"escalated_to": target.pk, "level": task.escalation_level, "overdue_days": days},
            )
        count += 1
    return count


# --------------------------------------------------------------------------------------------------------
# 廉政教育专栏


@transaction.atomic
def integrity_add(*, actor: Any, topic: Any, kind: str) -> IntegrityTopic:
    """Place a study topic in the 廉政教育专栏 (its study time and points stay the study module's). Needs
    supervision.manage over the topic's organisation. Audit: supervision.integrity.add."""
    _require(actor, "supervision.manage", topic.org)
    if kind not in IntegrityKind.values:
        raise BusinessError("supervision.bad_kind", "未知的栏目")
    if IntegrityTopic.objects.filter(topic=topic).exists():
        raise BusinessError("supervision.already_in_column", "该专题已在廉政教育专栏中")
    position = IntegrityTopic.objects.filter(kind=kind).count()
    entry = IntegrityTopic.objects.create(topic=topic, kind=kind, position=position, added_by=actor)
    audit.record(
        actor=actor,
        action="supervision.integrity.add",
        target=entry,
        org_path=topic.org.path,
        changes={"topic": topic.pk, "kind": kind},
    )
    return entry


@transaction.atomic
def integrity_remove(*, actor: Any, entry: IntegrityTopic) -> None:
    """Take a topic out of the column (the topic itself stays). Audit: supervision.integrity.remove."""
    _require(actor, "supervision.manage", entry.topic.org)
    audit.record(
        actor=actor,
        action="supervision.integrity.remove",
        target=entry,
        org_path=entry.topic.org.path,
        changes={"topic": entry.topic_id},
    )
    entry.delete()
