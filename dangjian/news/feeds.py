"""Fetching and reading RSS 2.0 / Atom feeds: the standard library, with defusedxml and nh3 (locked).

No ORM here: ``fetch`` downloads (urllib, http/https only, a total deadline, a size limit, no proxy from the
environment, at most five redirects and only to http/https), ``parse`` turns the bytes into ``ParsedItem``s
(DTDs and entity declarations refused: billion laughs and external entities never run), and the helpers
normalise links, times and text so that ``services.feed_fetch`` can de-duplicate. Every refusal is a
``BusinessError`` with a Chinese message, which the service stores on the feed as its last error.
"""

from __future__ import annotations

import codecs
import datetime as dt
import email.utils
import hashlib
import http.client
import re
import socket
import ssl
import time
import urllib.error
import urllib.request
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET
import nh3
from django.conf import settings

from dangjian.core.errors import BusinessError

DEFAULT_TIMEOUT = 20  # seconds for the whole download
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_ITEMS = 200  # items read from one document; a feed lists its latest few dozen
MAX_REDIRECTS = 5
TITLE_LIMIT = 300
SUMMARY_LIMIT = 4000
LOCAL_TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
USER_AGENT = "dangjian-feed/1.0"

ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"


def timeout_seconds() -> float:
    return float(getattr(settings, "NEWS_FEED_TIMEOUT", DEFAULT_TIMEOUT))


def max_bytes() -> int:
    return int(getattr(settings, "NEWS_FEED_MAX_BYTES", DEFAULT_MAX_BYTES))


# --------------------------------------------------------------------------------------------------------
# Addresses


