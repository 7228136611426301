"""Shared personas and a small organisation tree for every test (STYLE.md: tests use shared personas).

Tree::

    集团党委 (committee, root)
    ├── 一公司党委 (committee)            ← committee_officer's grant (subtree)
    │   ├── 第一党支部 branch_a (支委会)    ← secretary_a; member (dangyuan) belongs here
    │   │   └── 第一党小组 group_a
    │   └── 第二党支部 branch_b            ← secretary_b
    └── 二公司党委 (committee)
        └── 第三党支部 branch_c            ← outside the committee officer's subtree
"""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace
from typing import Any

import pytest

from dangjian.access import services as access_services
from dangjian.accounts.models import User
from dangjian.core import idcard
from dangjian.members import services as member_services
from dangjian.members.models import Member
from dangjian.orgs import services as org_services
from dangjian.orgs.models import Org

PASSWORD = "Test@Pass2026"  # noqa: S105 (test personas)
_seq = itertools.count(1)


def make_user(username: str, full_name: str = "") -> User:
    return User.objects.create_user(username=username, password=PASSWORD, full_name=full_name or username)


def make_id_number(birth: dt.date = dt.date(1985, 6, 15), gender: str = "male") -> str:
    """A valid, unique identity number (the sequence steps by two so the sex digit never collides)."""
    n = next(_seq)
    region = f"{110101 + n // 490:06d}"
    return idcard.make(region, birth, (n % 490) * 2 + 2, gender)


def member_data(name: str = "张三", **overrides: Any) -> dict[str, Any]:
    birth = overrides.pop("birth_date", dt.date(1985, 6, 15))
    gender = overrides.pop("gender", "male")
    data: dict[str, Any] = {
        "name": name,
        "id_number": overrides.pop("id_number", None) or make_id_number(birth, gender),
        "gender": gender,
        "birth_date": birth,
        "ethnicity": "汉族",
        "education": "bachelor",
        "category": "professional",
        "joined_on": dt.date(2010, 7, 1),
        "full_on": dt.date(2011, 7, 1),
        "job_title": "工程师",
        "phone": "13800138000",
        "address": "北京市东城区东长安街1号",
    }
    data.update(overrides)
    return data


def make_member(org: Org, name: str = "张三", user: User | None = None, **overrides: Any) -> Member:
    member = _create_member(org, name, **overrides)
    if user is not None:
        member.user = user
        member.save(update_fields=["user"])
    return member


def _create_member(org: Org, name: str, **overrides: Any) -> Member:
    prepared, problems = member_services.prepare(member_data(name, **overrides))
    assert not problems, problems
    member = member_services.build(prepared, org)
    member.save()
    return member


def _org(parent: Org | None, name: str, kind: str, **kw: Any) -> Org:
    return org_services.org_create(actor=None, parent=parent, name=name, kind=kind, bootstrap=True, **kw)


