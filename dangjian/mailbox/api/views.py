"""REST API of 书记信箱 and 随手拍.

Only the writer's endpoints are unauthenticated (SECURITY.md; issue 8 item 8): anonymous submission of a
letter or a 随手拍 and the receipt look-up / follow-up. They take no authentication at all (a signed-in caller
is an anonymous writer here), are throttled without storing who asked, answer ``Cache-Control: no-store``
and take the receipt only in the body. Signed letters are sent through ``mailbox/letters/signed/`` by a
signed-in user. The handlers' endpoints need ``mailbox.handle`` at the letter's organisation (404
elsewhere); reading one letter or case is audited.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dangjian.access import classify, scope
from dangjian.access.api import ScopedViewSet
from dangjian.accounts.models import User
from dangjian.mailbox import selectors, services
from dangjian.mailbox.api import serializers as s
from dangjian.mailbox.models import CaseStatus, Category, Letter, LetterStatus, SnapshotReport
from dangjian.mailbox.throttle import private, throttle
from dangjian.orgs.models import Org
from dangjian.supervision import selectors as supervision_selectors
from dangjian.supervision import services as supervision_services
from dangjian.supervision.api.serializers import RectificationSerializer, SourceTaskWriteSerializer

_UUID = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
_PARSERS = [MultiPartParser, FormParser, JSONParser]


def _uuid(pk: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(pk))
    except ValueError:
        raise Http404("不存在") from None


def _org(pk: int) -> Org:
    org = selectors.recipient_orgs().filter(pk=pk).first()
    if org is None:
        raise Http404("组织不存在")
    return org


class _WriterEndpoint(APIView):
    """An unauthenticated endpoint of the writer: no authentication, throttled, ``no-store``."""

    access = classify.PUBLIC
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes = _PARSERS
    throttle_name = "mailbox.submit"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method == "POST" and settings.SESSION_COOKIE_NAME in request.COOKIES:
            # From a browser with a session: CSRF as on every state change (the session is not read).
            SessionAuthentication().enforce_csrf(request)
        limited = throttle(request._request, self.throttle_name) if request.method == "POST" else None
        if limited is not None:
            from rest_framework.exceptions import Throttled

            raise Throttled(wait=int(limited["Retry-After"]), detail="操作过于频繁，请稍后再试")

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        return private(response, request._request)


class LetterSubmitView(_WriterEndpoint):
    @extend_schema(request=s.LetterSubmitSerializer, responses={201: s.ReceiptIssuedSerializer})
    def post(self, request: Request) -> Response:
        """Send an anonymous letter (or one signed with a name and contact by a 群众 without an account)."""
        data = s.LetterSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        _, code = services.letter_submit(
            writer=None,
            org=_org(v["org"]),
            subject=v["subject"],
            body=v["body"],
            anonymous=v["anonymous"],
            signed_name=v["signed_name"],
            contact=v["contact"],
            uploads=v["files"],
        )
        return Response({"receipt": code}, status=status.HTTP_201_CREATED)


class SnapshotSubmitView(_WriterEndpoint):
    @extend_schema(request=s.SnapshotSubmitSerializer, responses={201: s.ReceiptIssuedSerializer})
    def post(self, request: Request) -> Response:
        """Send an anonymous 随手拍 with at least one photo or video."""
        data = s.SnapshotSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        _, code = services.snapshot_submit(
            reporter=None,
            org=_org(v["org"]),
            description=v["description"],
            location=v["location"],
            anonymous=True,
            uploads=v["files"],
        )
        return Response({"receipt": code}, status=status.HTTP_201_CREATED)


def writer_view(found: Letter | SnapshotReport) -> dict[str, Any]:
    if isinstance(found, Letter):
        return {
            "type": "letter",
            "org_name": found.org.label,
            "received_on": found.received_on,
            "status": found.status,
            "status_label": LetterStatus(found.status).label,
            "subject": found.subject,
            "thread": s.WriterLineSerializer(selectors.writer_thread(found), many=True).data,
        }
    return {
        "type": "snapshot",
        "org_name": found.org.label,
        "received_on": found.received_on,
        "status": found.status,
        "status_label": CaseStatus(found.status).label,
        "steps": [
            {
                "status": st.status,
                "label": CaseStatus(st.status).label,
                "day": st.created_at.date(),
                "note": st.note,
            }
            for st in found.steps.order_by("created_at", "id")
        ],
    }


NOT_FOUND = {"detail": "回执码不正确或已过期", "code": "mailbox.bad_receipt"}


class ReceiptView(_WriterEndpoint):
    throttle_name = "mailbox.receipt"

    @extend_schema(request=s.ReceiptSerializer, responses={200: s.WriterViewSerializer})
    def post(self, request: Request) -> Response:
        """What the writer may see of their letter or 随手拍: wrong and expired receipts get the same 404."""
        data = s.ReceiptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = services.receipt_find(data.validated_data["receipt"])
        if found is None:
            return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
        return Response(writer_view(found))


class ReceiptAddView(_WriterEndpoint):
    throttle_name = "mailbox.receipt"

    @extend_schema(request=s.ReceiptAddSerializer, responses={200: s.WriterViewSerializer})
    def post(self, request: Request) -> Response:
        """Add to one's letter by receipt."""
        data = s.ReceiptAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = services.receipt_find(data.validated_data["receipt"])
        if not isinstance(found, Letter):
            return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
        services.letter_add(
            letter=found, body=data.validated_data["body"], uploads=data.validated_data["files"]
        )
        found.refresh_from_db()
        return Response(writer_view(found))


