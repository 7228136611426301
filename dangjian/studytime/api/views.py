"""REST API of study time and 学时: the heartbeat a page or a mobile client sends while studying, my hours and
the organisations' progress."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed, NotFound, PermissionDenied
from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dangjian.access import classify, scope
from dangjian.core.errors import BusinessError
from dangjian.studytime import rules, selectors, services
from dangjian.studytime.api.auth import HeartbeatTokenAuthentication

CONTENT_MAX_LENGTH = 64


class HeartbeatInSerializer(serializers.Serializer[Any]):
    content = serializers.CharField(
        max_length=CONTENT_MAX_LENGTH, help_text="学习内容标识，如 topic_item:12、lesson:5"
    )
    state = serializers.ChoiceField(
        choices=rules.STATES, help_text="visible 页面可见；playing 音视频播放中；stop 暂停或离开"
    )


class HeartbeatOutSerializer(serializers.Serializer[Any]):
    credited = serializers.IntegerField(help_text="本次计入的有效秒数（服务器测量）")
    seconds_today = serializers.IntegerField(help_text="今日在该内容上的有效学习秒数")
    interval = serializers.IntegerField(help_text="建议的心跳间隔（秒）")


class JsonAnswer(BaseContentNegotiation):
    """The heartbeat answers JSON whatever the ``Accept`` header asks (no negotiation on every beat); the
    request's body is parsed as DRF's default negotiation would."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return DefaultContentNegotiation().select_parser(request, parsers)

    def select_renderer(self, request: Request, renderers: Any, format_suffix: str | None = None) -> Any:
        return renderers[0], renderers[0].media_type


def _well_formed(data: Any) -> tuple[str, str] | None:
    """The content and state of a well-formed beat's body (the pages' and clients' every beat), checked as
    ``HeartbeatInSerializer`` would accept it; ``None`` for anything else."""
    if isinstance(data, dict):
        content, state = data.get("content"), data.get("state")
        if (
            isinstance(content, str)
            and isinstance(state, str)
            and 0 < len(content) <= CONTENT_MAX_LENGTH
            and content.isascii()
            and content.isprintable()
            and content == content.strip()
            and state in rules.STATES
        ):
            return content, state
    return None


def _beat_input(data: Any) -> tuple[str, str]:
    """The content and state of a beat's body: a well-formed body is checked directly, anything else goes
    through the serializer, which answers its usual 400."""
    found = _well_formed(data)
    if found is not None:
        return found
    checked = HeartbeatInSerializer(data=data)
    checked.is_valid(raise_exception=True)
    return checked.validated_data["content"], checked.validated_data["state"]


def _answer(beat: services.Heartbeat) -> dict[str, int]:
    return {"credited": beat.credited, "seconds_today": beat.seconds_today, "interval": beat.interval}


