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
