"""The study-content registry: how the study-time service knows what a ``content_key`` is.

A piece of content that members study (an article or video of a 学习专题, a lesson of the 网络党校…) is
named by a key ``"<prefix>:<pk>"``, e.g. ``"topic_item:12"`` or ``"lesson:5"``. The app that owns the
content registers its prefix once, in its ``AppConfig.ready()``::

    from dangjian.studytime import content

    content.register("lesson", resolve=lesson_content, on_progress=lesson_progressed)

``resolve(pk, user)`` returns a :class:`Content` when the content exists **and the user may study it**, else
``None`` (the heartbeat then answers 404 and credits nothing). ``on_progress(member, content, seconds_today,
seconds_total)`` is optional: the study-time service calls it after a heartbeat that credited time has been
committed, so the owner can update its own progress (a lesson marked complete, a topic item read) without the
study-time service knowing about it. It must be idempotent (a retried heartbeat may call it again).

Notes (学习笔记) and statistics use the same registry to show a content's title and link.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from dangjian.core.errors import BusinessError


class Kind:
    """What a content is; decides which points rules its time earns and whether it must be playing."""

    ARTICLE = "article"
    DOCUMENT = "document"
    VIDEO = "video"
    AUDIO = "audio"
    LABELS = {ARTICLE: "文章", DOCUMENT: "文档", VIDEO: "视频", AUDIO: "音频"}
    MEDIA = frozenset({VIDEO, AUDIO})


@dataclass(frozen=True)
class Content:
    key: str  # "<prefix>:<pk>"
    title: str
    kind: str  # one of Kind
    url: str  # where a member opens it
    duration_seconds: int | None = None  # media length, if known: a day's credited time never exceeds it

    @property
    def is_media(self) -> bool:
        return self.kind in Kind.MEDIA

    @property
    def kind_label(self) -> str:
        return Kind.LABELS.get(self.kind, self.kind)


Resolver = Callable[[int, Any], Content | None]
ProgressHook = Callable[[Any, Content, int, int], None]


@dataclass(frozen=True)
class Provider:
    prefix: str
    resolve: Resolver
    on_progress: ProgressHook | None


_PROVIDERS: dict[str, Provider] = {}


def register(prefix: str, *, resolve: Resolver, on_progress: ProgressHook | None = None) -> None:
    """Register the owner of ``<prefix>:<pk>`` keys (call from ``AppConfig.ready``; re-registering the same
    prefix replaces it, so a reloaded app does not fail)."""
    if not prefix or ":" in prefix:
        raise ValueError(f"bad content prefix {prefix!r}")
    _PROVIDERS[prefix] = Provider(prefix, resolve, on_progress)
    forget()


def split_key(key: str) -> tuple[str, int]:
    """``"lesson:5"`` → ``("lesson", 5)``; ``BusinessError`` for anything else."""
    prefix, sep, raw = (key or "").partition(":")
    if not sep or prefix not in _PROVIDERS or not raw.isdigit() or len(raw) > 18:
        raise BusinessError("studytime.bad_content", "无法识别的学习内容")
    return prefix, int(raw)


def make_key(prefix: str, pk: int) -> str:
    return f"{prefix}:{pk}"


def resolve(key: str, user: Any) -> Content | None:
    """The content named by ``key`` if it exists and ``user`` may study it; ``None`` otherwise."""
    try:
        prefix, pk = split_key(key)
    except BusinessError:
        return None
    return _PROVIDERS[prefix].resolve(pk, user)


# Answers of ``resolve`` kept by this process for the heartbeat: (key, user id) → (expires, Content | None).
_RESOLVED: OrderedDict[tuple[str, int], tuple[float, Content | None]] = OrderedDict()
_RESOLVED_MAX = 10_000  # entries (≈ 2 MB); the oldest go first


def resolve_cached(key: str, user: Any) -> Content | None:
    """``resolve`` for the heartbeat, kept by this process for ``STUDY_CONTENT_CACHE_SECONDS`` (default 60;
    0 in tests) per content and user: a page beats every 15 seconds, so three beats in four skip the owner's
    look-ups. The price: a member whose access was withdrawn (an assignment removed, a topic withdrawn) may
    still earn for up to those seconds; a content that does not resolve is kept as well, so a retried bad
    key costs nothing either."""
    ttl = float(getattr(settings, "STUDY_CONTENT_CACHE_SECONDS", 60))
    if ttl <= 0:
        return resolve(key, user)
    now = time.monotonic()
    cache_key = (key, int(getattr(user, "pk", 0) or 0))
    hit = _RESOLVED.get(cache_key)
    if hit is not None and hit[0] > now:
        return hit[1]
    found = resolve(key, user)
    _RESOLVED[cache_key] = (now + ttl, found)
    _RESOLVED.move_to_end(cache_key)
    while len(_RESOLVED) > _RESOLVED_MAX:
        _RESOLVED.popitem(last=False)
    return found


def forget() -> None:
    """Drop this process's answers (a provider registered again; tests)."""
    _RESOLVED.clear()


def provider(key: str) -> Provider:
    return _PROVIDERS[split_key(key)[0]]


def prefixes() -> list[str]:
    return sorted(_PROVIDERS)
