"""Serializers of the news API (explicit fields; writes go through plain serializers into the services)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from dangjian.core.models import Job
from dangjian.news.models import Feed, FeedItem, Post, PostPhoto


class NewsEntrySerializer(serializers.Serializer):  # type: ignore[type-arg]
    """One line of the merged list: ``kind`` feed (``link`` opens the original) or post (open by ``id``)."""

    kind = serializers.ChoiceField(choices=["feed", "post"])
    id = serializers.IntegerField()
    title = serializers.CharField()
    at = serializers.DateTimeField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.source
    link = serializers.CharField(source="url", allow_blank=True)


class NewsEntryPageSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """One page of the merged list (the API's page-number pagination)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = NewsEntrySerializer(many=True)


class PhotoSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    url = serializers.SerializerMethodField()
    width = serializers.IntegerField(source="file.width", allow_null=True)
    height = serializers.IntegerField(source="file.height", allow_null=True)

    class Meta:
        model = PostPhoto
        fields = ["id", "caption", "position", "url", "width", "height"]

    def get_url(self, photo: PostPhoto) -> str:
        return reverse("core:file_download", args=[photo.file.public_id])


class PublishedPostSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    org_name = serializers.CharField(source="org.label")
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Post
        fields = ["id", "org", "org_name", "title", "body", "happened_on", "published_at", "photos"]


class PostSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    org_name = serializers.CharField(source="org.label")
    author_name = serializers.CharField(source="author.display_name")
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Post
        fields = [
            "id",
            "org",
            "org_name",
            "title",
            "body",
            "happened_on",
            "status",
            "author",
            "author_name",
            "created_at",
            "updated_at",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_note",
            "published_at",
            "photos",
        ]


class PostCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    org = serializers.IntegerField()
    title = serializers.CharField(max_length=120)
    body = serializers.CharField(max_length=20000)
    happened_on = serializers.DateField()


class PostUpdateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    title = serializers.CharField(max_length=120, required=False)
    body = serializers.CharField(max_length=20000, required=False)
    happened_on = serializers.DateField(required=False)


class PhotoUploadSerializer(serializers.Serializer):  # type: ignore[type-arg]
    photos = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=Post.MAX_PHOTOS)


class ReasonSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(max_length=500)


class FeedSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    item_count = serializers.SerializerMethodField()

    class Meta:
        model = Feed
        fields = [
            "id",
            "name",
            "url",
            "interval_minutes",
            "enabled",
            "last_fetched_at",
            "last_success_at",
            "last_error",
            "last_added",
            "item_count",
        ]

    def get_item_count(self, feed: Feed) -> int:
        count: Any = getattr(feed, "item_count", None)
        return int(count) if count is not None else feed.items.count()


class FeedWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField(max_length=100)
    url = serializers.CharField(max_length=500)
    interval_minutes = serializers.IntegerField(min_value=10, max_value=7 * 24 * 60, default=60)
    enabled = serializers.BooleanField(default=True)


class FeedFetchSerializer(serializers.Serializer):  # type: ignore[type-arg]
    feeds = serializers.ListField(child=serializers.IntegerField(), required=False)


class FeedItemSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    feed_name = serializers.CharField(source="feed.name")

    class Meta:
        model = FeedItem
        fields = [
            "id",
            "feed",
            "feed_name",
            "title",
            "summary",
            "link",
            "author",
            "published_at",
            "fetched_at",
            "hidden",
        ]


class JobSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    percent = serializers.IntegerField()

    class Meta:
        model = Job
        fields = [
            "id",
            "title",
            "status",
            "progress",
            "total",
            "percent",
            "message",
            "result",
            "created_at",
            "finished_at",
        ]
