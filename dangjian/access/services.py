"""Writes on grants (角色授权). Only the 安全管理员 grants and revokes roles (三员分立)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from dangjian.access import scope
from dangjian.access.models import Grant
from dangjian.access.roles import ADMIN_ROLES, Role
from dangjian.audit import services as audit
from dangjian.core.errors import BusinessError
from dangjian.orgs.models import Org


def _require_security_admin(actor: Any) -> None:
    if not scope.has_permission(actor, "access.manage"):
        raise BusinessError("access.forbidden", "只有安全管理员可以授予或收回角色")


@transaction.atomic
def grant_create(
    *,
    actor: Any,
    user: Any,
    role: str,
    org: Org | None = None,
    include_subtree: bool = True,
    bootstrap: bool = False,
) -> Grant:
    """Grant ``role`` to ``user`` at ``org``.

    Rules: administrator roles (三员) are granted platform-wide, one per account, and never together with a
    business role; business roles need an organisation. Audit: access.grant.create.
    """
    if not bootstrap:
        _require_security_admin(actor)
    if role not in Role.values:
        raise BusinessError("access.unknown_role", "未知角色")
    existing = set(Grant.objects.filter(user=user).values_list("role", flat=True))
    if role in ADMIN_ROLES:
        if org is not None:
            raise BusinessError("access.admin_role_org", "管理员角色在全平台生效，不能指定党组织")
        if existing:
            raise BusinessError("access.admin_exclusive", "三员分立：管理员角色不能与其他角色由同一账号兼任")
        if getattr(user, "is_superuser", False):
            raise BusinessError("access.superuser", "超级用户不能被授予管理员角色")
    else:
        if org is None:
            raise BusinessError("access.org_required", "业务角色必须指定党组织")
        if existing & ADMIN_ROLES:
            raise BusinessError("access.admin_exclusive", "三员分立：管理员账号不能兼任业务角色")
    if Grant.objects.filter(user=user, role=role, org=org).exists():
        raise BusinessError("access.duplicate", "该用户已在此党组织拥有此角色")
    grant = Grant.objects.create(
        user=user,
        role=role,
        org=org,
        include_subtree=include_subtree if org else True,
        granted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action="access.grant.create",
        target=grant,
        org_path=org.path if org else "",
        changes={"user": user.username, "role": role, "include_subtree": grant.include_subtree},
    )
    scope.forget(user)
    return grant


@transaction.atomic
def grant_delete(*, actor: Any, grant: Grant) -> None:
    """Revoke a grant; it stops applying on the user's next request. Audit: access.grant.delete."""
    _require_security_admin(actor)
    if (
        grant.role == Role.SECURITY_ADMIN
        and not Grant.objects.filter(role=Role.SECURITY_ADMIN).exclude(pk=grant.pk).exists()
    ):
        raise BusinessError(
            "access.last_security_admin", "至少须保留一名安全管理员，否则无人能够管理角色授权"
        )
    audit.record(
        actor=actor,
        action="access.grant.delete",
        target=grant,
        org_path=grant.org.path if grant.org else "",
        changes={"user": grant.user.username, "role": grant.role},
    )
    grant.delete()
