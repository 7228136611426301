"""Helpers shared by the exam services: scope checks, input checks, the grace period.

The rules every service keeps are in the package docstring (``dangjian.exams.services``).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

from dangjian.access import scope
from dangjian.core.errors import BusinessError
from dangjian.exams.models import (
    QuestionBank,
)
from dangjian.members.models import Member
from dangjian.orgs.models import Org

MAX_OPTIONS = 6
TEXT_LIMIT = 5000
DAILY_SIZE = 5
TAG_SIZE = 10


def grace_seconds() -> int:
    """Seconds after an attempt's deadline during which saves and the submission are still taken (network
    latency); the automatic submission waits for it too. Setting ``EXAMS_GRACE_SECONDS`` (default 30)."""
    return int(getattr(settings, "EXAMS_GRACE_SECONDS", 30))


def save_rate() -> tuple[float, int]:
    """The answer-save rate limit per attempt: (saves per second, burst). Settings ``EXAMS_SAVE_RATE``
    (default 5 per second) and ``EXAMS_SAVE_BURST`` (default 20 saves at once after a quiet spell). The
    page batches its queue into one save, so a person answering never reaches it; a runaway client does."""
    rate = float(getattr(settings, "EXAMS_SAVE_RATE", 5))
    burst = int(getattr(settings, "EXAMS_SAVE_BURST", 20))
    return max(rate, 0.01), max(burst, 1)


# --------------------------------------------------------------------------------------------------------
# Helpers


def _require(actor: Any, permission: str, org: Org) -> None:
    if not scope.org_in_scope(actor, permission, org):
        raise BusinessError("exams.forbidden", "无权管理该组织的考试工作")


def _text(value: Any, code: str, message: str, limit: int = TEXT_LIMIT) -> str:
    text = str(value or "").strip()
    if not text:
        raise BusinessError(code, message)
    if len(text) > limit:
        raise BusinessError("exams.too_long", f"内容过长（不超过 {limit} 字）")
    return text


def _decimal(value: Any, code: str, message: str, *, minimum: Decimal = Decimal("0.5")) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as exc:
        raise BusinessError(code, message) from exc
    if number < minimum or number > Decimal("1000"):
        raise BusinessError(code, message)
    return number


def _member_of(user: Any) -> Member | None:
    return Member.objects.active().select_related("org").filter(user=user).first()


def bank_usable(bank: QuestionBank, org: Org) -> bool:
    """Whether an organisation may draw from ``bank``: its own, or one of an organisation above it that is
    shared down the tree."""
    return bank.org_id == org.pk or (bank.shared_down and org.path.startswith(bank.org.path))
