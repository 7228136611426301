"""The main pages render for the people who use them."""

from __future__ import annotations

from django.urls import reverse


def test_secretary_sees_roster_of_own_branch_only(world, login):
    client = login(world.secretary_a)
    response = client.get(reverse("members:member_list"))
    assert response.status_code == 200
    names = [m.name for m in response.context["object_list"]]
    assert "党员甲" in names and "赵六" not in names and "钱七" not in names


def test_member_opens_own_record_but_not_anothers(world, login):
    client = login(world.member_user)
    assert client.get(reverse("members:member_detail", args=[world.member.pk])).status_code == 200
    assert client.get(reverse("members:member_detail", args=[world.member_b.pk])).status_code == 404


def test_tree_home_and_detail_pages_render(world, login):
    client = login(world.officer)
    for url in (
        reverse("core:home"),
        reverse("orgs:org_tree"),
        reverse("orgs:org_detail", args=[world.branch_a.pk]),
        reverse("members:member_detail", args=[world.member.pk]),
        reverse("accounts:profile"),
    ):
        assert client.get(url).status_code == 200, url
