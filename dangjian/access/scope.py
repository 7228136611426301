"""The data scope: which rows a user may see for a permission. Decided here and nowhere else.

Each org-owned model declares once how it reaches its organisation, with ``scope_org_field`` (a lookup path
to an ``orgs.Org``, or ``""`` for the Org model itself) and optionally ``scope_self_field`` (a lookup path to
the owning user). The owner sees their own rows for the permissions in ``roles.SELF_PERMISSIONS``, or for
every permission when the model sets ``scope_self_always = True`` (e.g. a user's own background jobs).
``restrict()`` turns a user's grants into one filter. A subtree is one indexed range on the materialized path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models import Q

from dangjian.access.models import Grant
from dangjian.access.roles import ADMIN_ROLES, SELF_PERMISSIONS, permissions_of

M = TypeVar("M", bound=models.Model)

_CACHE_ATTR = "_dangjian_grants"
_OWNER_CACHE_ATTR = "_dangjian_owner_outside"


@dataclass(frozen=True)
class Scope:
    """Where a permission holds for one user."""

    everywhere: bool = False
    subtrees: tuple[str, ...] = ()  # org paths whose whole subtree is covered
    nodes: tuple[int, ...] = ()  # org ids covered without their subtree
    user_id: int | None = None  # the (active) user, for their own rows
    roles: frozenset[str] = field(default_factory=frozenset)
    permission: str = ""

    @property
    def has_grant(self) -> bool:
        return self.everywhere or bool(self.subtrees or self.nodes)

    def owner_id_for(self, model: type[models.Model]) -> int | None:
        """The user id whose own rows of ``model`` are visible under this scope, if any."""
        if not getattr(model, "scope_self_field", None):
            return None
        if self.permission in SELF_PERMISSIONS or getattr(model, "scope_self_always", False):
            return self.user_id
        return None


def user_grants(user: Any) -> list[Grant]:
    """The user's grants, loaded once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached: list[Grant] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            Grant.objects.filter(user=user)
            .select_related("org")
            .filter(Q(org__isnull=True) | Q(org__is_active=True))
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user: Any) -> None:
    """Drop the cached grants (after a grant changes in the same request)."""
    for attr in (_CACHE_ATTR, _OWNER_CACHE_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def scope_for(user: Any, permission: str) -> Scope:
    subtrees: list[str] = []
    nodes: list[int] = []
    roles: set[str] = set()
    everywhere = False
    for grant in user_grants(user):
        if permission not in permissions_of(grant.role):
            continue
        roles.add(grant.role)
        if grant.org is None:
            everywhere = True
        elif grant.include_subtree:
            subtrees.append(grant.org.path)
        else:
            nodes.append(grant.org_id)  # type: ignore[arg-type]
    # Own records, like grants, stop with the account (an inactive user sees nothing).
    own = getattr(user, "is_authenticated", False) and user.is_active
    self_id = user.pk if own else None
    # Collapse subtrees already covered by a shorter path.
    subtrees.sort(key=len)
    kept: list[str] = []
    for p in subtrees:
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return Scope(everywhere, tuple(kept), tuple(nodes), self_id, frozenset(roles), permission)


def has_permission(user: Any, permission: str) -> bool:
    """True when the user holds ``permission`` through a grant somewhere."""
    return scope_for(user, permission).has_grant


def roles_of(user: Any) -> set[str]:
    return {g.role for g in user_grants(user)}


def is_admin(user: Any) -> bool:
    return bool(roles_of(user) & ADMIN_ROLES)


def _org_prefix(model: type[models.Model]) -> str:
    try:
        org_field: str = model.scope_org_field  # type: ignore[attr-defined]
    except AttributeError as exc:
        raise TypeError(f"{model.__name__} 未声明 scope_org_field，不能按数据范围过滤") from exc
    return org_field


def subtree_q(path_lookup: str, path: str) -> Q:
    """Rows whose organisation path lies under ``path`` (inclusive).

    On PostgreSQL a ``LIKE 'path%'`` uses the pattern index Django creates for the unique ``path``; SQLite
    does not use an index for Django's case-insensitive LIKE, so there it is the equivalent range (paths use
    the alphabet 0-9A-Z, all below ``~`` in binary order).
    """
    if connection.vendor == "sqlite":
        return Q(**{f"{path_lookup}__gte": path, f"{path_lookup}__lt": path + "~"})
    return Q(**{f"{path_lookup}__startswith": path})


def scope_q(model: type[models.Model], scope: Scope, *, include_owner: bool = True) -> Q | None:
    """The filter for ``scope`` on ``model``; ``None`` means no restriction. ``include_owner=False`` leaves
    out the owner's own rows (``restrict`` does so when the grants already cover them)."""
    if scope.everywhere:
        return None
    org_field = _org_prefix(model)
    path_lookup = f"{org_field}__path" if org_field else "path"
    id_lookup = org_field if org_field else "pk"
    q = Q(pk__in=[])
    for path in scope.subtrees:
        q |= subtree_q(path_lookup, path)
    if scope.nodes:
        q |= Q(**{f"{id_lookup}__in": list(scope.nodes)})
    owner = scope.owner_id_for(model)
    if owner is not None and include_owner:
        q |= Q(**{model.scope_self_field: owner})  # type: ignore[attr-defined]
    return q


def owner_rows_outside_grants(user: Any, model: type[models.Model], scope: Scope) -> bool:
    """Whether the user owns rows of ``model`` that their grants do not already cover (remembered for the
    request next to the grants).

    Why: ``grant OR owner`` across the two tables of a join can use no index, so every scoped list would
    become a full scan (bench/RESULTS.md); the owner clause is added only when it adds rows.

    Asked as "the organisations of my rows that the grants miss" (``id IN (subquery)``), not as a join of my
    rows to their organisations: for the join SQLite's planner built a Bloom filter over every organisation
    (≈ 2 ms on every scoped request of a 6,841-organisation tree) because the statistics of the nullable
    unique ``user_id`` index promise thousands of rows per user.
    """
    from dangjian.orgs.models import Org

    cache: dict[tuple[str, str], bool] = user.__dict__.setdefault(_OWNER_CACHE_ATTR, {})
    key = (model._meta.label_lower, scope.permission)
    if key not in cache:
        org_grant_q = scope_q(Org, scope, include_owner=False)
        outside = False
        if org_grant_q is not None:
            own = model._default_manager.filter(**{model.scope_self_field: scope.user_id})  # type: ignore[attr-defined]
            org_field = _org_prefix(model) or "pk"
            mine = Org.objects.filter(pk__in=own.order_by().values(org_field))
            outside = mine.exclude(org_grant_q).exists()
            if not outside and _may_be_null(
                model, org_field
            ):  # a row without an organisation: no grant covers it
                outside = own.filter(**{f"{org_field}__isnull": True}).exists()
        cache[key] = outside
    return cache[key]


def _may_be_null(model: type[models.Model], lookup: str) -> bool:
    """Whether a row of ``model`` can reach no object along the relation path ``lookup``."""
    current: Any = model
    for name in lookup.split("__"):
        if name == "pk":
            return False
        found = current._meta.get_field(name)
        if getattr(found, "null", False):
            return True
        current = found.related_model
    return False


def restrict(queryset: models.QuerySet[M], user: Any, permission: str) -> models.QuerySet[M]:
    """``queryset`` limited to what ``user`` may see with ``permission``. The one scope filter."""
    scope = scope_for(user, permission)
    model = queryset.model
    owner = scope.owner_id_for(model)
    if not scope.has_grant and owner is None:
        return queryset.none()
    include_owner = owner is not None and (
        not scope.has_grant or owner_rows_outside_grants(user, model, scope)
    )
    q = scope_q(model, scope, include_owner=include_owner)
    return queryset if q is None else queryset.filter(q)


def org_in_scope(user: Any, permission: str, org: Any) -> bool:
    """Whether one organisation lies within the user's scope for ``permission`` (for writes)."""
    scope = scope_for(user, permission)
    if scope.everywhere:
        return True
    return org.pk in scope.nodes or any(org.path.startswith(p) for p in scope.subtrees)
