"""API routes of 学习时长与学时, included under /api/v1/ by dangjian/core/api_urls.py."""

from typing import Any

urlpatterns: list[Any] = []
