"""The scope contract (ARCHITECTURE.md rule 2, SECURITY.md "Access control").

Every URL in the resolver is walked:

a) every view is classified (public / authenticated / permission): an unclassified URL fails the build;
b) every URL is requested by every persona and the answer must match ``EXPECTED`` below; a new URL fails
   until it is added to ``EXPECTED`` (and to ``KWARGS`` when it takes arguments, and to ``WRITES`` when it
   accepts a write); a refused request changes nothing;
c) out-of-scope objects answer 404 on read and on write, and lists never include them;
d) the three administrators (三员) never read a member's record.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import pkgutil
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import PERSONAS, sign_in
from dangjian.access import classify, tokens
from dangjian.access.middleware import LoginRequiredMiddleware
from dangjian.access.models import Grant
from dangjian.core.models import Job
from dangjian.members import imports
from dangjian.members.models import ChangeKind, StatusChange
from dangjian.orgs.models import Position
from tests import contracts
from tests.contracts import (
    ADMINS,
    ANON_API,
    LOGIN,
    NOT_ADMINS,
    ORG_VIEWERS,
    ORG_WORKERS,
    SIGNED_IN,
    Write,
    api,
    html,
    public,
)

# --------------------------------------------------------------------------------------------------------
# Walking the resolver


@dataclasses.dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", the bare name for DRF routes, or the pattern when the URL has no name
    pattern: str
    callback: Any
    kwargs: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            groups = tuple(p.pattern.regex.groupindex)
            if "format" in groups:
                continue  # DRF's format-suffix duplicate of a route that is walked anyway
            pattern = prefix + str(p.pattern)
            name = pattern  # an unnamed URL is keyed by its pattern
            if p.name:
                name = f"{namespace}:{p.name}" if namespace else p.name
            yield Route(name, pattern, p.callback, groups)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


ROUTES: dict[str, Route] = {r.name: r for r in all_routes()}

# --------------------------------------------------------------------------------------------------------
# Objects that fill the URL arguments (keyed by URL name)


def _position_a(w: SimpleNamespace) -> Position:
    """党员甲 as 书记 of 第一党支部 (in scope for secretary_a and officer)."""
    position, _ = Position.objects.get_or_create(
        org=w.branch_a, member=w.member, title="secretary", defaults={"started_on": dt.date(2024, 1, 10)}
    )
    return position


def _position_b(w: SimpleNamespace) -> Position:
    position, _ = Position.objects.get_or_create(
        org=w.branch_b, member=w.member_b, title="secretary", defaults={"started_on": dt.date(2024, 1, 10)}
    )
    return position


def _history_of(member: Any) -> StatusChange:
    change, _ = StatusChange.objects.get_or_create(
        member=member, kind=ChangeKind.CREATED, defaults={"effective_on": dt.date(2020, 1, 1)}
    )
    return change


def _token_of(user: Any) -> Any:
    token, _ = tokens.token_create(actor=user, user=user, name="合同测试")
    return token


def _grant_of(user: Any) -> Grant:
    return Grant.objects.get(user=user)


def _import_job(w: SimpleNamespace) -> Job:
    """An import started by secretary_a for 第一党支部 (in scope for secretary_a and officer)."""
    job, _ = Job.objects.get_or_create(
        kind=imports.JOB_KIND,
        created_by=w.secretary_a,
        org=w.branch_a,
        defaults={"title": "导入党员：名册.xlsx"},
    )
    return job


def _stored_file(w: SimpleNamespace) -> Any:
    """A photo secretary_a uploaded for 第一党支部 (readable by its uploader and orgs.view over it)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from dangjian.core import uploads

    image = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(image, "PNG")
    upload = SimpleUploadedFile("合同测试.png", image.getvalue())
    return uploads.file_store(actor=w.secretary_a, purpose="test.image", upload=upload, org=w.branch_a)


def _point_rule(w: SimpleNamespace) -> Any:
    from dangjian.points import services
    from dangjian.points.models import PointRule

    services.points_seed_rules()
    return PointRule.objects.get(code="login")


def _adjustment(w: SimpleNamespace) -> Any:
    """A pending manual award for 党员甲, requested by someone other than the officer who may decide it."""
    from dangjian.points.models import PointAdjustment

    adjustment, _ = PointAdjustment.objects.get_or_create(
        member=w.member,
        reason="合同测试",
        defaults={"points": 3, "occurred_on": dt.date(2026, 1, 5), "requested_by": w.secretary_a},
    )
    return adjustment


def _org(attr: str) -> Callable[[SimpleNamespace], dict[str, Any]]:
    return lambda w: {"pk": getattr(w, attr).pk}


