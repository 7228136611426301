"""Writing the planned enterprise: orgs in tree order, members in batches, accounts, one audit entry."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from dangjian.access import services as access_services
from dangjian.access.roles import ADMIN_ROLES
from dangjian.accounts.models import User
from dangjian.audit import services as audit
from dangjian.members import services as member_services
from dangjian.members.demo.data import (
    BATCH,
    DEFAULT_MEMBERS,
    DEFAULT_SEED,
    MIN_MEMBERS,
    MOBILE_DESTINATIONS,
    path_step,
)
from dangjian.members.demo.plan import DemoAccount, OrgPlan, Planner, Slot
from dangjian.members.models import ChangeKind, Member, StatusChange
from dangjian.orgs.models import Org, OrgKind, Position, PositionTitle


@dataclass
class SeedResult:
    root: Org
    orgs_by_kind: Counter[str]
    members: int
    probationary: int
    lost_contact: int
    mobile: int
    suspended: int
    positions: int
    accounts: list[DemoAccount]
    password_set: bool


_POST_LABELS: dict[tuple[str, str], str] = {
    (OrgKind.COMMITTEE, PositionTitle.SECRETARY): "党委书记",
    (OrgKind.COMMITTEE, PositionTitle.DEPUTY_SECRETARY): "党委副书记",
    (OrgKind.GENERAL_BRANCH, PositionTitle.SECRETARY): "党总支书记",
    (OrgKind.GROUP, PositionTitle.GROUP_LEADER): "党小组组长",
}
_UNIT_ORG_STATUS: dict[str, str] = {
    OrgKind.COMMITTEE: "建立党委",
    OrgKind.GENERAL_BRANCH: "建立党总支",
    OrgKind.JOINT_BRANCH: "与其他单位联合建立党支部",
    OrgKind.GROUP: "",
}
_BRANCH_POSTS: dict[str, str] = {
    PositionTitle.SECRETARY: "党支部书记",
    PositionTitle.DEPUTY_SECRETARY: "党支部副书记",
    PositionTitle.ORGANISATION_MEMBER: "组织委员",
    PositionTitle.PROPAGANDA_MEMBER: "宣传委员",
    PositionTitle.DISCIPLINE_MEMBER: "纪检委员",
}


def _post_label(org: OrgPlan, title: str) -> str:
    if org.is_branch:
        return _BRANCH_POSTS.get(title, PositionTitle(title).label)
    return _POST_LABELS.get((org.kind, title), PositionTitle(title).label)


def _assign_paths(root: OrgPlan) -> list[OrgPlan]:
    """Paths, depths and child counts exactly as MP_Node.add_root/add_child would write them."""
    root.path = path_step(Org.objects.filter(depth=1).count() + 1)
    ordered = []
    for node in root.walk():
        ordered.append(node)
        for i, child in enumerate(node.children, start=1):
            child.path = node.path + path_step(i)
    return ordered


def _write_orgs(root: OrgPlan) -> list[OrgPlan]:
    ordered = _assign_paths(root)
    objs = []
    for node in ordered:
        node.obj = Org(
            path=node.path,
            depth=len(node.path) // Org.steplen,
            numchild=len(node.children),
            name=node.name,
            short_name=node.short_name,
            kind=node.kind,
            has_committee=node.has_committee,
            contact_name=node.contact_name,
            contact_phone=node.contact_phone,
            unit_situation=node.unit_situation,
            unit_name=node.unit.name[:100],
            unit_category=node.unit.category,
            credit_code=node.unit.credit_code,
            unit_org_status=_UNIT_ORG_STATUS.get(node.kind, "建立党支部"),
            elected_on=node.elected_on,
            founded_on=node.founded_on,
        )
        objs.append(node.obj)
    Org.objects.bulk_create(objs, batch_size=BATCH)
    return ordered


def _write_accounts(planner: Planner) -> dict[str, User]:
    # One hash for all demo accounts: they share the published demo password, and Argon2 costs ~0.5 s a hash.
    hashed = make_password(settings.DEMO_PASSWORD or None)
    users: dict[str, User] = {}
    for account in planner.accounts:
        user = User(username=account.username, full_name=account.full_name, password=hashed)
        user.save()
        users[account.username] = user
    for account in planner.accounts:
        if account.role:
            org = account.org.obj if account.org and account.role not in ADMIN_ROLES else None
            access_services.grant_create(
                actor=None,
                user=users[account.username],
                role=account.role,
                org=org,
                include_subtree=True,
                bootstrap=True,
            )
    return users


def _first_of_month(day: dt.date, back: int = 0) -> dt.date:
    month = day.year * 12 + day.month - 1 - back
    return dt.date(month // 12, month % 12 + 1, 1)


def seed(
    *,
    members: int = DEFAULT_MEMBERS,
    seed: int = DEFAULT_SEED,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> SeedResult:
    """Write the demo enterprise into an empty database, in one transaction, then ANALYZE.

    Side effects: demo accounts with grants (access.grant.create entries) and one audit entry
    ``members.demo.seed`` at the end.
    """
    if members < MIN_MEMBERS:
        raise ValueError(f"演示党员数不少于 {MIN_MEMBERS}")
    today = today or timezone.localdate()
    planner = Planner(members=members, seed=seed, today=today)
    root = planner.plan()
    rng = planner.rng
    with transaction.atomic():
        ordered = _write_orgs(root)
        users = _write_accounts(planner)
        batch: list[Member] = []
        held: list[tuple[Slot, Member]] = []
        history: list[StatusChange] = []
        stats: Counter[str] = Counter()

        def flush() -> None:
            Member.objects.bulk_create(batch, batch_size=BATCH)
            batch.clear()

        for branch in planner.branches:
            org = branch.obj
            assert org is not None
            for index in range(branch.size):
                slot = branch.slots.get(index)
                probationary = index >= branch.full
                data = dict(slot.person) if slot else planner.person(branch, probationary=probationary)
                group_no = next(
                    (i for i in range(len(branch.groups)) if index < planner.group_bounds(branch, i)[1]), None
                )
                if group_no is not None:
                    data["group"] = branch.groups[group_no].obj
                if slot:
                    data["party_post"] = "、".join(_post_label(o, t) for o, t in slot.posts)
                    data["job_title"] = slot.job_title or data["job_title"]
                prepared, problems = member_services.prepare(data, today=today)
                if problems:
                    raise ValueError(f"演示数据不一致：{problems}")
                member = member_services.build(prepared, org)
                paid_back = 0 if rng.random() < 0.8 else 1 if rng.random() < 0.85 else rng.randint(2, 3)
                member.dues_paid_until = _first_of_month(today, paid_back)
                if slot:
                    held.append((slot, member))
                    if slot.username:
                        member.user = users[slot.username]
                elif not probationary and branch.size > 4 and index >= 4:
                    _special_status(planner, member, history, stats)
                stats[member.status] += 1
                batch.append(member)
            if progress is not None:
                progress(branch.size)
            if len(batch) >= BATCH:
                flush()
        flush()
        from dangjian.members import headcount

        headcount.rebuild()
        for change in history:
            change.member_id = change.member.pk
        StatusChange.objects.bulk_create(history, batch_size=BATCH)
        positions = [
            Position(
                org=org_plan.obj,
                member=member,
                title=title,
                started_on=max(org_plan.elected_on or org_plan.founded_on or today, member.joined_on),
            )
            for slot, member in held
            for org_plan, title in slot.posts
        ]
        Position.objects.bulk_create(positions, batch_size=BATCH)
        kinds = Counter(node.kind for node in ordered)
        audit.record(
            actor=None,
            action="members.demo.seed",
            target=root.obj,
            org_path=root.path,
            changes={
                "members": members,
                "orgs": len(ordered),
                "branches": len(planner.branches),
                "seed": seed,
                "accounts": [a.username for a in planner.accounts],
            },
        )
    # Fresh statistics for the query planners after a bulk load (PostgreSQL's autovacuum may be off or late;
    # SQLite has none until ANALYZE): the scoped lists depend on index plans.
    # On PostgreSQL a VACUUM also sets the visibility map so counts use index-only scans (bench/RESULTS.md);
    # it cannot run inside a transaction (tests wrap one), where ANALYZE alone is done.
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    assert root.obj is not None
    return SeedResult(
        root=root.obj,
        orgs_by_kind=kinds,
        members=members,
        probationary=stats["probationary"],
        lost_contact=stats["lost_contact"],
        mobile=stats["mobile"],
        suspended=stats["suspended"],
        positions=len(positions),
        accounts=planner.accounts,
        password_set=bool(settings.DEMO_PASSWORD),
    )


def _special_status(
    planner: Planner, member: Member, history: list[StatusChange], stats: Counter[str]
) -> None:
    """A few 流动党员, 失联党员 and (≥6 months out of contact) 停止党籍 (教管条例 第二十四、三十二条)."""
    r = planner.rng.random()
    if r < 0.015:
        since = planner.days_ago(200, 1500)
        member.mobile, member.mobile_destination = True, planner.rng.choice(MOBILE_DESTINATIONS)
        history.append(
            StatusChange(
                member=member,
                kind=ChangeKind.MOBILE_STARTED,
                effective_on=since,
                detail={"destination": member.mobile_destination},
            )
        )
        stats["mobile"] += 1
    elif r < 0.0205:
        since = planner.days_ago(200, 700)
        member.lost_contact, member.lost_contact_on = True, since
        member.dues_paid_until = _first_of_month(since)
        history.append(
            StatusChange(
                member=member, kind=ChangeKind.LOST_CONTACT, effective_on=since, reason="多次联系未果"
            )
        )
        stats["lost_contact"] += 1
        if r >= 0.019:
            member.standing = "suspended"
            history.append(
                StatusChange(
                    member=member,
                    kind=ChangeKind.SUSPENDED,
                    effective_on=since + dt.timedelta(days=190),
                    reason="失去联系超过六个月，经支部党员大会讨论决定停止党籍（教管条例第二十四条）",
                )
            )
            stats["suspended"] += 1
