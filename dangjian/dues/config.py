"""Local practice of 党费 ([C] values of DOMAIN.md §4): settings with the DOMAIN default, read here only and
passed to the pure rules as arguments."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings

from dangjian.dues import rules


def farmer_amount() -> Decimal:
    """农民党员's monthly amount, set per province: ``settings.DUES_FARMER_MONTHLY`` (default 0.20,
    kept within
    0.20–1.00)."""
    try:
        value = Decimal(str(getattr(settings, "DUES_FARMER_MONTHLY", "0.20")))
    except InvalidOperation:
        return rules.FIXED_AMOUNT
    return min(max(value, rules.FARMER_MIN), rules.FARMER_MAX)


def rounding() -> str:
    """How amounts are rounded to 分: ``settings.DUES_ROUNDING`` (``half_up`` by default; ``half_even``,
    ``down``)."""
    value = str(getattr(settings, "DUES_ROUNDING", "half_up"))
    return value if value in rules.ROUNDINGS else "half_up"


def refix_allowed() -> bool:
    """Whether a member's amount may be re-fixed during the year on a significant documented pay change
    (``settings.DUES_REFIX_ON_CHANGE``, default True)."""
    return bool(getattr(settings, "DUES_REFIX_ON_CHANGE", True))


def providers() -> list[str]:
    """Dotted paths of the payment providers offered (``settings.DUES_PAYMENT_PROVIDERS``; default: the
    offline provider only). See docs/dues-payments.md."""
    return list(getattr(settings, "DUES_PAYMENT_PROVIDERS", ["dangjian.dues.providers.OfflineProvider"]))


def compute(category: str, base: Decimal) -> rules.Computation:
    return rules.compute(category, base, farmer_amount=farmer_amount(), rounding=rounding())