class SignedLetterView(APIView):
    """A signed-in user sends a letter under their own name."""

    access = classify.AUTHENTICATED
    permission_classes = [IsAuthenticated]
    parser_classes = _PARSERS

    @extend_schema(request=s.LetterSubmitSerializer, responses={201: s.ReceiptIssuedSerializer})
    def post(self, request: Request) -> Response:
        data = s.LetterSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        _, code = services.letter_submit(
            writer=request.user,
            org=_org(v["org"]),
            subject=v["subject"],
            body=v["body"],
            anonymous=False,
            signed_name=v["signed_name"],
            contact=v["contact"],
            uploads=v["files"],
        )
        response = Response({"receipt": code}, status=status.HTTP_201_CREATED)
        private(response, request._request)
        return response


class _HandlerViewSet(ScopedViewSet):
    permission = services.HANDLE
    write_permission = services.HANDLE
    lookup_value_regex = _UUID


def _source_task(request: Request, source_type: str, source: Letter | SnapshotReport) -> Response:
    """转督办整改 of a letter or case the caller handles: 403 without supervision.manage over its
    organisation or one below, 404 for a responsible organisation outside that choice."""
    orgs = supervision_selectors.source_org_choices(request.user, source.org)
    if not orgs:
        raise PermissionDenied("无权交办督办整改任务")
    data = SourceTaskWriteSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    v = dict(data.validated_data)
    wanted = v.pop("org")
    org = next((o for o in orgs if o.pk == wanted), None)
    if org is None:
        raise NotFound("责任组织不存在或不在权限范围内")
    task = supervision_services.rectification_from_source(
        actor=request.user, source_type=source_type, source_id=source.pk, org=org, **v
    )
    return Response(RectificationSerializer(task).data, status=status.HTTP_201_CREATED)


