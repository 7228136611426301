"""``Authorization: Token <key>`` for the REST API (personal tokens, stored hashed)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import authentication, exceptions

from dangjian.access import scope, tokens
from dangjian.accounts import policy
from dangjian.accounts.middleware import password_expired


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("令牌格式错误：应为 “Authorization: Token <key>”")
        token = self.lookup(header[1].decode("latin-1"))
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("令牌无效或已吊销")
        user = token.user
        if self.is_admin(token):
            raise exceptions.AuthenticationFailed("管理员账号不能使用 API 令牌")
        if user.must_change_password or password_expired(user, policy.current().password_max_age_days):
            raise exceptions.AuthenticationFailed("请先登录平台修改密码")
        if token.last_used_at is None or (timezone.now() - token.last_used_at).total_seconds() > 60:
            type(token).objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token

    def lookup(self, key: str) -> Any:
        """The unrevoked token of ``key`` with its user (a subclass may read more in the same query)."""
        return tokens.lookup(key)

    def is_admin(self, token: Any) -> bool:
        """Whether the token's user holds an administrator role (三员 may not use tokens)."""
        return scope.is_admin(token.user)

    def authenticate_header(self, request: Any) -> str:
        return self.keyword
