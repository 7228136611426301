"""Scope contract of 书记信箱 and 随手拍: see tests/contracts/__init__.py.

The objects: an anonymous letter and an anonymous 随手拍 addressed to 第一党支部 (branch_a). secretary_a
holds mailbox.handle *at* branch_a and is its only designated handler: she reads and acts on them;
secretary_b (another branch) and the officer (whose grant is at the committee above: a subtree grant does
not make a reader of letters) get 404; members get 403; the 三员 are refused (403), the system
administrator keeps the categories only. The writer's pages and endpoints are public. The letter is
already read, so opening it changes nothing but the audit log (every read is audited).

转督办整改 (``*_task``) needs both the handling of the letter or case and supervision.manage over its
organisation or one below: secretary_a handles them but may not assign tasks (403), the officer manages the
committee's tasks but does not handle branch_a's letters (404); nobody in this tree holds both, so every
attempt is refused (the successful path is in dangjian/mailbox/tests/test_source_task.py).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from conftest import PERSONAS
from tests.contracts import ADMINS, ORG_WORKERS, SIGNED_IN, Write, api, html, public

HANDLER = ("secretary_a",)
NOT_HERE = {"secretary_b": 404, "officer": 404}


def _letter(w: SimpleNamespace) -> Any:
    from dangjian.mailbox import services
    from dangjian.mailbox.models import Letter

    item = Letter.objects.filter(org=w.branch_a).first()
    if item is None:
        item, _ = services.letter_submit(
            writer=None, org=w.branch_a, subject="合同测试来信", body="反映食堂卫生问题", anonymous=True
        )
        Letter.objects.filter(pk=item.pk).update(is_read=True)
    return item


def _report(w: SimpleNamespace) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from dangjian.mailbox import services
    from dangjian.mailbox.models import SnapshotReport

    item = SnapshotReport.objects.filter(org=w.branch_a).first()
    if item is None:
        buf = io.BytesIO()
        Image.new("RGB", (8, 8)).save(buf, "JPEG")
        item, _ = services.snapshot_submit(
            reporter=None,
            org=w.branch_a,
            description="消防通道堵塞",
            anonymous=True,
            uploads=[SimpleUploadedFile("x.jpg", buf.getvalue())],
        )
    return item


def _category(w: SimpleNamespace) -> Any:
    from dangjian.mailbox.models import Category

    return Category.objects.get(name="其他")


def _jpeg() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "JPEG")
    return SimpleUploadedFile("y.jpg", buf.getvalue(), content_type="image/jpeg")


def _pk(f: Callable[[SimpleNamespace], Any]) -> Callable[[SimpleNamespace], dict[str, Any]]:
    return lambda w: {"pk": f(w).pk}


def _letter_form(w: SimpleNamespace) -> dict[str, Any]:
    return {"org": w.branch_a.pk, "subject": "建议", "body": "建议增设停车位", "anonymous": "1"}


HANDLER_PAGE = html(HANDLER, **NOT_HERE, **dict.fromkeys(ADMINS, 403))
HANDLER_ACTION = html(ORG_WORKERS, ok=405)
HANDLER_API = api(HANDLER, **NOT_HERE)
TASK_PAGE = html((), secretary_a=403, **NOT_HERE)


def _task_form(w: SimpleNamespace) -> dict[str, Any]:
    return {
        "org": w.branch_a.pk,
        "title": "整改食堂卫生",
        "description": "反映食堂卫生问题",
        "deadline": "2099-01-01",
        "evidence_required": "整改照片",
    }


EXPECTED: dict[str, dict[str, Any]] = {
    "mailbox:write": public(),
    "mailbox:snapshot_new": public(),
    "mailbox:receipt": public(),
    "mailbox:receipt_add": public(**dict.fromkeys(PERSONAS, 302)),  # GET: back to the look-up form
    "mailbox:index": html(ORG_WORKERS),
    "mailbox:letter_detail": HANDLER_PAGE,
    "mailbox:letter_action": HANDLER_ACTION,
    "mailbox:snapshot_list": html(ORG_WORKERS),
    "mailbox:snapshot_detail": HANDLER_PAGE,
    "mailbox:snapshot_advance": HANDLER_ACTION,
    "mailbox:letter_task": TASK_PAGE,
    "mailbox:snapshot_task": TASK_PAGE,
    "mailbox:category_list": html(("system_admin",)),
    "mailbox:category_edit": html(("system_admin",)),
    "mailbox-submit-letter": dict.fromkeys(PERSONAS, 405),
    "mailbox-submit-snapshot": dict.fromkeys(PERSONAS, 405),
    "mailbox-receipt": dict.fromkeys(PERSONAS, 405),
    "mailbox-receipt-add": dict.fromkeys(PERSONAS, 405),
    "mailbox-letter-signed": api(SIGNED_IN, ok=405),
    "mailbox-letter-list": api(ORG_WORKERS),
    "mailbox-letter-detail": HANDLER_API,
    "mailbox-letter-reply": api(ORG_WORKERS, ok=405),
    "mailbox-letter-assign": api(ORG_WORKERS, ok=405),
    "mailbox-letter-due": api(ORG_WORKERS, ok=405),
    "mailbox-letter-close": api(ORG_WORKERS, ok=405),
    "mailbox-letter-unread": api(ORG_WORKERS, ok=405),
    "mailbox-letter-correct": api(ORG_WORKERS, ok=405),
    "mailbox-snapshot-list": api(ORG_WORKERS),
    "mailbox-snapshot-detail": HANDLER_API,
    "mailbox-snapshot-advance": api(ORG_WORKERS, ok=405),
    "mailbox-letter-task": api(ORG_WORKERS, ok=405),
    "mailbox-snapshot-task": api(ORG_WORKERS, ok=405),
    "mailbox-category-list": api(("system_admin",)),
    "mailbox-category-detail": api(("system_admin",), ok=405),  # PATCH only
}

KWARGS: dict[str, Callable[[SimpleNamespace], dict[str, Any]]] = {
    "mailbox:letter_detail": _pk(_letter),
    "mailbox:letter_action": lambda w: {"pk": _letter(w).pk, "action": "reply"},
    "mailbox:snapshot_detail": _pk(_report),
    "mailbox:snapshot_advance": _pk(_report),
    "mailbox:category_edit": _pk(_category),
    "mailbox-letter-detail": _pk(_letter),
    "mailbox-letter-reply": _pk(_letter),
    "mailbox-letter-assign": _pk(_letter),
    "mailbox-letter-due": _pk(_letter),
    "mailbox-letter-close": _pk(_letter),
    "mailbox-letter-unread": _pk(_letter),
    "mailbox-letter-correct": _pk(_letter),
    "mailbox-snapshot-detail": _pk(_report),
    "mailbox-snapshot-advance": _pk(_report),
    "mailbox:letter_task": _pk(_letter),
    "mailbox:snapshot_task": _pk(_report),
    "mailbox-letter-task": _pk(_letter),
    "mailbox-snapshot-task": _pk(_report),
    "mailbox-category-detail": _pk(_category),
}

WRITES: dict[str, Write] = {
    "mailbox:write": Write("post", PERSONAS, _letter_form),
    "mailbox:snapshot_new": Write(
        "post", PERSONAS, lambda w: {"org": w.branch_a.pk, "description": "堵塞", "anonymous": "1"}
    ),
    "mailbox:receipt": Write("post", PERSONAS, lambda w: {"receipt": "1234567812345678"}),
    "mailbox:receipt_add": Write("post", PERSONAS, lambda w: {"receipt": "1234567812345678", "body": "补充"}),
    "mailbox:letter_action": Write("post", HANDLER, lambda w: {"body": "答复"}),
    "mailbox:snapshot_advance": Write("post", HANDLER, lambda w: {"to": "accepted"}),
    "mailbox:category_list": Write(
        "post", ("system_admin",), lambda w: {"name": "安全生产", "sort_order": 5}
    ),
    "mailbox:category_edit": Write(
        "post", ("system_admin",), lambda w: {"name": "其他", "sort_order": 99, "is_active": "on"}
    ),
    "mailbox-submit-letter": Write("post", PERSONAS, _letter_form),
    "mailbox-submit-snapshot": Write(
        "post",
        PERSONAS,
        lambda w: {"org": w.branch_a.pk, "description": "堵塞", "files": [_jpeg()]},
        multipart=True,
    ),
    "mailbox-receipt": Write("post", PERSONAS, lambda w: {"receipt": "1234567812345678"}),
    "mailbox-receipt-add": Write("post", PERSONAS, lambda w: {"receipt": "1234567812345678", "body": "补充"}),
    "mailbox-letter-signed": Write("post", SIGNED_IN, _letter_form),
    "mailbox-letter-reply": Write("post", HANDLER, lambda w: {"body": "答复"}),
    "mailbox-letter-assign": Write("post", HANDLER, lambda w: {"assignee": w.secretary_a.pk}),
    "mailbox-letter-due": Write("post", HANDLER, lambda w: {"due_on": "2099-01-01"}),
    "mailbox-letter-close": Write("post", HANDLER, lambda w: {}),
    "mailbox-letter-unread": Write("post", HANDLER, lambda w: {}),
    "mailbox-letter-correct": Write("post", HANDLER, lambda w: {"kind": "help"}),
    "mailbox-snapshot-advance": Write("post", HANDLER, lambda w: {"to": "accepted"}),
    "mailbox:letter_task": Write("post", (), _task_form),
    "mailbox:snapshot_task": Write("post", (), _task_form),
    "mailbox-letter-task": Write("post", (), _task_form),
    "mailbox-snapshot-task": Write("post", (), _task_form),
    "mailbox-category-list": Write("post", ("system_admin",), lambda w: {"name": "安全生产"}),
    "mailbox-category-detail": Write("patch", ("system_admin",), lambda w: {"sort_order": 7}),
}

assert all(set(v) == set(PERSONAS) for v in EXPECTED.values())
