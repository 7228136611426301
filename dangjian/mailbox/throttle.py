"""Throttling and headers of the writer's pages and endpoints (SECURITY.md "The anonymous mailbox")."""

from __future__ import annotations

import hmac
import os
import threading
import time

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import decorator_from_middleware

from dangjian.core import ratelimit
from dangjian.mailbox import services

# Anonymous throttling is counted in this process's memory and nowhere else: a counter row in the database
# or the cache (even keyed by a digest, even a shared bucket) would carry the time window of a submission,
# which dates a letter more precisely than its day. With several worker processes each counts on its own,
# so the effective limit is the setting times the number of processes.
DEFAULT_RATES: dict[str, tuple[int, int]] = {
    "mailbox.submit": (10, 600),
    "mailbox.receipt": (20, 600),
    "mailbox.submit.all": (600, 600),
    "mailbox.receipt.all": (1200, 600),
}
_THROTTLE_KEY = os.urandom(32)
_counts: dict[str, tuple[int, int]] = {}
_lock = threading.Lock()


def rate_for(name: str) -> tuple[int, int]:
    configured: dict[str, tuple[int, int]] = services.setting("MAILBOX_RATE_LIMITS", {})
    return configured.get(name, DEFAULT_RATES[name])


def _hit(key: str, limit: int, window: int, now: float) -> tuple[bool, int]:
    start = int(now // window) * window
    with _lock:
        if len(_counts) > 50_000:  # a flood of addresses: forget the windows that have ended
            for k in [k for k, (s, _) in _counts.items() if s < start]:
                del _counts[k]
        began, count = _counts.get(key, (start, 0))
        count = count + 1 if began == start else 1
        _counts[key] = (start, count)
    return count <= limit, max(1, int(start + window - now))


def throttle(request: HttpRequest, name: str) -> HttpResponse | None:
    """Count one anonymous request per client (a digest of the address under a key that exists only in
    this process) and in one shared bucket; a 429 with Retry-After past either limit. Nothing is stored."""
    addr = request.META.get("REMOTE_ADDR", "")
    digest = hmac.new(_THROTTLE_KEY, addr.encode(), "sha256").hexdigest()[:16]
    now = time.time()
    for key, rate in ((f"{name}:{digest}", rate_for(name)), (f"{name}:all", rate_for(f"{name}.all"))):
        allowed, retry_after = _hit(key, rate[0], rate[1], now)
        if not allowed:
            return private(ratelimit.too_many(request, retry_after), request)
    return None


def throttle_reset() -> None:
    """Forget every count (tests)."""
    with _lock:
        _counts.clear()


def private(response: HttpResponse, request: HttpRequest) -> HttpResponse:
    """``no-store`` and ``no-referrer``; the session is not saved (the idle clock is not touched)."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    session = getattr(request, "session", None)
    if session is not None:
        session.modified = False
    return response


class NoReferrerCsrfMiddleware(CsrfViewMiddleware):
    """CSRF for pages sent with ``Referrer-Policy: no-referrer``: their forms post with ``Origin: null``,
    which Django's origin check refuses. The token check (cookie and form token) still applies in full;
    only the opaque origin that the page's own policy causes is accepted."""

    def _origin_verified(self, request: HttpRequest) -> bool:
        if request.META.get("HTTP_ORIGIN") == "null":
            return True
        verified: bool = super()._origin_verified(request)  # type: ignore[misc]
        return verified


csrf_protect_no_referrer = decorator_from_middleware(NoReferrerCsrfMiddleware)