KWARGS: dict[str, Callable[[SimpleNamespace], dict[str, Any]]] = {
    "accounts:token_revoke": lambda w: {"pk": _token_of(w.member_user).pk},
    "core:file_download": lambda w: {"token": _stored_file(w).public_id},
    "accounts:user_reset_password": _org("outsider"),
    "accounts:user_toggle_active": _org("outsider"),
    "members:import_detail": lambda w: {"pk": _import_job(w).pk},
    "members:import_progress": lambda w: {"pk": _import_job(w).pk},
    "import-detail": lambda w: {"pk": _import_job(w).pk},
    "orgs:org_detail": _org("branch_a"),
    "orgs:org_edit": _org("branch_a"),
    "orgs:org_create": _org("branch_a"),
    "orgs:org_move": _org("branch_a"),
    "orgs:org_merge": _org("branch_a"),
    "orgs:position_assign": _org("branch_a"),
    "orgs:position_end": lambda w: {"pk": _position_a(w).pk},
    "members:member_detail": _org("member"),
    "members:member_edit": _org("member"),
    "members:member_reveal": _org("member"),
    "members:member_status": lambda w: {"pk": w.member.pk, "kind": "suspend"},
    "access:grant_delete": lambda w: {"pk": _grant_of(w.secretary_a).pk},
    "org-detail": _org("branch_a"),
    "org-move": _org("branch_a"),
    "org-merge": _org("branch_a"),
    "position-detail": lambda w: {"pk": _position_a(w).pk},
    "position-end": lambda w: {"pk": _position_a(w).pk},
    "member-detail": _org("member"),
    "member-reveal": _org("member"),
    "member-change-status": lambda w: {"pk": w.member.pk, "kind": "suspend"},
    "statuschange-detail": lambda w: {"pk": _history_of(w.member).pk},
    "points:rule_edit": lambda w: {"pk": _point_rule(w).pk},
    "pointrule-detail": lambda w: {"code": _point_rule(w).code},
    "points:adjustment_decide": lambda w: {"pk": _adjustment(w).pk, "decision": "approve"},
    "pointadjustment-approve": lambda w: {"pk": _adjustment(w).pk},
    "pointadjustment-reject": lambda w: {"pk": _adjustment(w).pk},
}


def url_of(route: Route, world: SimpleNamespace) -> str:
    if not route.kwargs:
        return reverse(route.name)
    if route.name not in KWARGS:
        pytest.fail(f"{route.name} ({route.pattern}) takes {route.kwargs}: add it to KWARGS in {__name__}")
    return reverse(route.name, kwargs=KWARGS[route.name](world))


# --------------------------------------------------------------------------------------------------------
# Expected answers to GET, per URL and persona

