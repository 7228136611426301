"""Local practice of 组织生活 ([C] values of DOMAIN.md §3): settings with the DOMAIN default, read here only
and passed to the pure rules as arguments."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from dangjian.meetings import rules


def frequencies() -> dict[str, rules.Frequency]:
    """National frequencies plus the local ones of ``settings.MEETINGS_LOCAL_FREQUENCIES`` (kind → (period,
    count); default: 党课 quarterly)."""
    local: dict[str, Any] = getattr(settings, "MEETINGS_LOCAL_FREQUENCIES", {})
    return rules.frequencies(local)


def plan_defaults() -> rules.PlanDefaults:
    """Scheduling defaults of generated plans (``settings.MEETINGS_PLAN_DEFAULTS``, a dict of
    ``rules.PlanDefaults`` fields)."""
    return rules.PlanDefaults(**getattr(settings, "MEETINGS_PLAN_DEFAULTS", {}))


def late_grace_minutes() -> int:
    """Minutes after the start before a check-in is marked late (``settings.MEETINGS_LATE_GRACE_MINUTES``,
    default 0)."""
    return int(getattr(settings, "MEETINGS_LATE_GRACE_MINUTES", 0))


def remind_days() -> int:
    """Days before a planned meeting when its secretaries are reminded (``settings.MEETINGS_REMIND_DAYS``,
    default 3; 0 reminds on the day only)."""
    try:
        days = int(getattr(settings, "MEETINGS_REMIND_DAYS", 3))
    except (TypeError, ValueError):
        return 3
    return min(max(days, 0), 60)


def overdue_days() -> int:
    """How far back a planned meeting that was not held is still shown as overdue in the reminders (older
    ones are left to the compliance pages): ``settings.MEETINGS_OVERDUE_DAYS``, default 60."""
    return int(getattr(settings, "MEETINGS_OVERDUE_DAYS", 60))


def site_url() -> str:
    """The platform's address for links in e-mails (``settings.SITE_URL``, e.g. https://dangjian.example.cn);
    without it the e-mail names the page instead of linking it."""
    return str(getattr(settings, "SITE_URL", "") or "").rstrip("/")
