"""API routes of 组织生活, included under /api/v1/ by dangjian/core/api_urls.py."""

from typing import Any

urlpatterns: list[Any] = []
