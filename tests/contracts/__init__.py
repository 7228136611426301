"""Shared vocabulary of the scope contract (tests/test_scope_contract.py).

Each app adds its URLs in a module of this package (``tests/contracts/<app>.py``) that defines ``EXPECTED``,
``KWARGS`` and ``WRITES`` dicts in the shape the contract test documents; the contract merges every module
here, so apps do not edit one shared table.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from conftest import PERSONAS

LOGIN = "→login"  # 302 to the login page
ANON_API = (401, 403)
SIGNED_IN = tuple(p for p in PERSONAS if p != "anonymous")
ADMINS = ("system_admin", "security_admin", "audit_admin")
ORG_VIEWERS = ("secretary_a", "secretary_b", "officer", "system_admin", "security_admin")  # orgs.view
ORG_WORKERS = ("secretary_a", "secretary_b", "officer")  # members.* through a grant
NOT_ADMINS = tuple(p for p in SIGNED_IN if p not in ADMINS)


def public(**overrides: Any) -> dict[str, Any]:
    return {p: 200 for p in PERSONAS} | overrides


def html(allowed: tuple[str, ...], *, ok: int = 200, others: Any = 403, **overrides: Any) -> dict[str, Any]:
    """A page: anonymous → login; ``allowed`` → ``ok``; the rest → ``others``; then ``overrides``."""
    return {"anonymous": LOGIN} | {p: ok if p in allowed else others for p in SIGNED_IN} | overrides


def api(allowed: tuple[str, ...], *, ok: int = 200, others: Any = 403, **overrides: Any) -> dict[str, Any]:
    """An API route: anonymous → 401/403; ``allowed`` → ``ok``; the rest → ``others``; then ``overrides``."""
    return {"anonymous": ANON_API} | {p: ok if p in allowed else others for p in SIGNED_IN} | overrides


@dataclasses.dataclass(frozen=True)
class Write:
    method: str
    allowed: tuple[str, ...]
    payload: Callable[[SimpleNamespace], dict[str, Any]]
    multipart: bool = False  # a file upload (API routes otherwise send JSON, pages a form)