# 405: a POST-only view answering a GET from someone who passed the permission check.
EXPECTED: dict[str, dict[str, Any]] = {
    "core:home": html(SIGNED_IN),
    "core:healthz": public(),
    "core:file_download": html(ORG_VIEWERS, others=404, secretary_b=404),  # uploader or orgs.view; else 404
    "accounts:login": public(**dict.fromkeys(SIGNED_IN, 302)),  # a signed-in user is sent home
    "accounts:logout": html(SIGNED_IN, ok=405),
    "accounts:profile": html(SIGNED_IN),
    "accounts:token_create": html(SIGNED_IN, ok=405),
    "accounts:token_revoke": html(SIGNED_IN, ok=405),
    "accounts:password_change": html(SIGNED_IN),
    "accounts:mfa": html(SIGNED_IN),
    "accounts:user_list": html(("system_admin",)),
    "accounts:user_reset_password": html(SIGNED_IN, ok=405),  # require_POST answers first
    "accounts:user_toggle_active": html(SIGNED_IN, ok=405),
    "accounts:policy": html(("security_admin",)),
    "orgs:org_tree": html(ORG_VIEWERS),
    "orgs:org_detail": html(ORG_VIEWERS, secretary_b=404),
    "orgs:org_edit": html(("secretary_a", "officer"), secretary_b=404),
    "orgs:org_create": html(("officer",)),
    "orgs:org_move": html(("officer",)),
    "orgs:org_merge": html(("officer",)),
    "orgs:position_assign": html(("secretary_a", "officer"), secretary_b=404),
    "orgs:position_end": html(ORG_WORKERS, ok=405),
    "members:member_list": html(ORG_WORKERS),
    "members:member_create": html(ORG_WORKERS),
    "members:member_detail": html(("member_user", "secretary_a", "officer"), others=404),
    "members:member_edit": html(("secretary_a", "officer"), secretary_b=404),
    "members:member_reveal": html(ORG_WORKERS, ok=405),
    "members:member_status": html(ORG_WORKERS, ok=405),
    "members:member_export": html(ORG_WORKERS),  # an audited download
    "members:import_create": html(ORG_WORKERS),
    "members:import_template": html(ORG_WORKERS),
    "members:import_detail": html(("secretary_a", "officer"), secretary_b=404),
    "members:import_progress": html(("secretary_a", "officer"), secretary_b=404),
    "access:grant_list": html(("security_admin",)),
    "access:grant_delete": html(SIGNED_IN, ok=405),  # require_POST answers before the permission check
    "audit:entry_list": html(("audit_admin",)),
    "audit:entry_export": html(("audit_admin",)),
    "api-root": api(SIGNED_IN),
    "org-list": api(ORG_VIEWERS),
    "org-detail": api(ORG_VIEWERS, secretary_b=404),
    "org-move": api(ORG_VIEWERS, ok=405),
    "org-merge": api(ORG_VIEWERS, ok=405),
    "position-list": api(ORG_VIEWERS),
    "position-detail": api(ORG_VIEWERS, secretary_b=404),
    "position-end": api(ORG_VIEWERS, ok=405),
    # A member (and anyone without a grant) lists only their own record; the administrators are refused.
    "member-list": api(NOT_ADMINS),
    "member-detail": api(("member_user", "secretary_a", "officer"), others=404, **dict.fromkeys(ADMINS, 403)),
    "member-reveal": api(NOT_ADMINS, ok=405),
    "member-change-status": api(NOT_ADMINS, ok=405),
    "statuschange-list": api(NOT_ADMINS),  # a member reads their own history
    "statuschange-detail": api(
        ("member_user", "secretary_a", "officer"), others=404, **dict.fromkeys(ADMINS, 403)
    ),
    "import-list": api(ORG_WORKERS),
    "import-detail": api(("secretary_a", "officer"), secretary_b=404),
    "points:my_points": html(SIGNED_IN),  # own points only; an account without a member record sees a notice
    "points:board": html(NOT_ADMINS),  # without a grant: oneself and one's rank
    "points:board_export": html(ORG_WORKERS),  # an audited download
    "points:rule_list": html(ORG_WORKERS),
    "points:rule_edit": html(("officer",)),
    "points:adjustment_list": html(("officer",)),
    "points:adjustment_decide": html(("officer",), ok=405),
    "points-me": api(SIGNED_IN),
    "points-board": api(NOT_ADMINS),
    "pointrule-list": api(ORG_WORKERS),
    "pointrule-detail": api(ORG_WORKERS),
    "pointadjustment-list": api(("officer",)),
    "pointadjustment-approve": api(("officer",), ok=405),
    "pointadjustment-reject": api(("officer",), ok=405),
    "schema": public(),
    "swagger-ui": public(),
}

# --------------------------------------------------------------------------------------------------------
# Writes: who may attempt them with a chance of success; everyone else is refused and nothing changes


def _org_form(w: SimpleNamespace) -> dict[str, Any]:
    return {
        "name": "改过的名称",
        "short_name": "改名",
        "kind": "branch",
        "unit_situation": "same_as_parent",
        "elected_on": "2024-01-10",
    }


def _member_form(w: SimpleNamespace) -> dict[str, Any]:
    from conftest import make_id_number

    return {
        "org": w.branch_a.pk,
        "name": "新党员",
        "id_number": make_id_number(),
        "ethnicity": "汉族",
        "joined_on": "2015-07-01",
        "full_on": "2016-07-01",
        "phone": "13900139000",
    }


def _member_api(w: SimpleNamespace) -> dict[str, Any]:
    return _member_form(w)


def _status(w: SimpleNamespace) -> dict[str, Any]:
    return {"on": "2026-01-05", "reason": "支部大会决定"}


def _upload(w: SimpleNamespace) -> dict[str, Any]:
    from dangjian.members import excel as member_excel

    content = member_excel.template_workbook(branch_name=w.branch_a.name)
    return {"file": SimpleUploadedFile("名册.xlsx", content), "skip_invalid": "true"}


def _policy(w: SimpleNamespace) -> dict[str, Any]:
    from dangjian.accounts import policy

    current = policy.current()
    return {f: getattr(current, f) + 1 for f in policy.POLICY_FIELDS}


def _rule_form(w: SimpleNamespace) -> dict[str, Any]:
    return {"name": "登录", "unit_size": 1, "points_per_unit": 1, "daily_cap": 2, "active_from": "2020-01-01"}


def _adjustment_form(w: SimpleNamespace) -> dict[str, Any]:
    return {"member": w.member.pk, "points": 5, "reason": "获评优秀共产党员"}


