"""Template helpers. The one reviewed place that marks markup as safe (SECURITY.md: no ``mark_safe``
elsewhere; tests/test_static_rules.py enforces it)."""

from __future__ import annotations

import segno
from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def qr_svg(data: str) -> SafeString:
    """An inline SVG QR code of ``data``, drawn on the server (no external service, no script).

    Safe to mark: segno emits only SVG path data built from the QR matrix; ``data`` never appears in the
    markup, only its encoded bits.
    """
    svg = segno.make(data, error="m").svg_inline(scale=5, dark="#000", light="#fff", omitsize=False)
    return mark_safe(svg)  # noqa: S308 (reviewed: generated geometry only)
