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


def _count_queries(callable_):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        result = callable_()
    return result, [q["sql"] for q in ctx.captured_queries]


def test_a_page_the_rows_do_not_fill_needs_no_count(world):
    qs = Member.objects.order_by("pk")
    total = qs.count()
    paginator = paging.CachedCountPaginator(qs, total + 5)
    page, sqls = _count_queries(lambda: paginator.page(1))
    assert len(sqls) == 1 and "COUNT(" not in sqls[0].upper()
    assert len(page.object_list) == total
    _, sqls = _count_queries(lambda: (paginator.count, paginator.num_pages, page.has_next()))
    assert sqls == [] and paginator.count == total and paginator.num_pages == 1 and not page.has_next()


def test_a_full_page_is_counted_and_a_short_last_page_gives_the_total(world):
    qs = Member.objects.order_by("pk")
    total = qs.count()
    assert total >= 3
    full = paging.CachedCountPaginator(qs, total - 1)
    page = full.page(1)
    assert len(page.object_list) == total - 1 and full.count == total and page.has_next()
    last = paging.CachedCountPaginator(qs, total - 1)
    page2, sqls = _count_queries(lambda: last.page(2))
    assert [m.pk for m in page2.object_list] == [qs.last().pk]
    assert len(sqls) == 1 and last.count == total and not page2.has_next()


def test_pages_past_the_end_and_bad_numbers_are_refused(world):
    import pytest
    from django.core.paginator import EmptyPage, PageNotAnInteger

    qs = Member.objects.order_by("pk")
    paginator = paging.CachedCountPaginator(qs, 10)
    with pytest.raises(EmptyPage):
        paginator.page(99)
    with pytest.raises(EmptyPage):
        paginator.page(0)
    with pytest.raises(PageNotAnInteger):
        paginator.page("x")
    empty = paging.CachedCountPaginator(Member.objects.none(), 10)
    assert list(empty.page(1).object_list) == [] and empty.count == 0


def test_a_large_list_in_use_is_recounted_ahead_of_expiry_and_forgotten_when_idle(world, monkeypatch):
    from django.core.cache import cache

    monkeypatch.setattr(paging, "CACHE_ABOVE", 2)
    paging._MARKED.clear()
    cache.clear()
    qs = Member.objects.order_by("pk")
    first = paging.CachedCountPaginator(qs, 10).count
    Member.objects.filter(pk=world.member_c.pk).delete()
    assert paging.CachedCountPaginator(qs, 10).count == first  # cached
    assert paging.refresh_counts() == 1
    assert paging.CachedCountPaginator(qs, 10).count == first - 1  # recounted by the task, not the request

    later = paging.time.time() + paging.KEEP_WARM + 1
    monkeypatch.setattr(paging.time, "time", lambda: later)
    assert paging.refresh_counts() == 0  # nobody read it for ten minutes: no longer kept warm
    assert cache.get(paging._INDEX) == {}


def test_a_page_far_past_any_list_is_empty_not_a_database_error(world):
    import pytest
    from django.core.paginator import EmptyPage

    with pytest.raises(EmptyPage):
        paging.CachedCountPaginator(Member.objects.all(), 150).page(6012058105845102592)
