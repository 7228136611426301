"""Random input to every form, every write serializer and the main write views (SECURITY.md "Input, output,
browser": server-side validation of every input; random input yields 2xx/4xx, never 500).

1. Every form class and every write serializer of ``dangjian`` gets random dicts (text, numbers, dates,
   None, very long strings, full-width digits, RTL marks, NUL …): ``is_valid()`` answers, never raises.
2. The main HTML write views and API write endpoints get random posts from the persona allowed to use
   them: the answer is never a server error, and a refused write (4xx, a form shown again with errors, or
   a redirect with an error message) leaves the business tables as they were.

Bounded: ``EXAMPLES`` per target, derandomized (the same inputs on every run), no deadline. Rate limits are
raised for these tests (they are tested in their own right) so that the limits do not hide the code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

import dangjian
from conftest import PASSWORD, make_id_number, sign_in
from dangjian.core import ratelimit
from dangjian.members import excel as member_excel
from dangjian.orgs.models import Org

EXAMPLES = 25
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# --------------------------------------------------------------------------------------------------------
# Random values

FULL_WIDTH = str.maketrans("0123456789-X", "０１２３４５６７８９－Ｘ")
ODD_CHARACTERS = (
    "０１２３４５６７８９Ｘｘ－\u200f\u200e\u202e\u202d\u0000\ufeff\u3000\u00a0\t\n'\"<>&%;\\/党员张三"
)
ODD_WORDS = [
    "",
    " ",
    "null",
    "None",
    "0",
    "-1",
    "1e309",
    "NaN",
    "2026-02-30",
    "0000-00-00",
    "１９８５-０６-１５",
    "2026/03/10",
    "13800138000".translate(FULL_WIDTH),
    "<script>alert(1)</script>",
    "'; DROP TABLE members_member; --",
    "\u202eredro\u202c",
]

JUNK: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.dates().map(dt.date.isoformat),
    st.text(max_size=30),
    st.text(alphabet=st.sampled_from(ODD_CHARACTERS), max_size=30),
    st.text(min_size=1, max_size=3).map(lambda s: s * 4000),  # very long
    st.sampled_from(ODD_WORDS),
)
DATES = st.one_of(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)).map(dt.date.isoformat),
    st.sampled_from(["2026-03-10", "2010-07-01", "2011-07-01", "2099-01-01", "9998-06-01", "0001-01-01"]),
    st.sampled_from(["2026-03-10", "2010-07-01"]).map(lambda d: d.translate(FULL_WIDTH)),
)
# Keys a caller should not be able to set (mass assignment): they must change nothing.
EXTRA_KEYS = [
    "status",
    "standing",
    "user",
    "is_superuser",
    "is_staff",
    "org_id",
    "id",
    "path",
    "depth",
    "role",
]


def _id_numbers() -> list[str]:
    fresh = make_id_number()
    return [fresh, fresh.lower(), fresh.translate(FULL_WIDTH), fresh[:-1] + "0", fresh[:17]]


TEXT_HINTS: dict[str, Callable[[SimpleNamespace], list[str]]] = {
    "id_number": lambda w: [*_id_numbers(), w.member.id_number, w.member_b.id_number],
    "phone": lambda w: ["13912345678", "+86 139 1234 5678", "010-12345678", "12345"],
    "name": lambda w: ["新党员", "中共示例一公司第九支部委员会", "第九党小组"],
    "username": lambda w: ["outsider", "dangyuan", "newcomer", "secretary_b", "No Such"],
    "old_password": lambda w: [PASSWORD, "wrong"],
    "new_password": lambda w: ["Xy!9abcdefgh", "short", "dangyuan2026!A"],
    "confirm": lambda w: ["Xy!9abcdefgh"],
    "credit_code": lambda w: ["91110000100000000X", "123"],
    "destination": lambda w: ["深圳", ""],
}
ID_HINTS: dict[str, Callable[[SimpleNamespace], list[int]]] = {
    "org": lambda w: [w.branch_a.pk, w.branch_b.pk, w.branch_c.pk, w.group_a.pk, w.committee.pk, 0],
    "parent": lambda w: [w.committee.pk, w.branch_a.pk, w.branch_c.pk, w.root.pk],
    "target": lambda w: [w.committee.pk, w.branch_b.pk, w.branch_c.pk],
    "member": lambda w: [w.member.pk, w.probationary.pk, w.member_b.pk, w.member_c.pk],
}


def choice_values(field: Any) -> list[Any]:
    if isinstance(field, forms.ModelChoiceField):
        return []  # ids come from ID_HINTS
    choices = getattr(field, "choices", None)
    if not choices:
        return []
    if isinstance(choices, dict):  # DRF
        return list(choices)
    return [value for value, _ in choices]


def value_for(name: str, field: Any, world: SimpleNamespace) -> st.SearchStrategy[Any]:
    """Junk, or a value that could pass this field (so that some writes get through to the services)."""
    plausible: list[st.SearchStrategy[Any]] = []
    if values := choice_values(field):
        plausible.append(st.sampled_from(values))
    if name in ID_HINTS:
        plausible.append(st.sampled_from(ID_HINTS[name](world)))
    if name in TEXT_HINTS:
        plausible.append(st.sampled_from(TEXT_HINTS[name](world)))
    if isinstance(field, (forms.DateField, serializers.DateField)):
        plausible.append(DATES)
    if isinstance(field, (forms.BooleanField, serializers.BooleanField)):
        plausible.append(st.sampled_from(["on", "true", "false", ""]))
    if isinstance(field, (forms.IntegerField, serializers.IntegerField)) and name not in ID_HINTS:
        plausible.append(st.integers(min_value=-5, max_value=400))
    return st.one_of(*plausible, JUNK) if plausible else JUNK


def payloads(
    fields: dict[str, Any], world: SimpleNamespace, base: dict[str, Any] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Dicts over the given fields (each present or not), laid over ``base`` (valid data, so that some
    writes reach the services) or over nothing, plus, sometimes, keys nobody may set."""
    known = st.fixed_dictionaries({}, optional={n: value_for(n, f, world) for n, f in fields.items()})
    extra = st.dictionaries(st.sampled_from(EXTRA_KEYS) | st.text(max_size=8), JUNK, max_size=2)
    start = st.sampled_from([base or {}, {}])
    return st.tuples(start, known, extra).map(lambda t: {**t[2], **t[0], **t[1]})