WRITES: dict[str, Write] = {
    "accounts:login": Write("post", PERSONAS, lambda w: {"username": "dangyuan", "password": "wrong"}),
    "accounts:logout": Write("post", SIGNED_IN, lambda w: {}),
    "accounts:profile": Write(
        "post", SIGNED_IN, lambda w: {"phone": "13900139000", "address": "北京市西城区"}
    ),
    "accounts:token_create": Write("post", SIGNED_IN, lambda w: {"name": "OA"}),
    "accounts:token_revoke": Write("post", ("member_user",), lambda w: {}),
    "accounts:password_change": Write(
        "post",
        SIGNED_IN,
        lambda w: {"old_password": "wrong", "new_password": "Xy!9abcdefgh", "confirm": "Xy!9abcdefgh"},
    ),
    "accounts:mfa": Write("post", SIGNED_IN, lambda w: {"code": "123456"}),
    "accounts:user_list": Write(
        "post", ("system_admin",), lambda w: {"username": "newcomer", "full_name": "新人"}
    ),
    "accounts:user_reset_password": Write("post", ("system_admin",), lambda w: {}),
    "accounts:user_toggle_active": Write("post", ("system_admin",), lambda w: {}),
    "accounts:policy": Write("post", ("security_admin",), _policy),
    "members:import_create": Write("post", ORG_WORKERS, _upload, multipart=True),
    "import-list": Write("post", ORG_WORKERS, _upload, multipart=True),
    "orgs:org_edit": Write("post", ("secretary_a", "officer"), _org_form),
    "orgs:org_create": Write(
        "post",
        ("officer",),
        lambda w: {"name": "第二党小组", "kind": "group", "unit_situation": "same_as_parent"},
    ),
    "orgs:org_move": Write("post", ("officer",), lambda w: {"target": w.committee.pk}),
    "orgs:org_merge": Write("post", ("officer",), lambda w: {"target": w.branch_b.pk}),
    "orgs:position_assign": Write(
        "post",
        ("secretary_a", "officer"),
        lambda w: {"member": w.member.pk, "title": "deputy_secretary", "started_on": "2026-01-05"},
    ),
    "orgs:position_end": Write("post", ("secretary_a", "officer"), lambda w: {"ended_on": "2026-01-05"}),
    "members:member_create": Write("post", ("secretary_a", "officer"), _member_form),
    "members:member_edit": Write(
        "post",
        ("secretary_a", "officer"),
        lambda w: {**_member_form(w), "id_number": w.member.id_number, "name": "党员甲改"},
    ),
    "members:member_reveal": Write("post", ("secretary_a", "officer"), lambda w: {}),
    "members:member_status": Write("post", ("secretary_a", "officer"), _status),
    "access:grant_list": Write(
        "post",
        ("security_admin",),
        lambda w: {
            "username": "outsider",
            "role": "branch_secretary",
            "org": w.branch_c.pk,
            "include_subtree": "on",
        },
    ),
    "access:grant_delete": Write("post", ("security_admin",), lambda w: {}),
    "org-list": Write(
        "post", ("officer",), lambda w: {"parent": w.branch_a.pk, "name": "新小组", "kind": "group"}
    ),
    "org-detail": Write("patch", ("secretary_a", "officer"), lambda w: {"short_name": "改名"}),
    "org-move": Write("post", ("officer",), lambda w: {"parent": w.committee.pk}),
    "org-merge": Write("post", ("officer",), lambda w: {"target": w.branch_b.pk}),
    "position-list": Write(
        "post",
        ("secretary_a", "officer"),
        lambda w: {
            "org": w.branch_a.pk,
            "member": w.member.pk,
            "title": "deputy_secretary",
            "started_on": "2026-01-05",
        },
    ),
    "position-end": Write("post", ("secretary_a", "officer"), lambda w: {"ended_on": "2026-01-05"}),
    "member-list": Write("post", ("secretary_a", "officer"), _member_api),
    "member-detail": Write("patch", ("secretary_a", "officer"), lambda w: {"job_title": "改过的岗位"}),
    "member-change-status": Write("post", ("secretary_a", "officer"), _status),
    "member-reveal": Write("post", ("secretary_a", "officer"), lambda w: {}),
    "points:rule_edit": Write("post", ("officer",), _rule_form),
    "points:adjustment_list": Write("post", ("officer",), _adjustment_form),
    "points:adjustment_decide": Write("post", ("officer",), lambda w: {}),
    "pointrule-detail": Write("patch", ("officer",), lambda w: {"daily_cap": 2}),
    "pointadjustment-list": Write("post", ("officer",), _adjustment_form),
    "pointadjustment-approve": Write("post", ("officer",), lambda w: {}),
    "pointadjustment-reject": Write("post", ("officer",), lambda w: {}),
}