@pytest.fixture(autouse=True)
def _isolated_media(settings: Any, tmp_path: Any) -> None:
    """Each test stores uploads and job files in its own temporary folders."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db: Any) -> SimpleNamespace:
    root = _org(
        None, "中共示例集团委员会", "committee", short_name="集团党委", elected_on=dt.date(2023, 5, 1)
    )
    committee = _org(
        root, "中共示例一公司委员会", "committee", short_name="一公司党委", elected_on=dt.date(2022, 3, 1)
    )
    branch_a = _org(
        committee,
        "中共示例一公司第一支部委员会",
        "branch",
        short_name="第一党支部",
        has_committee=True,
        elected_on=dt.date(2024, 1, 10),
    )
    group_a = _org(branch_a, "第一党小组", "group")
    branch_b = _org(
        committee,
        "中共示例一公司第二支部委员会",
        "branch",
        short_name="第二党支部",
        elected_on=dt.date(2024, 1, 10),
    )
    committee2 = _org(
        root, "中共示例二公司委员会", "committee", short_name="二公司党委", elected_on=dt.date(2022, 3, 1)
    )
    branch_c = _org(
        committee2,
        "中共示例二公司第三支部委员会",
        "branch",
        short_name="第三党支部",
        elected_on=dt.date(2024, 1, 10),
    )

    outsider = make_user("outsider", "局外人")
    member_user = make_user("dangyuan", "党员甲")
    secretary_a = make_user("secretary_a", "书记甲")
    secretary_b = make_user("secretary_b", "书记乙")
    officer = make_user("officer", "组织干部")
    system_admin = make_user("sysadmin", "系统管理员")
    security_admin = make_user("secadmin", "安全管理员")
    audit_admin = make_user("auditadmin", "审计管理员")

    member = make_member(branch_a, "党员甲", user=member_user)
    make_member(branch_a, "李四", gender="female", birth_date=dt.date(1990, 3, 8))
    probationary = make_member(
        branch_a, "王五", full_on=None, joined_on=dt.date(2026, 3, 1), birth_date=dt.date(1998, 1, 2)
    )
    member_b = make_member(branch_b, "赵六")
    member_c = make_member(branch_c, "钱七")

    grant = access_services.grant_create
    grant(actor=None, user=secretary_a, role="branch_secretary", org=branch_a, bootstrap=True)
    grant(actor=None, user=secretary_b, role="branch_secretary", org=branch_b, bootstrap=True)
    grant(actor=None, user=officer, role="committee_officer", org=committee, bootstrap=True)
    grant(actor=None, user=system_admin, role="system_admin", bootstrap=True)
    grant(actor=None, user=security_admin, role="security_admin", bootstrap=True)
    grant(actor=None, user=audit_admin, role="audit_admin", bootstrap=True)

    return SimpleNamespace(
        root=root,
        committee=committee,
        committee2=committee2,
        branch_a=branch_a,
        branch_b=branch_b,
        branch_c=branch_c,
        group_a=group_a,
        outsider=outsider,
        member_user=member_user,
        secretary_a=secretary_a,
        secretary_b=secretary_b,
        officer=officer,
        system_admin=system_admin,
        security_admin=security_admin,
        audit_admin=audit_admin,
        member=member,
        probationary=probationary,
        member_b=member_b,
        member_c=member_c,
    )


PERSONAS = (
    "anonymous",
    "outsider",
    "member_user",
    "secretary_a",
    "secretary_b",
    "officer",
    "system_admin",
    "security_admin",
    "audit_admin",
)


@pytest.fixture
def login(client: Any) -> Any:
    """``login(user)`` signs the test client in as ``user`` and returns the client."""

    def _login(user: User | None) -> Any:
        if user is not None:
            sign_in(client, user)
        return client

    return _login


def sign_in(client: Any, user: User) -> Any:
    """Sign ``client`` in as ``user`` with the second factor already passed (administrators need it)."""
    from dangjian.accounts.middleware import SESSION_MFA_OK

    client.force_login(user)
    session = client.session
    session[SESSION_MFA_OK] = True
    session.save()
    return client


# Tables a refused action must leave untouched (``snapshot`` fixture). ``last_login`` is left out: signing a
# persona in is not the action under test.
_SNAPSHOT_MODELS = (
    "orgs.Org",
    "orgs.Position",
    "members.Member",
    "members.StatusChange",
    "access.Grant",
    "access.ApiToken",
    "accounts.User",
    "accounts.SecurityPolicy",
    "audit.AuditEntry",
    "core.Job",
    "points.PointRule",
    "points.PointEntry",
    "points.PointDay",
    "points.PointTotal",
    "points.PointOrgTotal",
    "points.PointAdjustment",
)
# Every model of these apps is snapshotted too (their models need not be listed one by one).
_SNAPSHOT_APPS = (
    "studytime",
    "study",
    "school",
    "news",
    "meetings",
    "appraisal",
    "exams",
    "dues",
    "transfers",
    "development",
    "mailbox",
    "supervision",
)


def take_snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of the business and security tables, as plain values (decrypted fields included)."""
    from django.apps import apps

    out: dict[str, list[dict[str, Any]]] = {}
    models = [apps.get_model(label) for label in _SNAPSHOT_MODELS]
    models += [m for app in _SNAPSHOT_APPS for m in apps.get_app_config(app).get_models()]
    for model in models:
        label = model._meta.label
        rows = model._default_manager.order_by("pk").values()
        out[label] = [{k: v for k, v in row.items() if k != "last_login"} for row in rows]
    return out


@pytest.fixture
def snapshot(db: Any) -> Any:
    """``snapshot()`` returns the state of every table a refused action must not change; compare two."""
    return take_snapshot
