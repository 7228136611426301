"""API toolkit: pagination, filtering and the error format (BusinessError → 400 with code and Chinese
message)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
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


class FilterBackend(DjangoFilterBackend):  # type: ignore[misc]
    """django-filter, skipped when the request names none of the FilterSet's filters.

    Building a FilterSet binds and validates a form whose fields are deep-copied per request (about a tenth
    of a small list's time, bench/RESULTS.md); with no filter parameter it would filter nothing. A parameter
    counts when it is a filter's name or starts with it (range widgets send ``<name>_min``, ``_after`` …).
    """

    def filter_queryset(self, request: Any, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        names = tuple(filterset_class.base_filters)
        if not any(key.startswith(names) for key in request.query_params):
            return queryset
        filtered: QuerySet[Any] = super().filter_queryset(request, queryset, view)
        return filtered


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, BusinessError):
        body: dict[str, Any] = {"code": exc.code, "detail": exc.message}
        if exc.details is not None:
            body["errors"] = exc.details
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
