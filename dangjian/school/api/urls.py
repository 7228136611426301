"""API routes of 网络党校, included under /api/v1/ by dangjian/core/api_urls.py."""

from typing import Any

urlpatterns: list[Any] = []
