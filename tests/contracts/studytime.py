"""Scope contract of 学习时长与学时: see tests/contracts/__init__.py."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from tests.contracts import Write

EXPECTED: dict[str, dict[str, Any]] = {}
KWARGS: dict[str, Callable[[SimpleNamespace], dict[str, Any]]] = {}
WRITES: dict[str, Write] = {}