def _merge_app_contracts() -> None:
    """Add the tables of every ``tests/contracts/<app>.py`` (an app's URLs are declared beside its code)."""
    for info in pkgutil.iter_modules(contracts.__path__):
        module = importlib.import_module(f"{contracts.__name__}.{info.name}")
        for table, extra in ((EXPECTED, "EXPECTED"), (KWARGS, "KWARGS"), (WRITES, "WRITES")):
            entries = getattr(module, extra, {})
            clash = sorted(set(entries) & set(table))
            assert not clash, f"{module.__name__}.{extra} repeats {clash}"
            table.update(entries)  # type: ignore[attr-defined]


_merge_app_contracts()

UNSAFE = ("post", "put", "patch", "delete")


def unsafe_methods(route: Route) -> set[str]:
    """The write methods a class-based or DRF view accepts (function views are listed in WRITES by hand)."""
    actions = getattr(route.callback, "actions", None)
    if actions is not None:
        return {m for m in actions if m in UNSAFE}
    view_class = getattr(route.callback, "view_class", None)
    if view_class is None:
        return set()
    return {m for m in UNSAFE if m in view_class.http_method_names and hasattr(view_class, m)}


# --------------------------------------------------------------------------------------------------------
# Helpers


def client_for(world: SimpleNamespace, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        sign_in(client, getattr(world, persona))  # passes the second factor the administrators must use
    return client


def matches(response: HttpResponse, expected: Any) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and response["Location"].startswith(
            resolve_url(settings.LOGIN_URL)
        )
    if isinstance(expected, tuple):
        return response.status_code in expected
    return bool(response.status_code == expected)


def send(
    client: Client, method: str, url: str, data: dict[str, Any], *, api_route: bool, multipart: bool = False
) -> HttpResponse:
    if api_route and not multipart:
        return getattr(client, method)(url, data, content_type="application/json")
    return getattr(client, method)(url, data)


def refused(persona: str, route_is_api: bool) -> Any:
    if persona == "anonymous":
        return ANON_API if route_is_api else LOGIN
    return (403, 404)


# --------------------------------------------------------------------------------------------------------
# a) classification


def test_every_url_is_classified():
    unclassified = [f"{r.name} ({r.pattern})" for r in all_routes() if classify.access_of(r.callback) is None]
    assert not unclassified, (
        "URLs whose view declares no access class (public/authenticated/permission): "
        + (", ".join(unclassified))
    )


def test_url_names_are_unique_so_the_tables_can_key_on_them():
    names = [r.name for r in all_routes()]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


def test_an_unclassified_view_is_refused_by_default():
    def unclassified(request: HttpRequest) -> HttpResponse:
        return HttpResponse("secret")

    request = RequestFactory().get("/anything/")
    middleware = LoginRequiredMiddleware(lambda r: HttpResponse())
    response = middleware.process_view(request, unclassified, (), {})
    assert response is not None and response.status_code == 403
    assert classify.access_of(unclassified) is None


def test_access_of_reads_function_class_and_viewset_views():
    assert classify.access_of(ROUTES["core:healthz"].callback) == classify.PUBLIC
    assert classify.access_of(ROUTES["orgs:org_tree"].callback) == classify.PERMISSION
    assert classify.access_of(ROUTES["member-list"].callback) == classify.PERMISSION
    assert classify.access_of(ROUTES["accounts:token_revoke"].callback) == classify.AUTHENTICATED


# --------------------------------------------------------------------------------------------------------
# b) the expectation tables cover exactly the URLs that exist


def test_expectation_table_lists_every_url_and_nothing_else():
    missing = sorted(set(ROUTES) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(ROUTES))
    assert not missing, f"new URLs not in EXPECTED (add the expected answer per persona): {missing}"
    assert not stale, f"EXPECTED lists URLs that no longer exist: {stale}"
    for name, row in EXPECTED.items():
        assert set(row) == set(PERSONAS), f"{name}: every persona needs an expected answer"


def test_every_url_with_arguments_has_objects_to_fill_them():
    missing = sorted(r.name for r in ROUTES.values() if r.kwargs and r.name not in KWARGS)
    assert not missing, f"URLs taking arguments without an entry in KWARGS: {missing}"
    assert not sorted(set(KWARGS) - set(ROUTES)), "KWARGS lists URLs that no longer exist"


def test_every_url_that_accepts_a_write_is_in_the_writes_table():
    missing = sorted(r.name for r in ROUTES.values() if unsafe_methods(r) and r.name not in WRITES)
    assert not missing, f"URLs accepting POST/PUT/PATCH/DELETE without an entry in WRITES: {missing}"
    for name, write in WRITES.items():
        route = ROUTES.get(name)
        assert route is not None, f"WRITES lists {name}, which no longer exists"
        methods = unsafe_methods(route)
        assert not methods or write.method in methods, f"{name} does not accept {write.method}"


def _audit_count() -> int:
    from dangjian.audit.models import AuditEntry

    return AuditEntry.objects.count()


def _changed_tables(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_each_persona_gets_the_expected_answer_to_get(name, world, snapshot):
    """Every persona's GET answers as EXPECTED says and changes nothing; a successful one may add an
    audit entry (an export is audited), a refused one not even that. The tables are compared once around
    all the personas (two snapshots per route, not two per persona: the suite's largest cost); the audit
    table is counted around each request so a refused GET that audits is still named."""
    route = ROUTES[name]
    if name not in EXPECTED:
        pytest.fail(f"{name} ({route.pattern}) is a new URL: add it to EXPECTED in {__name__}")
    url = url_of(route, world)
    wrong = []
    before = snapshot()
    for persona in PERSONAS:
        client = client_for(world, persona)
        audited = _audit_count()
        response = client.get(url)
        expected = EXPECTED[name][persona]
        if not matches(response, expected):
            wrong.append(f"{persona}: expected {expected}, got {response.status_code}")
        if response.status_code >= 300:
            assert _audit_count() == audited, f"{name}: a refused GET by {persona} wrote an audit entry"
    after = snapshot()
    # No state change on GET (SECURITY.md): only an audit entry may be added, and only by a successful one.
    after.pop("audit.AuditEntry"), before.pop("audit.AuditEntry")
    assert after == before, f"{name}: a GET changed {_changed_tables(before, after)} ({url})"
    assert not wrong, f"GET {url} ({name}): " + "; ".join(wrong)


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_write_by_an_unauthorised_persona_is_refused_and_changes_nothing(name, world, snapshot):
    """Every persona the write does not allow is refused, and together they change nothing (tables compared
    once around all the refused personas)."""
    route, write = ROUTES[name], WRITES[name]
    url = url_of(route, world)
    before = snapshot()
    tried = []
    for persona in PERSONAS:
        if persona in write.allowed:
            continue
        client = client_for(world, persona)
        response = send(
            client,
            write.method,
            url,
            write.payload(world),
            api_route=route.is_api,
            multipart=write.multipart,
        )
        assert matches(response, refused(persona, route.is_api)), (
            f"{write.method.upper()} {url} ({name}) by {persona}: got {response.status_code}"
        )
        tried.append(persona)
    after = snapshot()
    assert after == before, (
        f"{name}: a refused {write.method.upper()} by one of {tried} changed {_changed_tables(before, after)}"
    )


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_write_without_the_csrf_token_is_refused_and_changes_nothing(name, world, snapshot):
    """CSRF on every state change (SECURITY.md): even an allowed persona, signed in with a session, is
    refused without the token. (API calls with a personal token carry no cookie and need none.)"""
    route, write = ROUTES[name], WRITES[name]
    persona = next((p for p in write.allowed if p != "anonymous"), None)
    if persona is None:
        pytest.skip("only anonymous writes")
    client = Client(enforce_csrf_checks=True)
    sign_in(client, getattr(world, persona))
    url, payload = url_of(route, world), write.payload(world)  # these may create the target object
    before = snapshot()
    response = send(client, write.method, url, payload, api_route=route.is_api, multipart=write.multipart)
    assert response.status_code == 403, f"{name}: {response.status_code}"
    assert snapshot() == before


def test_a_refused_security_policy_change_leaves_the_policy_as_it_was(world):
    from dangjian.accounts import policy

    before = {f: getattr(policy.current(), f) for f in policy.POLICY_FIELDS}
    for persona in PERSONAS:
        if persona != "security_admin":
            client_for(world, persona).post(reverse("accounts:policy"), _policy(world))
    assert {f: getattr(policy.current(), f) for f in policy.POLICY_FIELDS} == before


# --------------------------------------------------------------------------------------------------------
# c) object scope: out-of-scope objects are 404 on read and write; lists never include them

MEMBER_PAIRS = [
    ("secretary_a", "member_b"),
    ("secretary_b", "member"),
    ("officer", "member_c"),
    ("member_user", "member_b"),
]


@pytest.mark.parametrize(("persona", "target"), MEMBER_PAIRS)
def test_out_of_scope_member_is_not_found_on_read(persona, target, world):
    client = client_for(world, persona)
    member = getattr(world, target)
    assert client.get(reverse("members:member_detail", args=[member.pk])).status_code == 404
    assert client.get(reverse("member-detail", args=[member.pk])).status_code == 404
    change = _history_of(member)
    assert client.get(reverse("statuschange-detail", args=[change.pk])).status_code == 404
    if persona != "member_user":  # a member holds no grant: the edit page is 403 for them
        assert client.get(reverse("members:member_edit", args=[member.pk])).status_code == 404


@pytest.mark.parametrize(("persona", "target"), MEMBER_PAIRS)
def test_out_of_scope_member_is_not_found_on_write_and_nothing_changes(persona, target, world, snapshot):
    client = client_for(world, persona)
    member = getattr(world, target)
    # Someone with the write permission somewhere gets 404; a member with no grant at all gets 403.
    expected = (403, 404) if persona == "member_user" else (404,)
    status_kinds = (
        "convert",
        "suspend",
        "restore",
        "lost_contact",
        "contact_restored",
        "mobile_start",
        "mobile_end",
        "exit",
        "move",
    )
    before = snapshot()
    html_writes = [
        (
            reverse("members:member_edit", args=[member.pk]),
            {**_member_form(world), "id_number": member.id_number},
        ),
        (reverse("members:member_reveal", args=[member.pk]), {}),
        *[
            (
                reverse("members:member_status", args=[member.pk, k]),
                {**_status(world), "exit_kind": "withdrew", "destination": "深圳", "org": world.branch_a.pk},
            )
            for k in status_kinds
        ],
    ]
    for url, data in html_writes:
        assert client.post(url, data).status_code in expected, url
    api_writes = [
        ("patch", reverse("member-detail", args=[member.pk]), {"job_title": "改过的岗位"}),
        ("post", reverse("member-reveal", args=[member.pk]), {}),
        *[
            (
                "post",
                reverse("member-change-status", args=[member.pk, k]),
                {**_status(world), "exit_kind": "withdrew", "destination": "深圳", "org": world.branch_a.pk},
            )
            for k in status_kinds
        ],
    ]
    for method, url, data in api_writes:
        assert send(client, method, url, data, api_route=True).status_code in expected, url
    assert snapshot() == before


@pytest.mark.parametrize(("persona", "target"), MEMBER_PAIRS)
def test_member_lists_never_include_out_of_scope_members(persona, target, world):
    client = client_for(world, persona)
    member = getattr(world, target)
    _history_of(member)
    for query in (
        {},
        {"q": member.id_number},
        {"q": member.name},
        {"include_exited": "1"},
        {"org": member.org_id},
    ):
        api_ids = [m["id"] for m in client.get(reverse("member-list"), query).json()["results"]]
        assert member.pk not in api_ids, query
        page = client.get(reverse("members:member_list"), query)
        if page.status_code == 200:
            assert member not in page.context["object_list"], query
            if "q" not in query:  # the search box echoes the query
                assert member.name not in page.content.decode()
        else:
            assert page.status_code == 403  # a member has no roster
    history = client.get(reverse("statuschange-list"))
    if history.status_code == 200:
        assert member.pk not in [c["member"] for c in history.json()["results"]]


ORG_PAIRS = [("secretary_a", "branch_b"), ("secretary_b", "branch_a"), ("officer", "branch_c")]


@pytest.mark.parametrize(("persona", "target"), ORG_PAIRS)
def test_out_of_scope_organisation_is_not_found_and_never_listed(persona, target, world):
    client = client_for(world, persona)
    org = getattr(world, target)
    assert client.get(reverse("orgs:org_detail", args=[org.pk])).status_code == 404
    assert client.get(reverse("orgs:org_edit", args=[org.pk])).status_code == 404
    assert client.get(reverse("orgs:position_assign", args=[org.pk])).status_code == 404
    assert client.get(reverse("org-detail", args=[org.pk])).status_code == 404
    assert client.get(reverse("orgs:org_tree"), {"root": org.pk}).status_code == 404
    tree = client.get(reverse("orgs:org_tree"))
    assert org.pk not in [n.org.pk for n in tree.context["nodes"]]
    assert org.pk not in [o["id"] for o in client.get(reverse("org-list")).json()["results"]]
    position = Position.objects.create(
        org=org, member=org.members.first(), title="deputy_secretary", started_on=dt.date(2024, 1, 10)
    )
    assert client.get(reverse("position-detail", args=[position.pk])).status_code == 404
    assert position.pk not in [p["id"] for p in client.get(reverse("position-list")).json()["results"]]


@pytest.mark.parametrize(("persona", "target"), ORG_PAIRS)
def test_out_of_scope_organisation_is_not_found_on_write_and_nothing_changes(
    persona, target, world, snapshot
):
    client = client_for(world, persona)
    org = getattr(world, target)
    position = (
        _position_b(world)
        if target == "branch_b"
        else Position.objects.create(
            org=org, member=org.members.first(), title="deputy_secretary", started_on=dt.date(2024, 1, 10)
        )
    )
    before = snapshot()
    manage = (403, 404) if persona != "officer" else (404,)  # secretaries hold no orgs.manage at all
    assert client.post(reverse("orgs:org_edit", args=[org.pk]), _org_form(world)).status_code == 404
    assert (
        client.post(
            reverse("orgs:position_assign", args=[org.pk]),
            {"member": org.members.first().pk, "title": "deputy_secretary", "started_on": "2026-01-05"},
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("orgs:position_end", args=[position.pk]), {"ended_on": "2026-01-05"}).status_code
        == 404
    )
    assert (
        client.post(
            reverse("orgs:org_create", args=[org.pk]),
            {"name": "小组", "kind": "group", "unit_situation": "same_as_parent"},
        ).status_code
        in manage
    )
    assert (
        client.post(reverse("orgs:org_move", args=[org.pk]), {"target": world.root.pk}).status_code in manage
    )
    assert (
        client.post(reverse("orgs:org_merge", args=[org.pk]), {"target": world.branch_a.pk}).status_code
        in manage
    )
    assert (
        send(
            client, "patch", reverse("org-detail", args=[org.pk]), {"short_name": "改"}, api_route=True
        ).status_code
        == 404
    )
    assert (
        send(
            client,
            "post",
            reverse("position-end", args=[position.pk]),
            {"ended_on": "2026-01-05"},
            api_route=True,
        ).status_code
        == 404
    )
    assert (
        send(
            client,
            "post",
            reverse("position-list"),
            {
                "org": org.pk,
                "member": org.members.first().pk,
                "title": "deputy_secretary",
                "started_on": "2026-01-05",
            },
            api_route=True,
        ).status_code
        == 404
    )
    assert (
        send(
            client, "post", reverse("org-move", args=[org.pk]), {"parent": world.root.pk}, api_route=True
        ).status_code
        in manage
    )
    assert (
        send(
            client, "post", reverse("member-list"), {**_member_api(world), "org": org.pk}, api_route=True
        ).status_code
        == 404
    )
    assert snapshot() == before


def test_officer_cannot_move_an_organisation_to_a_destination_outside_scope(world, snapshot):
    client = client_for(world, "officer")
    before = snapshot()
    response = send(
        client,
        "post",
        reverse("org-move", args=[world.branch_b.pk]),
        {"parent": world.committee2.pk},
        api_route=True,
    )
    assert response.status_code == 404
    page = client.post(reverse("orgs:org_move", args=[world.branch_b.pk]), {"target": world.committee2.pk})
    assert page.status_code == 200 and "target" in page.context["form"].errors  # not offered as a choice
    assert snapshot() == before


def test_officer_cannot_move_a_member_to_a_branch_outside_scope(world, snapshot):
    client = client_for(world, "officer")
    before = snapshot()
    response = send(
        client,
        "post",
        reverse("member-change-status", args=[world.member.pk, "move"]),
        {"on": "2026-01-05", "org": world.branch_c.pk},
        api_route=True,
    )
    assert response.status_code == 404
    client.post(
        reverse("members:member_status", args=[world.member.pk, "move"]),
        {"on": "2026-01-05", "org": world.branch_c.pk},
    )
    assert snapshot() == before


# --------------------------------------------------------------------------------------------------------
# d) the three administrators never read members' records

MEMBER_ROUTES = sorted(n for n in ROUTES if n.startswith(("members:", "member-", "statuschange-", "import-")))


@pytest.mark.parametrize("persona", ADMINS)
def test_administrators_never_open_a_member_page_or_member_api(persona, world, snapshot):
    client = client_for(world, persona)
    urls = {name: url_of(ROUTES[name], world) for name in MEMBER_ROUTES}
    before = snapshot()
    for name, url in urls.items():
        route = ROUTES[name]
        response = client.get(url)
        assert response.status_code in (403, 404), f"GET {name} by {persona}: {response.status_code}"
        body = response.content.decode()
        assert world.member.name not in body and world.member.id_number_masked not in body, name
        if name in WRITES:
            write = WRITES[name]
            response = send(
                client,
                write.method,
                url,
                write.payload(world),
                api_route=route.is_api,
                multipart=write.multipart,
            )
            assert response.status_code in (403, 404), (
                f"{write.method} {name} by {persona}: {response.status_code}"
            )
    assert snapshot() == before


@pytest.mark.parametrize("persona", ADMINS)
def test_administrators_home_and_profile_show_no_member_figures(persona, world):
    client = client_for(world, persona)
    home = client.get(reverse("core:home"))
    assert home.status_code == 200 and "figures" not in home.context
    assert world.member.name not in home.content.decode()


def test_audit_administrator_opens_the_audit_log_and_nothing_else_of_the_others(world):
    client = client_for(world, "audit_admin")
    assert client.get(reverse("audit:entry_list")).status_code == 200
    assert client.get(reverse("access:grant_list")).status_code == 403
    assert client.get(reverse("orgs:org_tree")).status_code == 403


def test_security_administrator_opens_the_grants_page_but_not_the_audit_log(world):
    client = client_for(world, "security_admin")
    assert client.get(reverse("access:grant_list")).status_code == 200
    assert client.get(reverse("audit:entry_list")).status_code == 403
