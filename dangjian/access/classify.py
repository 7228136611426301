"""Every URL's view is classified: public, authenticated, or permission (default deny).

Function views use the decorators; class-based views set ``access`` (and ``permission``). The contract test
(tests/test_scope_contract.py) fails on any URL whose view is not classified.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

PUBLIC = "public"
AUTHENTICATED = "authenticated"
PERMISSION = "permission"
ACCESS_CLASSES = (PUBLIC, AUTHENTICATED, PERMISSION)

F = TypeVar("F", bound=Callable[..., Any])


def public(view: F) -> F:
    view.access = PUBLIC  # type: ignore[attr-defined]
    return view


def authenticated(view: F) -> F:
    view.access = AUTHENTICATED  # type: ignore[attr-defined]
    return view


def access_of(view: Any) -> str | None:
    """The access class of a resolved view callable (function, class-based or DRF viewset)."""
    for candidate in (view, getattr(view, "view_class", None), getattr(view, "cls", None)):
        value = getattr(candidate, "access", None) if candidate is not None else None
        if value in ACCESS_CLASSES:
            return str(value)
    return None
