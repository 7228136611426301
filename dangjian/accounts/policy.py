"""The security policy in force: the 安全管理员's row, or the defaults from settings."""

from __future__ import annotations

import time

from django.conf import settings

from dangjian.accounts.models import SecurityPolicy

POLICY_FIELDS = (
    "password_min_length",
    "password_min_classes",
    "password_max_age_days",
    "password_history",
    "login_max_failures",
    "login_lock_minutes",
    "session_idle_minutes",
    "session_absolute_hours",
)

# Lower bounds no setting may go below (SECURITY.md; 等保 level 3).
MINIMUMS = {
    "password_min_length": 8,
    "password_min_classes": 3,
    "password_history": 1,
    "login_max_failures": 1,
    "login_lock_minutes": 1,
    "session_idle_minutes": 1,
    "session_absolute_hours": 1,
    "password_max_age_days": 1,
}


def defaults() -> dict[str, int]:
    configured: dict[str, int] = getattr(settings, "SECURITY_POLICY_DEFAULTS", {})
    base = {f: SecurityPolicy._meta.get_field(f).default for f in POLICY_FIELDS}
    return {**base, **configured}


_cached: tuple[float, SecurityPolicy] | None = None


def current() -> SecurityPolicy:
    """The policy row, or (until the 安全管理员 first saves it) an unsaved one with the defaults: reading
    the policy never writes.

    Every request reads it (session limits), so a process keeps it for ``SECURITY_POLICY_CACHE_SECONDS``
    (default 5; 0 in tests): a change reaches this process at once (``forget``) and the others within
    those seconds.
    """
    global _cached
    ttl = float(getattr(settings, "SECURITY_POLICY_CACHE_SECONDS", 5))
    now = time.monotonic()
    if ttl > 0 and _cached is not None and _cached[0] > now:
        return _cached[1]
    found = SecurityPolicy.objects.filter(pk=1).first() or SecurityPolicy(pk=1, **defaults())
    _cached = (now + ttl, found) if ttl > 0 else None
    return found


def forget() -> None:
    """Drop this process's copy (after the policy was saved)."""
    global _cached
    _cached = None
