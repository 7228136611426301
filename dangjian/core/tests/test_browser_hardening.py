"""CSP and security headers on every response; rate limits answer 429 with Retry-After."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from conftest import sign_in
from dangjian.access.models import ApiToken
from dangjian.core import ratelimit
from dangjian.core.models import RateCounter


@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz", "/api/schema/", "/no-such-page/"])
def test_every_response_carries_the_security_headers(db, client, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_signed_in_pages_are_not_cached(world, client):
    sign_in(client, world.secretary_a)
    assert client.get(reverse("members:member_list"))["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script_or_style(world, client):
    sign_in(client, world.secretary_a)
    for url in (
        reverse("core:home"),
        reverse("members:member_list"),
        reverse("orgs:org_tree"),
        reverse("members:member_detail", args=[world.member.pk]),
    ):
        html = client.get(url).content.decode()
        assert "<script>" not in html and " style=" not in html and "<style" not in html, url
        assert "http://" not in html.replace("http://testserver", "") and "https://" not in html, url


def test_the_window_counter_refuses_past_the_limit(db):
    results = [ratelimit.hit("t:1", limit=3, window=60, now=1000.0)[0] for _ in range(5)]
    assert results == [True, True, True, False, False]
    allowed, retry = ratelimit.hit("t:1", limit=3, window=60, now=1061.0)
    assert allowed and retry > 0  # a new window starts afresh


@override_settings(RATE_LIMITS={"login": (2, 60)})
def test_login_is_rate_limited_with_retry_after(db, client):
    for _ in range(2):
        assert client.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 200
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0 and "操作过于频繁" in response.content.decode()


@override_settings(RATE_LIMITS={"token": (1, 3600)})
def test_token_creation_is_rate_limited_and_the_refused_request_creates_nothing(world, client):
    sign_in(client, world.secretary_a)
    client.post(reverse("accounts:token_create"), {"name": "一"})
    response = client.post(reverse("accounts:token_create"), {"name": "二"})
    assert response.status_code == 429
    assert list(ApiToken.objects.filter(user=world.secretary_a).values_list("name", flat=True)) == ["一"]
    assert RateCounter.objects.exists()