def as_form_data(data: dict[str, Any]) -> dict[str, str]:
    """What a browser can send: text only (no None)."""
    return {
        k: ("on" if v is True else "" if v is False else str(v)) for k, v in data.items() if v is not None
    }


# --------------------------------------------------------------------------------------------------------
# 1. Every form and write serializer validates random input without raising

_MODULES = re.compile(r"\.(forms|views\w*|\w+_views|api\.\w+)$")


def _modules() -> list[Any]:
    names = [m.name for m in pkgutil.walk_packages(dangjian.__path__, "dangjian.") if _MODULES.search(m.name)]
    return [importlib.import_module(name) for name in sorted(names)]


def _defined_in(module: Any, base: type) -> list[type]:
    return [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, base) and cls.__module__ == module.__name__
    ]


MODULES = _modules()
FORMS = sorted(
    {cls for m in MODULES for cls in _defined_in(m, forms.BaseForm)}, key=lambda c: (c.__name__, c.__module__)
)
SERIALIZERS = sorted(
    {
        cls
        for m in MODULES
        if ".api." in m.__name__
        for cls in _defined_in(m, serializers.Serializer)
        if any(not f.read_only for f in cls().fields.values())  # a write serializer
    },
    key=lambda c: c.__name__,
)


def _officer() -> Any:
    from dangjian.accounts.models import User

    return User.objects.get(username="officer")


def _meetings() -> Any:
    from dangjian.meetings.models import Meeting

    return Meeting.objects.all()


def _members() -> Any:
    from dangjian.members.models import Member

    return Member.objects.all()


