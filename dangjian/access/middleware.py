"""Default deny: anonymous users reach only public views; unclassified views answer 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden

from dangjian.access import classify


class LoginRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        access = classify.access_of(view_func)
        if access is None:
            return HttpResponseForbidden("未分类的地址（默认拒绝）")
        if access == classify.PUBLIC:
            return None
        if request.path.startswith("/api/"):
            return None  # DRF authenticates tokens and answers 401/403 itself
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return None
