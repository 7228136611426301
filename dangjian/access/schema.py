"""OpenAPI description of the token authentication (loaded by drf-spectacular)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "dangjian.access.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "个人 API 令牌，格式：`Token <key>`（在“我的档案”或用 create_token 命令创建）",
        }


class HeartbeatTokenScheme(ApiTokenScheme):
    """The study heartbeat's token look-up (``studytime.api.auth``): the same header, its own scheme name."""

    target_class = "dangjian.studytime.api.auth.HeartbeatTokenAuthentication"
    name = "heartbeatTokenAuth"
