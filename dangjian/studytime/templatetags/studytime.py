"""``{% study_tracker key media="#player" %}``: the element and script that send study heartbeats."""

from __future__ import annotations

from typing import Any

from django import template

from dangjian.studytime import services

register = template.Library()


@register.inclusion_tag("studytime/_tracker.html")
def study_tracker(key: str, media: str = "") -> dict[str, Any]:
    """Heartbeats for the content ``key`` while the page is visible (and ``media``, a CSS selector of the
    video or audio element, plays), every ``STUDY_HEARTBEAT_INTERVAL`` seconds."""
    return {
        "key": key,
        "media": media,
        "interval": services.heartbeat_interval(),
    }
