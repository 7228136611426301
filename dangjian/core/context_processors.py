"""Template context for the shell: the user's roles, their member record and the navigation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from dangjian.core.nav import navigation_for


def platform(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "PLATFORM_NAME": "智慧党建云平台",
        "DEMO_MODE": settings.DEMO_MODE,
        "nav_items": navigation_for(user, request.path) if user is not None and user.is_authenticated else [],
    }
