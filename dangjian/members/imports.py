"""Roster import from the national 党员信息采集表 (.xlsx): validate every row, then write all or nothing.

One service does the work (``member_import``), called by the web page and the API (through a Job, inline or
in the background) and by ``manage.py import_members``. Rules (ARCHITECTURE.md rule 5):

- every row is checked before anything is written; each problem is reported with the Excel row number the
  user sees, the column header and a Chinese reason;
- a file with errors is refused as a whole unless the caller chose ``skip_invalid`` (import only the valid
  rows); either way the writes happen in one transaction, so nothing is half-written;
- the import creates new records only: a 公民身份号码 already on file is an error, as is one repeated inside
  the file (every occurrence is flagged, since the file does not say which one is right);
- the 所在党支部 cell must name a branch (full name or short name) inside the actor's scope for
  ``members.import``; anything else reads as “未知的党支部”, so out-of-scope branches are not revealed.

Side effects of a committed import: the members, one StatusChange “建档” each, and one audit entry
``members.import.commit`` with {"created", "skipped", "file"}. A dry run writes nothing (the web and API
flows keep their Job row with the report).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet

from dangjian.access import scope
from dangjian.access.roles import permissions_of
from dangjian.audit import services as audit
from dangjian.core import excel
from dangjian.core.errors import BusinessError
from dangjian.core.jobs import job_create, job_finish, job_progress
from dangjian.core.models import Job
from dangjian.members.excel import ALL_COLUMNS, COLUMNS, HEADER_OF, ParsedRow, parse_row
from dangjian.members.models import ChangeKind, Member, StatusChange
from dangjian.members.services import id_index
from dangjian.orgs.models import Org
from dangjian.orgs.rules import BRANCH_KINDS

logger = logging.getLogger(__name__)

PERMISSION = "members.import"
JOB_KIND = "members.import"
AUDIT_ACTION = "members.import.commit"
BATCH_SIZE = 500
# The report kept on a Job holds at most this many row problems (the command prints them all).
MAX_STORED_ERRORS = 5000
_LOOKUP_CHUNK = 500

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class RowError:
    """One problem: Excel row number, column header, reason (Chinese), and the row's 姓名 for orientation."""

    row: int
    column: str
    message: str
    name: str = ""


@dataclass
class ImportReport:
    """What an import found and did. ``outcome``: dry_run, committed, refused or empty."""

    filename: str
    dry_run: bool
    skip_invalid: bool
    header_row: int = 0
    total: int = 0
    valid: int = 0
    created: int = 0
    skipped: int = 0
    outcome: str = ""
    message: str = ""
    errors: list[RowError] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def ok(self) -> bool:
        return self.outcome in ("dry_run", "committed")

    def as_dict(self, *, max_errors: int | None = MAX_STORED_ERRORS) -> dict[str, Any]:
        data = asdict(self)
        data["error_rows"] = self.error_rows
        data["error_count"] = len(self.errors)
        if max_errors is not None and len(self.errors) > max_errors:
            data["errors"] = data["errors"][:max_errors]
            data["errors_truncated"] = True
        return data


def _norm(text: str) -> str:
    return "".join(str(text).split())


def _branch_lookup(actor: Any) -> dict[str, list[Org]]:
    """Branch names (full and short, spaces ignored) → the active branches inside the actor's scope.
    ``actor=None`` is a system import (command without --user): every active branch."""
    qs = Org.objects.filter(kind__in=BRANCH_KINDS, is_active=True)
    if actor is not None:
        qs = scope.restrict(qs, actor, PERMISSION)
    lookup: dict[str, list[Org]] = defaultdict(list)
    for org in qs.only("id", "name", "short_name", "path", "kind", "depth"):
        for text in {_norm(org.name), _norm(org.short_name)} - {""}:
            lookup[text].append(org)
    return lookup


def _existing_indexes(indexes: list[str]) -> set[str]:
    """Which blind indexes are already on file, in a few IN queries (not one per row)."""
    found: set[str] = set()
    for chunk in excel.iter_chunks(indexes, _LOOKUP_CHUNK):
        rows = Member.objects.filter(id_number_index__in=chunk).values_list("id_number_index", flat=True)
        found.update(rows)
    return found


