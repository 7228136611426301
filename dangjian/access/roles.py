"""Roles and the permission codes each carries. Roles are granted at an org node (see Grant).

Permission codes are ``<app>.<verb>``. The three administrator roles (三员分立) are mutually exclusive and
carry no permission on business data (SECURITY.md "Access control").
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    BRANCH_SECRETARY = "branch_secretary", "支部书记"
    PARTY_WORKER = "party_worker", "党务工作者"
    COMMITTEE_OFFICER = "committee_officer", "党委组织干部"
    DISCIPLINE_OFFICER = "discipline_officer", "纪检干部"
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

_ORG_WORK = {
    "orgs.view",
    "members.view",
    "members.change",
    "members.view_sensitive",
    "members.import",
    "members.export",
    "orgs.appoint",
}

PERMISSIONS: dict[str, frozenset[str]] = {
    Role.BRANCH_SECRETARY: frozenset(_ORG_WORK | {"orgs.change", "points.view"}),
    Role.PARTY_WORKER: frozenset(_ORG_WORK | {"points.view"}),
    Role.COMMITTEE_OFFICER: frozenset(
        _ORG_WORK | {"orgs.change", "orgs.manage", "points.view", "points.manage"}
    ),
    Role.DISCIPLINE_OFFICER: frozenset({"orgs.view", "members.view", "points.view"}),
    # 系统管理员: users and configuration; the org tree is configuration, members are not.
    Role.SYSTEM_ADMIN: frozenset({"accounts.manage", "orgs.view"}),
    # 安全管理员: roles, grants and security policy.
    Role.SECURITY_ADMIN: frozenset({"access.manage", "orgs.view"}),
    # 审计管理员: reads and exports the audit log only.
    Role.AUDIT_ADMIN: frozenset({"audit.view", "audit.export"}),
}

# Permissions a user holds on their own records without any grant (a member sees their own record).
SELF_PERMISSIONS = frozenset({"members.view", "points.view"})


def permissions_of(role: str) -> frozenset[str]:
    return PERMISSIONS.get(role, frozenset())
