"""REST API of 党建新鲜事. Reading published news needs only a sign-in; writing posts news.publish; reviewing
news.review over the level above; feeds news.feeds. Writes call the same services as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dangjian.access import classify, scope
from dangjian.access.api import ScopedViewSet
from dangjian.core.api import Pagination
from dangjian.core.errors import BusinessError
from dangjian.core.models import Job
from dangjian.news import selectors, services
from dangjian.news.api.serializers import (
    FeedFetchSerializer,
    FeedItemSerializer,
    FeedSerializer,
    FeedWriteSerializer,
    JobSerializer,
    NewsEntryPageSerializer,
    NewsEntrySerializer,
    PhotoSerializer,
    PhotoUploadSerializer,
    PostCreateSerializer,
    PostSerializer,
    PostUpdateSerializer,
    PublishedPostSerializer,
    ReasonSerializer,
)
from dangjian.news.models import Feed, FeedItem, Post
from dangjian.orgs.models import Org


class NewsItemListView(APIView):
    """党建新鲜事, both kinds merged, newest first; ``kind`` = feed (权威资讯) or post (基层动态)."""

    access = classify.AUTHENTICATED
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("kind", str, enum=["feed", "post"])],
        responses=NewsEntryPageSerializer,
    )
    def get(self, request: Request) -> Response:
        qs = selectors.latest_queryset(kind=request.query_params.get("kind", ""))
        paginator = Pagination()
        page: list[Any] | None = paginator.paginate_queryset(qs, request, view=self)
        rows = [
            dict(zip(("kind", "id", "title", "at", "source", "url"), row, strict=True)) for row in page or []
        ]
        return paginator.get_paginated_response(NewsEntrySerializer(rows, many=True).data)


class PublishedPostViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """基层动态 published to the whole enterprise, with their photos (every signed-in user)."""

    access = classify.AUTHENTICATED
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = PublishedPostSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[Post]:
        return selectors.published_post_list()


class PostViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """稿件: the posts of the organisations the caller publishes for (news.publish), in every state."""

    queryset = Post.objects.select_related("org", "author").prefetch_related("photos__file")
    serializer_class = PostSerializer
    permission = "news.publish"
    write_permission = "news.publish"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[Post]:
        return selectors.post_list_for_publisher(user=self.request.user)

    def _mine(self, pk: Any) -> Post:
        return get_object_or_404(self.get_queryset(), pk=pk)

    def _out(self, post: Post, code: int = status.HTTP_200_OK) -> Response:
        return Response(PostSerializer(self.get_queryset().get(pk=post.pk)).data, status=code)

    @extend_schema(request=PostCreateSerializer, responses=PostSerializer)
    def create(self, request: Request) -> Response:
        s = PostCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        org = get_object_or_404(
            scope.restrict(Org.objects.all(), request.user, "news.publish"), pk=data.pop("org")
        )
        post = services.post_create(actor=request.user, org=org, **data)
        return self._out(post, status.HTTP_201_CREATED)

    @extend_schema(request=PostUpdateSerializer, responses=PostSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        post = self._mine(pk)
        s = PostUpdateSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        return self._out(services.post_update(actor=request.user, post=post, **s.validated_data))

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        services.post_delete(actor=request.user, post=self._mine(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=PostSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self._out(services.post_submit(actor=request.user, post=self._mine(pk)))

    @extend_schema(request=ReasonSerializer, responses=PostSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        post = self._mine(pk)  # out of scope: 404 before any validation
        s = ReasonSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        post = services.post_withdraw(actor=request.user, post=post, reason=s.validated_data["reason"])
        return self._out(post)

    @extend_schema(
        request={"multipart/form-data": PhotoUploadSerializer}, responses=PhotoSerializer(many=True)
    )
    @action(detail=True, methods=["post"])
    def photos(self, request: Request, pk: str) -> Response:
        post = self._mine(pk)
        files = request.FILES.getlist("photos")
        if not files:
            raise BusinessError("news.no_photo", "请选择要上传的图片（字段名 photos）")
        services.post_update(actor=request.user, post=post, photos=files)
        return Response(PhotoSerializer(post.photos.select_related("file"), many=True).data, status=201)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"photos/(?P<photo_id>[0-9]+)", url_name="photo")
    def photo(self, request: Request, pk: str, photo_id: str) -> Response:
        post = self._mine(pk)
        services.post_photo_delete(
            actor=request.user, photo=get_object_or_404(post.photos.all(), pk=photo_id)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """动态审核: posts of the organisations below the caller's news.review grants (not their own).
    ``status`` (default pending; ``all`` for every state) narrows the list."""

    queryset = Post.objects.all()
    serializer_class = PostSerializer
    permission = "news.review"
    write_permission = "news.review"

    def get_queryset(self) -> QuerySet[Post]:
        if self.action == "list":
            wanted = self.request.query_params.get("status", "pending")
            return selectors.post_list_for_reviewer(
                user=self.request.user, status=None if wanted == "all" else wanted
            )
        return selectors.post_list_for_reviewer(user=self.request.user, status=None)

    def _one(self, pk: Any) -> Post:
        return get_object_or_404(self.get_queryset(), pk=pk)

    def _out(self, post: Post) -> Response:
        return Response(PostSerializer(self.get_queryset().get(pk=post.pk)).data)

    @extend_schema(request=None, responses=PostSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._out(services.post_approve(actor=request.user, post=self._one(pk)))

    @extend_schema(request=ReasonSerializer, responses=PostSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_post(self, request: Request, pk: str) -> Response:
        post = self._one(pk)  # out of scope: 404 before any validation
        s = ReasonSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._out(
            services.post_return(actor=request.user, post=post, reason=s.validated_data["reason"])
        )

    @extend_schema(request=ReasonSerializer, responses=PostSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        post = self._one(pk)  # out of scope: 404 before any validation
        s = ReasonSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        post = services.post_withdraw(actor=request.user, post=post, reason=s.validated_data["reason"])
        return self._out(post)


class FeedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """资讯源 (news.feeds): platform configuration, so the grant check alone decides."""

    queryset = Feed.objects.all()
    serializer_class = FeedSerializer
    permission = "news.feeds"
    write_permission = "news.feeds"

    def get_queryset(self) -> QuerySet[Feed]:
        return selectors.feed_list()

    @extend_schema(request=FeedWriteSerializer, responses=FeedSerializer)
    def create(self, request: Request) -> Response:
        s = FeedWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        feed = services.feed_create(actor=request.user, **s.validated_data)
        return Response(
            FeedSerializer(self.get_queryset().get(pk=feed.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=FeedWriteSerializer, responses=FeedSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        feed = get_object_or_404(Feed, pk=pk)
        s = FeedWriteSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        services.feed_update(actor=request.user, feed=feed, **s.validated_data)
        return Response(FeedSerializer(self.get_queryset().get(pk=feed.pk)).data)

    @extend_schema(request=None, responses=JobSerializer)
    @action(detail=True, methods=["post"])
    def fetch(self, request: Request, pk: str) -> Response:
        """Fetch this feed now in the background; follow the job at news/fetch-jobs/{id}/."""
        job = services.feed_fetch_request(actor=request.user, feeds_to_fetch=[get_object_or_404(Feed, pk=pk)])
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=FeedFetchSerializer, responses=JobSerializer, operation_id="v1_news_feeds_fetch_all_create"
    )
    @action(detail=False, methods=["post"], url_path="fetch", url_name="fetch-all")
    def fetch_all(self, request: Request) -> Response:
        """Fetch the given feeds (default: every enabled feed) now in the background."""
        s = FeedFetchSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        ids = s.validated_data.get("feeds")
        chosen = Feed.objects.filter(pk__in=ids) if ids else Feed.objects.filter(enabled=True)
        job = services.feed_fetch_request(actor=request.user, feeds_to_fetch=list(chosen))
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class FetchJobViewSet(mixins.RetrieveModelMixin, ScopedViewSet):
    """The progress and outcome of a fetch job (news.feeds)."""

    queryset = Job.objects.filter(kind=services.FETCH_JOB_KIND)
    serializer_class = JobSerializer
    permission = "news.feeds"

    def get_queryset(self) -> QuerySet[Job]:
        return Job.objects.filter(kind=services.FETCH_JOB_KIND)


class FeedItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Fetched items, hidden ones included (news.feeds); hide or show one again."""

    queryset = FeedItem.objects.all()
    serializer_class = FeedItemSerializer
    permission = "news.feeds"
    write_permission = "news.feeds"

    def get_queryset(self) -> QuerySet[FeedItem]:
        return selectors.feed_item_list(include_hidden=True)

    def _toggle(self, pk: str, hidden: bool) -> Response:
        item = services.feed_item_hide(
            actor=self.request.user, item=get_object_or_404(FeedItem, pk=pk), hidden=hidden
        )
        return Response(FeedItemSerializer(self.get_queryset().get(pk=item.pk)).data)

    @extend_schema(request=None, responses=FeedItemSerializer)
    @action(detail=True, methods=["post"])
    def hide(self, request: Request, pk: str) -> Response:
        return self._toggle(pk, True)

    @extend_schema(request=None, responses=FeedItemSerializer)
    @action(detail=True, methods=["post"])
    def unhide(self, request: Request, pk: str) -> Response:
        return self._toggle(pk, False)
