"""Masking of personal data on screen and in exports (SECURITY.md "Field scope")."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str:
    """``440301199001011234`` → ``4403**********1234``."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    """``13812345678`` → ``138****5678``."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_address(value: str | None) -> str:
    """Keep the first six characters (province/city), hide the rest."""
    if not value:
        return ""
    return value[:6] + "****" if len(value) > 6 else "****"
