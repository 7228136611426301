"""The navigation: only what exists and what the user may open (no empty menu entries)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from dangjian.access import scope


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    icon: str
    active: bool


# (label, url name, icon, permission or None for everyone signed in)
_ITEMS: list[tuple[str, str, str, str | None]] = [
    ("首页", "core:home", "house", None),
    ("组织架构", "orgs:org_tree", "diagram-3", "orgs.view"),
    ("党员名册", "members:member_list", "people", "members.view"),
    ("导入党员", "members:import_create", "upload", "members.import"),
    ("用户管理", "accounts:user_list", "person-gear", "accounts.manage"),
    ("角色授权", "access:grant_list", "shield-lock", "access.manage"),
    ("安全策略", "accounts:policy", "shield-check", "access.manage"),
    ("审计日志", "audit:entry_list", "journal-text", "audit.view"),
    ("我的积分", "points:my_points", "star", None),
    ("积分排行", "points:board", "trophy", "points.view"),
    ("积分规则", "points:rule_list", "list-check", "points.view"),
    ("积分调整", "points:adjustment_list", "plus-slash-minus", "points.manage"),
    ("党建新鲜事", "news:index", "newspaper", None),
    ("稿件管理", "news:post_manage", "pencil-square", "news.publish"),
    ("动态审核", "news:review_list", "clipboard-check", "news.review"),
    ("资讯源管理", "news:feed_list", "rss", "news.feeds"),
    ("网络党校", "school:my_courses", "mortarboard", None),
    ("课程管理", "school:manage_list", "journal-plus", "study.manage"),
    ("课程统计", "school:stats", "clipboard-data", "study.view"),
    ("我的学时", "studytime:my_hours", "hourglass-split", None),
    ("学时进度", "studytime:progress", "bar-chart-line", "study.view"),
    ("我的档案", "accounts:profile", "person-vcard", None),
]


def navigation_for(user: Any, path: str) -> list[NavItem]:
    """The entries the user may open; the one whose address is the longest prefix of ``path`` is active."""
    visible = [
        (label, reverse(name), icon)
        for label, name, icon, perm in _ITEMS
        if perm is None or scope.has_permission(user, perm)
    ]
    matches = [url for _, url, _ in visible if (path == url if url == "/" else path.startswith(url))]
    current = max(matches, key=len, default=None)
    return [NavItem(label, url, icon, url == current) for label, url, icon in visible]