# Forms whose constructor needs more than data.
FORM_KWARGS: dict[str, Callable[[], dict[str, Any]]] = {
    "OrgPickForm": lambda: {"queryset": Org.objects.filter(is_active=True)},
    "LoginForm": lambda: {"request": None},
    # study: the organisations offered are those the user manages
    "TopicForm": lambda: {"user": _officer()},
    "AssignmentForm": lambda: {"user": _officer()},
    # appraisal: the choices are narrowed by the view
    "AppraisalForm": lambda: {"orgs": Org.objects.all()},
    "LifeMeetingForm": lambda: {"orgs": Org.objects.all(), "meetings": _meetings()},
    "LifeMeetingEditForm": lambda: {"orgs": Org.objects.all(), "meetings": _meetings()},
    "TalkForm": lambda: {"members": _members()},
    "ConfirmForm": lambda: {"meetings": _meetings()},
    # exams: the organisations, papers and banks offered are narrowed by the view
    "BankForm": lambda: {"orgs": Org.objects.all()},
    "PaperForm": lambda: {"orgs": Org.objects.all()},
    "ExamForm": lambda: {"orgs": Org.objects.all(), "papers": _papers()},
    "PaperItemsForm": lambda: {"banks": _banks()},
    "PaperRuleForm": lambda: {"banks": _banks()},
}


def _papers() -> Any:
    from dangjian.exams.models import Paper

    return Paper.objects.all()


def _banks() -> Any:
    from dangjian.exams.models import QuestionBank

    return QuestionBank.objects.all()


def test_the_collection_finds_the_forms_and_write_serializers():
    assert {"MemberForm", "MemberCreateForm", "OrgForm", "GrantForm", "PolicyForm", "ImportForm"} <= {
        c.__name__ for c in FORMS
    }
    assert {
        "MemberWriteSerializer",
        "OrgWriteSerializer",
        "PositionSerializer",
        "StatusActionSerializer",
    } <= {c.__name__ for c in SERIALIZERS}
    assert "MemberSerializer" not in {c.__name__ for c in SERIALIZERS}  # read-only: nothing to write


def _rule_spec() -> dict[str, Any]:
    from dangjian.supervision.registry import all_rules

    spec = next(r for r in all_rules().values() if r.params)
    return {"spec": spec, "current": dict(spec.params)}


def _duty_item() -> Any:
    return SimpleNamespace(period="quarter", year=dt.date.today().year)


# Keyword-only arguments by name, for forms not listed above (the views narrow these choices).
ARGUMENTS: dict[str, Callable[[], Any]] = {
    "orgs": lambda: Org.objects.all(),
    "branches": lambda: Org.objects.filter(kind="branch"),
    "members": _members,
    "meetings": _meetings,
    "user": _officer,
    "papers": _papers,
    "banks": _banks,
    "number": lambda: 9,
    "full": lambda: True,
    "topics": lambda: [],
    "item": _duty_item,
}


def _choices(values: Any) -> list[tuple[int, str]]:
    return [(v.pk, str(v)) for v in values]


def _form_kwargs(form_class: type[forms.BaseForm]) -> Callable[[], dict[str, Any]]:
    """The listed arguments when the form takes them (names repeat across apps), else the form's required
    keyword-only arguments by name (over its own and its parents' constructors)."""
    accepted: set[str] = set()
    needed: list[str] = []
    for klass in form_class.__mro__:
        if "__init__" not in vars(klass) or klass in (forms.Form, forms.BaseForm, forms.ModelForm):
            continue
        for p in inspect.signature(klass.__init__).parameters.values():
            accepted.add(p.name)
            if p.kind == p.KEYWORD_ONLY and p.default is inspect.Parameter.empty and p.name not in needed:
                needed.append(p.name)
    listed = FORM_KWARGS.get(form_class.__name__)
    if listed is not None and set(listed()) <= accepted | set(needed):
        return listed
    if "spec" in needed:
        return _rule_spec
    if form_class.__module__ == "dangjian.transfers.forms":  # choices as (id, label) pairs
        pairs = {
            "branches": lambda: _choices(Org.objects.filter(kind="branch")),
            "members": lambda: _choices(_members()),
        }
        return lambda: {name: pairs[name]() for name in needed}
    return lambda: {name: ARGUMENTS[name]() for name in needed}


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: f"{c.__module__.split('.')[1]}.{c.__name__}")
def test_every_form_validates_random_input_without_raising(form_class, world):
    """Forms get what a browser sends: text, repeated keys, uploaded files of random bytes."""
    kwargs = _form_kwargs(form_class)
    fields = form_class(**kwargs()).fields

    @FUZZ
    @given(data=payloads(fields, world), repeated=st.lists(JUNK, max_size=2), raw=st.binary(max_size=64))
    def check(data: dict[str, Any], repeated: list[Any], raw: bytes) -> None:
        form_data = MultiValueDict({k: [v] for k, v in as_form_data(data).items()})
        for key, value in zip(
            list(form_data), as_form_data(dict(enumerate(repeated))).values(), strict=False
        ):
            form_data.appendlist(key, value)  # ?name=a&name=b: the form reads the last one
        files = {
            n: SimpleUploadedFile("x.xlsx", raw) for n, f in fields.items() if isinstance(f, forms.FileField)
        }
        form = form_class(data=form_data, files=files, **kwargs())
        assert form.is_valid() or form.errors

    check()


