"""Scope contract of 积分 routes added after the first ones (those are in tests/test_scope_contract.py):
see tests/contracts/__init__.py."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from tests.contracts import SIGNED_IN, Write, api

EXPECTED: dict[str, dict[str, Any]] = {
    "points-rank": api(SIGNED_IN),  # one's own rank; an account without a member record gets member: null
}
KWARGS: dict[str, Callable[[SimpleNamespace], dict[str, Any]]] = {}
WRITES: dict[str, Write] = {}
