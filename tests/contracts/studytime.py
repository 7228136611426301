"""Scope contract of 学习时长与学时: see tests/contracts/__init__.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from tests.contracts import ORG_WORKERS, SIGNED_IN, Write, api, html


def _training(w: SimpleNamespace) -> Any:
    from dangjian.studytime import services
    from dangjian.studytime.models import StudyHours

    row = StudyHours.objects.filter(member=w.member, kind="training").first()
    if row is None:
        row = services.study_hours_record(
            actor=w.secretary_a, member=w.member, hours=Decimal("2"), on=dt.date(2026, 1, 5), title="集中轮训"
        )
    return row


EXPECTED: dict[str, dict[str, Any]] = {
    "studytime:my_hours": html(SIGNED_IN),  # own hours; an account without a member record sees a notice
    "studytime:progress": html(ORG_WORKERS),
    "studytime:progress_export": html(ORG_WORKERS),  # an audited download
    "studytime:hours_record": html(("secretary_a", "officer"), secretary_b=404),
    "studytime:hours_revoke": html(ORG_WORKERS, ok=405),  # POST only
    "studytime-heartbeat": api(SIGNED_IN, ok=405),  # POST only
    "studytime-hours-me": api(("member_user",), others=404),  # no member record: nothing to show
    "studytime-progress": api(ORG_WORKERS),
}
KWARGS: dict[str, Callable[[SimpleNamespace], dict[str, Any]]] = {
    "studytime:hours_record": lambda w: {"pk": w.member.pk},
    "studytime:hours_revoke": lambda w: {"pk": _training(w).pk},
}
WRITES: dict[str, Write] = {
    "studytime:hours_record": Write(
        "post", ("secretary_a", "officer"), lambda w: {"title": "集中轮训", "hours": "2", "on": "2026-01-05"}
    ),
    "studytime:hours_revoke": Write("post", ("secretary_a", "officer"), lambda w: {}),
    # a key no provider knows: everyone is refused; the CSRF check still applies to the member
    "studytime-heartbeat": Write(
        "post", ("member_user",), lambda w: {"content": "none:1", "state": "visible"}
    ),
}