@pytest.mark.parametrize("serializer_class", SERIALIZERS, ids=lambda c: c.__name__)
def test_every_write_serializer_validates_random_input_without_raising(serializer_class, world):
    fields = serializer_class().fields
    not_a_dict = st.one_of(st.lists(JUNK, max_size=3), JUNK)

    @FUZZ
    @given(data=st.one_of(payloads(fields, world), not_a_dict), partial=st.booleans())
    def check(data: Any, partial: bool) -> None:
        serializer = serializer_class(data=data, partial=partial)
        assert serializer.is_valid() or serializer.errors

    check()


# --------------------------------------------------------------------------------------------------------
# 2. Random posts to the write views never fail, and a refused one changes nothing

BUSINESS_TABLES = (
    "orgs.Org",
    "orgs.Position",
    "members.Member",
    "members.StatusChange",
    "access.Grant",
    "accounts.User",
    "accounts.SecurityPolicy",
)


def business_rows() -> dict[str, list[dict[str, Any]]]:
    """Every row of the tables a refused write must leave alone (``last_login`` aside: signing in)."""
    out = {}
    for label in BUSINESS_TABLES:
        rows = apps.get_model(label)._default_manager.order_by("pk").values()
        out[label] = [{k: v for k, v in row.items() if k != "last_login"} for row in rows]
    return out


def _form_fields(form_class: Any, **kwargs: Any) -> Callable[[], dict[str, Any]]:
    return lambda: dict(form_class(**kwargs).fields)


def _serializer_fields(serializer_class: Any) -> Callable[[], dict[str, Any]]:
    return lambda: {n: f for n, f in serializer_class().fields.items() if not f.read_only}


STATUS_KINDS = (
    "convert",
    "suspend",
    "restore",
    "lost_contact",
    "contact_restored",
    "mobile_start",
    "mobile_end",
    "exit",
    "move",
    "teleport",
)


@dataclasses.dataclass(frozen=True)
class Target:
    persona: str
    url: Callable[[SimpleNamespace, str], str]  # (world, kind): ``kind`` is drawn from ``kinds``
    fields: Callable[[], dict[str, Any]]
    base: Callable[[SimpleNamespace], dict[str, Any]]
    api: bool = False
    method: str = "post"
    upload: bool = False  # adds a file of random bytes (or the real import template) as ``file``
    kinds: tuple[str, ...] = ("",)


def _member(w: SimpleNamespace) -> dict[str, Any]:
    return {
        "org": w.branch_a.pk,
        "name": "新党员",
        "id_number": make_id_number(),
        "ethnicity": "汉族",
        "joined_on": "2015-07-01",
        "full_on": "2016-07-01",
        "phone": "13900139000",
    }


def _status(w: SimpleNamespace) -> dict[str, Any]:
    return {"on": "2026-03-10", "reason": "支部大会决定", "destination": "深圳", "exit_kind": "withdrew"}


def _policy(w: SimpleNamespace) -> dict[str, Any]:
    from dangjian.accounts import policy

    current = policy.current()
    return {f: getattr(current, f) + 1 for f in policy.POLICY_FIELDS}


