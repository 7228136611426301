"""Fixtures of the news tests: a REAL HTTP server on loopback serving fixture feeds, and small images."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Route:
    body: bytes
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    delay: float = 0.0  # seconds before answering
    drip: float = 0.0  # seconds between 1-byte chunks (a slow body)
    headers: dict[str, str] = field(default_factory=dict)


class FeedServer:
    """A threaded http.server on 127.0.0.1 whose routes the test sets: ``server.serve(path, route)``."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append((self.path, dict(self.headers)))
                route = outer.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                if route.delay:
                    time.sleep(route.delay)
                etag = route.headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                if not route.drip:
                    self.send_header("Content-Length", str(len(route.body)))
                for k, v in route.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    if route.drip:
                        for i in range(len(route.body)):
                            self.wfile.write(route.body[i : i + 1])
                            self.wfile.flush()
                            time.sleep(route.drip)
                    else:
                        self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, route: Route | str) -> str:
        if isinstance(route, str):
            route = Route((FIXTURES / route).read_bytes())
        self.routes[path] = route
        return self.url(path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.close()


def image_upload(name: str = "活动照片.jpg", color: str = "red", fmt: str = "JPEG") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buf, fmt)
    content_type = "image/jpeg" if fmt == "JPEG" else f"image/{fmt.lower()}"
    return SimpleUploadedFile(name, buf.getvalue(), content_type=content_type)


@pytest.fixture
def news_snapshot(db: Any) -> Any:
    """``news_snapshot()``: every row of the news tables, the stored files and the audit log."""
    from dangjian.audit.models import AuditEntry
    from dangjian.core.models import Job, StoredFile
    from dangjian.news.models import Feed, FeedItem, Post, PostPhoto

    def take() -> dict[str, list[dict[str, Any]]]:
        return {
            m.__name__: list(m.objects.order_by("pk").values())
            for m in (Feed, FeedItem, Post, PostPhoto, StoredFile, AuditEntry, Job)
        }

    return take
