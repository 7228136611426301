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


@dataclass(frozen=True)
class NavGroup:
    """A menu: one entry is shown as a plain link, several as a drop-down."""

    label: str
    icon: str
    items: list[NavItem]

    @property
    def active(self) -> bool:
        return any(i.active for i in self.items)

    @property
    def single(self) -> NavItem | None:
        return self.items[0] if len(self.items) == 1 else None


# An entry for accounts with a member record (their own study, points, meetings), not for the 三员.
MEMBER = "member"

# Menus: (label, icon, [(label, url name, icon, permission, MEMBER, or None for everyone signed in)]).
_MENUS: list[tuple[str, str, list[tuple[str, str, str, str | None]]]] = [
    ("首页", "house", [("首页", "core:home", "house", None)]),
    (
        "学习",
        "book",
        [
            ("我的学习", "study:my_study", "book", MEMBER),
            ("网络党校", "school:my_courses", "mortarboard", MEMBER),
            ("廉政教育专栏", "supervision:integrity", "journal-bookmark", MEMBER),
            ("学习笔记", "study:note_list", "journal-text", MEMBER),
            ("党建新鲜事", "news:index", "newspaper", None),
            ("我的学时", "studytime:my_hours", "hourglass-split", MEMBER),
            ("我的积分", "points:my_points", "star", MEMBER),
            ("积分排行", "points:board", "trophy", "points.view"),
        ],
    ),
    (
        "学习管理",
        "easel",
        [
            ("专题管理", "study:manage_list", "collection", "study.manage"),
            ("课程管理", "school:manage_list", "journal-plus", "study.manage"),
            ("学习统计", "study:stats", "bar-chart", "study.view"),
            ("课程统计", "school:stats", "clipboard-data", "study.view"),
            ("学时进度", "studytime:progress", "bar-chart-line", "study.view"),
            ("稿件管理", "news:post_manage", "pencil-square", "news.publish"),
            ("动态审核", "news:review_list", "clipboard-check", "news.review"),
            ("积分规则", "points:rule_list", "list-check", "points.view"),
            ("积分调整", "points:adjustment_list", "plus-slash-minus", "points.manage"),
        ],
    ),
    (
        "组织生活",
        "calendar-check",
        [
            ("我的组织生活", "meetings:my_meetings", "qr-code-scan", MEMBER),
            ("我的评议", "appraisal:mine", "ui-checks", MEMBER),
            ("会议记录", "meetings:meeting_list", "calendar-check", "meetings.view"),
            ("落实情况", "meetings:compliance", "clipboard-check", "meetings.view"),
            ("组织生活会与民主评议", "appraisal:index", "people", "meetings.view"),
        ],
    ),
    (
        "考试",
        "pencil-square",
        [
            ("我的考试", "exams:my_exams", "pencil-square", MEMBER),
            ("每日一练", "exams:practice", "lightning", MEMBER),
            ("错题本", "exams:mistake_list", "journal-x", MEMBER),
            ("考试管理", "exams:index", "clipboard-data", "exams.view"),
            ("题库与试卷", "exams:bank_list", "collection", "exams.view"),
            ("阅卷", "exams:grading", "check2-square", "exams.grade"),
        ],
    ),
    (
        "组织与党员",
        "diagram-3",
        [
            ("组织架构", "orgs:org_tree", "diagram-3", "orgs.view"),
            ("党员名册", "members:member_list", "people", "members.view"),
            ("导入党员", "members:import_create", "upload", "members.import"),
            ("发展党员", "development:board", "person-plus", "development.view"),
        ],
    ),
    (
        "党务",
        "briefcase",
        [
            ("我的党费", "dues:mine", "wallet2", MEMBER),
            ("党费计算器", "dues:calculator", "calculator", MEMBER),
            ("党费管理", "dues:index", "cash-coin", "dues.view"),
            ("组织关系转接", "transfers:register", "arrow-left-right", "transfers.view"),
            ("流动党员", "transfers:mobile_list", "geo-alt", "transfers.view"),
            ("失联党员", "transfers:lost_contact_list", "person-exclamation", "transfers.view"),
        ],
    ),
    (
        "党风廉政",
        "shield-check",
        [
            ("监督看板", "supervision:board", "speedometer2", "supervision.view"),
            ("预警", "supervision:warning_list", "exclamation-triangle", "supervision.view"),
            ("督办整改", "supervision:task_list", "clipboard2-check", "supervision.view"),
            ("责任清单", "supervision:duty_list", "list-task", "supervision.view"),
        ],
    ),
    (
        "书记信箱",
        "envelope-paper",
        [
            ("给书记写信", "mailbox:write", "envelope-paper", None),
            ("随手拍", "mailbox:snapshot_new", "camera", None),
            ("凭回执码查看", "mailbox:receipt", "receipt", None),
            ("来信办理", "mailbox:index", "inbox", "mailbox.handle"),
            ("随手拍办理", "mailbox:snapshot_list", "camera-fill", "mailbox.handle"),
        ],
    ),
    (
        "系统",
        "gear",
        [
            ("用户管理", "accounts:user_list", "person-gear", "accounts.manage"),
            ("资讯源管理", "news:feed_list", "rss", "news.feeds"),
            ("角色授权", "access:grant_list", "shield-lock", "access.manage"),
            ("安全策略", "accounts:policy", "shield-check", "access.manage"),
            ("审计日志", "audit:entry_list", "journal-text", "audit.view"),
            ("来信类别", "mailbox:category_list", "tags", "mailbox.configure"),
        ],
    ),
    (
        "我的档案",
        "person-vcard",
        [
            ("我的档案", "accounts:profile", "person-vcard", None),
            ("我的组织关系", "transfers:mine", "arrow-left-right", MEMBER),
        ],
    ),
]


def _has_member(user: Any) -> bool:
    """Whether the account has a member record (remembered on the user object for the request)."""
    cached = getattr(user, "_nav_has_member", None)
    if cached is None:
        from dangjian.members.models import Member

        cached = Member.objects.filter(user=user).exists()
        user._nav_has_member = cached
    return bool(cached)


def navigation_for(user: Any, path: str) -> list[NavGroup]:
    """The menus with the entries the user may open (empty menus left out); the entry whose address is the
    longest prefix of ``path`` is active."""
    member = _has_member(user)
    visible = [
        (menu, icon, [(label, reverse(name), i) for label, name, i, perm in entries if perm is None
                      or (member if perm == MEMBER else scope.has_permission(user, perm))])
        for menu, icon, entries in _MENUS
    ]  # fmt: skip
    urls = [url for _, _, entries in visible for _, url, _ in entries]
    matches = [url for url in urls if (path == url if url == "/" else path.startswith(url))]
    current = max(matches, key=len, default=None)
    return [
        NavGroup(menu, icon, [NavItem(label, url, i, url == current) for label, url, i in entries])
        for menu, icon, entries in visible
        if entries
    ]
