"""The one scope filter (dangjian.access.scope): subtree and node grants, own records, revocation."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_user, sign_in
from dangjian.access import scope, services
from dangjian.access.models import Grant
from dangjian.members.models import Member, StatusChange
from dangjian.orgs import services as org_services
from dangjian.orgs.models import Org, Position


def names(qs):
    return sorted(str(x) for x in qs)


def test_a_subtree_grant_covers_the_organisation_and_everything_below(world):
    orgs = scope.restrict(Org.objects.all(), world.officer, "orgs.view")
    assert set(orgs) == {world.committee, world.branch_a, world.group_a, world.branch_b}
    members = scope.restrict(Member.objects.all(), world.officer, "members.view")
    assert set(members.values_list("org", flat=True)) == {world.branch_a.pk, world.branch_b.pk}
    assert world.member_c not in members


def test_a_branch_secretary_sees_only_their_branch(world):
    members = scope.restrict(Member.objects.all(), world.secretary_a, "members.view")
    assert names(members) == ["党员甲", "李四", "王五"]
    assert set(scope.restrict(Org.objects.all(), world.secretary_a, "orgs.view")) == {
        world.branch_a,
        world.group_a,
    }


def test_a_node_only_grant_covers_the_organisation_but_not_its_subtree(world):
    worker = make_user("worker")
    services.grant_create(
        actor=None,
        user=worker,
        role="party_worker",
        org=world.committee,
        include_subtree=False,
        bootstrap=True,
    )
    assert list(scope.restrict(Org.objects.all(), worker, "orgs.view")) == [world.committee]
    assert not scope.restrict(Member.objects.all(), worker, "members.view").exists()
    assert scope.org_in_scope(worker, "members.change", world.committee)
    assert not scope.org_in_scope(worker, "members.change", world.branch_a)
    node_scope = scope.scope_for(worker, "members.view")
    assert node_scope.nodes == (world.committee.pk,) and node_scope.subtrees == ()


def test_a_node_only_grant_on_a_branch_covers_its_members(world):
    worker = make_user("worker")
    services.grant_create(
        actor=None,
        user=worker,
        role="party_worker",
        org=world.branch_b,
        include_subtree=False,
        bootstrap=True,
    )
    assert list(scope.restrict(Member.objects.all(), worker, "members.view")) == [world.member_b]


def test_overlapping_subtree_grants_collapse_to_the_widest(world):
    services.grant_create(
        actor=None, user=world.officer, role="party_worker", org=world.branch_a, bootstrap=True
    )
    assert scope.scope_for(world.officer, "members.view").subtrees == (world.committee.path,)


def test_a_platform_wide_grant_covers_everything_for_its_own_permissions_only(world):
    assert scope.scope_for(world.system_admin, "orgs.view").everywhere
    assert scope.restrict(Org.objects.all(), world.system_admin, "orgs.view").count() == Org.objects.count()
    assert not scope.restrict(Member.objects.all(), world.system_admin, "members.view").exists()
    assert not scope.restrict(Org.objects.all(), world.audit_admin, "orgs.view").exists()


def test_a_member_sees_their_own_record_for_members_view_only(world):
    assert list(scope.restrict(Member.objects.all(), world.member_user, "members.view")) == [world.member]
    for permission in ("members.change", "members.view_sensitive", "members.export"):
        assert not scope.restrict(Member.objects.all(), world.member_user, permission).exists(), permission
    assert not scope.has_permission(world.member_user, "members.view")  # own records are not a grant


def test_a_member_sees_their_own_status_history_through_the_declared_path(world):
    mine = StatusChange.objects.create(member=world.member, kind="created", effective_on="2020-01-01")
    StatusChange.objects.create(member=world.member_b, kind="created", effective_on="2020-01-01")
    assert list(scope.restrict(StatusChange.objects.all(), world.member_user, "members.view")) == [mine]


def test_a_user_without_grant_or_record_sees_nothing(world):
    assert not scope.restrict(Member.objects.all(), world.outsider, "members.view").exists()
    assert not scope.restrict(Org.objects.all(), world.outsider, "orgs.view").exists()
    assert not scope.restrict(Org.objects.all(), world.member_user, "orgs.view").exists()


def test_an_inactive_user_sees_nothing_not_even_their_own_record(world):
    for user in (world.secretary_a, world.member_user, world.system_admin):
        user.is_active = False
        user.save()
        scope.forget(user)
        assert not scope.restrict(Member.objects.all(), user, "members.view").exists(), user
        assert not scope.restrict(Org.objects.all(), user, "orgs.view").exists(), user
        assert not scope.has_permission(user, "members.view")


def test_an_anonymous_user_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not scope.restrict(Member.objects.all(), AnonymousUser(), "members.view").exists()


def test_a_model_that_does_not_declare_its_organisation_cannot_be_restricted(world):
    from dangjian.accounts.models import User

    with pytest.raises(TypeError, match="scope_org_field"):
        scope.restrict(User.objects.all(), world.officer, "members.view")


def test_grants_on_a_merged_organisation_stop_applying(world):
    org_services.org_merge(actor=world.officer, source=world.branch_b, target=world.branch_a)
    scope.forget(world.secretary_b)
    assert not scope.has_permission(world.secretary_b, "members.view")
    assert not scope.restrict(Member.objects.all(), world.secretary_b, "members.view").exists()


def test_grants_are_read_once_per_request(world, django_assert_num_queries):
    scope.forget(world.officer)
    scope.has_permission(world.officer, "orgs.view")
    with django_assert_num_queries(0):
        scope.has_permission(world.officer, "members.view")
        scope.roles_of(world.officer)
        scope.org_in_scope(world.officer, "members.change", world.branch_a)


def test_roles_and_administrator_detection(world):
    assert scope.roles_of(world.officer) == {"committee_officer"}
    assert scope.is_admin(world.audit_admin) and not scope.is_admin(world.officer)


def test_a_revoked_grant_takes_effect_on_the_next_request(world):
    client = sign_in(Client(), world.secretary_a)
    assert client.get(reverse("members:member_list")).status_code == 200
    assert client.get(reverse("members:member_detail", args=[world.member.pk])).status_code == 200
    services.grant_delete(actor=world.security_admin, grant=Grant.objects.get(user=world.secretary_a))
    assert client.get(reverse("members:member_list")).status_code == 403
    assert client.get(reverse("members:member_detail", args=[world.member.pk])).status_code == 404
    assert client.get(reverse("member-list")).json()["count"] == 0


def test_a_new_grant_takes_effect_on_the_next_request(world):
    client = sign_in(Client(), world.outsider)
    assert client.get(reverse("members:member_list")).status_code == 403
    services.grant_create(
        actor=world.security_admin, user=world.outsider, role="party_worker", org=world.branch_c
    )
    response = client.get(reverse("members:member_list"))
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [world.member_c]


def test_forget_drops_the_cached_grants_within_a_request(world):
    assert scope.has_permission(world.secretary_b, "members.view")
    Grant.objects.filter(user=world.secretary_b).delete()
    assert scope.has_permission(world.secretary_b, "members.view")  # still cached
    scope.forget(world.secretary_b)
    assert not scope.has_permission(world.secretary_b, "members.view")


def test_positions_are_scoped_through_their_organisation(world):
    a = Position.objects.create(
        org=world.branch_a, member=world.member, title="secretary", started_on="2024-01-10"
    )
    Position.objects.create(
        org=world.branch_c, member=world.member_c, title="secretary", started_on="2024-01-10"
    )
    assert list(scope.restrict(Position.objects.all(), world.secretary_a, "orgs.view")) == [a]


def test_own_rows_outside_the_grants_are_found_through_every_kind_of_path(world):
    """``owner_rows_outside_grants`` decides whether ``restrict`` adds the owner clause: a secretary's own
    record inside her branch adds nothing; one in another branch, a status change reached through the member,
    and a job with no organisation at all (nullable path) each add rows the grants miss."""
    from conftest import make_member
    from dangjian.core import jobs
    from dangjian.core.models import Job

    sec = world.secretary_a
    view = scope.scope_for(sec, "members.view")
    assert not scope.owner_rows_outside_grants(sec, Member, view)  # no record of her own yet
    inside = make_member(world.branch_a, "书记甲", user=sec)
    scope.forget(sec)
    assert not scope.owner_rows_outside_grants(sec, Member, view)
    assert scope.restrict(Member.objects.all(), sec, "members.view").count() == 4
    inside.delete()
    mine = make_member(world.branch_c, "书记甲", user=sec)
    StatusChange.objects.create(member=mine, kind="created", effective_on="2020-01-01")
    scope.forget(sec)
    assert scope.owner_rows_outside_grants(sec, Member, view)
    assert scope.owner_rows_outside_grants(sec, StatusChange, view)
    assert mine in scope.restrict(Member.objects.all(), sec, "members.view")

    jobs_scope = scope.scope_for(sec, "members.import")
    jobs.job_create(kind="members.import", user=sec, title="导入", org=world.branch_a)
    scope.forget(sec)
    assert not scope.owner_rows_outside_grants(sec, Job, jobs_scope)
    orphan = jobs.job_create(kind="members.import", user=sec, title="导入", org=None)
    scope.forget(sec)
    assert scope.owner_rows_outside_grants(sec, Job, jobs_scope)
    assert orphan in scope.restrict(Job.objects.all(), sec, "members.import")
