"""API routes of 组织关系转接, included under /api/v1/ by dangjian/core/api_urls.py."""

from typing import Any

from rest_framework.routers import SimpleRouter

from dangjian.transfers.api import views

router = SimpleRouter()
router.register("transfers/transfers", views.TransferViewSet, basename="transfer")
router.register("transfers/mobile", views.MobileViewSet, basename="transfer-mobile")

urlpatterns: list[Any] = [*router.urls]
