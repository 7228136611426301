"""Base HTML views that apply the data scope, and the grants pages of the 安全管理员."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from dangjian.access import classify, scope
from dangjian.core.paging import CachedCountPaginator


def permission_required(permission: str) -> Callable[[Any], Any]:
    """For function views of platform-wide pages (the administrators'): classify the view as PERMISSION and
    answer 403 unless the user holds ``permission`` through a grant. Object pages use ScopedViewMixin."""

    def decorate(view: Any) -> Any:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not scope.has_permission(request.user, permission):
                raise PermissionDenied("无权访问")
            return view(request, *args, **kwargs)  # type: ignore[no-any-return]

        wrapped.access = classify.PERMISSION  # type: ignore[attr-defined]
        wrapped.permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorate


class ScopedViewMixin:
    """The one HTML base: declares ``permission``; ``get_queryset()`` is already restricted to scope.

    ``require_grant``: the user must hold ``permission`` through some grant (403 otherwise). Views that also
    serve a member's own record set it to False and rely on the scoped queryset (404 outside scope).
    """

    access = classify.PERMISSION
    permission: str = ""
    model: type[models.Model] | None = None
    require_grant = True
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.permission:
            raise PermissionDenied("视图未声明权限")
        if self.require_grant and not scope.has_permission(request.user, self.permission):
            raise PermissionDenied("无权访问")
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc,no-any-return]

    def base_queryset(self) -> models.QuerySet[Any]:
        assert self.model is not None
        return self.model._default_manager.all()

    def get_queryset(self) -> models.QuerySet[Any]:
        return scope.restrict(self.base_queryset(), self.request.user, self.permission)

    def get_scoped_object(self, pk: Any, permission: str | None = None) -> Any:
        """The object with ``pk`` if it lies in scope for ``permission``; 404 otherwise."""
        qs = (
            self.get_queryset()
            if permission is None
            else scope.restrict(self.base_queryset(), self.request.user, permission)
        )
        return get_object_or_404(qs, pk=pk)


class ScopedListView(ScopedViewMixin, ListView):  # type: ignore[type-arg]
    paginate_by = 50
    paginator_class = CachedCountPaginator
