from django.urls import path

from dangjian.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.entry_list, name="entry_list"),
    path("export/", views.entry_export, name="entry_export"),
]
