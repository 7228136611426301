"""The REST API under /api/v1/, its OpenAPI schema and Swagger UI (served locally)."""

from typing import Any

from django.urls import include, path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from dangjian.access import classify
from dangjian.core.middleware import CONTENT_SECURITY_POLICY
from dangjian.members.api.views import ImportJobViewSet, MemberViewSet, StatusChangeViewSet
from dangjian.orgs.api.views import OrgViewSet, PositionViewSet
from dangjian.points.api.views import BoardView, MyPointsView, PointAdjustmentViewSet, PointRuleViewSet

router = DefaultRouter()
router.register("orgs", OrgViewSet, basename="org")
router.register("positions", PositionViewSet, basename="position")
router.register("members", MemberViewSet, basename="member")
router.register("status-changes", StatusChangeViewSet, basename="statuschange")
router.register("imports", ImportJobViewSet, basename="import")
router.register("points/rules", PointRuleViewSet, basename="pointrule")
router.register("points/adjustments", PointAdjustmentViewSet, basename="pointadjustment")
router.APIRootView.access = classify.AUTHENTICATED  # type: ignore[attr-defined]


class SchemaView(SpectacularAPIView):
    access = classify.PUBLIC


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI, served locally. Its bundle sets inline styles, so this one page allows them (styles
    only; scripts stay 'self')."""

    access = classify.PUBLIC

    @extend_schema(exclude=True)
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().get(request, *args, **kwargs)  # type: ignore[no-untyped-call]
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'"
        )
        return response


urlpatterns = [
    path("v1/points/me/", MyPointsView.as_view(), name="points-me"),
    path("v1/points/board/", BoardView.as_view(), name="points-board"),
    path("v1/", include("dangjian.points.api.urls")),
    path("v1/", include("dangjian.studytime.api.urls")),
    path("v1/", include("dangjian.study.api.urls")),
    path("v1/", include("dangjian.school.api.urls")),
    path("v1/", include("dangjian.news.api.urls")),
    path("v1/", include("dangjian.meetings.api.urls")),
    path("v1/", include("dangjian.appraisal.api.urls")),
    path("v1/", include("dangjian.exams.api.urls")),
    path("v1/", include("dangjian.dues.api.urls")),
    path("v1/", include("dangjian.transfers.api.urls")),
    path("v1/", include("dangjian.development.api.urls")),
    path("v1/", include("dangjian.mailbox.api.urls")),
    path("v1/", include("dangjian.supervision.api.urls")),
    path("v1/", include(router.urls)),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="schema"), name="swagger-ui"),
]