def check_url(url: str) -> str:
    """``url`` stripped, if it is an absolute http/https address with a host; BusinessError otherwise."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a bad port)
    except ValueError:
        raise BusinessError("news.bad_url", "订阅地址格式不正确") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise BusinessError("news.bad_url", "订阅地址只能是 http:// 或 https:// 开头的地址")
    if not parts.hostname:
        raise BusinessError("news.bad_url", "订阅地址缺少主机名")
    return url


_TRACKING = re.compile(r"^(utm_[a-z]+|spm|from|isappinstalled|share_token)$", re.IGNORECASE)


def normalise_link(raw: str, base: str = "") -> str:
    """An item link in one canonical form, or "" when it is not an http/https address.

    Relative links are resolved against ``base`` (the feed's address); the scheme and host are lowercased,
    credentials, default ports, fragments and tracking parameters (``utm_*``, ``spm`` …) are dropped, so the
    same story reached through two feeds compares equal. ``javascript:`` and other schemes give "".
    """
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        parts = urlsplit(urljoin(base, raw) if base else raw)
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)]
    )
    return urlunsplit((scheme, host, parts.path or "/", query, ""))[:1000]


def normalise_guid(raw: str, base: str = "") -> str:
    """A guid/id compared as a link when it is one (``isPermaLink``), else with its whitespace collapsed."""
    raw = " ".join((raw or "").split())
    if raw.lower().startswith(("http://", "https://")):
        return normalise_link(raw, base) or raw[:500]
    return raw[:500]


# --------------------------------------------------------------------------------------------------------
# Times


_CHINA_ZONE = re.compile(r"\s(CST|BJT|Beijing)$", re.IGNORECASE)


def parse_time(text: str | None) -> dt.datetime | None:
    """An RFC 822 (RSS) or ISO 8601 (Atom) time as an aware UTC datetime, or None when unreadable.

    Chinese feeds write "CST" meaning China Standard Time, which the email parser takes for US Central time:
    it is read as +08:00. A time without a zone is taken as Asia/Shanghai (the intranet mirrors are Chinese),
    except RFC 822's explicit "-0000", which is UTC.
    """
    text = " ".join((text or "").split())
    if not text:
        return None
    value: dt.datetime | None = None
    try:
        value = email.utils.parsedate_to_datetime(_CHINA_ZONE.sub(" +0800", text))
        if value.tzinfo is None and text.endswith("-0000"):
            value = value.replace(tzinfo=dt.UTC)
    except (TypeError, ValueError, IndexError):
        iso = text.replace("/", "-")
        if len(iso) > 10 and iso[10] == " ":
            iso = iso[:10] + "T" + iso[11:]
        try:
            value = dt.datetime.fromisoformat(iso)
        except ValueError:
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    try:
        return value.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None


# --------------------------------------------------------------------------------------------------------
# Text


_BLOCKS = {"p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "pre"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(markup: str, *, is_html: bool = True, limit: int = SUMMARY_LIMIT) -> str:
    """Readable plain text from an HTML (or text) summary: nh3 sanitises and normalises the markup first
    (scripts and styles dropped with their content), then the tags are removed, keeping paragraphs as blank
    lines. The result is stored and shown as text, never as markup."""
    if is_html:
        clean = nh3.clean(markup or "", tags=_BLOCKS, attributes={})
        parser = _TextExtractor()
        parser.feed(clean)
        parser.close()
        text = "".join(parser.parts)
    else:
        text = markup or ""
    text = text.replace("\r\n", "\n").replace("\xa0", " ").replace("\u3000", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    out = "\n\n".join(paragraphs)
    return out if len(out) <= limit else out[: limit - 1] + "…"


def content_hash(title: str, summary: str, published: dt.datetime | None) -> str:
    """A digest of what an item says: the title and summary with spacing and case folded. Without a summary
    the publication day is added, so a recurring bare title (“每日要闻”) on different days is not a repeat."""
    norm = " ".join(f"{title}\n{summary[:1000]}".split()).casefold()
    if not summary.strip() and published is not None:
        norm += "\n" + published.astimezone(LOCAL_TZ).date().isoformat()
    return hashlib.sha256(norm.encode()).hexdigest()


def dedup_key(guid: str, link: str, digest: str) -> str:
    """The unique key of an item: its normalised guid, else its normalised link, else its content digest."""
    basis = f"guid:{guid}" if guid else (f"link:{link}" if link else f"hash:{digest}")
    return hashlib.sha256(basis.encode()).hexdigest()


# --------------------------------------------------------------------------------------------------------
# Parsing


@dataclass(frozen=True)
class ParsedItem:
    guid: str
    link: str
    title: str
    summary: str
    author: str
    published_at: dt.datetime | None

    @property
    def content_hash(self) -> str:
        return content_hash(self.title, self.summary, self.published_at)

    @property
    def dedup_key(self) -> str:
        return dedup_key(self.guid, self.link, self.content_hash)


@dataclass(frozen=True)
class ParsedFeed:
    kind: str  # "rss" | "atom" | "rdf"
    title: str
    items: list[ParsedItem]


_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']", re.IGNORECASE)
_EXPAT_ENCODINGS = {
    "utf-8",
    "utf8",
    "us-ascii",
    "ascii",
    "iso-8859-1",
    "latin-1",
    "latin1",
    "utf-16",
    "utf_8",
}


def _to_parsable(data: bytes) -> bytes:
    """The document in an encoding expat reads: GBK/GB2312/GB18030 declarations (common on Chinese sites)
    are decoded here and the declaration rewritten as UTF-8."""
    match = _DECLARATION.match(data[:300])
    if match is None:
        return data
    declared = match.group(1).decode("ascii").lower()
    if declared in _EXPAT_ENCODINGS:
        return data
    try:
        codec = codecs.lookup("gb18030" if declared in ("gb2312", "gbk", "gb18030") else declared)
    except LookupError:
        raise BusinessError("news.bad_encoding", f"不支持的字符编码：{declared}") from None
    text = data.decode(codec.name, errors="replace")
    text = re.sub(r"(<\?xml[^>]*?encoding\s*=\s*[\"'])[A-Za-z0-9._:-]+", r"\g<1>utf-8", text, count=1)
    return text.encode("utf-8")


def _looks_like_xml(data: bytes) -> bytes:
    body = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not body:
        raise BusinessError("news.empty", "订阅地址返回了空内容")
    if not body.startswith(b"<"):
        raise BusinessError("news.not_xml", "返回的内容不是 XML，不是有效的 RSS/Atom 订阅")
    head = body[:200].lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise BusinessError("news.not_xml", "返回的是网页而不是 RSS/Atom 订阅，请检查订阅地址")
    return body


def _text(el: Element | None) -> str:
    return "".join(el.itertext()).strip() if el is not None else ""


def _first(parent: Element, *names: str) -> Element | None:
    for name in names:
        found = parent.find(name)
        if found is not None:
            return found
    return None


def parse(data: bytes, *, base_url: str = "") -> ParsedFeed:
    """Read an RSS 2.0, RSS 1.0 (RDF) or Atom document. DTDs, entity declarations and external references
    are refused; malformed XML gives its line number. Raises BusinessError; at most ``MAX_ITEMS`` items."""
    body = _to_parsable(_looks_like_xml(data))
    try:
        root = SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException:
        raise BusinessError("news.unsafe_xml", "订阅内容含有 DTD 或实体声明，出于安全原因拒绝解析") from None
    except ParseError as exc:
        line = getattr(exc, "position", (0, 0))[0]
        raise BusinessError("news.bad_xml", f"订阅内容不是格式正确的 XML（第 {line} 行出错）") from None
    except ValueError as exc:  # e.g. an encoding expat cannot read
        raise BusinessError("news.bad_xml", f"订阅内容无法解析：{exc}") from None
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise BusinessError("news.not_feed", "RSS 文档缺少 channel 元素")
        items = [_rss_item(el, base_url) for el in channel.findall("item")[:MAX_ITEMS]]
        return ParsedFeed("rss", _text(channel.find("title")), [i for i in items if i is not None])
    if root.tag == f"{ATOM}feed":
        entries = [_atom_entry(el, base_url) for el in root.findall(f"{ATOM}entry")[:MAX_ITEMS]]
        return ParsedFeed("atom", _text(root.find(f"{ATOM}title")), [i for i in entries if i is not None])
    if root.tag == f"{RDF}RDF":
        items = [_rss_item(el, base_url, ns=RSS1) for el in root.findall(f"{RSS1}item")[:MAX_ITEMS]]
        channel = root.find(f"{RSS1}channel")
        title = _text(channel.find(f"{RSS1}title")) if channel is not None else ""
        return ParsedFeed("rdf", title, [i for i in items if i is not None])
    raise BusinessError("news.not_feed", "不是 RSS 或 Atom 订阅（根元素不正确）")


def _item(guid: str, link: str, title: str, summary: str, author: str, when: str) -> ParsedItem | None:
    if not title and not summary:
        return None
    if not title:
        title = summary.split("\n", 1)[0]
    if len(title) > TITLE_LIMIT:
        title = title[: TITLE_LIMIT - 1] + "…"
    return ParsedItem(guid, link, title, summary, author[:200], parse_time(when))


def _rss_item(el: Element, base: str, ns: str = "") -> ParsedItem | None:
    link = normalise_link(_text(el.find(f"{ns}link")), base)
    guid_el = el.find("guid")
    guid = normalise_guid(_text(guid_el), base) if guid_el is not None else ""
    if not guid and ns:
        guid = normalise_guid(el.get(f"{RDF}about", ""), base)
    description = _text(_first(el, f"{ns}description", f"{CONTENT}encoded"))
    return _item(
        guid,
        link,
        plain_text(_text(el.find(f"{ns}title")), limit=TITLE_LIMIT * 2),
        plain_text(description),
        _text(_first(el, "author", f"{DC}creator")),
        _text(_first(el, "pubDate", f"{DC}date")),
    )


def _atom_text(el: Element | None, limit: int = SUMMARY_LIMIT) -> str:
    if el is None:
        return ""
    kind = (el.get("type") or "text").lower()
    if kind == "xhtml":
        return plain_text(_text(el), is_html=False, limit=limit)
    return plain_text(_text(el), is_html=kind in ("html", "text/html"), limit=limit)


def _atom_link(el: Element, base: str) -> str:
    links = el.findall(f"{ATOM}link")
    for candidate in links:
        if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
            return normalise_link(candidate.get("href", ""), base)
    return ""


def _atom_entry(el: Element, base: str) -> ParsedItem | None:
    author = el.find(f"{ATOM}author")
    return _item(
        normalise_guid(_text(el.find(f"{ATOM}id")), base),
        _atom_link(el, base),
        _atom_text(el.find(f"{ATOM}title"), limit=TITLE_LIMIT * 2),
        _atom_text(_first(el, f"{ATOM}summary", f"{ATOM}content")),
        _text(author.find(f"{ATOM}name")) if author is not None else "",
        _text(_first(el, f"{ATOM}published", f"{ATOM}updated")),
    )


# --------------------------------------------------------------------------------------------------------
# Fetching


@dataclass(frozen=True)
class Fetched:
    not_modified: bool
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""


class _Redirects(urllib.request.HTTPRedirectHandler):
    """At most ``MAX_REDIRECTS`` redirects, and only to http/https addresses."""

    max_redirections = MAX_REDIRECTS

    def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        target = urljoin(req.full_url, headers.get("Location") or headers.get("URI") or "")
        if urlsplit(target).scheme.lower() not in ("http", "https"):
            raise BusinessError("news.bad_redirect", "订阅地址重定向到了非 http/https 地址，已拒绝")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _network_message(reason: Any) -> str:
    if isinstance(reason, TimeoutError | socket.timeout):
        return "连接超时"
    if isinstance(reason, ConnectionRefusedError):
        return "连接被拒绝，请检查地址和端口"
    if isinstance(reason, socket.gaierror):
        return "无法解析主机名，请检查订阅地址"
    if isinstance(reason, ssl.SSLError):
        return "HTTPS 证书校验失败"
    if isinstance(reason, ConnectionResetError):
        return "连接被对方重置"
    return f"网络错误（{type(reason).__name__}）"


def _read_limited(response: Any, *, limit: int, deadline: float, timeout: float) -> Iterator[bytes]:
    total = 0
    while True:
        if time.monotonic() > deadline:
            raise BusinessError("news.timeout", f"抓取超时（{timeout:g} 秒内未完成）")
        chunk = response.read(64 * 1024)
        if not chunk:
            return
        total += len(chunk)
        if total > limit:
            raise BusinessError("news.too_large", f"订阅内容过大（上限 {limit / 1024 / 1024:g} MB），已拒绝")
        yield chunk


def fetch(url: str, *, etag: str = "", last_modified: str = "") -> Fetched:
    """Download ``url`` (http/https only) within ``NEWS_FEED_TIMEOUT`` seconds in all and at most
    ``NEWS_FEED_MAX_BYTES`` bytes. Sends ``If-None-Match``/``If-Modified-Since`` when known (a 304 is
    ``not_modified``). Ignores proxy environment variables: feeds are read from the intranet mirror directly.
    An HTML page, an error status, a timeout or an oversize answer raise BusinessError with a Chinese
    message."""
    url = check_url(url)
    timeout, limit = timeout_seconds(), max_bytes()
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1",  # noqa: E501
        "Accept-Encoding": "identity",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _Redirects())
    deadline = time.monotonic() + timeout
    try:
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 (check_url: http/https only)
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > limit:
                raise BusinessError(
                    "news.too_large", f"订阅内容过大（上限 {limit / 1024 / 1024:g} MB），已拒绝"
                )
            if response.headers.get_content_type() == "text/html":
                raise BusinessError("news.not_xml", "返回的是网页而不是 RSS/Atom 订阅，请检查订阅地址")
            body = b"".join(_read_limited(response, limit=limit, deadline=deadline, timeout=timeout))
            return Fetched(
                False,
                body,
                (response.headers.get("ETag") or "")[:200],
                (response.headers.get("Last-Modified") or "")[:100],
            )
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(True, etag=etag, last_modified=last_modified)
        raise BusinessError("news.http_status", f"订阅地址返回错误状态 {exc.code}") from None
    except urllib.error.URLError as exc:
        raise BusinessError("news.network", _network_message(exc.reason)) from None
    except TimeoutError:
        raise BusinessError("news.timeout", f"抓取超时（{timeout:g} 秒内未完成）") from None
    except (http.client.HTTPException, OSError) as exc:
        raise BusinessError("news.network", _network_message(exc)) from None