class LetterViewSet(mixins.ListModelMixin, _HandlerViewSet):
    """书记信箱 letters of the organisations where the caller is a designated handler."""

    queryset = Letter.objects.all()
    serializer_class = s.LetterSerializer

    def get_queryset(self) -> QuerySet[Letter]:
        qs = selectors.letter_list(user=self.request.user).order_by("-received_on", "id")
        q = self.request.query_params
        return selectors.letter_filter(
            qs,
            status=q.get("status", ""),
            category=q.get("category", ""),
            unread=q.get("unread") == "1",
            overdue=q.get("overdue") == "1",
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Letters with their subjects (the page seen is audited: mailbox.letter.list)."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = list(page) if page is not None else list(self.get_queryset())
        services.letters_listed(actor=request.user, letters=rows)
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def _letter(self, pk: Any) -> Letter:
        return get_object_or_404(selectors.letter_list(user=self.request.user), pk=_uuid(pk))

    def _detail(self, letter: Letter) -> Response:
        letter = Letter.objects.select_related("org", "category", "assignee").get(pk=letter.pk)
        return Response(s.LetterDetailSerializer(letter).data)

    @extend_schema(responses=s.LetterDetailSerializer)
    def retrieve(self, request: Request, pk: Any = None) -> Response:
        """Read one letter (audited: mailbox.letter.read)."""
        return self._detail(services.letter_open(actor=request.user, letter=self._letter(pk)))

    @extend_schema(request=s.ReplySerializer, responses=s.LetterDetailSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: Any = None) -> Response:
        letter = self._letter(pk)
        data = s.ReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.letter_reply(actor=request.user, letter=letter, body=data.validated_data["body"])
        return self._detail(letter)

    @extend_schema(request=s.AssignSerializer, responses=s.LetterDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: Any = None) -> Response:
        letter = self._letter(pk)
        data = s.AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignee = User.objects.filter(pk=data.validated_data["assignee"]).first()
        services.letter_assign(
            actor=request.user, letter=letter, assignee=assignee, due_on=data.validated_data["due_on"]
        )
        return self._detail(letter)

    @extend_schema(request=s.DueSerializer, responses=s.LetterDetailSerializer)
    @action(detail=True, methods=["post"])
    def due(self, request: Request, pk: Any = None) -> Response:
        letter = self._letter(pk)
        data = s.DueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.letter_set_due(actor=request.user, letter=letter, due_on=data.validated_data["due_on"])
        return self._detail(letter)

    @extend_schema(request=None, responses=s.LetterDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        letter = self._letter(pk)
        services.letter_close(actor=request.user, letter=letter)
        return self._detail(letter)

    @extend_schema(request=None, responses=s.LetterDetailSerializer)
    @action(detail=True, methods=["post"])
    def unread(self, request: Request, pk: Any = None) -> Response:
        letter = self._letter(pk)
        services.letter_mark_unread(actor=request.user, letter=letter)
        return self._detail(letter)

    @extend_schema(request=s.CorrectSerializer, responses=s.LetterDetailSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: Any = None) -> Response:
        """Correct the category and/or kind; the classifier retrains on it."""
        letter = self._letter(pk)
        data = s.CorrectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cat_id = data.validated_data["category"]
        category = get_object_or_404(Category, pk=cat_id) if cat_id is not None else None
        services.letter_correct(
            actor=request.user, letter=letter, category=category, kind=data.validated_data["kind"]
        )
        return self._detail(letter)

    @extend_schema(request=SourceTaskWriteSerializer, responses={201: RectificationSerializer})
    @action(detail=True, methods=["post"])
    def task(self, request: Request, pk: Any = None) -> Response:
        """转督办整改: turn the letter into a supervised rectification task (one open task per letter)."""
        return _source_task(request, "letter", self._letter(pk))


class SnapshotViewSet(mixins.ListModelMixin, _HandlerViewSet):
    """随手拍 cases of the organisations where the caller is a designated handler."""

    queryset = SnapshotReport.objects.all()
    serializer_class = s.SnapshotSerializer

    def get_queryset(self) -> QuerySet[SnapshotReport]:
        qs = selectors.snapshot_list(user=self.request.user).prefetch_related("files", "steps__actor")
        wanted = self.request.query_params.get("status", "")
        qs = qs.filter(status=wanted) if wanted in CaseStatus.values else qs
        return qs.order_by("-received_on", "id")

    def _report(self, pk: Any) -> SnapshotReport:
        return get_object_or_404(selectors.snapshot_list(user=self.request.user), pk=_uuid(pk))

    @extend_schema(responses=s.SnapshotDetailSerializer)
    def retrieve(self, request: Request, pk: Any = None) -> Response:
        """Read one case (audited: mailbox.snapshot.read)."""
        report = services.snapshot_open(actor=request.user, report=self._report(pk))
        return Response(s.SnapshotDetailSerializer(report).data)

    @extend_schema(request=SourceTaskWriteSerializer, responses={201: RectificationSerializer})
    @action(detail=True, methods=["post"])
    def task(self, request: Request, pk: Any = None) -> Response:
        """转督办整改: turn the case into a supervised rectification task (one open task per case)."""
        return _source_task(request, "snapshot", self._report(pk))

    @extend_schema(request=s.AdvanceSerializer, responses=s.SnapshotSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request: Request, pk: Any = None) -> Response:
        report = self._report(pk)  # 404 outside scope before any validation
        data = s.AdvanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        assignee = User.objects.filter(pk=v["assignee"]).first() if v["assignee"] else None
        report = services.snapshot_advance(
            actor=request.user,
            report=report,
            to=v["to"],
            note=v["note"],
            assignee=assignee,
            due_on=v["due_on"],
        )
        return Response(s.SnapshotSerializer(SnapshotReport.objects.get(pk=report.pk)).data)


class CategoryViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Letter categories: the system administrator keeps them (mailbox.configure)."""

    queryset = Category.objects.all()
    serializer_class = s.CategorySerializer
    permission = services.CONFIGURE
    write_permission = services.CONFIGURE

    def get_queryset(self) -> QuerySet[Category]:
        return (
            Category.objects.order_by("sort_order", "id")
            if scope.has_permission(self.request.user, services.CONFIGURE)
            else Category.objects.none()
        )

    @extend_schema(request=s.CategoryWriteSerializer, responses={201: s.CategorySerializer})
    def create(self, request: Request) -> Response:
        data = s.CategoryWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        category = services.category_save(actor=request.user, **data.validated_data)
        return Response(s.CategorySerializer(category).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CategoryWriteSerializer, responses=s.CategorySerializer)
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        category = get_object_or_404(Category, pk=pk)
        current: dict[str, Any] = dict(s.CategorySerializer(category).data)
        merged = {k: v for k, v in current.items() if k != "id"}
        if isinstance(request.data, dict):
            merged.update({k: request.data[k] for k in request.data})
        data = s.CategoryWriteSerializer(data=merged)
        data.is_valid(raise_exception=True)
        category = services.category_save(actor=request.user, category=category, **data.validated_data)
        return Response(s.CategorySerializer(category).data)
