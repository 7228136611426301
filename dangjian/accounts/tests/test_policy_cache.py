"""A process keeps the security policy a few seconds; a change reaches it at once."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from dangjian.accounts import policy, services
from dangjian.accounts.models import SecurityPolicy
from dangjian.core.errors import BusinessError


@pytest.fixture
def cached(settings):
    settings.SECURITY_POLICY_CACHE_SECONDS = 60
    policy.forget()
    yield
    policy.forget()


def test_the_policy_is_read_once_then_kept(cached, world: SimpleNamespace, django_assert_num_queries) -> None:
    first = policy.current()
    with django_assert_num_queries(0):
        assert policy.current() is first


def test_a_change_reaches_this_process_at_once(cached, world: SimpleNamespace) -> None:
    before = policy.current().session_idle_minutes
    services.policy_update(actor=world.security_admin, values={"session_idle_minutes": before + 7})
    assert policy.current().session_idle_minutes == before + 7


def test_a_refused_change_leaves_the_kept_copy_unchanged(cached, world: SimpleNamespace) -> None:
    kept = policy.current()
    idle, failures = kept.session_idle_minutes, kept.login_max_failures
    with pytest.raises(BusinessError):  # below the 等保 minimum
        services.policy_update(
            actor=world.security_admin, values={"session_idle_minutes": 0, "login_max_failures": 3}
        )
    assert (kept.session_idle_minutes, kept.login_max_failures) == (idle, failures)
    assert policy.current() is kept
    assert not SecurityPolicy.objects.filter(login_max_failures=3).exists()
