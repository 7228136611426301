from django.urls import path

from dangjian.members import views, views_import

app_name = "members"
urlpatterns = [
    path("", views.MemberListView.as_view(), name="member_list"),
    path("new/", views.MemberCreateView.as_view(), name="member_create"),
    path("import/", views_import.ImportCreateView.as_view(), name="import_create"),
    path("import/template/", views_import.ImportTemplateView.as_view(), name="import_template"),
    path("import/<int:pk>/", views_import.ImportDetailView.as_view(), name="import_detail"),
    path("import/<int:pk>/progress/", views_import.ImportProgressView.as_view(), name="import_progress"),
    path("export/", views_import.MemberExportView.as_view(), name="member_export"),
    path("<int:pk>/", views.MemberDetailView.as_view(), name="member_detail"),
    path("<int:pk>/edit/", views.MemberEditView.as_view(), name="member_edit"),
    path("<int:pk>/reveal/", views.MemberRevealView.as_view(), name="member_reveal"),
    path("<int:pk>/status/<slug:kind>/", views.MemberStatusView.as_view(), name="member_status"),
]
