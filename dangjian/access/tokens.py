"""Personal API tokens: create (key shown once), look up by hash, revoke."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from dangjian.access.models import ApiToken
from dangjian.audit import services as audit


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_hash(key: str) -> str:
    """What is stored of ``key`` (for a look-up that reads more than ``lookup`` does)."""
    return _hash(key)


@transaction.atomic
def token_create(*, actor: Any, user: Any, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``user`` and return it with its key (the key itself is never stored).

    Audit: access.token.create.
    """
    key = "dj_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100] or "API", prefix=key[:10], key_hash=_hash(key))
    audit.record(actor=actor, action="access.token.create", target=token, changes={"user": user.username})
    return token, key


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> None:
    """Revoke a token; later requests with it are refused. Audit: access.token.revoke."""
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor=actor, action="access.token.revoke", target=token)


def lookup(key: str) -> ApiToken | None:
    return (
        ApiToken.objects.select_related("user").filter(key_hash=_hash(key), revoked_at__isnull=True).first()
    )
