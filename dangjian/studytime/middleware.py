"""The study heartbeat's token beats, answered early (docs/studytime-heartbeat.md).

Placed after the security headers and the request context, before the session, locale, CSRF, authentication
and message middleware: a well-formed beat with an API token uses none of them, and with DRF's request
handling they cost a beat more CPU than its database work. Anything else — a refused token, another body, a
page's beat with its session and CSRF token, any other address — goes on down the stack to
``HeartbeatView``, which answers it exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

HEARTBEAT_PATH = "/api/v1/study/heartbeat/"  # the route of studytime/api/urls.py (a test checks it)


class HeartbeatMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        from dangjian.studytime.api.views import token_beat  # the URLconf's and the apps' modules are ready

        self.token_beat = token_beat

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path_info == HEARTBEAT_PATH
            and request.method == "POST"
            and request.META.get("HTTP_AUTHORIZATION", "")[:6].lower() == "token "
        ):
            answer = self.token_beat(request)
            if answer is not None:
                return answer
        return self.get_response(request)
