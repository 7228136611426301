"""The kept per-organisation roll counts (``OrgHeadcount``): every roster change keeps them exact in its own
transaction, the member lists take their "共 N 人" from them, and a drift left by a raw write is repaired."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.urls import reverse

from conftest import make_member, make_user, member_data
from dangjian.access import services as access_services
from dangjian.core.errors import BusinessError
from dangjian.members import headcount, services
from dangjian.members.models import Member, OrgHeadcount
from dangjian.members.tests.test_import import person, run
from dangjian.members.views import MemberListView
from dangjian.orgs import services as org_services
from dangjian.orgs.models import Org

ON = dt.date(2026, 5, 8)


def kept() -> dict[int, int]:
    return {k: v for k, v in OrgHeadcount.objects.values_list("org_id", "on_roll") if v}


def kept_subtrees() -> dict[int, int]:
    return {k: v for k, v in OrgHeadcount.objects.values_list("org_id", "in_subtree") if v}


def actual_subtrees() -> dict[int, int]:
    """Members on the roll under each organisation (itself included), counted from the rows."""
    found = {}
    for org in Org.objects.all():
        n = Member.objects.filter(exit_kind="", org__path__startswith=org.path).count()
        if n:
            found[org.pk] = n
    return found


def actual() -> dict[int, int]:
    return dict(
        Member.objects.filter(exit_kind="")
        .values("org_id")
        .annotate(n=Count("id"))
        .values_list("org_id", "n")
    )


def api_count(client: Any, user: Any, query: str = "") -> int:
    client.force_login(user)
    response = client.get(f"/api/v1/members/?page_size=1{query}")  # a full page: counted
    assert response.status_code == 200
    return int(response.json()["count"])


@pytest.fixture
def chief(world: Any) -> Any:
    user = make_user("chief", "集团组织部")
    access_services.grant_create(
        actor=None, user=user, role="committee_officer", org=world.root, bootstrap=True
    )
    return user


def test_the_counts_follow_members_created_through_the_model(world: Any) -> None:
    assert kept() == actual() == {world.branch_a.pk: 3, world.branch_b.pk: 1, world.branch_c.pk: 1}
    assert kept_subtrees() == actual_subtrees()
    assert kept_subtrees()[world.root.pk] == 5
    assert kept_subtrees()[world.committee.pk] == 4  # 一公司党委: branch_a (3) + branch_b (1)
    assert headcount.rebuild() == 0  # nothing to repair


def test_status_services_keep_the_counts_exact(world: Any) -> None:
    services.member_exit(
        actor=world.secretary_a, member=world.probationary, kind="withdrew", on=ON, reason="退党"
    )
    services.member_move(actor=world.officer, member=world.member, org=world.branch_b, on=ON)
    services.member_transfer_out(
        actor=world.officer,
        member=Member.objects.get(pk=world.member_b.pk),
        on=ON,
        transfer_id=3,
        to_org_name="某区委",
    )
    assert kept() == actual() == {world.branch_a.pk: 1, world.branch_b.pk: 1, world.branch_c.pk: 1}
    # The record transferred out comes back on the roll, in another branch, with a new letter.
    data = member_data("赵六", id_number=world.member_b.id_number)
    member, returned = services.member_receive_by_transfer(
        actor=world.officer, org=world.branch_a, data=data, on=ON, letter="介绍信 001"
    )
    assert returned and member.pk == world.member_b.pk
    assert kept() == actual() == {world.branch_a.pk: 2, world.branch_b.pk: 1, world.branch_c.pk: 1}
    assert kept_subtrees() == actual_subtrees()
    assert headcount.rebuild() == 0


def test_a_refused_change_leaves_the_counts_alone(world: Any, snapshot: Any) -> None:
    before = snapshot()
    with pytest.raises(BusinessError):
        services.member_exit(
            actor=world.secretary_b, member=world.member, kind="withdrew", on=ON, reason="退党"
        )
    assert snapshot() == before
    assert kept() == {world.branch_a.pk: 3, world.branch_b.pk: 1, world.branch_c.pk: 1}
    assert kept_subtrees() == actual_subtrees()


def test_an_import_and_a_merge_keep_the_counts_exact(world: Any) -> None:
    report = run(world.secretary_a, [person("甲一"), person("乙二"), person("丙三")])
    assert report.created == 3
    assert kept()[world.branch_a.pk] == 6
    assert kept_subtrees() == actual_subtrees()
    org_services.org_merge(actor=world.officer, source=world.branch_b, target=world.branch_a)
    assert kept() == actual() == {world.branch_a.pk: 7, world.branch_c.pk: 1}
    assert kept_subtrees() == actual_subtrees()
    assert headcount.rebuild() == 0


def test_moving_and_merging_organisations_carry_their_subtrees(world: Any, chief: Any) -> None:
    # 第二党支部 (1 member) moves from 一公司党委 to 二公司党委: both committees' subtrees change.
    org_services.org_move(actor=chief, org=world.branch_b, new_parent=world.committee2)
    assert kept_subtrees() == actual_subtrees()
    assert kept_subtrees()[world.committee.pk] == 3
    assert kept_subtrees()[world.committee2.pk] == 2
    # 一公司党委 merges into 二公司党委: its branches (and 第一党小组) move with their members.
    org_services.org_merge(actor=chief, source=world.committee, target=world.committee2)
    assert kept_subtrees() == actual_subtrees()
    assert kept_subtrees()[world.committee2.pk] == 5
    assert world.committee.pk not in kept_subtrees()
    assert headcount.rebuild() == 0


def test_a_scope_is_counted_from_its_granted_subtrees_and_nodes(world: Any) -> None:
    user = make_user("zuzhi", "组织员")
    # 第一党支部 with its subtree, 第三党支部 alone, and 第一党小组 alone (inside the first grant).
    for org, subtree in ((world.branch_a, True), (world.branch_c, False), (world.group_a, False)):
        access_services.grant_create(
            actor=None, user=user, role="committee_officer", org=org, include_subtree=subtree, bootstrap=True
        )
    rows = Member.objects.filter(exit_kind="")
    assert headcount.on_roll_in_scope(user, "members.view") == 4 == rows.exclude(org=world.branch_b).count()
    assert headcount.on_roll_in_scope(user, "members.view", under=world.committee) == 3
    assert headcount.on_roll_in_scope(user, "members.view", under=world.committee2) == 1
    assert headcount.on_roll_in_scope(user, "members.view", under=world.branch_b) == 0
    # 第一党小组 has never had a member, so it has no row yet: the kept counts cannot tell, the rows count.
    assert headcount.on_roll_in_scope(user, "members.view", under=world.group_a) is None
    headcount.rebuild()  # the hourly recount gives every organisation its row
    assert headcount.on_roll_in_scope(user, "members.view", under=world.group_a) == 0


def test_the_lists_take_their_total_from_the_counts_and_match_the_rows(
    world: Any, chief: Any, client: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(MemberListView, "paginate_by", 1)  # a full page, so the page counts
    services.member_exit(
        actor=world.secretary_a, member=world.probationary, kind="withdrew", on=ON, reason="退党"
    )
    with connection.cursor() as cursor:  # the counts are what the lists now say: make them tell
        cursor.execute(
            "UPDATE members_orgheadcount SET on_roll = on_roll + 100 WHERE org_id = %s", [world.branch_c.pk]
        )
        lineage = [world.branch_c.pk, world.committee2.pk, world.root.pk]
        cursor.execute(
            "UPDATE members_orgheadcount SET in_subtree = in_subtree + 100 WHERE org_id IN (%s, %s, %s)",
            lineage,
        )
    assert api_count(client, chief) == 104  # the whole tree, from the kept counts
    assert api_count(client, world.officer) == 3  # 一公司党委's subtree: branch_a (2) + branch_b (1)
    assert api_count(client, chief, f"&org={world.committee2.pk}") == 101  # 党组织（含下级） only
    # Any other filter counts the rows themselves.
    assert (
        api_count(client, chief, "&gender=male") == Member.objects.filter(exit_kind="", gender="male").count()
    )
    assert api_count(client, chief, "&include_exited=1") == 5
    roster = reverse("members:member_list")
    assert "共 104 人" in client.get(roster).content.decode()
    assert "共 101 人" in client.get(roster, {"org": world.committee2.pk}).content.decode()
    # The hourly recount repairs the drift; the lists agree with the rows again.
    assert headcount.rebuild() == 3
    assert api_count(client, chief) == Member.objects.filter(exit_kind="").count() == 4


def test_a_member_sees_their_own_record_counted_by_the_rows(world: Any, client: Any) -> None:
    assert api_count(client, world.member_user) == 1
    # A secretary whose own record lies in another branch: grants plus the own record, counted exactly.
    make_member(world.branch_c, "孙八", user=world.secretary_a)
    assert api_count(client, world.secretary_a) == 4


def test_the_recount_command_reports_and_repairs(world: Any, capsys: Any) -> None:
    call_command("members_recount", verbosity=0)
    assert "无误" in capsys.readouterr().out
    Member.objects.filter(pk=world.member.pk).update(exit_kind="withdrew", exited_on=ON)  # bypasses the model
    assert kept()[world.branch_a.pk] == 3
    call_command("members_recount", verbosity=0)
    assert "3 个党组织" in capsys.readouterr().out  # 第一党支部 and its two committees' subtrees
    assert kept() == actual()
    assert kept_subtrees() == actual_subtrees()


@pytest.mark.django_db(transaction=True)
def test_members_added_to_one_branch_at_once_are_all_counted(world: Any) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def add(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            for i in range(5):
                make_member(world.branch_b, f"并发{n}{i}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert kept()[world.branch_b.pk] == actual()[world.branch_b.pk] == 21
    assert kept_subtrees() == actual_subtrees()