def _common_path(paths: list[str], steplen: int) -> str:
    """The deepest organisation path that is an ancestor-or-self of every path (for the audit entry)."""
    if not paths:
        return ""
    prefix = min(paths)
    last = max(paths)
    n = 0
    while n < min(len(prefix), len(last)) and prefix[n] == last[n]:
        n += 1
    return prefix[: n - n % steplen]


def _validate(
    table: excel.Table,
    *,
    actor: Any,
    today: dt.date,
    on_progress: Progress | None,
    total_units: int,
) -> tuple[list[ParsedRow], dict[int, Org], list[RowError]]:
    branches = _branch_lookup(actor)
    parsed: list[ParsedRow] = []
    orgs: dict[int, Org] = {}
    errors: list[RowError] = []
    step = max(1, len(table.rows) // 100)
    org_header = HEADER_OF["org"]
    id_header = HEADER_OF["id_number"]
    for done, (row_number, values) in enumerate(table.rows, start=1):
        row = parse_row(row_number, values, today=today)
        if row.org_text:
            matches = branches.get(_norm(row.org_text), [])
            if not matches:
                row.problems.append((org_header, f"未知的党支部“{row.org_text}”（须是您有权管理的党支部）"))
            elif len({o.pk for o in matches}) > 1:
                row.problems.append((org_header, f"党支部名称“{row.org_text}”对应多个党组织，请填写全称"))
            else:
                orgs[row.row] = matches[0]
        parsed.append(row)
        if on_progress is not None and (done % step == 0 or done == len(table.rows)):
            on_progress(done, total_units, f"正在校验第 {done} / {len(table.rows)} 行")

    # 公民身份号码 repeated inside the file: flag every occurrence.
    by_number: dict[str, list[ParsedRow]] = defaultdict(list)
    for row in parsed:
        if row.data.get("id_number") and not any(col == id_header for col, _ in row.problems):
            by_number[row.data["id_number"]].append(row)
    for rows in by_number.values():
        if len(rows) > 1:
            for row in rows:
                others = "、".join(str(r.row) for r in rows if r is not row)
                row.problems.append((id_header, f"公民身份号码与第 {others} 行重复"))
    # … or already on file (blind index, in bulk).
    index_of = {number: id_index(number) for number in by_number}
    existing = _existing_indexes(list(index_of.values()))
    for number, rows in by_number.items():
        if index_of[number] in existing:
            for row in rows:
                row.problems.append((id_header, "公民身份号码已存在"))

    for row in parsed:
        errors.extend(RowError(row.row, col, msg, row.name) for col, msg in row.problems)
    return parsed, orgs, errors


def _write(
    rows: list[ParsedRow],
    orgs: dict[int, Org],
    *,
    actor: Any,
    filename: str,
    skipped: int,
    today: dt.date,
    on_progress: Progress | None,
    done_before: int,
    total_units: int,
) -> int:
    """Create the members of ``rows`` in one transaction: Members and their 建档 history in batches, then the
    one audit entry. Raises (rolling everything back) if any insert fails."""
    from dangjian.members.services import build

    user = actor if getattr(actor, "is_authenticated", False) else None
    members: list[Member] = []
    for row in rows:
        member = build(row.data, orgs[row.row])
        member.standing = row.data["standing"]
        member.lost_contact = row.data["lost_contact"]
        member.lost_contact_on = row.data["lost_contact_on"] if member.lost_contact else None
        member.mobile = row.data["mobile"]
        member.mobile_destination = row.data["mobile_destination"] if member.mobile else ""
        members.append(member)
    written = 0
    with transaction.atomic():
        for chunk in excel.iter_chunks(members, BATCH_SIZE):
            created = Member.objects.bulk_create(chunk)
            if any(m.pk is None for m in created):  # a backend that cannot return ids: fetch them
                by_index = dict(
                    Member.objects.filter(id_number_index__in=[m.id_number_index for m in chunk]).values_list(
                        "id_number_index", "pk"
                    )
                )
                for m in created:
                    m.pk = by_index[m.id_number_index]
            StatusChange.objects.bulk_create(
                [
                    StatusChange(
                        member_id=m.pk,
                        kind=ChangeKind.CREATED,
                        effective_on=today,
                        reason="Excel 批量导入",
                        detail={"file": filename},
                        actor=user,
                    )
                    for m in created
                ]
            )
            written += len(chunk)
            if on_progress is not None:
                units = done_before + (total_units - done_before) * written // max(len(members), 1)
                on_progress(units, total_units, f"正在写入第 {written} / {len(members)} 名党员")
        from dangjian.members import headcount

        headcount.recount({m.org_id for m in members})
        audit.record(
            actor=actor,
            action=AUDIT_ACTION,
            org_path=_common_path([m.org.path for m in members], Org.steplen),
            target_repr=filename[:200],
            changes={"created": written, "skipped": skipped, "file": filename},
        )
    return written


def member_import(
    *,
    actor: Any,
    source: excel.Source,
    filename: str = "",
    dry_run: bool = False,
    skip_invalid: bool = False,
    on_progress: Progress | None = None,
    today: dt.date | None = None,
) -> ImportReport:
    """Import members from an .xlsx in the layout of ``members.excel`` (any column order, title rows above
    the header allowed).

    ``actor`` is the importing user (scope ``members.import`` decides which branches may be named), or None
    for a system import from the command line (all branches; audited with no actor). ``dry_run`` checks
    and reports only. Without ``skip_invalid`` a file with any error is refused and nothing is written;
    with it, the valid rows are written and the others reported as skipped.

    Raises BusinessError for a file that cannot be read at all (not an .xlsx, no header, a required column
    missing) and ``members.forbidden`` when the actor may not import anywhere. ``on_progress(done, total,
    message)`` is called during validation (outside any transaction) and after each written batch.
    Side effects: see the module docstring.
    """
    today = today or dt.date.today()
    if actor is not None and not scope.has_permission(actor, PERMISSION):
        raise BusinessError("members.forbidden", "无权导入党员")
    report = ImportReport(filename=filename, dry_run=dry_run, skip_invalid=skip_invalid)
    if on_progress is not None:
        on_progress(0, 0, "正在读取文件")
    table = excel.read_table(source, ALL_COLUMNS)
    report.header_row = table.header_row
    report.missing_columns = [c.header for c in table.missing if c in COLUMNS]
    report.unknown_columns = table.unknown_headers
    report.total = len(table.rows)
    if not table.rows:
        raise BusinessError("members.import_empty", f"表头（第 {table.header_row} 行）下面没有数据行")
    # Progress units: validation counts one per row; a commit counts the writing as a second equal half.
    total_units = report.total if dry_run else report.total * 2
    parsed, orgs, errors = _validate(
        table, actor=actor, today=today, on_progress=on_progress, total_units=total_units
    )
    report.errors = errors
    valid = [row for row in parsed if not row.problems]
    report.valid = len(valid)
    bad = report.total - report.valid
    if dry_run:
        report.outcome = "dry_run"
        report.message = (
            f"校验通过：共 {report.total} 行，均可导入（试导入，未写入数据）"
            if not bad
            else f"校验完成：共 {report.total} 行，{bad} 行有错误，{report.valid} 行可导入"
            "（试导入，未写入数据）"
        )
        return report
    if bad and not skip_invalid:
        report.outcome = "refused"
        report.message = f"文件中有 {bad} 行错误，未导入任何数据。请修改后重新上传，或选择“只导入正确的行”"
        return report
    if not valid:
        report.outcome = "empty"
        report.message = "没有可导入的行，未写入任何数据"
        report.skipped = bad
        return report
    if on_progress is not None:
        on_progress(report.total, total_units, f"校验完成，正在写入 {len(valid)} 名党员")
    report.created = _write(
        valid,
        orgs,
        actor=actor,
        filename=filename,
        skipped=bad,
        today=today,
        on_progress=on_progress,
        done_before=report.total,
        total_units=total_units,
    )
    report.skipped = bad
    report.outcome = "committed"
    report.message = f"已导入 {report.created} 名党员" + (f"，跳过 {bad} 行有错误的行" if bad else "")
    return report


# --- Jobs: the web page and the API run the import as a Job (inline when small, Huey when large). ---


def import_job_list(*, user: Any) -> QuerySet[Job]:
    """Import jobs the user may see: their own, plus those of organisations in their ``members.import``
    scope."""
    return scope.restrict(
        Job.objects.filter(kind=JOB_KIND).select_related("created_by", "org"), user, PERMISSION
    )


def _job_org(actor: Any) -> Org | None:
    """The organisation a job is filed under: the actor's one grant org for importing, if there is one."""
    orgs = {g.org_id: g.org for g in scope.user_grants(actor) if PERMISSION in permissions_of(g.role)}
    if len(orgs) == 1:
        return next(iter(orgs.values()))
    return None


def import_job_submit(*, actor: Any, upload: Any, dry_run: bool, skip_invalid: bool) -> Job:
    """Check an uploaded file (.xlsx by content, ≤ 10 MB), keep it on a Job and run the import: inline when
    the sheet has at most ``settings.IMPORT_BACKGROUND_THRESHOLD`` rows, else as a Huey task (the Job shows
    progress). Raises BusinessError for a bad file or a user without ``members.import``; nothing is kept
    then. The stored file is deleted when the job finishes."""
    if not scope.has_permission(actor, PERMISSION):
        raise BusinessError("members.forbidden", "无权导入党员")
    excel.check_upload(upload)
    rows = excel.estimate_rows(upload)
    filename = str(getattr(upload, "name", "") or "import.xlsx")[-150:]
    mode = "试导入" if dry_run else "导入"
    job = job_create(
        kind=JOB_KIND,
        user=actor,
        title=f"{mode}党员：{filename}"[:200],
        org=_job_org(actor),
        params={
            "filename": filename,
            "dry_run": dry_run,
            "skip_invalid": skip_invalid,
            "estimated_rows": rows,
        },
    )
    upload.seek(0)
    job.file.save(f"import-{uuid.uuid4().hex}.xlsx", ContentFile(upload.read()), save=True)
    if rows > settings.IMPORT_BACKGROUND_THRESHOLD:
        from dangjian.members.tasks import import_members_task

        Job.objects.filter(pk=job.pk).update(total=max(rows - 1, 1), message="排队中，等待后台处理")
        job_id = job.pk
        transaction.on_commit(lambda: import_members_task(job_id))
        job.refresh_from_db()
    else:
        import_job_run(job_id=job.pk)
        job.refresh_from_db()
    return job


def import_job_run(*, job_id: int) -> Job:
    """Run one import Job to its end: progress on the Job while validating, the row report in
    ``job.result``, status 已完成 for a dry run or a commit and 失败 for a refused or unreadable file. The
    stored upload is deleted afterwards, whatever happened."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:
        return job
    params = job.params or {}
    try:
        if job.created_by is None or not job.created_by.is_active:
            raise BusinessError("members.forbidden", "发起导入的账号已不存在或已停用")
        with job.file.open("rb") as fh:
            content = io.BytesIO(fh.read())

        def progress(done: int, total: int, message: str) -> None:
            job_progress(job, done, total or None, message)

        report = member_import(
            actor=job.created_by,
            source=content,
            filename=params.get("filename", ""),
            dry_run=bool(params.get("dry_run")),
            skip_invalid=bool(params.get("skip_invalid")),
            on_progress=progress,
        )
    except BusinessError as exc:
        job_finish(job, ok=False, message=exc.message, result={"outcome": "failed", "message": exc.message})
    except Exception:
        logger.exception("import job %s failed", job.pk)
        message = "导入时发生内部错误，未写入任何数据，请联系系统管理员"
        job_finish(job, ok=False, message=message, result={"outcome": "failed", "message": message})
    else:
        job_finish(job, ok=report.ok, message=report.message, result=report.as_dict())
    finally:
        if job.file:
            job.file.delete(save=False)
            Job.objects.filter(pk=job.pk).update(file="")
    return job
