"""The audit log for the 审计管理员: search by user, time, action and organisation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dangjian.access import classify, scope
from dangjian.audit.models import AuditEntry
from dangjian.core.dates import parse_date_or_none


def entry_list(request: HttpRequest) -> HttpResponse:
    if not scope.has_permission(request.user, "audit.view"):
        raise PermissionDenied
    qs = AuditEntry.objects.all()
    f = {k: request.GET.get(k, "").strip() for k in ("user", "action", "org", "since", "until")}
    if f["user"]:
        qs = qs.filter(actor_name__contains=f["user"])
    if f["action"]:
        qs = qs.filter(action__startswith=f["action"])
    if f["org"]:
        qs = qs.filter(org_path__startswith=f["org"])
    if since := parse_date_or_none(f["since"]):
        qs = qs.filter(created_at__date__gte=since)
    if until := parse_date_or_none(f["until"]):
        qs = qs.filter(created_at__date__lte=until)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit/entry_list.html", {"page_obj": page, "f": f})


entry_list.access = classify.PERMISSION  # type: ignore[attr-defined]
