"""API toolkit: pagination and the error format (BusinessError → 400 with code and Chinese message)."""

from __future__ import annotations

from typing import Any

from rest_framework import pagination, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from dangjian.core.errors import BusinessError
from dangjian.core.paging import CachedCountPaginator


class Pagination(pagination.PageNumberPagination):
    django_paginator_class = CachedCountPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, BusinessError):
        body: dict[str, Any] = {"code": exc.code, "detail": exc.message}
        if exc.details is not None:
            body["errors"] = exc.details
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
