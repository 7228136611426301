"""API routes of 党建新鲜事, included under /api/v1/ by dangjian/core/api_urls.py."""

from typing import Any

urlpatterns: list[Any] = []
