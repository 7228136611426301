"""The one API base: a viewset whose queryset is restricted to the caller's scope."""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import permissions, viewsets

from dangjian.access import classify, scope


class ScopedPermission(permissions.BasePermission):
    """Reads need ``view.permission``; writes need ``view.write_permission``, both through a grant unless
    ``view.require_grant`` is False (then the scoped queryset alone decides, e.g. a member's own record)."""

    message = "无权访问"

    def has_permission(self, request: Any, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        perm = view.permission if request.method in permissions.SAFE_METHODS else view.write_permission
        if not perm:
            return False
        if request.method in permissions.SAFE_METHODS and not view.require_grant:
            # Own records need no grant; the 三员 never read business data, not even an empty list.
            return not scope.is_admin(request.user)
        return scope.has_permission(request.user, perm)


class ScopedViewSetMixin:
    access = classify.PERMISSION
    # Ids are integers: anything else is not a route (404), rather than a lookup that raises (500).
    lookup_value_regex = r"[0-9]+"
    permission: str = ""
    write_permission: str = ""
    require_grant = True
    request: Any

    def base_queryset(self) -> models.QuerySet[Any]:
        return self.queryset.all()  # type: ignore[attr-defined,no-any-return]

    def get_queryset(self) -> models.QuerySet[Any]:
        return scope.restrict(self.base_queryset(), self.request.user, self.permission)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    permission_classes = [ScopedPermission]


class ScopedViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    permission_classes = [ScopedPermission]
