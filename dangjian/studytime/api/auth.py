"""Authentication of the heartbeat: the same API token, with the same checks, read in one query.

A page or a mobile client sends a heartbeat every 15 seconds while a member studies, so this endpoint takes
more requests than any other. ``ApiTokenAuthentication`` reads the token and its user, then the user's grants
(to refuse administrators), and the heartbeat then reads the member record: three queries. Here the token, its
user, whether the user holds an administrator role (the grants ``scope.user_grants`` would count: on no
organisation or an active one) and the id of the user's member record come in one query. Every other check
(revoked token, inactive user, administrator, forced or expired password, ``last_used_at``) is the parent's,
unchanged: see docs/studytime-heartbeat.md.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from dangjian.access import tokens
from dangjian.access.authentication import ApiTokenAuthentication
from dangjian.access.models import ApiToken
from dangjian.access.roles import ADMIN_ROLES
from dangjian.accounts.models import User
from dangjian.core import db
from dangjian.studytime.services import raw_datetime

# The user's columns a request reads (the others, e.g. the encrypted TOTP secret, load if ever read), in the
# model's order (``Model.from_db`` takes a subset's values in that order).
_READ = {"id", "username", "full_name", "is_active", "is_superuser", "is_staff", "must_change_password",
         "password_changed_at", "totp_confirmed"}  # fmt: skip
_USER_FIELDS = tuple(f.attname for f in User._meta.concrete_fields if f.attname in _READ)
_DATETIMES = {"password_changed_at"}
# The token's user with the token's id and last use, whether the user holds an administrator role through a
# grant ``scope.user_grants`` counts (on no organisation, or on an active one), and the member record's id.
# Written out rather than built by the ORM: compiling the same query on every beat cost more than running it.
# (Tables: User, ApiToken, Grant, Org, Member; a test checks the names.)
_SQL = (  # noqa: S608 (only placeholders are formatted in)
    "SELECT {columns}, t.id, t.last_used_at, "
    "EXISTS(SELECT 1 FROM access_grant g LEFT JOIN orgs_org o ON o.id = g.org_id WHERE g.user_id = u.id "
    "AND g.role IN ({roles}) AND (g.org_id IS NULL OR o.is_active)), "
    "(SELECT m.id FROM members_member m WHERE m.user_id = u.id) "
    "FROM access_apitoken t INNER JOIN accounts_user u ON u.id = t.user_id "
    "WHERE t.key_hash = %s AND t.revoked_at IS NULL"
).format(columns=", ".join(f"u.{name}" for name in _USER_FIELDS), roles=", ".join("%s" for _ in ADMIN_ROLES))
_ROLES = sorted(str(r) for r in ADMIN_ROLES)


class HeartbeatTokenAuthentication(ApiTokenAuthentication):
    """``Authorization: Token <key>`` for the heartbeat; ``request.auth.member_pk`` is the member's id (or
    ``None`` for an account without a member record)."""

    def lookup(self, key: str) -> Any:
        found = db.fetch(_SQL, [*_ROLES, tokens.key_hash(key)])  # prepared once per connection on PostgreSQL
        if not found:
            return None
        row = found[0]
        n = len(_USER_FIELDS)
        values = [
            raw_datetime(v) if name in _DATETIMES else v
            for name, v in zip(_USER_FIELDS, row[:n], strict=True)
        ]
        user = User.from_db(connection.alias, list(_USER_FIELDS), values)
        for name in ("is_active", "is_superuser", "is_staff", "must_change_password", "totp_confirmed"):
            setattr(user, name, bool(getattr(user, name)))
        token_id, last_used_at, admin, member_pk = row[n:]
        token = ApiToken.from_db(connection.alias, ["id", "user_id", "last_used_at"],
                                 [token_id, user.pk, raw_datetime(last_used_at)])  # fmt: skip
        token.user = user
        token.admin = bool(admin)  # type: ignore[attr-defined]
        token.member_pk = member_pk  # type: ignore[attr-defined]
        return token

    def is_admin(self, token: Any) -> bool:
        return bool(token.admin)
