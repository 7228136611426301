"""A study-content provider for bench/study.py only (installed by bench/points_settings.py, never by the
real settings): ``bench:<org pk>`` is an article titled after an existing organisation, so a heartbeat can
be measured through the real study-time service before, or without, the study and school apps' content.

Its ``resolve`` costs one primary-key read, like a real provider's look-up of its item (the real ones also
check the member's assignment: one or two more indexed reads)."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig


def resolve(pk: int, user: Any) -> Any:
    from dangjian.orgs.models import Org
    from dangjian.studytime import content

    name = Org.objects.filter(pk=pk).values_list("name", flat=True).first()
    if name is None or not getattr(user, "is_authenticated", False):
        return None
    return content.Content(f"bench:{pk}", f"压测文章：{name}", content.Kind.ARTICLE, "/")


class BenchContentConfig(AppConfig):
    name = "bench"
    label = "bench_points_content"
    verbose_name = "压测学习内容"

    def ready(self) -> None:
        from dangjian.studytime import content

        content.register("bench", resolve=resolve)
