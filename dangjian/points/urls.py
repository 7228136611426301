from django.urls import path

from dangjian.points import views

app_name = "points"
urlpatterns = [
    path("", views.MyPointsView.as_view(), name="my_points"),
    path("board/", views.BoardView.as_view(), name="board"),
    path("board/export/", views.BoardExportView.as_view(), name="board_export"),
    path("rules/", views.RuleListView.as_view(), name="rule_list"),
    path("rules/<int:pk>/edit/", views.RuleEditView.as_view(), name="rule_edit"),
    path("adjustments/", views.AdjustmentListView.as_view(), name="adjustment_list"),
    path(
        "adjustments/<int:pk>/<slug:decision>/",
        views.AdjustmentDecideView.as_view(),
        name="adjustment_decide",
    ),
]
