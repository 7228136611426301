"""角色授权 pages for the 安全管理员 (三员分立: only this role grants and revokes)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dangjian.access import services
from dangjian.access.forms import GrantForm
from dangjian.access.models import Grant
from dangjian.access.views import permission_required
from dangjian.core.errors import BusinessError


@permission_required("access.manage")
def grant_list(request: HttpRequest) -> HttpResponse:
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.grant_create(
                actor=request.user,
                user=d["username"],
                role=d["role"],
                org=d["org"],
                include_subtree=d["include_subtree"],
            )
        except BusinessError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已授予角色")
            return HttpResponseRedirect(reverse("access:grant_list"))
    grants = Grant.objects.select_related("user", "org", "granted_by").order_by(
        "role", "org__path", "user__username"
    )
    if q := request.GET.get("q", "").strip():
        grants = grants.filter(user__username__contains=q) | grants.filter(user__full_name__contains=q)
    page = Paginator(grants, 50).get_page(request.GET.get("page"))
    return render(request, "access/grant_list.html", {"form": form, "page_obj": page, "q": q})


@require_POST
@permission_required("access.manage")
def grant_delete(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(Grant, pk=pk)
    try:
        services.grant_delete(actor=request.user, grant=grant)
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已收回角色")
    return HttpResponseRedirect(reverse("access:grant_list"))
