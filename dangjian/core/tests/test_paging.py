"""Large list counts are remembered briefly in the shared cache; small ones are always exact."""

from __future__ import annotations

from dangjian.core import paging
from dangjian.members.models import Member


def test_a_small_list_is_counted_exactly_every_time(world):
    qs = Member.objects.all()
    before = paging.CachedCountPaginator(qs, 10).count
    Member.objects.filter(pk=world.member_c.pk).delete()
    assert paging.CachedCountPaginator(qs, 10).count == before - 1


def test_a_large_list_count_is_reused_from_the_cache(world, monkeypatch):
    monkeypatch.setattr(paging, "CACHE_ABOVE", 2)
    qs = Member.objects.order_by("pk")
    first = paging.CachedCountPaginator(qs, 10).count
    Member.objects.filter(pk=world.member_c.pk).delete()
    assert paging.CachedCountPaginator(qs, 10).count == first  # from the cache, up to COUNT_TTL seconds old


def test_an_empty_filter_counts_zero(db):
    assert paging.CachedCountPaginator(Member.objects.filter(pk__in=[]), 10).count == 0


def test_a_list_known_to_be_small_skips_the_cache_read(world, monkeypatch):
    reads: list[str] = []
    real_get = paging.cache.get
    monkeypatch.setattr(
        paging.cache, "get", lambda key, *a, **kw: reads.append(key) or real_get(key, *a, **kw)
    )
    qs = Member.objects.filter(org=world.branch_b)
    paging._SMALL.clear()
    assert paging.CachedCountPaginator(qs, 10).count == 1
    assert paging.CachedCountPaginator(qs, 10).count == 1
    assert len(reads) == 1  # the second count knew the list was small and counted directly
