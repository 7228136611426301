"""API routes of 书记信箱与随手拍, included under /api/v1/ by dangjian/core/api_urls.py."""

from typing import Any

from django.urls import path
from rest_framework.routers import SimpleRouter

from dangjian.mailbox.api import views

router = SimpleRouter()
router.register("mailbox/letters", views.LetterViewSet, basename="mailbox-letter")
router.register("mailbox/snapshots", views.SnapshotViewSet, basename="mailbox-snapshot")
router.register("mailbox/categories", views.CategoryViewSet, basename="mailbox-category")

urlpatterns: list[Any] = [
    path("mailbox/submit/letter/", views.LetterSubmitView.as_view(), name="mailbox-submit-letter"),
    path("mailbox/submit/snapshot/", views.SnapshotSubmitView.as_view(), name="mailbox-submit-snapshot"),
    path("mailbox/receipt/", views.ReceiptView.as_view(), name="mailbox-receipt"),
    path("mailbox/receipt/add/", views.ReceiptAddView.as_view(), name="mailbox-receipt-add"),
    path("mailbox/letters/signed/", views.SignedLetterView.as_view(), name="mailbox-letter-signed"),
    *router.urls,
]
