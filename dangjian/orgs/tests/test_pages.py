"""Organisation pages and API: the tree shows its notices; pages and API call the services."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse

from dangjian.audit.models import AuditEntry
from dangjian.members.models import ChangeKind, StatusChange
from dangjian.orgs.models import Org, Position


def codes(html: str) -> set[str]:
    return set(re.findall(r'data-code="([a-z_]+)"', html))


def test_the_tree_page_shows_the_structural_notices(world, login):
    Org.objects.filter(pk=world.branch_b.pk).update(elected_on=dt.date(2020, 1, 10))  # term ended 2023
    response = login(world.officer).get(reverse("orgs:org_tree"))
    html = response.content.decode()
    assert response.status_code == 200
    assert {"too_few_full", "election_overdue"} <= codes(html)
    assert "支部条例第四条" in html and "任期意见" in html


def test_the_tree_page_can_show_only_flagged_organisations(world, login):
    Org.objects.filter(pk=world.branch_b.pk).update(elected_on=dt.date(2020, 1, 10))
    response = login(world.officer).get(reverse("orgs:org_tree"), {"flagged": "1"})
    flagged = {n.org for n in response.context["nodes"]}
    assert world.branch_b in flagged and world.committee not in flagged


def test_the_detail_page_shows_the_notices_of_the_organisation(world, login):
    html = login(world.secretary_a).get(reverse("orgs:org_detail", args=[world.branch_a.pk])).content.decode()
    assert "too_few_full" in codes(html)


def form(org: Org, **changes):
    data = {
        "name": org.name,
        "short_name": org.short_name,
        "kind": org.kind,
        "unit_situation": org.unit_situation,
        "elected_on": org.elected_on.isoformat() if org.elected_on else "",
    }
    if org.has_committee:
        data["has_committee"] = "on"
    return data | changes


def test_secretary_edits_the_branch_record_on_its_page(world, login):
    client = login(world.secretary_a)
    response = client.post(
        reverse("orgs:org_edit", args=[world.branch_a.pk]),
        form(world.branch_a, contact_phone="010-12345678", elected_on="2025-01-10"),
    )
    assert response.status_code == 302
    org = Org.objects.get(pk=world.branch_a.pk)
    assert org.contact_phone == "010-12345678" and org.elected_on == dt.date(2025, 1, 10)
    assert AuditEntry.objects.filter(
        action="orgs.org.update", target_id=str(org.pk), actor=world.secretary_a
    ).exists()


def test_the_edit_page_shows_a_broken_rule_and_changes_nothing(world, login, snapshot):
    client = login(world.officer)
    before = snapshot()
    response = client.post(
        reverse("orgs:org_edit", args=[world.branch_a.pk]), form(world.branch_a, kind="committee")
    )
    assert response.status_code == 200 and "不相容" in response.content.decode()
    assert snapshot() == before


def test_officer_creates_a_group_from_the_branch_page(world, login):
    client = login(world.officer)
    response = client.post(
        reverse("orgs:org_create", args=[world.branch_b.pk]),
        {"name": "第二党小组", "kind": "group", "unit_situation": "same_as_parent"},
    )
    assert response.status_code == 302
    group = Org.objects.get(name="第二党小组")
    assert Org.objects.get_parent(group) == world.branch_b
    assert AuditEntry.objects.filter(action="orgs.org.create", target_id=str(group.pk)).exists()


def test_officer_merges_a_branch_from_its_page(world, login):
    client = login(world.officer)
    response = client.post(reverse("orgs:org_merge", args=[world.branch_b.pk]), {"target": world.branch_a.pk})
    assert response.status_code == 302
    assert not Org.objects.get(pk=world.branch_b.pk).is_active
    assert StatusChange.objects.filter(member=world.member_b, kind=ChangeKind.MOVED).exists()
    assert AuditEntry.objects.filter(action="orgs.org.merge").exists()


def test_the_move_page_offers_no_destination_inside_the_organisation_itself(world, login):
    response = login(world.officer).get(reverse("orgs:org_move", args=[world.committee.pk]))
    choices = set(response.context["form"].fields["target"].queryset)
    assert not choices & {world.committee, world.branch_a, world.branch_b, world.group_a}


def test_secretary_appoints_and_ends_a_position_on_the_branch_page(world, login):
    client = login(world.secretary_a)
    response = client.post(
        reverse("orgs:position_assign", args=[world.branch_a.pk]),
        {"member": world.member.pk, "title": "secretary", "started_on": "2024-01-10"},
    )
    assert response.status_code == 302
    position = Position.objects.get(org=world.branch_a, member=world.member)
    assert AuditEntry.objects.filter(action="orgs.position.assign", target_id=str(position.pk)).exists()
    response = client.post(reverse("orgs:position_end", args=[position.pk]), {"ended_on": "2026-01-05"})
    assert response.status_code == 302
    assert Position.objects.get(pk=position.pk).ended_on == dt.date(2026, 1, 5)
    assert AuditEntry.objects.filter(action="orgs.position.end", target_id=str(position.pk)).exists()


def test_the_position_page_refuses_a_committee_title_in_a_branch_without_committee(world, login, snapshot):
    client = login(world.secretary_b)
    before = snapshot()
    response = client.post(
        reverse("orgs:position_assign", args=[world.branch_b.pk]),
        {"member": world.member_b.pk, "title": "propaganda_member", "started_on": "2024-01-10"},
    )
    assert response.status_code == 200 and "支部条例第九条" in response.content.decode()
    assert snapshot() == before


def test_the_position_page_offers_only_members_of_the_branch(world, login):
    response = login(world.officer).get(reverse("orgs:position_assign", args=[world.group_a.pk]))
    offered = dict(response.context["form"].fields["member"].widget.choices)
    assert set(offered.values()) == {"党员甲", "李四", "王五"}


# API ----------------------------------------------------------------------------------------------------


def test_api_creates_updates_and_moves_organisations_through_the_services(world, login):
    client = login(world.officer)
    created = client.post(
        reverse("org-list"),
        {"parent": world.committee.pk, "name": "中共示例总支部委员会", "kind": "general_branch"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    general = created.json()["id"]
    assert created.json()["parent"] == world.committee.pk
    patched = client.patch(
        reverse("org-detail", args=[general]), {"elected_on": "2025-05-01"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["election_due"] == "2028-05-01"
    moved = client.post(
        reverse("org-move", args=[world.branch_b.pk]), {"parent": general}, content_type="application/json"
    )
    assert moved.status_code == 200 and moved.json()["parent"] == general
    actions = list(AuditEntry.objects.filter(actor=world.officer).values_list("action", flat=True))
    assert {"orgs.org.create", "orgs.org.update", "orgs.org.move"} <= set(actions)


def test_api_answers_a_broken_rule_with_its_code_and_a_chinese_message(world, login, snapshot):
    client = login(world.officer)
    before = snapshot()
    response = client.post(
        reverse("org-move", args=[world.committee.pk]),
        {"parent": world.branch_a.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "orgs.move_into_self" and "下级" in response.json()["detail"]
    assert snapshot() == before


def test_api_appoints_and_ends_positions(world, login):
    client = login(world.secretary_a)
    created = client.post(
        reverse("position-list"),
        {
            "org": world.branch_a.pk,
            "member": world.member.pk,
            "title": "secretary",
            "started_on": "2024-01-10",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    ended = client.post(
        reverse("position-end", args=[created.json()["id"]]),
        {"ended_on": "2026-01-05"},
        content_type="application/json",
    )
    assert ended.status_code == 200 and ended.json()["ended_on"] == "2026-01-05"
    assert AuditEntry.objects.filter(action__in=["orgs.position.assign", "orgs.position.end"]).count() == 2


def test_api_lists_organisations_under_a_node(world, login):
    response = login(world.officer).get(reverse("org-list"), {"under": world.branch_a.pk})
    assert [o["id"] for o in response.json()["results"]] == [world.branch_a.pk, world.group_a.pk]
    outside = login(world.officer).get(reverse("org-list"), {"under": world.branch_c.pk})
    assert outside.json()["results"] == []
