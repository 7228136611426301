from django.urls import path

from dangjian.members import views

app_name = "members"
urlpatterns = [
    path("", views.MemberListView.as_view(), name="member_list"),
    path("new/", views.MemberCreateView.as_view(), name="member_create"),
    path("<int:pk>/", views.MemberDetailView.as_view(), name="member_detail"),
    path("<int:pk>/edit/", views.MemberEditView.as_view(), name="member_edit"),
    path("<int:pk>/reveal/", views.MemberRevealView.as_view(), name="member_reveal"),
    path("<int:pk>/status/<slug:kind>/", views.MemberStatusView.as_view(), name="member_status"),
]
