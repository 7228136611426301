"""Template tags of 组织生活: the reminders block (home page, calendar, my meetings)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from dangjian.meetings import selectors

register = template.Library()


@register.inclusion_tag("meetings/_reminders.html", takes_context=True)
def meeting_reminders(context: dict[str, Any]) -> dict[str, Any]:
    """“3 天后应召开：支委会…” for the signed-in user's meetings; overdue ones (a secretary's) in red."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"reminders": [], "more": 0}
    items, total = selectors.reminders(user, timezone.localdate())
    return {"reminders": items, "more": total - len(items)}
