"""The audit log for the 审计管理员: search by user, time, action and organisation; export (audited)."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dangjian.access.views import permission_required
from dangjian.audit import selectors
from dangjian.audit import services as audit
from dangjian.core import excel
from dangjian.core.ratelimit import ratelimit
from dangjian.orgs.models import Org

EXPORT_HEADERS = [
    "序号",
    "时间",
    "操作人",
    "操作",
    "对象类型",
    "对象编号",
    "对象",
    "组织路径",
    "变更内容",
    "结果",
    "来源地址",
    "请求编号",
]


def _org_options() -> list[tuple[int, str]]:
    return [(o.pk, "　" * (o.depth - 1) + o.label) for o in Org.objects.filter(depth__lte=3).order_by("path")]


@permission_required("audit.view")
def entry_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.EntryFilter.from_query(request.GET)
    page = Paginator(selectors.entry_list(filters=filters), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/entry_list.html",
        {
            "page_obj": page,
            "f": filters,
            "query": filters.as_dict(),
            "org_options": _org_options(),
        },
    )


@permission_required("audit.export")
@ratelimit("export", methods=("GET",))
def entry_export(request: HttpRequest) -> HttpResponse:
    """The filtered log as Excel. The export is itself audited (audit.entry.export)."""
    filters = selectors.EntryFilter.from_query(request.GET)
    entries = selectors.entry_list(filters=filters)
    count = entries.count()
    with transaction.atomic():
        audit.record(
            actor=request.user,
            action="audit.entry.export",
            changes={"rows": count, "filters": filters.as_dict()},
        )
    local = timezone.get_current_timezone()
    rows = (
        [
            e.seq,
            e.created_at.astimezone(local).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor_name,
            e.action,
            e.target_type,
            e.target_id,
            e.target_repr,
            e.org_path,
            json.dumps(e.changes, ensure_ascii=False),
            "成功" if e.success else "失败",
            e.ip,
            e.request_id,
        ]
        for e in entries.iterator(chunk_size=2000)
    )
    content = excel.write_workbook(
        headers=EXPORT_HEADERS, rows=rows, sheet_title="审计日志", title=f"审计日志（{count} 条）"
    )
    return excel.workbook_response(content, filename=f"审计日志_{timezone.localdate():%Y%m%d}.xlsx")