def _targets() -> dict[str, Target]:
    from dangjian.access.forms import GrantForm
    from dangjian.accounts import forms as account_forms
    from dangjian.members import forms as member_forms
    from dangjian.members.api import imports as import_api
    from dangjian.members.api import serializers as member_api
    from dangjian.members.views_import import ImportForm
    from dangjian.orgs import forms as org_forms
    from dangjian.orgs.api import serializers as org_api

    member_fields = _form_fields(member_forms.MemberForm)
    member_api_fields = _serializer_fields(member_api.MemberWriteSerializer)
    org_api_fields = _serializer_fields(org_api.OrgWriteSerializer)
    # Keyed by URL name (as in tests/test_scope_contract.py).
    return {
        # pages
        "members:member_create": Target(
            "secretary_a",
            lambda w, k: reverse("members:member_create"),
            _form_fields(member_forms.MemberCreateForm),
            _member,
        ),
        "members:member_edit": Target(
            "secretary_a",
            lambda w, k: reverse("members:member_edit", args=[w.member.pk]),
            member_fields,
            lambda w: {**_member(w), "id_number": w.member.id_number, "name": "党员甲改"},
        ),
        "members:member_status": Target(
            "officer",
            lambda w, k: reverse("members:member_status", args=[w.probationary.pk, k]),
            _form_fields(member_forms.StatusForm),
            lambda w: {**_status(w), "org": w.branch_b.pk},
            kinds=STATUS_KINDS,
        ),
        "orgs:org_edit": Target(
            "secretary_a",
            lambda w, k: reverse("orgs:org_edit", args=[w.branch_a.pk]),
            _form_fields(org_forms.OrgForm),
            lambda w: {"name": "改过的名称", "kind": "branch", "unit_situation": "same_as_parent"},
        ),
        "orgs:position_assign": Target(
            "secretary_a",
            lambda w, k: reverse("orgs:position_assign", args=[w.branch_a.pk]),
            _form_fields(org_forms.PositionForm),
            lambda w: {"member": w.member.pk, "title": "deputy_secretary", "started_on": "2026-01-05"},
        ),
        "accounts:profile": Target(
            "member_user",
            lambda w, k: reverse("accounts:profile"),
            _form_fields(account_forms.ContactForm),
            lambda w: {"phone": "13900139000", "address": "北京市西城区"},
        ),
        "accounts:password_change": Target(
            "member_user",
            lambda w, k: reverse("accounts:password_change"),
            _form_fields(account_forms.PasswordChangeForm),
            lambda w: {"old_password": PASSWORD, "new_password": "Xy!9abcdefgh", "confirm": "Xy!9abcdefgh"},
        ),
        "access:grant_list": Target(
            "security_admin",
            lambda w, k: reverse("access:grant_list"),
            _form_fields(GrantForm),
            lambda w: {"username": "outsider", "role": "branch_secretary", "org": w.branch_c.pk},
        ),
        "accounts:user_list": Target(
            "system_admin",
            lambda w, k: reverse("accounts:user_list"),
            _form_fields(account_forms.UserCreateForm),
            lambda w: {"username": "newcomer", "full_name": "新人"},
        ),
        "accounts:policy": Target(
            "security_admin",
            lambda w, k: reverse("accounts:policy"),
            _form_fields(account_forms.PolicyForm),
            _policy,
        ),
        "members:import_create": Target(
            "secretary_a",
            lambda w, k: reverse("members:import_create"),
            _form_fields(ImportForm),
            lambda w: {"skip_invalid": "on"},
            upload=True,
        ),
        # API
        "member-list": Target(
            "secretary_a", lambda w, k: reverse("member-list"), member_api_fields, _member, api=True
        ),
        "member-detail": Target(
            "officer",
            lambda w, k: reverse("member-detail", args=[w.member.pk]),
            member_api_fields,
            lambda w: {"job_title": "改过的岗位"},
            api=True,
            method="patch",
        ),
        "member-change-status": Target(
            "officer",
            lambda w, k: reverse("member-change-status", args=[w.probationary.pk, k]),
            _serializer_fields(member_api.StatusActionSerializer),
            lambda w: {**_status(w), "org": w.branch_b.pk},
            api=True,
            kinds=STATUS_KINDS,
        ),
        "org-list": Target(
            "officer",
            lambda w, k: reverse("org-list"),
            org_api_fields,
            lambda w: {"parent": w.branch_a.pk, "name": "新小组", "kind": "group"},
            api=True,
        ),
        "org-detail": Target(
            "secretary_a",
            lambda w, k: reverse("org-detail", args=[w.branch_a.pk]),
            org_api_fields,
            lambda w: {"short_name": "改名"},
            api=True,
            method="patch",
        ),
        "org-move": Target(
            "officer",
            lambda w, k: reverse("org-move", args=[w.group_a.pk]),
            _serializer_fields(org_api.OrgMoveSerializer),
            lambda w: {"parent": w.branch_b.pk},
            api=True,
        ),
        "org-merge": Target(
            "officer",
            lambda w, k: reverse("org-merge", args=[w.branch_b.pk]),
            _serializer_fields(org_api.OrgMergeSerializer),
            lambda w: {"target": w.branch_a.pk},
            api=True,
        ),
        "position-list": Target(
            "secretary_a",
            lambda w, k: reverse("position-list"),
            _serializer_fields(org_api.PositionSerializer),
            lambda w: {
                "org": w.branch_a.pk,
                "member": w.member.pk,
                "title": "deputy_secretary",
                "started_on": "2026-01-05",
            },
            api=True,
        ),
        "import-list": Target(
            "officer",
            lambda w, k: reverse("import-list"),
            _serializer_fields(import_api.ImportUploadSerializer),
            lambda w: {"skip_invalid": "true"},
            api=True,
            upload=True,
        ),
    }


