"""The demo enterprise (seed_demo): a valid tree, consistent members, working accounts, safe to re-run."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from dangjian.access import scope
from dangjian.access.models import Grant
from dangjian.accounts.models import User
from dangjian.audit.models import AuditEntry
from dangjian.core import idcard
from dangjian.development.models import Development
from dangjian.members import demo
from dangjian.members import rules as member_rules
from dangjian.members.models import Member, StatusChange
from dangjian.orgs import selectors as org_selectors
from dangjian.orgs import services as org_services
from dangjian.orgs.models import Org, Position
from dangjian.orgs.rules import BRANCH_KINDS

MEMBERS = 300


def expected_members() -> int:
    """The roster asked for plus the 预备党员 the 发展党员 demo admits through ⑰ (member_create) and the
    members the transfers demo receives from outside the platform (incoming letters create the record)."""
    from dangjian.transfers.models import Transfer

    incoming = Transfer.objects.filter(kind="incoming", member__isnull=False).count()
    return MEMBERS + Development.objects.filter(member__isnull=False).count() + incoming


def seed(**options: Any) -> str:
    out = StringIO()
    call_command("seed_demo", members=MEMBERS, verbosity=options.pop("verbosity", 0), stdout=out, **options)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return (
        Org.objects.count(),
        Member.objects.count(),
        User.objects.count(),
        Grant.objects.count(),
        Position.objects.count(),
        StatusChange.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def demo_mode(settings: Any) -> None:
    settings.DEMO_MODE = True


@pytest.fixture
def seeded(db: Any, demo_mode: None) -> None:
    seed()


def branch_of(username: str) -> Org:
    grant = Grant.objects.select_related("org").get(user__username=username)
    assert grant.org is not None
    return grant.org


def test_seeded_tree_is_a_valid_treebeard_tree(seeded: None) -> None:
    assert Org.objects.find_problems() == ([], [], [], [], [])
    root = Org.objects.get(depth=1)
    assert root.name == "中共XX能源集团有限公司委员会" and root.short_name == "集团党委"
    # treebeard carries on from the computed paths: a new branch goes after the last child.
    committee = Org.objects.get(pk=branch_of("erji1").pk)
    last = Org.objects.get_children(committee).last()
    new = org_services.org_create(
        actor=None, parent=committee, name="新建党支部", kind="branch", bootstrap=True
    )
    assert new.path == last.path[:-4] + demo.path_step(int(last.path[-4:], 36) + 1)
    assert Org.objects.find_problems() == ([], [], [], [], [])


def test_seeded_counts_match_the_request(seeded: None) -> None:
    assert Member.objects.count() == expected_members()
    kinds = set(Org.objects.values_list("kind", flat=True))
    assert {"committee", "branch", "group"} <= kinds
    branches = Org.objects.filter(kind__in=BRANCH_KINDS).count()
    assert abs(branches - MEMBERS / demo.MEMBERS_PER_BRANCH) <= 3
    assert Org.objects.filter(depth=2, kind="committee").count() >= 3
    # members sit in branches, their 党小组 inside their own branch
    for member in Member.objects.select_related("org", "group"):
        assert member.org.kind in BRANCH_KINDS
        assert member.group is None or member.group.path.startswith(member.org.path)
    entry = AuditEntry.objects.get(action="members.demo.seed")
    assert entry.changes["members"] == MEMBERS and entry.org_path == Org.objects.get(depth=1).path


def test_every_identity_number_is_valid_unique_and_matches_the_record(seeded: None) -> None:
    numbers = set()
    today = dt.date.today()
    for member in Member.objects.all():
        info = idcard.parse(member.id_number)
        assert (info.birth_date, info.gender) == (member.birth_date, member.gender)
        assert dt.date(1950, 1, 1) <= member.birth_date <= dt.date(2004, 12, 31)
        assert member_rules.age_on(member.birth_date, member.joined_on) >= 18
        if member.status == "full":
            assert member.full_on is not None and today >= member.full_on > member.joined_on
        else:
            assert member.full_on is None and today - member.joined_on < dt.timedelta(days=366)
        numbers.add(member.id_number)
    assert len(numbers) == expected_members()
    for org in Org.objects.exclude(kind="group"):
        assert demo.credit_code_is_valid(org.credit_code), org.credit_code
        assert org.unit_name and org.contact_name and org.contact_phone


def test_demo_accounts_have_the_right_grants_and_member_records(seeded: None) -> None:
    root = Org.objects.get(depth=1)
    erji = Org.objects.filter(depth=2, kind="committee").order_by("path").first()
    assert erji is not None
    branches = list(Org.objects.get_children(erji)[:2])
    expected = {
        "jituan": ("committee_officer", root),
        "erji1": ("committee_officer", erji),
        "jijian1": ("discipline_officer", root),
        "zhibu1": ("branch_secretary", branches[0]),
        "zhibu2": ("branch_secretary", branches[1]),
        "dangwu1": ("party_worker", branches[0]),
        "sysadmin": ("system_admin", None),
        "secadmin": ("security_admin", None),
        "auditadmin": ("audit_admin", None),
    }
    for username, (role, org) in expected.items():
        grants = list(Grant.objects.filter(user__username=username))
        assert [(g.role, g.org_id, g.include_subtree) for g in grants] == [
            (role, org.pk if org else None, True)
        ]
        user = User.objects.get(username=username)
        assert user.check_password("Dangjian@2026")
        assert Member.objects.filter(user=user).exists() == (org is not None), username
    assert not Grant.objects.filter(user__username="dangyuan1").exists()
    assert Member.objects.get(user__username="dangyuan1").org == branches[0]
    assert Member.objects.get(user__username="jituan").org.short_name == "集团机关第一党支部"
    for username, branch in (("zhibu1", branches[0]), ("zhibu2", branches[1])):
        member = Member.objects.get(user__username=username)
        assert Position.objects.filter(org=branch, member=member, title="secretary", ended_on=None).exists()


def test_zhibu1_branch_has_a_committee_groups_and_probationary_members(seeded: None) -> None:
    branch = branch_of("zhibu1")
    members = Member.objects.filter(org=branch)
    assert branch.has_committee and 20 <= members.count() <= 30
    assert members.filter(status="probationary").exists()
    groups = Org.objects.get_children(branch)
    assert groups.count() >= 2 and all(g.kind == "group" for g in groups)
    # Everyone is in a 党小组, except members who just arrived by transfer (the branch places them later).
    from dangjian.transfers.models import Transfer

    arrived = Transfer.objects.filter(member__org=branch).values("member_id")
    assert members.filter(group__isnull=True).exclude(pk__in=arrived).count() == 0
    titles = set(Position.objects.filter(org=branch).values_list("title", flat=True))
    assert {"secretary", "organisation_member", "propaganda_member", "discipline_member"} <= titles
    assert Position.objects.filter(org__in=groups, title="group_leader").count() == groups.count()


def test_zhibu1_sees_only_their_branch_and_jituan_sees_everyone(seeded: None) -> None:
    zhibu1 = User.objects.get(username="zhibu1")
    branch = branch_of("zhibu1")
    visible = scope.restrict(Member.objects.all(), zhibu1, "members.view")
    assert set(visible.values_list("org_id", flat=True)) == {branch.pk}
    assert visible.count() == Member.objects.filter(org=branch).count()
    orgs = scope.restrict(Org.objects.all(), zhibu1, "orgs.view")
    assert all(o.path.startswith(branch.path) for o in orgs)
    jituan = User.objects.get(username="jituan")
    assert scope.restrict(Member.objects.all(), jituan, "members.view").count() == expected_members()


def test_structural_notices_show_on_the_tree(seeded: None) -> None:
    nodes = org_selectors.org_tree(user=User.objects.get(username="jituan"))
    codes = {notice.code for node in nodes for notice in node.notices}
    assert {"too_few_full", "election_overdue", "branch_too_large"} <= codes


def test_if_empty_does_nothing_the_second_time(seeded: None) -> None:
    before = counts()
    out = seed(if_empty=True, verbosity=1)
    assert "跳过" in out
    assert counts() == before


def test_refuses_without_demo_mode_and_changes_nothing(db: Any, settings: Any) -> None:
    settings.DEMO_MODE = False
    before = counts()
    with pytest.raises(CommandError, match="演示模式"):
        seed()
    assert counts() == before == (0, 0, 0, 0, 0, 0, 0)


def test_force_seeds_outside_demo_mode(db: Any, settings: Any) -> None:
    settings.DEMO_MODE = False
    seed(force=True)
    assert Member.objects.count() == expected_members()


def test_refuses_a_database_that_already_has_organisations(world: Any, demo_mode: None) -> None:
    before = counts()
    with pytest.raises(CommandError, match="空库"):
        seed()
    assert counts() == before


def test_summary_lists_orgs_members_and_accounts(db: Any, demo_mode: None) -> None:
    out = seed(verbosity=1)
    for text in ("党组织", "党支部", "党员", "预备党员", "jituan", "zhibu1", "auditadmin", "Dangjian@2026"):
        assert text in out


def test_same_seed_plans_the_same_enterprise() -> None:
    def names(seed: int) -> list[str]:
        planner = demo.Planner(members=MEMBERS, seed=seed, today=dt.date(2026, 11, 23))
        root = planner.plan()
        return [f"{n.name}/{n.size}/{n.contact_name}" for n in root.walk()]

    assert names(7) == names(7)
    assert names(7) != names(8)
