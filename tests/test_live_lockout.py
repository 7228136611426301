"""The sign-in lockout holds under parallel requests against a live server (SECURITY.md)."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import PASSWORD
from dangjian.accounts import policy as policy_mod
from dangjian.accounts.models import LoginThrottle
from dangjian.audit.models import AuditEntry

pytestmark = pytest.mark.live


def attempt(base: str, username: str, password: str) -> str:
    """One browser-like sign-in: fetch the form (CSRF cookie and token), post it, return the page text."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=body.encode(), headers={"Referer": f"{base}/accounts/login/"}
    )
    return opener.open(request, timeout=30).read().decode()


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_lock_the_account_and_the_right_one_is_refused(live_server):
    from conftest import make_user

    make_user("target", "被攻击者")
    limit = policy_mod.current().login_max_failures
    attempts = limit * 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        pages = list(pool.map(lambda _: attempt(live_server.url, "target", "Wrong#Guess1"), range(attempts)))
    assert all("用户名或密码错误" in p or "登录失败次数过多" in p for p in pages)
    row = LoginThrottle.objects.get(key="login:target")
    assert row.locked_until is not None
    # No failure was lost: every attempt was either counted or refused by the lock before counting.
    refused_locked = AuditEntry.objects.filter(
        action="accounts.login.failure", changes__reason="locked"
    ).count()
    assert row.failures == attempts - refused_locked
    assert row.failures >= limit
    # The lock was taken exactly once, however many requests raced past the limit.
    assert AuditEntry.objects.filter(action="accounts.login.lock").count() == 1
    assert "登录失败次数过多" in attempt(live_server.url, "target", PASSWORD)
