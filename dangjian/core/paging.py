"""A paginator whose count of a large list is remembered briefly in the shared cache.

Counting a whole tree's members (100,000 rows) on every page costs more than the page itself
(bench/RESULTS.md). Small lists are counted exactly every time; a count above ``CACHE_ABOVE`` rows is kept
for ``COUNT_TTL`` seconds in Django's cache (the database or Redis: shared by every process), so "共 N 人"
on a very large list may lag a minute behind.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.utils.functional import cached_property

CACHE_ABOVE = 5000
COUNT_TTL = 60
# Lists this process recently counted as small: their next count skips the shared-cache read (a query on
# the database cache) and is exact anyway. key → monotonic expiry; bounded.
_SMALL: dict[str, float] = {}
_SMALL_MAX = 10_000


class CachedCountPaginator(Paginator):  # type: ignore[type-arg]
    @cached_property
    def count(self) -> int:
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
                return int(cached)
        counted: int = self.object_list.count()  # type: ignore[attr-defined]
        if counted > CACHE_ABOVE:
            _SMALL.pop(key, None)
            cache.set(key, counted, COUNT_TTL)
        else:
            if len(_SMALL) >= _SMALL_MAX:
                _SMALL.clear()
            _SMALL[key] = now + COUNT_TTL
        return counted
