"""A paginator that counts only when it must, and remembers the count of a large list briefly.

Counting a whole tree's members (100,000 rows) on every page costs more than the page itself
(bench/RESULTS.md). The page's rows are fetched first: when they do not fill the page, the list ends there
and its length is known without a ``COUNT`` (a branch's 26 members: one query, not two). Otherwise the list
is counted; a count above ``CACHE_ABOVE`` rows is kept in Django's cache (the database or Redis: shared by
every process), so "共 N 人" on a very large list may lag a minute or two behind.

Such a list stays counted while people use it: the count's query is kept beside it, every process notes
(at most once a minute per list) that the list was read, and ``refresh_counts`` — a Huey task every minute —
recounts each list read in the last ``KEEP_WARM`` seconds before its count expires. So only the first
request for a large list after ten idle minutes runs the whole-tree ``COUNT`` (bench/RESULTS.md, issue 2).

A view that can know the count without counting (the member roster sums ``members.OrgHeadcount``) sets a
callable on the queryset as ``known_count`` before paginating; the paginator calls it only when the page is
full (a shorter page gives the count anyway), and counts as above when it answers ``None``.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.functional import cached_property

CACHE_ABOVE = 5000
MAX_OFFSET = 2**53
COUNT_TTL = 150  # outlives two refresh rounds
KEEP_WARM = 600  # a large list read in the last ten minutes is recounted ahead of expiry
_INDEX = "list-count:index"  # {count key: last read (wall clock)}
_MARK_EVERY = 60.0
_MARKED: dict[str, float] = {}  # count key → when this process last noted a read (monotonic)
# Lists this process recently counted as small: their next count skips the shared-cache read (a query on
# the database cache) and is exact anyway. key → monotonic expiry; bounded.
_SMALL: dict[str, float] = {}
_SMALL_MAX = 10_000


class CachedCountPaginator(Paginator):  # type: ignore[type-arg]
    def page(self, number: int | str) -> Page:  # type: ignore[type-arg]
        """The page, fetched before any count; a page the rows do not fill gives the count for free."""
        if self.orphans or "count" in self.__dict__:
            return super().page(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        bottom = (number - 1) * self.per_page
        if bottom > MAX_OFFSET:  # past any list; an OFFSET beyond 64 bits fails in the database (500)
            raise EmptyPage(self.error_messages["no_results"])
        rows = list(self.object_list[bottom : bottom + self.per_page])
        if not rows and (number > 1 or not self.allow_empty_first_page):
            raise EmptyPage(self.error_messages["no_results"])
        if len(rows) < self.per_page:
            self.__dict__["count"] = bottom + len(rows)  # the list ends on this page
        return Page(rows, number, self)

    @cached_property
    def count(self) -> int:
        known = getattr(self.object_list, "known_count", None)
        if known is not None:  # kept totals (e.g. ``members.headcount``), asked only when needed
            value = known()
            if value is not None:
                return int(value)
        query = getattr(self.object_list, "query", None)
        if query is None:
            return len(self.object_list)
        try:
            sql, params = query.sql_with_params()
        except EmptyResultSet:  # a filter that can match nothing (e.g. ``pk__in=[]``)
            return 0
        key = "list-count:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest()
        now = time.monotonic()
        if _SMALL.get(key, 0.0) < now:
            cached = cache.get(key)
            if cached is not None:
                _note_read(key, now)
                return int(cached)
        counted: int = self.object_list.count()  # type: ignore[attr-defined]
        if counted > CACHE_ABOVE:
            _SMALL.pop(key, None)
            cache.set(key, counted, COUNT_TTL)
            cache.set(key + ":query", (query.model._meta.label, query), KEEP_WARM + COUNT_TTL)
            _note_read(key, now, force=True)
        else:
            if len(_SMALL) >= _SMALL_MAX:
                _SMALL.clear()
            _SMALL[key] = now + COUNT_TTL
        return counted


def _note_read(key: str, now: float, *, force: bool = False) -> None:
    """Record that a large list was read (once a minute per list and process: the index is shared)."""
    if not force and _MARKED.get(key, -_MARK_EVERY) > now - _MARK_EVERY:
        return
    _MARKED[key] = now
    index: dict[str, float] = cache.get(_INDEX) or {}
    index[key] = time.time()
    cache.set(_INDEX, index, KEEP_WARM + COUNT_TTL)


def refresh_counts() -> int:
    """Recount every large list read in the last ``KEEP_WARM`` seconds; forget the others. Returns how many
    were recounted. Lossy by design: a list missing from the index is simply counted by its next request."""
    from django.apps import apps
    from django.db.models import QuerySet

    index: dict[str, float] = cache.get(_INDEX) or {}
    now = time.time()
    kept: dict[str, float] = {}
    for key, read_at in index.items():
        if now - read_at > KEEP_WARM:
            continue
        stored: Any = cache.get(key + ":query")
        if stored is None:
            continue
        label, query = stored
        queryset: QuerySet[Any] = QuerySet(model=apps.get_model(label), query=query)
        cache.set(key, queryset.count(), COUNT_TTL)
        kept[key] = read_at
    # Merge with reads noted while counting (other processes write the index meanwhile).
    latest: dict[str, float] = cache.get(_INDEX) or {}
    kept.update({k: v for k, v in latest.items() if now - v <= KEEP_WARM})
    cache.set(_INDEX, kept, KEEP_WARM + COUNT_TTL)
    return len(kept)
