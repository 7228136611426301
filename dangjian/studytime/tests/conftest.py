"""A test content provider: ``doc:<pk>`` articles and ``clip:<pk>`` 60-second videos anyone signed in may
study, except pk 999 (the provider says no)."""

from __future__ import annotations

from typing import Any

import pytest

from dangjian.points import services as points_services
from dangjian.studytime import content

PROGRESS: list[tuple[int, str, int, int]] = []


def _doc(pk: int, user: Any) -> content.Content | None:
    if pk == 999:
        return None
    return content.Content(f"doc:{pk}", f"测试文章{pk}", content.Kind.ARTICLE, f"/doc/{pk}/")


def _clip(pk: int, user: Any) -> content.Content | None:
    return content.Content(
        f"clip:{pk}", f"测试视频{pk}", content.Kind.VIDEO, f"/clip/{pk}/", duration_seconds=60
    )


def _progress(member: Any, item: content.Content, today: int, total: int) -> None:
    PROGRESS.append((member.pk, item.key, today, total))


@pytest.fixture(autouse=True)
def providers(db: Any) -> list[tuple[int, str, int, int]]:
    content.register("doc", resolve=_doc, on_progress=_progress)
    content.register("clip", resolve=_clip)
    points_services.points_seed_rules()
    PROGRESS.clear()
    return PROGRESS
