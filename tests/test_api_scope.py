"""The REST API: token authentication, member filters, writes through the services, the audited reveal,
the error format, and the OpenAPI schema and docs served without any external address."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from conftest import make_user, member_data, sign_in
from dangjian.access import services as access_services
from dangjian.access import tokens
from dangjian.access.models import ApiToken
from dangjian.audit.models import AuditEntry
from dangjian.members import services as member_services
from dangjian.members.models import ChangeKind, Member, StatusChange

CJK = re.compile(r"[\u4e00-\u9fff]")


def as_user(world, persona):
    return sign_in(Client(), getattr(world, persona))


def names(response):
    assert response.status_code == 200, response.content
    return sorted(m["name"] for m in response.json()["results"])


def post(client, url, data=None, **extra):
    return client.post(url, data or {}, content_type="application/json", **extra)


def assert_business_error(response, code):
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code
    assert CJK.search(body["detail"]), body["detail"]
    return body


# token authentication -----------------------------------------------------------------------------------


@pytest.fixture
def token(world):
    token, key = tokens.token_create(actor=world.secretary_a, user=world.secretary_a, name="OA 同步")
    return token, key


def auth(key):
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def test_a_token_authenticates_within_the_users_scope(world, token):
    _, key = token
    client = Client()
    assert names(client.get(reverse("member-list"), **auth(key))) == ["党员甲", "李四", "王五"]
    assert client.get(reverse("member-detail", args=[world.member_b.pk]), **auth(key)).status_code == 404
    assert ApiToken.objects.get(pk=token[0].pk).last_used_at is not None


def test_a_token_writes_without_a_session_or_csrf_token(world, token):
    client = Client(enforce_csrf_checks=True)
    response = post(
        client,
        reverse("member-change-status", args=[world.member.pk, "suspend"]),
        {"on": "2026-03-10", "reason": "支部大会决定"},
        **auth(token[1]),
    )
    assert response.status_code == 200, response.content
    assert AuditEntry.objects.filter(action="members.member.suspend", actor=world.secretary_a).exists()


def test_the_key_is_stored_only_as_a_hash_and_never_audited(world, token):
    obj, key = token
    assert obj.key_hash != key and len(obj.key_hash) == 64 and key.startswith(obj.prefix)
    assert not ApiToken.objects.filter(key_hash=key).exists()
    entry = AuditEntry.objects.get(action="access.token.create", target_id=str(obj.pk))
    assert key not in json.dumps(entry.changes) and key[10:] not in entry.target_repr


@pytest.mark.parametrize("header", ["Token wrong-key", "Token", "Token a b", "token dj_nothing"])
def test_a_bad_token_is_refused_with_401(world, token, header):
    response = Client().get(reverse("member-list"), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_revoked_token_is_refused(world, token):
    obj, key = token
    tokens.token_revoke(actor=world.secretary_a, token=obj)
    assert AuditEntry.objects.filter(action="access.token.revoke", target_id=str(obj.pk)).exists()
    assert Client().get(reverse("member-list"), **auth(key)).status_code in (401, 403)


def test_a_token_of_a_deactivated_user_is_refused(world, token):
    world.secretary_a.is_active = False
    world.secretary_a.save()
    assert Client().get(reverse("member-list"), **auth(token[1])).status_code in (401, 403)


def test_an_administrators_token_is_refused(world):
    _, key = tokens.token_create(actor=world.audit_admin, user=world.audit_admin, name="x")
    assert Client().get(reverse("api-root"), **auth(key)).status_code in (401, 403)


def test_anonymous_requests_are_refused_with_401(world):
    response = Client().get(reverse("member-list"))
    assert response.status_code == 401 and CJK.search(response.json()["detail"])


def test_a_member_creates_and_revokes_their_token_on_the_profile_page(world):
    client = as_user(world, "member_user")
    response = client.post(reverse("accounts:token_create"), {"name": "手机"})
    assert response.status_code == 302
    key = re.search(r"dj_[A-Za-z0-9_\-]+", client.get(reverse("accounts:profile")).content.decode()).group(0)
    assert key not in client.get(reverse("accounts:profile")).content.decode()  # shown once
    assert names(Client().get(reverse("member-list"), **auth(key))) == ["党员甲"]
    token = ApiToken.objects.get(user=world.member_user)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 302
    assert Client().get(reverse("member-list"), **auth(key)).status_code in (401, 403)


# member list filters ------------------------------------------------------------------------------------


def test_members_filter_by_organisation_subtree(world):
    client = as_user(world, "officer")
    url = reverse("member-list")
    assert names(client.get(url, {"org": world.committee.pk})) == ["党员甲", "李四", "王五", "赵六"]
    assert names(client.get(url, {"org": world.branch_b.pk})) == ["赵六"]
    assert names(client.get(url, {"org": world.branch_c.pk})) == []  # outside scope
    assert names(client.get(url, {"org": 999999})) == []


def test_members_filter_by_status(world):
    client = as_user(world, "secretary_a")
    assert names(client.get(reverse("member-list"), {"status": "probationary"})) == ["王五"]
    assert names(client.get(reverse("member-list"), {"status": "full"})) == ["党员甲", "李四"]
    assert client.get(reverse("member-list"), {"status": "bogus"}).status_code == 400


def test_members_filters_apply_only_when_named_and_unknown_parameters_change_nothing(world):
    client = as_user(world, "secretary_a")
    url = reverse("member-list")
    everyone = names(client.get(url))
    assert everyone == ["党员甲", "李四", "王五"]
    assert names(client.get(url, {"utm_source": "oa", "page_size": 10})) == everyone
    later = [m for m in Member.objects.filter(org=world.branch_a).order_by("joined_on") if m.joined_on]
    cut = later[-1].joined_on
    expected = sorted(m.name for m in later if m.joined_on >= cut)
    assert names(client.get(url, {"joined_after": cut.isoformat()})) == expected != everyone
    assert client.get(url, {"joined_after": "not-a-date"}).status_code == 400


def test_members_are_found_by_full_identity_number_through_the_blind_index(world):
    client = as_user(world, "officer")
    number = world.member_b.id_number
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    for typed in (number, number.lower(), full_width):
        assert names(client.get(reverse("member-list"), {"q": typed})) == ["赵六"], typed
    assert names(client.get(reverse("member-list"), {"q": number[:10]})) == []  # no partial match
    assert names(client.get(reverse("member-list"), {"q": world.member_c.id_number})) == []  # outside scope


def test_members_are_found_by_name_and_by_phone(world):
    client = as_user(world, "secretary_a")
    assert names(client.get(reverse("member-list"), {"q": "王"})) == ["王五"]
    member_services.member_update_contact(
        actor=world.member_user, member=world.member, phone="13912345678", address=""
    )
    assert names(client.get(reverse("member-list"), {"q": "13912345678"})) == ["党员甲"]


def test_exited_members_are_listed_only_on_request(world):
    member_services.member_exit(
        actor=world.secretary_b,
        member=world.member_b,
        kind="withdrew",
        on=dt.date(2026, 1, 5),
        reason="本人申请",
    )
    client = as_user(world, "secretary_b")
    assert names(client.get(reverse("member-list"))) == []
    assert names(client.get(reverse("member-list"), {"include_exited": "1"})) == ["赵六"]


# writes through the services ----------------------------------------------------------------------------


def new_member(world, **overrides):
    data = member_data("孙八", phone="13712345670")
    payload = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items() if v is not None}
    return payload | {"org": world.branch_a.pk} | overrides


def test_api_creates_a_member_through_the_service(world):
    payload = new_member(world)
    response = post(as_user(world, "secretary_a"), reverse("member-list"), payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "孙八" and body["id_number"] != payload["id_number"] and "*" in body["id_number"]
    member = Member.objects.get(pk=body["id"])
    assert member.id_number == payload["id_number"] and member.org == world.branch_a
    assert StatusChange.objects.filter(member=member, kind=ChangeKind.CREATED).exists()
    assert AuditEntry.objects.filter(
        action="members.member.create", target_id=str(member.pk), actor=world.secretary_a
    ).exists()


def test_api_answers_an_invalid_member_with_code_detail_and_field_errors(world, snapshot):
    before = snapshot()
    response = post(
        as_user(world, "secretary_a"),
        reverse("member-list"),
        new_member(world, birth_date="1970-01-01", phone="123"),
    )
    body = assert_business_error(response, "members.invalid")
    assert {"birth_date", "phone"} <= {field for field, _ in body["errors"]}
    assert snapshot() == before


def test_api_requires_an_organisation_for_a_new_member(world, snapshot):
    payload = new_member(world)
    del payload["org"]
    before = snapshot()
    assert_business_error(
        post(as_user(world, "secretary_a"), reverse("member-list"), payload), "members.org_required"
    )
    assert snapshot() == before


def test_api_refuses_a_duplicate_identity_number(world, snapshot):
    payload = new_member(world, id_number=world.member_b.id_number)
    del payload["birth_date"], payload["gender"]  # taken from the identity number
    before = snapshot()
    response = post(as_user(world, "officer"), reverse("member-list"), payload)
    assert_business_error(response, "members.duplicate_id")
    assert snapshot() == before


def test_api_updates_a_member_through_the_service(world):
    client = as_user(world, "secretary_a")
    response = client.patch(
        reverse("member-detail", args=[world.member.pk]),
        {"job_title": "党务专员"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["job_title"] == "党务专员"
    entry = AuditEntry.objects.get(action="members.member.update", target_id=str(world.member.pk))
    assert entry.changes == {"job_title": ["工程师", "党务专员"]}


def test_extra_fields_in_an_update_change_nothing(world, snapshot):
    before = snapshot()
    response = as_user(world, "secretary_a").patch(
        reverse("member-detail", args=[world.member.pk]),
        {
            "status": "probationary",
            "exit_kind": "expelled",
            "org": world.branch_b.pk,
            "standing": "suspended",
            "user": world.secretary_a.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    assert snapshot() == before


STATUS_CASES = [
    # kind, member attr, setup kind (or None), payload, changed field and value, history kind, audit action
    ("convert", "probationary", None, {}, ("status", "full"), ChangeKind.BECAME_FULL, "convert"),
    (
        "suspend",
        "member",
        None,
        {"reason": "支部决定"},
        ("standing", "suspended"),
        ChangeKind.SUSPENDED,
        "suspend",
    ),
    (
        "restore",
        "member",
        "suspend",
        {"reason": "恢复"},
        ("standing", "normal"),
        ChangeKind.RESTORED,
        "restore",
    ),
    (
        "lost_contact",
        "member",
        None,
        {},
        ("lost_contact", True),
        ChangeKind.LOST_CONTACT,
        "mark_lost_contact",
    ),
    (
        "contact_restored",
        "member",
        "lost_contact",
        {},
        ("lost_contact", False),
        ChangeKind.CONTACT_RESTORED,
        "restore_contact",
    ),
    (
        "mobile_start",
        "member",
        None,
        {"destination": "深圳"},
        ("mobile", True),
        ChangeKind.MOBILE_STARTED,
        "start_mobile",
    ),
    ("mobile_end", "member", "mobile_start", {}, ("mobile", False), ChangeKind.MOBILE_ENDED, "end_mobile"),
    (
        "exit",
        "member",
        None,
        {"exit_kind": "withdrew", "reason": "本人申请"},
        ("exit_kind", "withdrew"),
        ChangeKind.EXITED,
        "exit",
    ),
    ("move", "member", None, "to_branch_b", ("org_id", "branch_b"), ChangeKind.MOVED, "move"),
]
SETUP = {"suspend": {"reason": "支部决定"}, "lost_contact": {}, "mobile_start": {"destination": "深圳"}}


@pytest.mark.parametrize(("kind", "target", "setup", "payload", "field", "history", "action"), STATUS_CASES)
def test_every_status_action_calls_its_service_with_history_and_audit(
    kind, target, setup, payload, field, history, action, world
):
    client = as_user(world, "officer")
    member = getattr(world, target)
    url = reverse("member-change-status", args=[member.pk, kind])
    if setup:
        assert (
            post(
                client,
                reverse("member-change-status", args=[member.pk, setup]),
                {"on": "2026-03-01", **SETUP[setup]},
            ).status_code
            == 200
        )
    data = {"org": world.branch_b.pk} if payload == "to_branch_b" else payload
    response = post(client, url, {"on": "2026-03-10", **data})
    assert response.status_code == 200, response.content
    name, value = field
    expected = world.branch_b.pk if value == "branch_b" else value
    assert getattr(Member.objects.get(pk=member.pk), name) == expected
    change = StatusChange.objects.filter(member=member, kind=history).latest("id")
    assert change.effective_on == dt.date(2026, 3, 10) and change.actor == world.officer
    assert AuditEntry.objects.filter(action=f"members.member.{action}", target_id=str(member.pk)).exists()


@pytest.mark.parametrize(
    ("kind", "target", "payload", "code"),
    [
        ("convert", "member", {}, "members.not_probationary"),
        ("restore", "member", {"reason": "x"}, "members.not_suspended"),
        ("contact_restored", "member", {}, "members.not_lost"),
        ("mobile_end", "member", {}, "members.not_mobile"),
        ("mobile_start", "member", {"destination": ""}, "members.destination_required"),
        ("suspend", "member", {"reason": ""}, "members.reason_required"),
        ("exit", "member", {"reason": "x"}, "members.bad_exit"),
        ("move", "member", {}, "members.org_required"),
        ("move", "member", {"org": "same"}, "members.same_org"),
        ("teleport", "member", {}, "members.bad_action"),
    ],
)
def test_a_status_action_from_the_wrong_state_answers_400_and_changes_nothing(
    kind, target, payload, code, world, snapshot
):
    member = getattr(world, target)
    if payload.get("org") == "same":
        payload = {"org": member.org_id}
    before = snapshot()
    response = post(
        as_user(world, "secretary_a"),
        reverse("member-change-status", args=[member.pk, kind]),
        {"on": "2026-03-10", **payload},
    )
    assert_business_error(response, code)
    assert snapshot() == before


def test_a_status_action_without_a_date_is_a_validation_error(world, snapshot):
    before = snapshot()
    response = post(
        as_user(world, "secretary_a"),
        reverse("member-change-status", args=[world.member.pk, "suspend"]),
        {"reason": "x"},
    )
    assert response.status_code == 400 and "on" in response.json()
    assert snapshot() == before


# reveal -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["secretary_a", "officer"])
def test_reveal_returns_the_full_values_and_is_audited(persona, world):
    member_services.member_update_contact(
        actor=world.member_user, member=world.member, phone="13912345678", address="北京市东城区"
    )
    response = post(as_user(world, persona), reverse("member-reveal", args=[world.member.pk]))
    assert response.status_code == 200
    assert response.json() == {
        "id_number": world.member.id_number,
        "phone": "13912345678",
        "address": "北京市东城区",
    }
    entry = AuditEntry.objects.get(action="members.member.reveal", target_id=str(world.member.pk))
    assert entry.actor == getattr(world, persona)


@pytest.fixture
def discipline_officer(world):
    """纪检干部: members.view at the committee, but not members.view_sensitive."""
    user = make_user("discipline")
    access_services.grant_create(
        actor=None, user=user, role="discipline_officer", org=world.committee, bootstrap=True
    )
    return user


def test_reveal_is_forbidden_without_the_sensitive_permission(world, discipline_officer, snapshot):
    client = sign_in(Client(), discipline_officer)
    assert client.get(reverse("member-detail", args=[world.member.pk])).status_code == 200  # may read masked
    before = snapshot()
    for persona_client in (client, as_user(world, "member_user"), as_user(world, "outsider")):
        response = post(persona_client, reverse("member-reveal", args=[world.member.pk]))
        assert response.status_code in (403, 404)
        assert world.member.id_number not in response.content.decode()
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action="members.member.reveal").exists()


# schema and docs ----------------------------------------------------------------------------------------


def test_the_openapi_schema_is_valid_and_describes_the_members_api(world):
    response = Client().get(reverse("schema"), {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/members/" in schema["paths"]
    assert "/api/v1/members/{id}/reveal/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_the_schema_is_also_served_as_yaml(world):
    response = Client().get(reverse("schema"))
    assert response.status_code == 200 and b"openapi:" in response.content


EXTERNAL = re.compile(r"(?:https?:)?//([A-Za-z0-9.\-]+(?::\d+)?)")


def external_hosts(text):
    return {host for host in EXTERNAL.findall(text) if host not in ("testserver", "")}


def test_the_api_docs_page_loads_nothing_from_another_host(world):
    response = Client().get(reverse("swagger-ui"))
    assert response.status_code == 200
    html = response.content.decode()
    assert external_hosts(html) == set(), external_hosts(html)
    for src in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html):
        assert src.startswith("/"), src
        asset = Client().get(src)
        assert asset.status_code == 200, src
        if "script=" in src:  # the page's own start-up script
            assert external_hosts(asset.content.decode()) == set()
