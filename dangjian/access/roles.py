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
    PUBLICITY_OFFICER = "publicity_officer", "宣传委员"
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

# Study (学习专题, 网络党校): study.view reads statistics and who is behind; study.manage publishes and
# assigns. News (党建新鲜事): news.publish writes a branch's activity posts; news.review approves the posts of
# the organisations below; news.feeds configures the RSS/Atom sources. Meetings (组织生活): meetings.view
# reads records and compliance, meetings.change plans and records, meetings.review reviews the level below.
_STUDY = {"study.view", "study.manage"}
_BRANCH_LIFE = {"meetings.view", "meetings.change", "news.publish"}

PERMISSIONS: dict[str, frozenset[str]] = {
    Role.BRANCH_SECRETARY: frozenset(_ORG_WORK | _STUDY | _BRANCH_LIFE | {"orgs.change", "points.view"}),
    Role.PARTY_WORKER: frozenset(_ORG_WORK | _BRANCH_LIFE | {"points.view", "study.view"}),
    Role.COMMITTEE_OFFICER: frozenset(
        _ORG_WORK
        | _STUDY
        | _BRANCH_LIFE
        | {"orgs.change", "orgs.manage", "points.view", "points.manage", "news.review", "meetings.review"}
    ),
    # 宣传委员: publishes study content and news for the organisation (and subtree) of the grant.
    Role.PUBLICITY_OFFICER: frozenset(_STUDY | {"orgs.view", "points.view", "news.publish", "news.review"}),
    Role.DISCIPLINE_OFFICER: frozenset(
        {"orgs.view", "members.view", "points.view", "study.view", "meetings.view"}
    ),
    # 系统管理员: users and configuration; the org tree and the news sources are configuration, members
    # are not.
    Role.SYSTEM_ADMIN: frozenset({"accounts.manage", "orgs.view", "news.feeds"}),
    # 安全管理员: roles, grants and security policy.
    Role.SECURITY_ADMIN: frozenset({"access.manage", "orgs.view"}),
    # 审计管理员: reads and exports the audit log only.
    Role.AUDIT_ADMIN: frozenset({"audit.view", "audit.export"}),
}

# Permissions a user holds on their own records without any grant (a member sees their own record).
SELF_PERMISSIONS = frozenset({"members.view", "points.view", "study.view"})


def permissions_of(role: str) -> frozenset[str]:
    return PERMISSIONS.get(role, frozenset())
