"""``{% note_box key %}``: the 学习笔记 box of any studiable content (a topic item, a party-school lesson)."""

from __future__ import annotations

from typing import Any

from django import template

from dangjian.study import selectors
from dangjian.study.forms import NoteForm

register = template.Library()


@register.inclusion_tag("study/_note_box.html", takes_context=True)
def note_box(context: dict[str, Any], key: str) -> dict[str, Any]:
    """The form that writes a note on ``key`` and the user's own latest notes on it."""
    request = context["request"]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "note_form": NoteForm(initial={"content": key}),
        "notes": selectors.own_notes(request.user).filter(content_key=key)[:20],
    }
