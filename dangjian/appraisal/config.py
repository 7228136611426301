"""Local practice of 民主评议党员 and 谈心谈话 ([C] values of DOMAIN.md §3 and §8): settings with the DOMAIN
default, read here only and passed to the pure rules as arguments."""

from __future__ import annotations

from fractions import Fraction

from django.conf import settings

from dangjian.appraisal import rules


def excellent_share() -> Fraction:
    """The share of 优秀 the 支委会 may propose without a written reason:
    ``settings.APPRAISAL_EXCELLENT_SHARE``
    as a ``(numerator, denominator)`` pair or a string like ``"1/3"`` (default 1/3, DOMAIN.md §8)."""
    value = getattr(settings, "APPRAISAL_EXCELLENT_SHARE", None)
    if value is None:
        return rules.DEFAULT_EXCELLENT_SHARE
    share = Fraction(*value) if isinstance(value, tuple | list) else Fraction(str(value))
    return share if 0 < share <= 1 else rules.DEFAULT_EXCELLENT_SHARE


def min_ballots() -> int:
    """Ballots needed before per-member counts are shown (``settings.APPRAISAL_MIN_BALLOTS``, default 3)."""
    return max(int(getattr(settings, "APPRAISAL_MIN_BALLOTS", rules.DEFAULT_MIN_BALLOTS)), 1)


def member_coverage() -> str:
    """How 支委 talks with members are owed (``settings.APPRAISAL_TALK_COVERAGE``: "any" or "all")."""
    value = getattr(settings, "APPRAISAL_TALK_COVERAGE", rules.DEFAULT_MEMBER_COVERAGE)
    return value if value in ("any", "all") else rules.DEFAULT_MEMBER_COVERAGE
