"""Local practice of 组织关系转接 ([C] values of DOMAIN.md §6): settings with the DOMAIN default, read here
only and passed to the pure rules as arguments."""

from __future__ import annotations

from django.conf import settings

DEFAULT_VALID_DAYS = 30
DEFAULT_MAX_VALID_DAYS = 90
DEFAULT_EXPIRING_DAYS = 7
DEFAULT_REVIEW_DAYS = 7


def _int(name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(getattr(settings, name, default))
    except (TypeError, ValueError):
        return default
    return min(max(value, low), high)


def max_valid_days() -> int:
    """The longest validity a letter may have (``settings.TRANSFERS_LETTER_MAX_DAYS``, default 90)."""
    return _int("TRANSFERS_LETTER_MAX_DAYS", DEFAULT_MAX_VALID_DAYS, 1, 365)


def valid_days() -> int:
    """The validity a letter gets unless the issuer chooses another (``settings.TRANSFERS_LETTER_VALID_DAYS``,
    default 30; never above the maximum)."""
    return min(_int("TRANSFERS_LETTER_VALID_DAYS", DEFAULT_VALID_DAYS, 1, 365), max_valid_days())


def expiring_days() -> int:
    """How many days before a letter's last valid day the warning starts when the member has not reported
    (``settings.TRANSFERS_EXPIRING_DAYS``, default 7; the warning rule's parameter overrides it)."""
    return _int("TRANSFERS_EXPIRING_DAYS", DEFAULT_EXPIRING_DAYS, 0, 90)


def review_days() -> int:
    """Days the branch and the level above each have to decide a request before it is flagged
    (``settings.TRANSFERS_REVIEW_DAYS``, default 7)."""
    return _int("TRANSFERS_REVIEW_DAYS", DEFAULT_REVIEW_DAYS, 1, 90)
