"""API routes of 党建新鲜事, included under /api/v1/ by dangjian/core/api_urls.py."""

from typing import Any

from django.urls import path
from rest_framework.routers import SimpleRouter

from dangjian.news.api import views

router = SimpleRouter()
router.register("news/published", views.PublishedPostViewSet, basename="news-published")
router.register("news/posts", views.PostViewSet, basename="news-post")
router.register("news/reviews", views.ReviewViewSet, basename="news-review")
router.register("news/feeds", views.FeedViewSet, basename="news-feed")
router.register("news/fetch-jobs", views.FetchJobViewSet, basename="news-fetch-job")
router.register("news/feed-items", views.FeedItemViewSet, basename="news-feed-item")

urlpatterns: list[Any] = [
    path("news/items/", views.NewsItemListView.as_view(), name="news-item-list"),
    *router.urls,
]
