"""The warning-rule registry (预警规则): every app declares its own rules; supervision runs them.

An app that owns data a warning reads (meetings, dues, transfers, development, exams, study time, the
mailbox …) puts its rules in ``dangjian/<app>/warning_rules.py``::

    from dangjian.supervision.registry import Context, Finding, rule

    @rule(
        code="dues.arrears",
        title="党员连续未交纳党费",
        source="《中国共产党章程》第三十八条；《关于中国共产党党费收缴、使用和管理的规定》",
        subject="member",
        severity="warning",
        params={"months": 3, "serious_months": 6},
        param_labels={"months": "连续未交月数", "serious_months": "严重预警月数"},
    )
    def dues_arrears(ctx: Context) -> Iterable[Finding]:
        ...  # one set-based query over ctx.org_ids; yield a Finding per cause

The rule is code that *finds causes*; its thresholds, severity and whether it runs are data (the
supervision app stores one row per rule, created from these defaults and editable by the committee, and
passes the merged values in ``ctx.params``). Rules never write: the scan turns findings into warnings,
keeps one open warning per (rule, key), and closes a warning when its cause is no longer found.

A rule that cannot judge because the data is missing (no dues base fixed, no meeting plan …) yields a
Finding with ``missing=True``: missing data is reported as missing, never counted as zero.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.apps import apps

Severity = Literal["notice", "warning", "serious"]
SEVERITY_LABELS: dict[str, str] = {"notice": "提示", "warning": "预警", "serious": "严重"}


@dataclass(frozen=True)
class Finding:
    """One cause found by a rule."""

    org_id: int  # the organisation the warning belongs to (a member's warning: the member's branch)
    key: str  # the cause's identity within the rule, stable across scans, e.g. "member:123" or "org:7:2026"
    message: str  # specific and in Chinese: "张三 已连续 4 个月未交纳党费（交至 2026年7月）"
    member_id: int | None = None
    severity: Severity | None = None  # overrides the rule's severity (e.g. 6 months instead of 3)
    due: dt.date | None = None  # when the cause must be fixed by, if the rule knows
    missing: bool = False  # the rule could not judge: the data it needs is missing
    link: str = ""  # a page (path) where the cause can be seen or fixed


@dataclass(frozen=True)
class Context:
    """What a rule is run with."""

    today: dt.date
    params: dict[str, Any]  # the rule's defaults merged with the stored configuration
    org_ids: frozenset[int] | None = None  # limit to these organisations; None = every organisation


@dataclass(frozen=True)
class Rule:
    code: str  # "<app>.<name>", stable: stored warnings point at it
    title: str
    source: str  # the regulation (article) or the local practice the rule applies
    subject: Literal["org", "member"]
    severity: Severity
    check: Callable[[Context], Iterable[Finding]]
    params: dict[str, Any] = field(default_factory=dict)  # default thresholds (JSON numbers/strings)
    param_labels: dict[str, str] = field(default_factory=dict)

    @property
    def app(self) -> str:
        return self.code.split(".", 1)[0]


_RULES: dict[str, Rule] = {}
_discovered = False


def rule(
    *,
    code: str,
    title: str,
    source: str,
    subject: Literal["org", "member"],
    severity: Severity = "warning",
    params: dict[str, Any] | None = None,
    param_labels: dict[str, str] | None = None,
) -> Callable[[Callable[[Context], Iterable[Finding]]], Callable[[Context], Iterable[Finding]]]:
    """Register the decorated function as the check of a warning rule."""

    def register(check: Callable[[Context], Iterable[Finding]]) -> Callable[[Context], Iterable[Finding]]:
        if code in _RULES and _RULES[code].check is not check:
            raise ValueError(f"warning rule {code!r} is declared twice")
        _RULES[code] = Rule(
            code=code,
            title=title,
            source=source,
            subject=subject,
            severity=severity,
            check=check,
            params=dict(params or {}),
            param_labels=dict(param_labels or {}),
        )
        return check

    return register


def discover() -> None:
    """Import ``<app>.warning_rules`` of every installed app (once)."""
    global _discovered
    if _discovered:
        return
    for config in apps.get_app_configs():
        try:
            importlib.import_module(f"{config.name}.warning_rules")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.warning_rules":
                raise
    _discovered = True


def all_rules() -> dict[str, Rule]:
    """Every declared rule by code, in declaration order."""
    discover()
    return dict(_RULES)
