"""Session rules on every request: idle and absolute time-outs, the second factor for those who need it,
and a forced password change (first sign-in, after a reset, or when the password is too old)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from dangjian.access import scope
from dangjian.accounts import policy as policy_mod
from dangjian.audit import services as audit

SESSION_STARTED = "dj_auth_started"
SESSION_LAST_SEEN = "dj_last_seen"
SESSION_MFA_OK = "dj_mfa_ok"
_TOUCH_EVERY = 60  # seconds: the idle clock is kept to the minute, without a session write per request


def requires_mfa(user: Any) -> bool:
    """Administrators (三员) must use the second factor; others may turn it on."""
    return bool(getattr(user, "totp_confirmed", False)) or scope.is_admin(user)


def password_expired(user: Any, max_age_days: int) -> bool:
    changed = getattr(user, "password_changed_at", None)
    return changed is not None and (time.time() - changed.timestamp()) > max_age_days * 86400


def start_session(request: HttpRequest, user: Any) -> None:
    now = time.time()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_LAST_SEEN] = now
    request.session[SESSION_MFA_OK] = not requires_mfa(user)


class SessionSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        policy = policy_mod.current()
        now = time.time()
        started = request.session.get(SESSION_STARTED, now)
        last = request.session.get(SESSION_LAST_SEEN, now)
        if (
            now - started > policy.session_absolute_hours * 3600
            or now - last > policy.session_idle_minutes * 60
        ):
            audit.record(actor=user, action="accounts.session.expire", target=user)
            logout(request)
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "会话已超时，请重新登录"}, status=401)
            messages.info(request, "会话已超时，请重新登录")
            return HttpResponseRedirect(reverse("accounts:login") + "?next=" + request.path)
        if SESSION_STARTED not in request.session:
            request.session[SESSION_STARTED] = now
        if now - last >= _TOUCH_EVERY or SESSION_LAST_SEEN not in request.session:
            request.session[SESSION_LAST_SEEN] = now
        gate = self._gate(request, user, policy)
        return gate if gate is not None else self.get_response(request)

    def _gate(self, request: HttpRequest, user: Any, policy: Any) -> HttpResponse | None:
        free = {reverse("accounts:logout"), reverse("accounts:mfa"), reverse("accounts:password_change")}
        if request.path in free or request.path.startswith("/static/"):
            return None
        if not request.session.get(SESSION_MFA_OK, False) and requires_mfa(user):
            return self._refuse(request, "accounts:mfa", "请先完成动态口令验证")
        if user.must_change_password or password_expired(user, policy.password_max_age_days):
            return self._refuse(request, "accounts:password_change", "请先修改密码")
        return None

    def _refuse(self, request: HttpRequest, url_name: str, message: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        return HttpResponseRedirect(reverse(url_name))
