from django.urls import path

from dangjian.access import admin_views

app_name = "access"
urlpatterns = [
    path("grants/", admin_views.grant_list, name="grant_list"),
    path("grants/<int:pk>/delete/", admin_views.grant_delete, name="grant_delete"),
]
