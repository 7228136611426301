"""Feeds: reading RSS/Atom safely, fetching from a real HTTP server on loopback, de-duplicating, errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.audit.models import AuditEntry
from dangjian.core.errors import BusinessError
from dangjian.core.models import Job, JobStatus
from dangjian.news import feeds, services
from dangjian.news.models import Feed, FeedItem
from dangjian.news.tests.conftest import FIXTURES, Route

NOW = dt.datetime(2026, 3, 6, 2, 0, tzinfo=dt.UTC)


def make_feed(url: str, name: str = "权威发布", **kw) -> Feed:
    return Feed.objects.create(name=name, url=url, **kw)


# --------------------------------------------------------------------------------------------------------
# Parsing (no network)


def test_rss_items_carry_guid_link_plain_text_summary_and_utc_time():
    parsed = feeds.parse((FIXTURES / "rss.xml").read_bytes(), base_url="http://mirror.intranet.example/rss")
    assert parsed.kind == "rss" and parsed.title == "权威发布（内网镜像）"
    first, second, third = parsed.items
    assert first.guid == "news-2026-0301"
    assert first.link == "http://mirror.intranet.example/news/2026/0301.html"  # utm_* and #fragment dropped
    assert first.summary == "会议强调，要坚持党要管党、全面从严治党。\n\n第二段&内容"  # no tags, no script
    assert "alert" not in first.summary
    assert first.author == "新华社"
    assert first.published_at == dt.datetime(2026, 3, 1, 2, 30, tzinfo=dt.UTC)
    # a relative link is resolved against the feed; "CST" in a Chinese feed is China Standard Time
    assert second.link == "http://mirror.intranet.example/news/2026/0302.html"
    assert second.published_at == dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    # a javascript: link is dropped; a permalink guid is normalised like a link
    assert third.link == ""
    assert third.guid == "http://mirror.intranet.example/news/2026/0303.html"
    assert third.published_at == dt.datetime(2026, 3, 3, 8, 0, tzinfo=dt.UTC)


def test_atom_entries_read_html_titles_as_text_and_alternate_links():
    parsed = feeds.parse((FIXTURES / "atom.xml").read_bytes())
    assert parsed.kind == "atom"
    first, second = parsed.items
    assert first.title == "以党的政治建设为统领"
    assert first.summary == "把党的政治建设摆在首位。"
    assert first.link == "http://mirror.intranet.example/theory/1.html"
    assert first.guid == "urn:uuid:theory-1" and first.author == "求是网"
    assert first.published_at == dt.datetime(2026, 3, 5, 4, 0, tzinfo=dt.UTC)
    assert second.published_at == dt.datetime(
        2026, 3, 4, 6, 0, tzinfo=dt.UTC
    )  # <updated> when no <published>


def test_a_gb2312_feed_is_read():
    parsed = feeds.parse((FIXTURES / "rss_gb2312.xml").read_bytes())
    assert parsed.items[0].title == "中央企业党建工作会议召开"


@pytest.mark.parametrize(
    ("fixture", "code"),
    [("bad.xml", "news.bad_xml"), ("dtd.xml", "news.unsafe_xml"), ("page.html", "news.not_xml")],
)
def test_malformed_xml_a_dtd_or_a_web_page_is_refused_with_a_chinese_message(fixture, code):
    with pytest.raises(BusinessError) as exc:
        feeds.parse((FIXTURES / fixture).read_bytes())
    assert exc.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)


def test_an_external_entity_is_never_resolved():
    doc = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><title>&x;</title></channel></rss>'
    with pytest.raises(BusinessError) as exc:
        feeds.parse(doc)
    assert exc.value.code == "news.unsafe_xml"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sun, 01 Mar 2026 10:30:00 +0800", dt.datetime(2026, 3, 1, 2, 30, tzinfo=dt.UTC)),
        ("Sun, 01 Mar 2026 10:30:00 GMT", dt.datetime(2026, 3, 1, 10, 30, tzinfo=dt.UTC)),
        ("Sun, 01 Mar 2026 10:30:00 -0000", dt.datetime(2026, 3, 1, 10, 30, tzinfo=dt.UTC)),
        ("Sun, 01 Mar 2026 10:30:00 CST", dt.datetime(2026, 3, 1, 2, 30, tzinfo=dt.UTC)),
        ("2026-03-01T10:30:00+08:00", dt.datetime(2026, 3, 1, 2, 30, tzinfo=dt.UTC)),
        ("2026-03-01T10:30:00Z", dt.datetime(2026, 3, 1, 10, 30, tzinfo=dt.UTC)),
        ("2026-03-01 10:30:00", dt.datetime(2026, 3, 1, 2, 30, tzinfo=dt.UTC)),  # no zone: Asia/Shanghai
        ("2026/03/01 10:30", dt.datetime(2026, 3, 1, 2, 30, tzinfo=dt.UTC)),
        ("2026-03-01", dt.datetime(2026, 2, 28, 16, 0, tzinfo=dt.UTC)),
        ("昨天", None),
        ("", None),
    ],
)
def test_times_in_rfc_822_and_iso_8601_become_utc(text, expected):
    assert feeds.parse_time(text) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "HTTP://Mirror.Intranet.Example:80/a?utm_source=x&id=3#frag",
            "http://mirror.intranet.example/a?id=3",
        ),
        ("https://u:p@mirror.intranet.example:443", "https://mirror.intranet.example/"),
        ("http://mirror.intranet.example:8080/a", "http://mirror.intranet.example:8080/a"),
        ("javascript:alert(1)", ""),
        ("file:///etc/passwd", ""),
        ("data:text/html,x", ""),
    ],
)
def test_links_are_normalised_and_only_http_https_kept(raw, expected):
    assert feeds.normalise_link(raw) == expected


def test_check_url_accepts_only_http_and_https():
    assert feeds.check_url(" http://mirror.intranet.example/rss ") == "http://mirror.intranet.example/rss"
    for bad in (
        "ftp://mirror.intranet.example/rss",
        "file:///etc/passwd",
        "mirror.intranet.example",
        "http://",
    ):
        with pytest.raises(BusinessError):
            feeds.check_url(bad)


# --------------------------------------------------------------------------------------------------------
# Fetching from a real server on loopback


def test_fetch_stores_items_with_source_link_and_times(db, feed_server):
    feed = make_feed(feed_server.serve("/rss.xml", "rss.xml"))
    result = services.feed_fetch(feed=feed, now=NOW)
    assert (result.added, result.skipped, result.error) == (3, 0, "")
    item = FeedItem.objects.get(guid="news-2026-0301")
    assert item.feed == feed and item.fetched_at == NOW
    assert item.link == "http://mirror.intranet.example/news/2026/0301.html"
    assert item.published_at == dt.datetime(2026, 3, 1, 2, 30, tzinfo=dt.UTC)
    assert timezone.localtime(item.published_at).hour == 10  # shown in Asia/Shanghai
    relative = FeedItem.objects.get(title="全国组织工作会议在京召开")
    assert relative.link == feed_server.url("/news/2026/0302.html")  # resolved against the feed's address
    feed.refresh_from_db()
    assert feed.last_fetched_at == NOW and feed.last_success_at == NOW and feed.last_error == ""
    assert feed_server.requests[0][1]["User-Agent"] == feeds.USER_AGENT


def test_duplicates_across_fetches_and_feeds_are_not_repeated(db, feed_server):
    first = make_feed(feed_server.serve("/rss.xml", "rss.xml"))
    services.feed_fetch(feed=first, now=NOW)
    assert FeedItem.objects.count() == 3
    # the same document again: nothing new
    again = services.feed_fetch(feed=first, now=NOW + dt.timedelta(hours=1))
    assert (again.added, again.skipped) == (0, 3)
    # the next edition repeats one story (same guid) and adds one
    feed_server.serve("/rss.xml", "rss_more.xml")
    more = services.feed_fetch(feed=first, now=NOW + dt.timedelta(hours=2))
    assert (more.added, more.skipped) == (1, 1)
    # another feed carries the new story under another address and id: same title and summary → skipped
    second = make_feed(feed_server.serve("/atom.xml", "atom.xml"), name="理论学习")
    other = services.feed_fetch(feed=second, now=NOW + dt.timedelta(hours=3))
    assert (other.added, other.skipped) == (1, 1)
    assert FeedItem.objects.count() == 5
    assert FeedItem.objects.filter(title="国资委党委部署国有企业党建重点任务").count() == 1


def test_malformed_xml_sets_a_chinese_error_on_the_feed_and_changes_no_item(db, feed_server):
    feed = make_feed(feed_server.serve("/rss.xml", "rss.xml"))
    services.feed_fetch(feed=feed, now=NOW)
    before = list(FeedItem.objects.order_by("pk").values())
    feed_server.serve("/rss.xml", "bad.xml")
    later = NOW + dt.timedelta(hours=1)
    result = services.feed_fetch(feed=feed, now=later)
    assert result.error.startswith("订阅内容不是格式正确的 XML")
    feed.refresh_from_db()
    assert feed.last_error == result.error and feed.last_fetched_at == later
    assert feed.last_success_at == NOW  # the last good fetch is still shown
    assert list(FeedItem.objects.order_by("pk").values()) == before


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (Route(b"x" * 3000), "订阅内容过大"),  # Content-Length over the limit
        (Route(b"<rss>" + b" " * 3000, drip=0.0, headers={}), "订阅内容过大"),
        (Route(b'{"items": []}', content_type="application/json"), "不是 XML"),
        (Route((FIXTURES / "page.html").read_bytes(), content_type="text/html"), "网页"),
        (Route(b"<rss/>", status=500), "错误状态 500"),
    ],
)
def test_an_oversize_non_xml_or_failing_answer_is_refused(db, feed_server, settings, route, message):
    settings.NEWS_FEED_MAX_BYTES = 2000
    feed = make_feed(feed_server.serve("/feed", route))
    result = services.feed_fetch(feed=feed, now=NOW)
    assert message in result.error
    assert FeedItem.objects.count() == 0
    feed.refresh_from_db()
    assert message in feed.last_error and feed.last_success_at is None


def test_an_oversize_body_without_content_length_is_cut_off(db, feed_server, settings):
    settings.NEWS_FEED_MAX_BYTES = 20
    feed = make_feed(feed_server.serve("/feed", Route(b"<rss>" + b" " * 60, drip=0.001)))
    assert "订阅内容过大" in services.feed_fetch(feed=feed, now=NOW).error


def test_a_feed_that_does_not_answer_in_time_times_out(db, feed_server, settings):
    settings.NEWS_FEED_TIMEOUT = 0.5
    feed = make_feed(feed_server.serve("/slow", Route((FIXTURES / "rss.xml").read_bytes(), delay=3)))
    result = services.feed_fetch(feed=feed, now=NOW)
    assert "超时" in result.error
    assert FeedItem.objects.count() == 0


def test_a_feed_that_drips_slower_than_the_deadline_times_out(db, feed_server, settings):
    settings.NEWS_FEED_TIMEOUT = 0.5
    feed = make_feed(feed_server.serve("/drip", Route(b"<rss>" + b" " * 200, drip=0.01)))
    assert "超时" in services.feed_fetch(feed=feed, now=NOW).error


def test_an_unreachable_address_gives_a_chinese_error(db, feed_server):
    url = feed_server.url("/gone")
    feed_server.close()
    feed = make_feed(url)
    result = services.feed_fetch(feed=feed, now=NOW)
    assert result.error == "连接被拒绝，请检查地址和端口"


def test_a_redirect_to_another_scheme_is_refused(db, feed_server):
    feed = make_feed(
        feed_server.serve("/moved", Route(b"", status=302, headers={"Location": "file:///etc/passwd"}))
    )
    assert "非 http/https" in services.feed_fetch(feed=feed, now=NOW).error


def test_an_unchanged_feed_is_not_downloaded_again(db, feed_server):
    route = Route((FIXTURES / "rss.xml").read_bytes(), headers={"ETag": '"v1"'})
    feed = make_feed(feed_server.serve("/rss.xml", route))
    services.feed_fetch(feed=feed, now=NOW)
    feed.refresh_from_db()
    assert feed.etag == '"v1"'
    result = services.feed_fetch(feed=feed, now=NOW + dt.timedelta(hours=1))
    assert result.not_modified and result.added == 0
    assert feed_server.requests[-1][1]["If-None-Match"] == '"v1"'


def test_only_due_enabled_feeds_are_fetched_by_the_periodic_job(db, feed_server):
    due = make_feed(feed_server.serve("/a", "rss.xml"), name="到期")
    recent = make_feed(feed_server.serve("/b", "atom.xml"), name="未到期", last_fetched_at=timezone.now())
    off = make_feed(feed_server.serve("/c", "rss_gb2312.xml"), name="停用", enabled=False)
    from dangjian.news.tasks import fetch_due_feeds

    assert fetch_due_feeds.call_local() == 1
    assert FeedItem.objects.filter(feed=due).count() == 3
    assert not FeedItem.objects.filter(feed__in=[recent, off]).exists()


# --------------------------------------------------------------------------------------------------------
# Feed configuration and “fetch now”


def test_system_admin_configures_a_feed_and_it_is_audited(world):
    feed = services.feed_create(
        actor=world.system_admin,
        name="权威发布",
        url="http://mirror.intranet.example/rss.xml",
        interval_minutes=30,
    )
    entry = AuditEntry.objects.get(action="news.feed.create")
    assert entry.target_id == str(feed.pk) and entry.actor == world.system_admin
    services.feed_update(actor=world.system_admin, feed=feed, enabled=False, interval_minutes=120)
    feed.refresh_from_db()
    assert not feed.enabled and feed.interval_minutes == 120
    change = AuditEntry.objects.get(action="news.feed.update")
    assert change.changes["enabled"] == [True, False]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"url": "ftp://mirror.intranet.example/rss"}, "news.bad_url"),
        ({"url": "http://mirror.intranet.example/taken.xml"}, "news.feed_exists"),
        ({"interval_minutes": 1}, "news.bad_interval"),
        ({"name": "  "}, "news.name_required"),
        ({"last_error": ""}, "news.bad_field"),
    ],
)
def test_a_bad_feed_change_is_refused_and_changes_nothing(world, news_snapshot, fields, code):
    make_feed("http://mirror.intranet.example/taken.xml", name="已有")
    feed = make_feed("http://mirror.intranet.example/rss.xml")
    before = news_snapshot()
    with pytest.raises(BusinessError) as exc:
        services.feed_update(actor=world.system_admin, feed=feed, **fields)
    assert exc.value.code == code
    assert news_snapshot() == before


@pytest.mark.parametrize("persona", ["officer", "secretary_a", "member_user", "security_admin"])
def test_only_the_holder_of_news_feeds_configures_feeds(world, news_snapshot, persona):
    before = news_snapshot()
    with pytest.raises(BusinessError) as exc:
        services.feed_create(actor=getattr(world, persona), name="x", url="http://mirror.intranet.example/x")
    assert exc.value.code == "news.forbidden"
    assert news_snapshot() == before


def test_fetch_now_runs_a_background_job_with_the_outcome(
    world, feed_server, django_capture_on_commit_callbacks
):
    feed = make_feed(feed_server.serve("/rss.xml", "rss.xml"))
    with django_capture_on_commit_callbacks(execute=True):
        job = services.feed_fetch_request(actor=world.system_admin, feeds_to_fetch=[feed])
    job.refresh_from_db()
    assert job.kind == "news.fetch" and job.status == JobStatus.SUCCEEDED and job.percent == 100
    assert job.result["feeds"][0]["added"] == 3
    assert "新增 3 条" in job.message
    assert AuditEntry.objects.filter(action="news.feed.fetch", actor=world.system_admin).count() == 1


def test_a_failed_fetch_job_says_why(world, feed_server, django_capture_on_commit_callbacks):
    feed = make_feed(feed_server.serve("/rss.xml", "bad.xml"))
    with django_capture_on_commit_callbacks(execute=True):
        job = services.feed_fetch_request(actor=world.system_admin, feeds_to_fetch=[feed])
    job = Job.objects.get(pk=job.pk)
    assert job.status == JobStatus.FAILED and "XML" in job.message


def test_hiding_an_item_takes_it_off_the_list_and_a_refetch_does_not_bring_it_back(world, feed_server):
    feed = make_feed(feed_server.serve("/rss.xml", "rss.xml"))
    services.feed_fetch(feed=feed, now=NOW)
    item = FeedItem.objects.get(guid="news-2026-0301")
    services.feed_item_hide(actor=world.system_admin, item=item, hidden=True)
    services.feed_fetch(feed=feed, now=NOW + dt.timedelta(hours=1))
    from dangjian.news import selectors

    assert item not in selectors.feed_item_list()
    assert FeedItem.objects.filter(guid="news-2026-0301").count() == 1
    assert AuditEntry.objects.filter(action="news.feed_item.hide", target_id=str(item.pk)).exists()
