from django.urls import path

from dangjian.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.OrgTreeView.as_view(), name="org_tree"),
    path("<int:pk>/", views.OrgDetailView.as_view(), name="org_detail"),
    path("<int:pk>/edit/", views.OrgEditView.as_view(), name="org_edit"),
    path("<int:pk>/new-child/", views.OrgCreateView.as_view(), name="org_create"),
    path("<int:pk>/move/", views.OrgMoveView.as_view(), name="org_move"),
    path("<int:pk>/merge/", views.OrgMergeView.as_view(), name="org_merge"),
    path("<int:pk>/positions/new/", views.PositionAssignView.as_view(), name="position_assign"),
    path("positions/<int:pk>/end/", views.PositionEndView.as_view(), name="position_end"),
]