_EARLY_MAX_BYTES = 1024  # a beat's body is some 50 bytes; a larger one is the view's to read


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def token_beat(request: HttpRequest) -> HttpResponse | None:
    """The answer to a well-formed beat with an API token that is accepted and credited, or ``None``: then
    ``HeartbeatView`` answers it as usual (every refusal, every other body, every session's beat).

    Called by ``dangjian.studytime.middleware.HeartbeatMiddleware`` before the session, locale, CSRF and
    message middleware and without DRF's request handling, which a token's beat does not use: together they
    cost a beat more CPU than its database work (docs/studytime-heartbeat.md). The same token check
    (``HeartbeatTokenAuthentication``, the parent's checks unchanged), the same body check, the same service
    and the same answer as the view's."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:  # a malformed header: the view answers it as Django does
        return None
    if (
        request.content_type != "application/json"
        or (request.content_params or {}).get("charset", "utf-8").lower() not in ("utf-8", "utf8")
        or length > _EARLY_MAX_BYTES
    ):
        return None
    try:  # as DRF's JSON parser reads it: UTF-8, no NaN or Infinity
        found = _well_formed(json.loads(request.body, parse_constant=_no_constant))
    except ValueError:
        return None
    if found is None:
        return None
    try:
        signed_in = HeartbeatTokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None  # the view refuses it, with the API's answer
    if signed_in is None or signed_in[1].member_pk is None:
        return None
    user, token = signed_in
    try:
        beat = services.study_heartbeat(
            user=user, content_key=found[0], state=found[1], member_id=token.member_pk
        )
    except BusinessError:  # raised before anything is written: the view answers it
        return None
    request.user = user  # as DRF sets it: the security headers mark a signed-in answer ``no-store``
    answer = HttpResponse(json.dumps(_answer(beat), separators=(",", ":")), content_type="application/json")
    answer["X-Frame-Options"] = settings.X_FRAME_OPTIONS  # as the clickjacking middleware it skipped
    answer["Content-Length"] = str(len(answer.content))  # as the common middleware it skipped
    return answer


class HeartbeatView(APIView):
    """学习心跳: send every ``interval`` seconds while the page is visible and, for a video or audio, while it
    plays. The server measures the time; nothing the client says about durations is trusted."""

    access = classify.AUTHENTICATED
    # The token with its user, the administrator check and the member's id in one query (api/auth.py); a
    # page's beats come with its session, as before. JSON only: no browsable-API negotiation on every beat.
    authentication_classes = [HeartbeatTokenAuthentication, SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonAnswer

    @extend_schema(request=HeartbeatInSerializer, responses=HeartbeatOutSerializer)
    def post(self, request: Request) -> Response:
        content, state = _beat_input(request.data)
        try:
            beat = services.study_heartbeat(
                user=request.user,
                content_key=content,
                state=state,
                member_id=getattr(request.auth, "member_pk", None),
            )
        except BusinessError as exc:
            if exc.code == "studytime.not_found":
                raise NotFound(exc.message) from exc
            if exc.code == "studytime.no_member":
                raise PermissionDenied(exc.message) from exc
            return Response({"detail": exc.message, "code": exc.code}, status=status.HTTP_400_BAD_REQUEST)
        return Response(_answer(beat))


class HoursRowSerializer(serializers.Serializer[Any]):
    title = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    credited_on = serializers.DateField()
    revoked = serializers.BooleanField()


class MyHoursSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=7, decimal_places=1)
    required_hours = serializers.IntegerField(source="required")
    expected = serializers.DecimalField(max_digits=7, decimal_places=1)
    behind = serializers.BooleanField()
    rows = HoursRowSerializer(many=True)


def _year(request: Request) -> int:
    raw = request.query_params.get("year", "")
    today = timezone.localdate()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year else today.year


class MyHoursView(APIView):
    """我的学时: this year's 学时 against the requirement (32; 56 for a branch secretary) and the ledger."""

    access = classify.AUTHENTICATED
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("year", int)], responses=MyHoursSerializer)
    def get(self, request: Request) -> Response:
        member = selectors.member_of(request.user)
        if member is None:
            raise NotFound("当前账号未关联党员档案")
        year = _year(request)
        mine = selectors.my_hours(member, year, timezone.localdate())
        payload = {
            "year": year,
            "total": mine.total,
            "required": mine.required,
            "expected": mine.expected,
            "behind": mine.behind,
            "rows": selectors.hours_rows(member, year),
        }
        return Response(MyHoursSerializer(payload).data)


class OrgProgressSerializer(serializers.Serializer[Any]):
    org = serializers.IntegerField(source="org.pk")
    name = serializers.CharField(source="org.name")
    members = serializers.IntegerField()
    behind = serializers.IntegerField()
    on_schedule_rate = serializers.IntegerField()
    average = serializers.DecimalField(max_digits=7, decimal_places=1)


class MemberProgressSerializer(serializers.Serializer[Any]):
    member = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    org = serializers.CharField(source="org.name")
    hours = serializers.DecimalField(max_digits=7, decimal_places=1)
    expected = serializers.DecimalField(max_digits=7, decimal_places=1)
    behind = serializers.BooleanField()


class StudyHoursProgressSerializer(serializers.Serializer[Any]):
    org = serializers.IntegerField()
    year = serializers.IntegerField()
    children = OrgProgressSerializer(many=True)
    behind = MemberProgressSerializer(many=True)


class ProgressView(APIView):
    """学时进度: an organisation's subtree (default the user's highest) by child organisation, and the members
    behind the 32-学时 schedule (up to 500), within the user's ``study.view`` scope."""

    access = classify.PERMISSION
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("org", int), OpenApiParameter("year", int)],
        responses=StudyHoursProgressSerializer,
    )
    def get(self, request: Request) -> Response:
        if not scope.has_permission(request.user, "study.view"):
            raise PermissionDenied("无权查看学时统计")
        raw = request.query_params.get("org")
        org = selectors.org_in_view(request.user, raw) if raw else selectors.default_org(request.user)
        if org is None:
            raise NotFound("组织不存在或不在您的范围内")
        year, today = _year(request), timezone.localdate()
        behind = selectors.members_progress(user=request.user, org=org, year=year, on=today, behind_only=True)
        payload = {
            "org": org.pk,
            "year": year,
            "children": selectors.children_progress(user=request.user, org=org, year=year, on=today),
            "behind": behind[:500],
        }
        return Response(StudyHoursProgressSerializer(payload).data)
