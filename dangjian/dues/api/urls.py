"""API routes of 党费, included under /api/v1/ by dangjian/core/api_urls.py."""

from typing import Any

from django.urls import path
from rest_framework.routers import SimpleRouter

from dangjian.dues.api import views

router = SimpleRouter()
router.register("dues/bills", views.BillViewSet, basename="dues-bill")
router.register("dues/payments", views.PaymentViewSet, basename="dues-payment")
router.register("dues/reductions", views.ReductionViewSet, basename="dues-reduction")

urlpatterns: list[Any] = [
    path("dues/calculator/", views.CalculatorView.as_view(), name="dues-calculator"),
    path("dues/generate/", views.GenerateView.as_view(), name="dues-generate"),
    *router.urls,
]
