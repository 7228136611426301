"""Scope contract of 发展党员: see tests/contracts/__init__.py.

The object: 张申请 of 第一党支部 (branch_a), with steps ①–⑭ recorded, so the 支部大会 vote (⑮) is next.
secretary_a (development.manage over branch_a) and the officer (committee over branch_a and branch_b, also
development.approve) see and work on it; secretary_b (branch_b) gets 404; only the officer records the
上级党委's approvals; members without a grant and the 三员 are refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.contracts import ORG_WORKERS, SIGNED_IN, Write, api, html

A = ("secretary_a", "officer")


def _development(w: SimpleNamespace) -> Any:
    from conftest import make_id_number
    from dangjian.development.models import Development, DevelopmentStep

    dev = Development.objects.filter(org=w.branch_a, name="张申请").first()
    if dev is None:
        number = make_id_number(dt.date(2000, 3, 3))
        from dangjian.members.services import id_index

        dev = Development.objects.create(
            org=w.branch_a,
            name="张申请",
            gender="male",
            id_number=number,
            id_number_index=id_index(number),
            birth_date=dt.date(2000, 3, 3),
            applied_on=dt.date(2023, 1, 5),
            stage="candidate",
        )
        for n in range(1, 15):
            DevelopmentStep.objects.create(development=dev, number=n, done_on=dt.date(2025, 1, 5))
    return dev


def _pk(f: Callable[[SimpleNamespace], Any]) -> Callable[[SimpleNamespace], dict[str, Any]]:
    return lambda w: {"pk": f(w).pk}


EXPECTED: dict[str, dict[str, Any]] = {
    "development:board": html(ORG_WORKERS),
    "development:list": html(ORG_WORKERS),
    "development:export": html(ORG_WORKERS),
    "development:create": html(ORG_WORKERS),
    "development:practice": html(ORG_WORKERS),
    "development:detail": html(A, secretary_b=404),
    "development:step": html(ORG_WORKERS, ok=405),
    "development:vote": html(A, secretary_b=404),
    "development:approve": html(("officer",), ok=405),
    "development:record": html(ORG_WORKERS, ok=405),
    "development:document": html(ORG_WORKERS, ok=405),
    "development:close": html(ORG_WORKERS, ok=405),
    "development-list": api(ORG_WORKERS),
    "development-detail": api(A, secretary_b=404),
    "development-step": api(ORG_WORKERS, ok=405),
    "development-vote": api(ORG_WORKERS, ok=405),
    "development-approve": api(ORG_WORKERS, ok=405),
    "development-records": api(ORG_WORKERS, ok=405),
    "development-close": api(ORG_WORKERS, ok=405),
    "development-board": api(ORG_WORKERS),
    "development-practice": api(ORG_WORKERS),
}
assert all(set(v) == {"anonymous", *SIGNED_IN} for v in EXPECTED.values())

KWARGS: dict[str, Callable[[SimpleNamespace], dict[str, Any]]] = {
    name: _pk(_development)
    for name in (
        "development:detail",
        "development:step",
        "development:vote",
        "development:approve",
        "development:record",
        "development:document",
        "development:close",
        "development-detail",
        "development-step",
        "development-vote",
        "development-approve",
        "development-records",
        "development-close",
    )
}


def _applicant(w: SimpleNamespace) -> dict[str, Any]:
    from conftest import make_id_number

    return {
        "org": w.branch_a.pk,
        "name": "合同申请人",
        "id_number": make_id_number(dt.date(1999, 9, 9)),
        "applied_on": "2025-01-05",
        "ethnicity": "汉族",
    }


def _vote(w: SimpleNamespace) -> dict[str, Any]:
    return {"held_on": "2025-01-10", "present": [w.member.pk], "yes": 1, "no": 0, "abstain": 0}


def _practice(w: SimpleNamespace) -> dict[str, Any]:
    return {
        "org": w.committee.pk,
        "publicity_days": 7,
        "activist_min_months": 6,
        "review_valid_months": 12,
        "thought_report_months": 3,
        "notice_days": 30,
    }


def _pdf(w: SimpleNamespace) -> dict[str, Any]:
    content = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    return {
        "title": "入党申请书",
        "file": SimpleUploadedFile("a.pdf", content, content_type="application/pdf"),
    }


WRITES: dict[str, Write] = {
    "development:create": Write("post", ORG_WORKERS, _applicant),
    "development:practice": Write("post", ORG_WORKERS, _practice),
    "development:step": Write("post", A, lambda w: {"number": 15, "done_on": "2025-01-10"}),
    "development:vote": Write("post", A, _vote),
    "development:approve": Write(
        "post", ("officer",), lambda w: {"approved_on": "2025-01-10", "approved": "1"}
    ),
    "development:record": Write(
        "post", A, lambda w: {"kind": "evaluation", "on": "2025-01-10", "summary": "表现良好"}
    ),
    "development:document": Write("post", A, _pdf, multipart=True),
    "development:close": Write("post", A, lambda w: {"reason": "本人撤回"}),
    "development-list": Write("post", A, _applicant),
    "development-step": Write("post", A, lambda w: {"number": 16, "done_on": "2025-01-10"}),
    "development-vote": Write("post", A, _vote),
    "development-approve": Write("post", ("officer",), lambda w: {"approved_on": "2025-01-10"}),
    "development-records": Write(
        "post", A, lambda w: {"kind": "evaluation", "on": "2025-01-10", "summary": "表现良好"}
    ),
    "development-close": Write("post", A, lambda w: {"reason": "本人撤回"}),
    "development-practice": Write("post", ("officer",), _practice),
}
