"""Scope contract of 组织关系转接 and 流动党员: see tests/contracts/__init__.py.

The objects: 党员甲 (member_user, 第一党支部 branch_a) transferring within the enterprise to
第三党支部 (branch_c, under 二公司党委, outside the officer's subtree), the letter issued by 一公司党委
(the officer); and 党员甲 registered as a 流动党员 by branch_a. The sending side (secretary_a, officer) and
党员甲 himself see the transfer, the registration and its 活动证 (PDF); secretary_b (branch_b) and the
outsider get 404; the 三员 are refused.
Only the officer (the level above the sending branch) may reissue the letter; nobody here may accept it
(二公司党委 would).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from tests.contracts import ADMINS, NOT_ADMINS, ORG_WORKERS, SIGNED_IN, Write, api, html

A = ("secretary_a", "officer")
SEES = ("secretary_a", "officer", "member_user")  # the sending side and the member
ADMIN_403 = dict.fromkeys(ADMINS, 403)


def _transfer(w: SimpleNamespace) -> Any:
    from dangjian.transfers import services
    from dangjian.transfers.models import Transfer

    t = Transfer.objects.filter(member=w.member, kind="internal").first()
    if t is None:
        t = services.transfer_request(
            actor=w.secretary_a, member=w.member, kind="internal", reason="job", to_org=w.branch_c
        )
        t = services.transfer_issue(actor=w.officer, transfer=t)
    return t


def _mobile(w: SimpleNamespace) -> Any:
    from dangjian.transfers import services
    from dangjian.transfers.models import MobileRegistration

    r = MobileRegistration.objects.filter(member=w.member).first()
    return r or services.mobile_register(
        actor=w.secretary_a,
        member=w.member,
        destination="广东省深圳市",
        reason="assignment",
        started_on=dt.date.today(),
        expected_until=dt.date.today() + dt.timedelta(days=180),
    )


def _pk(f: Callable[[SimpleNamespace], Any]) -> Callable[[SimpleNamespace], dict[str, Any]]:
    return lambda w: {"pk": f(w).pk}


VISIBLE = html(SEES, others=404, **ADMIN_403)
VISIBLE_API = api(SEES, others=404, **ADMIN_403)
STEP = api(NOT_ADMINS, ok=405)  # GET on a POST-only step

EXPECTED: dict[str, dict[str, Any]] = {
    "transfers:register": html(ORG_WORKERS),
    "transfers:register_export": html(ORG_WORKERS),
    "transfers:transfer_create": html(ORG_WORKERS),
    "transfers:incoming_create": html(ORG_WORKERS),
    "transfers:mine": html(NOT_ADMINS),  # one's own; an account without a member record sees a notice
    "transfers:transfer_detail": VISIBLE,
    "transfers:letter_pdf": VISIBLE,
    "transfers:transfer_action": html(SEES, ok=405, others=404, **ADMIN_403),
    "transfers:mobile_list": html(ORG_WORKERS),
    "transfers:mobile_create": html(ORG_WORKERS),
    "transfers:mobile_detail": VISIBLE,  # the branches in scope and the member (their 活动证)
    "transfers:mobile_certificate": VISIBLE,  # the 活动证 PDF, an audited download
    "transfers:mobile_end": html(ORG_WORKERS, ok=405),
    "transfers:lost_contact_list": html(ORG_WORKERS),
    "transfer-list": api(NOT_ADMINS),  # one's own without a grant
    "transfer-detail": VISIBLE_API,
    "transfer-branch-approve": STEP,
    "transfer-reject": STEP,
    "transfer-cancel": STEP,
    "transfer-issue": STEP,
    "transfer-reissue": STEP,
    "transfer-accept": STEP,
    "transfer-report": STEP,
    "transfer-receipt": STEP,
    "transfer-incoming": STEP,
    "transfer-mine": api(NOT_ADMINS),
    "transfer-mobile-list": api(ORG_WORKERS),
    "transfer-mobile-detail": api(A, secretary_b=404),
    "transfer-mobile-end": api(ORG_WORKERS, ok=405),
    "transfer-mobile-certificate": VISIBLE_API,
}
assert all(set(v) == {"anonymous", *SIGNED_IN} for v in EXPECTED.values())

KWARGS: dict[str, Callable[[SimpleNamespace], dict[str, Any]]] = {
    "transfers:transfer_detail": _pk(_transfer),
    "transfers:letter_pdf": _pk(_transfer),
    "transfers:transfer_action": lambda w: {"pk": _transfer(w).pk, "action": "reissue"},
    "transfers:mobile_detail": _pk(_mobile),
    "transfers:mobile_end": _pk(_mobile),
    "transfers:mobile_certificate": _pk(_mobile),
    "transfer-detail": _pk(_transfer),
    "transfer-branch-approve": _pk(_transfer),
    "transfer-reject": _pk(_transfer),
    "transfer-cancel": _pk(_transfer),
    "transfer-issue": _pk(_transfer),
    "transfer-reissue": _pk(_transfer),
    "transfer-accept": _pk(_transfer),
    "transfer-report": _pk(_transfer),
    "transfer-receipt": _pk(_transfer),
    "transfer-mobile-detail": _pk(_mobile),
    "transfer-mobile-end": _pk(_mobile),
    "transfer-mobile-certificate": _pk(_mobile),
}


def _request(w: SimpleNamespace) -> dict[str, Any]:
    return {"member": w.member.pk, "kind": "outside", "reason": "job", "to_org_name": "中共某县委组织部"}


def _incoming(w: SimpleNamespace) -> dict[str, Any]:
    return {
        "to_org": w.branch_a.pk,
        "from_org_name": "中共某大学委员会",
        "letter_number": "0007",
        "issued_on": str(dt.date.today()),
        "valid_days": 30,
        "reported_on": str(dt.date.today()),
        "reason": "job",
        "name": "孙八",
        "id_number": "110101199001011237",
        "gender": "male",
        "ethnicity": "汉族",
        "joined_on": "2015-07-01",
        "full_on": "2016-07-01",
    }


def _incoming_api(w: SimpleNamespace) -> dict[str, Any]:
    d = _incoming(w)
    member = {k: d.pop(k) for k in ("name", "id_number", "gender", "ethnicity", "joined_on", "full_on")}
    return d | {"member": member}


def _mobile_form(w: SimpleNamespace) -> dict[str, Any]:
    return {
        "member": w.member.pk,
        "destination": "上海市浦东新区",
        "reason": "work",
        "started_on": str(dt.date.today()),
        "expected_until": str(dt.date.today() + dt.timedelta(days=90)),
    }


END = {"on": str(dt.date.today()), "note": "已返回"}

WRITES: dict[str, Write] = {
    "transfers:transfer_create": Write("post", ORG_WORKERS, lambda w: _request(w) | {"to_org": ""}),
    "transfers:incoming_create": Write("post", ORG_WORKERS, _incoming),
    "transfers:mine": Write("post", NOT_ADMINS, lambda w: _request(w)),
    "transfers:transfer_action": Write("post", ("officer",), lambda w: {"valid_days": 30}),
    "transfers:mobile_create": Write("post", ORG_WORKERS, _mobile_form),
    "transfers:mobile_end": Write("post", A, lambda w: END),
    "transfer-list": Write("post", SEES, _request),
    "transfer-branch-approve": Write("post", A, lambda w: {"note": ""}),
    "transfer-reject": Write("post", ("officer",), lambda w: {"note": "不同意"}),
    "transfer-cancel": Write("post", ("officer",), lambda w: {"note": ""}),
    "transfer-issue": Write("post", ("officer",), lambda w: {"valid_days": 30}),
    "transfer-reissue": Write("post", ("officer",), lambda w: {"valid_days": 30}),
    "transfer-accept": Write("post", (), lambda w: {}),
    "transfer-report": Write("post", ("member_user",), lambda w: {}),
    "transfer-receipt": Write("post", (), lambda w: {}),
    "transfer-incoming": Write("post", A, _incoming_api),
    "transfer-mobile-list": Write("post", A, _mobile_form),
    "transfer-mobile-end": Write("post", A, lambda w: END),
}
