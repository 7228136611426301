"""The study app's side of the study-time registry: ``topic_item:<pk>`` keys, who may study them, and the
progress hook; and the read rule of the ``study.material`` upload purpose."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from dangjian.study import selectors
from dangjian.study.models import ItemKind, TopicItem
from dangjian.studytime import content as registry

PREFIX = "topic_item"
_KINDS = {
    ItemKind.ARTICLE: registry.Kind.ARTICLE,
    ItemKind.DOCUMENT: registry.Kind.DOCUMENT,
    ItemKind.VIDEO: registry.Kind.VIDEO,
    ItemKind.AUDIO: registry.Kind.AUDIO,
}


def as_content(item: TopicItem) -> registry.Content:
    media = item.kind in (ItemKind.VIDEO, ItemKind.AUDIO)
    return registry.Content(
        key=registry.make_key(PREFIX, item.pk),
        title=item.title,
        kind=_KINDS[ItemKind(item.kind)],
        url=reverse("study:item_detail", args=[item.pk]),
        duration_seconds=item.duration_seconds if media else None,
    )


def resolve(pk: int, user: Any) -> registry.Content | None:
    """The item as study content when it exists, its topic is published and ``user`` may study it."""
    item = TopicItem.objects.select_related("topic", "topic__org").filter(pk=pk).first()
    if item is None or not selectors.may_study(user, item.topic):
        return None
    return as_content(item)


def on_progress(member: Any, content: registry.Content, seconds_today: int, seconds_total: int) -> None:
    """Mark the member's progress on the item from the server-credited total (idempotent)."""
    from dangjian.study import services

    _, pk = registry.split_key(content.key)
    item = TopicItem.objects.select_related("topic").filter(pk=pk).first()
    if item is not None:
        services.item_progress_record(member=member, item=item, seconds_total=seconds_total)


def may_read_material(user: Any, stored: Any) -> bool:
    """A study file may be downloaded by whoever may read the topic it belongs to."""
    item = TopicItem.objects.select_related("topic", "topic__org").filter(file=stored).first()
    return item is not None and selectors.may_read(user, item.topic)
