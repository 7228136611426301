"""API routes of 学习专题与学习笔记, included under /api/v1/ by dangjian/core/api_urls.py."""

from typing import Any

urlpatterns: list[Any] = []
