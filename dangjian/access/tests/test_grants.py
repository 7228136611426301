"""Role grants (角色授权): 三员分立 rules, who may grant, and the audit trail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import make_user
from dangjian.access import services
from dangjian.access.models import Grant
from dangjian.audit.models import AuditEntry
from dangjian.core.errors import BusinessError


def refused(snapshot, code, **kwargs):
    """Call grant_create and assert it is refused with ``code`` and changed nothing."""
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.grant_create(**kwargs)
    assert exc.value.code == code
    assert exc.value.message  # a Chinese message for the user
    assert snapshot() == before


def test_security_admin_grants_a_business_role_at_an_organisation(world):
    grant = services.grant_create(
        actor=world.security_admin, user=world.outsider, role="party_worker", org=world.branch_c
    )
    assert Grant.objects.filter(user=world.outsider, role="party_worker", org=world.branch_c).exists()
    assert grant.granted_by == world.security_admin
    entry = AuditEntry.objects.filter(action="access.grant.create", target_id=str(grant.pk)).get()
    assert entry.actor == world.security_admin
    assert entry.changes["user"] == "outsider" and entry.changes["role"] == "party_worker"
    assert entry.org_path == world.branch_c.path


def test_security_admin_grants_an_administrator_role_platform_wide(world):
    grant = services.grant_create(actor=world.security_admin, user=world.outsider, role="audit_admin")
    assert grant.org is None and grant.include_subtree is True
    assert AuditEntry.objects.filter(action="access.grant.create", target_id=str(grant.pk)).exists()


@pytest.mark.parametrize(
    "actor", ["officer", "secretary_a", "system_admin", "audit_admin", "member_user", "outsider"]
)
def test_only_the_security_admin_may_grant(actor, world, snapshot):
    refused(
        snapshot,
        "access.forbidden",
        actor=getattr(world, actor),
        user=world.outsider,
        role="branch_secretary",
        org=world.branch_c,
    )


def test_an_administrator_role_takes_no_organisation(world, snapshot):
    refused(
        snapshot,
        "access.admin_role_org",
        actor=world.security_admin,
        user=world.outsider,
        role="system_admin",
        org=world.root,
    )


@pytest.mark.parametrize("second", ["system_admin", "security_admin", "audit_admin"])
def test_the_three_administrator_roles_are_mutually_exclusive(second, world, snapshot):
    holder = world.audit_admin if second != "audit_admin" else world.system_admin
    refused(snapshot, "access.admin_exclusive", actor=world.security_admin, user=holder, role=second)


def test_an_administrator_cannot_also_hold_a_business_role(world, snapshot):
    refused(
        snapshot,
        "access.admin_exclusive",
        actor=world.security_admin,
        user=world.system_admin,
        role="branch_secretary",
        org=world.branch_a,
    )


def test_a_business_role_holder_cannot_become_an_administrator(world, snapshot):
    refused(
        snapshot,
        "access.admin_exclusive",
        actor=world.security_admin,
        user=world.secretary_a,
        role="audit_admin",
    )


def test_a_business_role_needs_an_organisation(world, snapshot):
    refused(
        snapshot,
        "access.org_required",
        actor=world.security_admin,
        user=world.outsider,
        role="branch_secretary",
        org=None,
    )


def test_the_same_role_at_the_same_organisation_is_not_granted_twice(world, snapshot):
    refused(
        snapshot,
        "access.duplicate",
        actor=world.security_admin,
        user=world.secretary_a,
        role="branch_secretary",
        org=world.branch_a,
    )


def test_an_unknown_role_is_refused(world, snapshot):
    refused(
        snapshot,
        "access.unknown_role",
        actor=world.security_admin,
        user=world.outsider,
        role="superuser",
        org=world.branch_a,
    )


def test_a_superuser_is_never_given_an_administrator_role(world, snapshot):
    root = make_user("root_account")
    root.is_superuser = True
    root.save()
    refused(snapshot, "access.superuser", actor=world.security_admin, user=root, role="system_admin")


def test_a_user_may_hold_business_roles_at_several_organisations(world):
    services.grant_create(
        actor=world.security_admin, user=world.secretary_a, role="party_worker", org=world.branch_b
    )
    assert set(Grant.objects.filter(user=world.secretary_a).values_list("role", flat=True)) == {
        "branch_secretary",
        "party_worker",
    }


def test_security_admin_revokes_a_grant_with_an_audit_entry(world):
    grant = Grant.objects.get(user=world.secretary_a)
    pk = grant.pk
    services.grant_delete(actor=world.security_admin, grant=grant)
    assert not Grant.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(action="access.grant.delete", target_id=str(pk))
    assert entry.actor == world.security_admin and entry.changes["role"] == "branch_secretary"


@pytest.mark.parametrize("actor", ["officer", "system_admin", "audit_admin", "secretary_a"])
def test_only_the_security_admin_may_revoke(actor, world, snapshot):
    grant = Grant.objects.get(user=world.secretary_b)
    before = snapshot()
    with pytest.raises(BusinessError) as exc:
        services.grant_delete(actor=getattr(world, actor), grant=grant)
    assert exc.value.code == "access.forbidden"
    assert snapshot() == before


def test_grants_page_grants_a_role_for_the_security_admin(world, login):
    client = login(world.security_admin)
    response = client.post(
        reverse("access:grant_list"),
        {
            "username": "outsider",
            "role": "branch_secretary",
            "org": world.branch_c.pk,
            "include_subtree": "on",
        },
    )
    assert response.status_code == 302
    grant = Grant.objects.get(user=world.outsider, role="branch_secretary", org=world.branch_c)
    assert AuditEntry.objects.filter(
        action="access.grant.create", target_id=str(grant.pk), actor=world.security_admin
    ).exists()


def test_grants_page_shows_the_rule_and_changes_nothing_when_refused(world, login, snapshot):
    client = login(world.security_admin)
    before = snapshot()
    response = client.post(
        reverse("access:grant_list"),
        {"username": "sysadmin", "role": "branch_secretary", "org": world.branch_a.pk},
    )
    assert response.status_code == 200
    assert "三员分立" in response.content.decode()
    assert snapshot() == before


def test_grants_page_refuses_an_unknown_user(world, login, snapshot):
    client = login(world.security_admin)
    before = snapshot()
    response = client.post(
        reverse("access:grant_list"),
        {"username": "nobody", "role": "branch_secretary", "org": world.branch_a.pk},
    )
    assert response.status_code == 200 and "用户不存在" in response.content.decode()
    assert snapshot() == before


def test_grants_page_revokes_for_the_security_admin_only(world, login, snapshot):
    grant = Grant.objects.get(user=world.secretary_b)
    client = login(world.officer)
    before = snapshot()
    assert client.post(reverse("access:grant_delete", args=[grant.pk])).status_code == 403
    assert snapshot() == before
    client = login(world.security_admin)
    assert client.post(reverse("access:grant_delete", args=[grant.pk])).status_code == 302
    assert not Grant.objects.filter(pk=grant.pk).exists()
    assert AuditEntry.objects.filter(action="access.grant.delete", target_id=str(grant.pk)).exists()


def test_the_last_security_admin_grant_cannot_be_revoked(world):
    from dangjian.access.models import Grant
    from dangjian.access.services import grant_delete
    from dangjian.core.errors import BusinessError

    grant = Grant.objects.get(role="security_admin")
    with pytest.raises(BusinessError, match="至少须保留一名安全管理员"):
        grant_delete(actor=world.security_admin, grant=grant)
    assert Grant.objects.filter(pk=grant.pk).exists()
