"""Rules checked on the source itself (SECURITY.md "Access control" and "Input, output, browser")."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = [
    p for p in (ROOT / "dangjian").rglob("*.py") if "/tests/" not in str(p) and "/migrations/" not in str(p)
]
TEMPLATES = list((ROOT / "templates").rglob("*.html"))
SAFE_HELPER = ROOT / "dangjian" / "core" / "templatetags" / "dangjian.py"


def test_no_form_or_serializer_takes_all_fields():
    offenders = [
        str(p.relative_to(ROOT)) for p in CODE if re.search(r"fields\s*=\s*['\"]__all__['\"]", p.read_text())
    ]
    assert not offenders, f"mass assignment risk: {offenders}"


def test_markup_is_marked_safe_only_in_the_one_reviewed_helper():
    offenders = [str(p.relative_to(ROOT)) for p in CODE if p != SAFE_HELPER and "mark_safe" in p.read_text()]
    offenders += [
        str(p.relative_to(ROOT))
        for p in TEMPLATES
        if re.search(r"\|\s*safe\b|autoescape\s+off", p.read_text())
    ]
    assert not offenders, f"unreviewed safe markup: {offenders}"


def test_no_template_references_an_external_address():
    pattern = re.compile(r"""(?:src|href|action)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)
    offenders = [str(p.relative_to(ROOT)) for p in TEMPLATES if pattern.search(p.read_text())]
    assert not offenders, f"external references: {offenders}"


def test_no_template_has_inline_script_or_style():
    pattern = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=", re.IGNORECASE)
    offenders = [
        f"{p.relative_to(ROOT)}: {m.group(0)}" for p in TEMPLATES for m in pattern.finditer(p.read_text())
    ]
    assert not offenders, f"inline script/style/handlers (CSP forbids them): {offenders}"