TARGETS = _targets()


def refused(response: Any) -> bool:
    """A 4xx, a page showing its form again with errors, or a redirect to a page with an error message
    (pages are followed to where they redirect, so that each answer carries only its own messages)."""
    if response.status_code >= 400:
        return True
    context = response.context
    if context is None:
        return False
    if getattr(response, "redirect_chain", None):
        return "messages" in context and any(m.level == message_levels.ERROR for m in context["messages"])
    return any(key in context and context[key].errors for key in ("form", "contact_form"))


def upload_files(raw: bytes, real: bool, world: SimpleNamespace) -> dict[str, Any]:
    content = member_excel.template_workbook(branch_name=world.branch_a.name) if real else raw
    return {"file": SimpleUploadedFile("名册.xlsx", content)}


@pytest.fixture
def _no_rate_limits(settings: Any) -> None:
    settings.RATE_LIMITS = {name: (100_000, 60) for name in ratelimit.DEFAULT_LIMITS}


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_random_writes_never_fail_and_a_refused_one_changes_nothing(name, world, _no_rate_limits):
    target = TARGETS[name]
    client = sign_in(Client(), getattr(world, target.persona))

    @FUZZ
    @given(
        data=payloads(target.fields(), world, target.base(world)),
        kind=st.sampled_from(target.kinds),
        raw=st.binary(max_size=256),
        real=st.booleans(),
    )
    def check(data: dict[str, Any], kind: str, raw: bytes, real: bool) -> None:
        url, send = target.url(world, kind), getattr(client, target.method)
        before = business_rows()
        if target.upload:
            response = send(
                url, {**as_form_data(data), **upload_files(raw, real, world)}, follow=not target.api
            )
        elif target.api:
            response = send(url, data, content_type="application/json")
        else:
            response = send(url, as_form_data(data), follow=True)
        assert response.status_code < 500, response.content[:500]
        if refused(response):
            assert business_rows() == before, f"a refused write ({response.status_code}) changed data"

    check()


@pytest.mark.parametrize("day", ["9998-06-01", "2099-01-01"])
def test_an_election_date_in_the_future_is_refused_and_the_tree_still_opens(day, world, login, snapshot):
    client = login(world.officer)
    before = snapshot()
    response = client.patch(
        reverse("org-detail", args=[world.branch_a.pk]), {"elected_on": day}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "orgs.future_date"
    page = client.post(
        reverse("orgs:org_edit", args=[world.branch_a.pk]),
        {
            "name": world.branch_a.name,
            "kind": "branch",
            "unit_situation": "same_as_parent",
            "founded_on": day,
        },
    )
    assert page.status_code == 200 and page.context["form"].errors
    assert snapshot() == before
    assert client.get(reverse("orgs:org_tree")).status_code == 200
