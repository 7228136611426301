from django.urls import path

from dangjian.core import views, views_files

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("files/<str:token>/", views_files.file_download, name="file_download"),
]
