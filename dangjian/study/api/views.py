"""REST API of 学习专题 and 学习笔记. Writes call the same services as the pages; BusinessError → 400 with
its code (core.api.exception_handler)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dangjian.access import classify, scope
from dangjian.access.api import ScopedViewSet
from dangjian.core.errors import BusinessError
from dangjian.members.models import Member
from dangjian.orgs.models import Org
from dangjian.study import selectors, services
from dangjian.study.api.serializers import (
    AssignmentSerializer,
    AssignmentWriteSerializer,
    CommentSerializer,
    CommentWriteSerializer,
    ItemDetailSerializer,
    ItemSerializer,
    ItemUpdateSerializer,
    ItemWriteSerializer,
    ManagedTopicSerializer,
    MyStudySerializer,
    MyTopicSerializer,
    NoteSerializer,
    NoteUpdateSerializer,
    NoteWriteSerializer,
    ProgressSerializer,
    TopicSerializer,
    TopicStatsSerializer,
    TopicUpdateSerializer,
    TopicWriteSerializer,
)
from dangjian.study.models import ItemKind, Note, Topic, TopicAssignment, TopicItem


def _member_required(user: Any) -> Member:
    member = selectors.member_of(user)
    if member is None:
        raise PermissionDenied("当前账号未关联党员档案")
    return member


# --------------------------------------------------------------------------------------------------------
# Members


class MyStudyView(APIView):
    """我的学习: the topics I may study, required and overdue first, with my progress."""

    access = classify.AUTHENTICATED
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MyStudySerializer)
    def get(self, request: Request) -> Response:
        member = selectors.member_of(request.user)
        rows = selectors.my_topics(member) if member is not None else []
        return Response({"results": MyTopicSerializer(rows, many=True).data})


class TopicDetailView(APIView):
    """A topic I may read, with its items and my progress on each."""

    access = classify.AUTHENTICATED
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=TopicSerializer)
    def get(self, request: Request, pk: int) -> Response:
        topic = get_object_or_404(Topic.objects.select_related("org"), pk=pk)
        if not selectors.may_read(request.user, topic):
            raise Http404
        progress = selectors.item_progress_map(selectors.member_of(request.user), topic)
        items = []
        for item in selectors.items_of(topic):
            row = dict(ItemSerializer(item).data)
            p = progress.get(item.pk)
            row["progress"] = ProgressSerializer(p).data if p is not None else None
            items.append(row)
        return Response({**TopicSerializer(topic).data, "items": items})


class ItemDetailView(APIView):
    """One item I may read: the cleaned HTML of an article or Word document, the file address of a video,
    audio or PDF, and my progress. Study time is counted by the heartbeat (POST /api/v1/study/heartbeat/
    with ``content_key``)."""

    access = classify.AUTHENTICATED
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ItemDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        item = get_object_or_404(TopicItem.objects.select_related("topic", "topic__org", "file"), pk=pk)
        if not selectors.may_read(request.user, item.topic):
            raise Http404
        p = selectors.item_progress_map(selectors.member_of(request.user), item.topic).get(item.pk)
        data = dict(ItemDetailSerializer(item).data)
        data["progress"] = ProgressSerializer(p).data if p is not None else None
        return Response(data)


# --------------------------------------------------------------------------------------------------------
# Publishers (study.manage)


class ManagedTopicViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """专题管理: topics of the organisations in my study.manage scope (drafts included)."""

    queryset = Topic.objects.select_related("org")
    serializer_class = ManagedTopicSerializer
    permission = "study.manage"
    write_permission = "study.manage"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[Topic]:
        return selectors.managed_topics(self.request.user)

    @extend_schema(request=TopicWriteSerializer, responses=ManagedTopicSerializer)
    def create(self, request: Request) -> Response:
        s = TopicWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        org = get_object_or_404(
            scope.restrict(Org.objects.all(), request.user, "study.manage"), pk=data.pop("org")
        )
        topic = services.topic_create(actor=request.user, org=org, **data)
        return Response(ManagedTopicSerializer(topic).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TopicUpdateSerializer, responses=ManagedTopicSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        topic = self.get_object()
        s = TopicUpdateSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        topic = services.topic_update(actor=request.user, topic=topic, **s.validated_data)
        return Response(ManagedTopicSerializer(topic).data)

    def destroy(self, request: Request, pk: str) -> Response:
        services.topic_delete(actor=request.user, topic=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=ManagedTopicSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        topic = services.topic_publish(actor=request.user, topic=self.get_object())
        return Response(ManagedTopicSerializer(topic).data)

    @extend_schema(request=None, responses=ManagedTopicSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        topic = services.topic_close(actor=request.user, topic=self.get_object())
        return Response(ManagedTopicSerializer(topic).data)

    @extend_schema(request=ItemWriteSerializer, responses=ItemSerializer)
    @action(detail=True, methods=["post"])
    def items(self, request: Request, pk: str) -> Response:
        """Add an article (JSON ``body``) or a video, audio or document (multipart ``file``)."""
        topic = self.get_object()
        s = ItemWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        if data["kind"] == ItemKind.ARTICLE:
            item = services.item_add_article(actor=request.user, topic=topic, title=data["title"],
                                             body=data.get("body", ""))  # fmt: skip
        else:
            if "file" not in data:
                raise BusinessError("study.file_required", "请上传文件")
            item = services.item_add_file(
                actor=request.user,
                topic=topic,
                kind=data["kind"],
                title=data["title"],
                upload=data["file"],
                duration_seconds=data.get("duration_seconds"),
            )
        return Response(ItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssignmentWriteSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        """Assign to an organisation (``org``, ``include_subtree``) or a member (``member``)."""
        topic = self.get_object()
        s = AssignmentWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        org = member = None
        if data.get("org"):
            org = get_object_or_404(
                scope.restrict(Org.objects.all(), request.user, "study.manage"), pk=data["org"]
            )
        if data.get("member"):
            member = get_object_or_404(
                scope.restrict(Member.objects.active().select_related("org"), request.user, "study.manage"),
                pk=data["member"],
            )
        assignment = services.assignment_add(
            actor=request.user,
            topic=topic,
            org=org,
            member=member,
            include_subtree=data["include_subtree"],
            required=data["required"],
            deadline=data.get("deadline"),
        )
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


class ManagedItemViewSet(mixins.RetrieveModelMixin, ScopedViewSet):
    """A topic's item, for its publisher: change (title, article text, duration) or delete."""

    queryset = TopicItem.objects.select_related("topic", "topic__org", "file")
    serializer_class = ItemDetailSerializer
    permission = "study.manage"
    write_permission = "study.manage"

    @extend_schema(request=ItemUpdateSerializer, responses=ItemDetailSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        item = self.get_object()
        s = ItemUpdateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        item = services.item_update(
            actor=request.user,
            item=item,
            title=data["title"],
            body=data.get("body"),
            duration_seconds=data.get("duration_seconds", item.duration_seconds),
        )
        return Response(ItemDetailSerializer(item).data)

    def destroy(self, request: Request, pk: str) -> Response:
        services.item_delete(actor=request.user, item=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class AssignmentViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Assignments of the topics I manage; withdraw one with DELETE."""

    queryset = TopicAssignment.objects.select_related("topic", "topic__org", "org", "member")
    serializer_class = AssignmentSerializer
    permission = "study.manage"
    write_permission = "study.manage"

    def get_queryset(self) -> QuerySet[TopicAssignment]:
        qs = super().get_queryset().order_by("topic_id", "id")
        topic = self.request.query_params.get("topic", "")
        return qs.filter(topic_id=int(topic)) if topic.isdigit() else qs

    def destroy(self, request: Request, pk: str) -> Response:
        services.assignment_remove(actor=request.user, assignment=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --------------------------------------------------------------------------------------------------------
# Notes


class NoteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """我的笔记: my own notes only (private or shared). Nobody else reads a private note."""

    access = classify.AUTHENTICATED
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = NoteSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[Note]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator's view has no user
            return Note.objects.none()
        return selectors.note_list_annotated(selectors.own_notes(self.request.user), self.request.user)

    @extend_schema(request=NoteWriteSerializer, responses=NoteSerializer)
    def create(self, request: Request) -> Response:
        _member_required(request.user)
        s = NoteWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        note = services.note_create(actor=request.user, **s.validated_data)
        return Response(
            NoteSerializer(self.get_queryset().get(pk=note.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=NoteUpdateSerializer, responses=NoteSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        note = self.get_object()
        s = NoteUpdateSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        services.note_update(actor=request.user, note=note, body=data.get("body", note.body),
                             shared=data.get("shared", note.shared))  # fmt: skip
        return Response(NoteSerializer(self.get_queryset().get(pk=note.pk)).data)

    def destroy(self, request: Request, pk: str) -> Response:
        services.note_delete(actor=request.user, note=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class SharedNoteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """支部笔记: shared notes of my branch (and of the branches in my study.view scope); like and comment."""

    access = classify.AUTHENTICATED
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = NoteSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[Note]:
        if scope.is_admin(self.request.user):
            raise PermissionDenied("三员不查看业务数据")
        qs = selectors.readable_shared_notes(self.request.user)
        return selectors.note_list_annotated(qs, self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        request=None, responses={200: {"type": "object", "properties": {"liked": {"type": "boolean"}}}}
    )
    @action(detail=True, methods=["post"])
    def like(self, request: Request, pk: str) -> Response:
        """Like the note, or take the like back."""
        note = self.get_object()
        _member_required(request.user)
        liked = services.note_like_toggle(actor=request.user, note=note)
        return Response({"liked": liked})

    @extend_schema(methods=["GET"], request=None, responses=CommentSerializer(many=True))
    @extend_schema(methods=["POST"], request=CommentWriteSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)  # every comment, unpaginated
    def comments(self, request: Request, pk: str) -> Response:
        note = self.get_object()
        if request.method == "GET":
            return Response(CommentSerializer(selectors.comments_of(note), many=True).data)
        _member_required(request.user)
        s = CommentWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        comment = services.note_comment_add(actor=request.user, note=note, body=s.validated_data["body"])
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


# --------------------------------------------------------------------------------------------------------
# Statistics (study.view)


class StatsTopicViewSet(mixins.ListModelMixin, ScopedViewSet):
    """学习统计: the topics that concern my study.view scope; ``stats`` gives the rates per organisation."""

    queryset = Topic.objects.select_related("org")
    serializer_class = TopicSerializer
    permission = "study.view"
    write_permission = "study.manage"

    def get_queryset(self) -> QuerySet[Topic]:
        return (
            selectors.stats_topics(self.request.user).select_related("org").order_by("-published_at", "-id")
        )

    @extend_schema(parameters=[OpenApiParameter("org", int)], responses=TopicStatsSerializer)
    @action(detail=True, methods=["get"])
    def stats(self, request: Request, pk: str) -> Response:
        """Participation and completion in ``org`` (default: where my scope meets the topic) and its
        children; the members with their status when ``org`` has no children in scope or is a branch."""
        topic = get_object_or_404(self.get_queryset(), pk=pk)
        org = selectors.stats_org(request.user, request.query_params.get("org"), topic)
        if org is None:
            raise Http404
        total, children = selectors.topic_org_rates(request.user, topic, org)
        members = None
        if not children or org.is_branch_like:
            members = selectors.topic_member_statuses(request.user, topic, org)
        payload = {"topic": topic.pk, "total": total, "children": children, "members": members}
        return Response(TopicStatsSerializer(payload).data)
