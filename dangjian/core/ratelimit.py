"""Rate limits (SECURITY.md): too many requests get 429 with Retry-After, counted across processes.

Limits are settings (``RATE_LIMITS = {name: (requests, seconds)}``). A fixed window per key; the key is the
client address plus, when signed in, the user, so one person cannot starve everyone behind a proxy.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from dangjian.core.models import RateCounter

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "login": (30, 60),
    "token": (10, 3600),
    "export": (20, 600),
    "upload": (30, 600),
    "checkin": (10, 600),  # 组织生活 check-in by code word: guessing a 6-digit code is slow
}


def limit_for(name: str) -> tuple[int, int]:
    configured: dict[str, tuple[int, int]] = getattr(settings, "RATE_LIMITS", {})
    return configured.get(name, DEFAULT_LIMITS[name])


def hit(key: str, *, limit: int, window: int, now: float | None = None) -> tuple[bool, int]:
    """Count one request for ``key``. Returns (allowed, seconds until the window ends)."""
    now = now or time.time()
    start = int(now // window) * window
    retry_after = max(1, int(start + window - now))
    for _ in range(3):
        try:
            with transaction.atomic():
                updated = RateCounter.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
                if not updated:
                    RateCounter.objects.create(key=key, window_start=start, count=1)
                count = RateCounter.objects.filter(key=key, window_start=start).values_list(
                    "count", flat=True
                )[0]
            break
        except IntegrityError:  # another process created the row first: count again
            continue
    else:
        return True, retry_after
    if count == 1:  # first request of a window: drop windows long gone
        RateCounter.objects.filter(key=key, window_start__lt=start - window).delete()
    return count <= limit, retry_after


def client_key(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    who = f"u{user.pk}" if user is not None and user.is_authenticated else "anon"
    return f"{request.META.get('REMOTE_ADDR', '')}:{who}"


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    message = f"操作过于频繁，请 {retry_after} 秒后再试"
    if request.path.startswith("/api/") or request.headers.get("HX-Request"):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "core/error.html", {"code": 429, "message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def ratelimit(name: str, *, methods: tuple[str, ...] = ("POST",)) -> Callable[[Any], Any]:
    """Limit a view (function or ``View.dispatch``) by the named setting, for the given methods."""

    def decorate(view: Any) -> Any:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            request = next(a for a in args if isinstance(a, HttpRequest) or hasattr(a, "META"))
            if request.method in methods:
                limit, window = limit_for(name)
                allowed, retry_after = hit(f"{name}:{client_key(request)}", limit=limit, window=window)
                if not allowed:
                    return too_many(request, retry_after)
            return view(*args, **kwargs)

        return wrapped

    return decorate
