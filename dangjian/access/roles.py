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
# Exams (考试中心): exams.view reads exams and results, exams.manage keeps banks, papers and exams,
# exams.grade marks short answers. Party affairs (党务): <app>.view reads, <app>.manage keeps the branch's
# records (bills and payments, transfers out and in, development files), <app>.approve decides what the
# level above decides (少交免交, transfer approval, 发展 approval). Supervision: supervision.view reads
# warnings, tasks and the board; supervision.rectify reports progress on a task given to one's
# organisation; supervision.manage keeps rules, responsibility lists and tasks and checks them;
# mailbox.handle reads and answers letters and 随手拍 addressed to the organisation (only where granted);
# mailbox.configure keeps the letter categories (configuration, for the system administrator).
_EXAMS = {"exams.view", "exams.manage", "exams.grade"}
_AFFAIRS = {
    "dues.view",
    "dues.manage",
    "transfers.view",
    "transfers.manage",
    "development.view",
    "development.manage",
}
_AFFAIRS_APPROVE = {"dues.approve", "transfers.approve", "development.approve"}
_SUPERVISED = {"supervision.view", "supervision.rectify"}

PERMISSIONS: dict[str, frozenset[str]] = {
    Role.BRANCH_SECRETARY: frozenset(
        _ORG_WORK
        | _STUDY
        | _BRANCH_LIFE
        | _EXAMS
        | _AFFAIRS
        | _SUPERVISED
        | {"orgs.change", "points.view", "mailbox.handle"}
    ),
    Role.PARTY_WORKER: frozenset(
        _ORG_WORK | _BRANCH_LIFE | _EXAMS | _AFFAIRS | _SUPERVISED | {"points.view", "study.view"}
    ),
    Role.COMMITTEE_OFFICER: frozenset(
        _ORG_WORK
        | _STUDY
        | _BRANCH_LIFE
        | _EXAMS
        | _AFFAIRS
        | _AFFAIRS_APPROVE
        | _SUPERVISED
        | {
            "orgs.change",
            "orgs.manage",
            "points.view",
            "points.manage",
            "news.review",
            "meetings.review",
            "supervision.manage",
            "mailbox.handle",
        }
    ),
    # 宣传委员: publishes study content and news for the organisation (and subtree) of the grant.
    Role.PUBLICITY_OFFICER: frozenset(
        _STUDY | _EXAMS | {"orgs.view", "points.view", "news.publish", "news.review"}
    ),
    # 纪检干部: reads what they supervise, keeps supervision and handles letters where granted.
    Role.DISCIPLINE_OFFICER: frozenset(
        {
            "orgs.view",
            "members.view",
            "points.view",
            "study.view",
            "meetings.view",
            "exams.view",
            "dues.view",
            "transfers.view",
            "development.view",
            "supervision.view",
            "supervision.manage",
            "mailbox.handle",
        }
    ),
    # 系统管理员: users and configuration; the org tree and the news sources are configuration, members
    # are not.
    Role.SYSTEM_ADMIN: frozenset({"accounts.manage", "orgs.view", "news.feeds", "mailbox.configure"}),
    # 安全管理员: roles, grants and security policy.
    Role.SECURITY_ADMIN: frozenset({"access.manage", "orgs.view"}),
    # 审计管理员: reads and exports the audit log only.
    Role.AUDIT_ADMIN: frozenset({"audit.view", "audit.export"}),
}

# Permissions a user holds on their own records without any grant (a member sees their own record).
SELF_PERMISSIONS = frozenset({"members.view", "points.view", "study.view", "dues.view"})


def permissions_of(role: str) -> frozenset[str]:
    return PERMISSIONS.get(role, frozenset())
