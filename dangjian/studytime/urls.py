from django.urls import path

from dangjian.studytime import views

app_name = "studytime"
urlpatterns = [
    path("", views.MyHoursView.as_view(), name="my_hours"),
    path("progress/", views.ProgressView.as_view(), name="progress"),
    path("progress/export/", views.ProgressExportView.as_view(), name="progress_export"),
    path("members/<int:pk>/hours/", views.HoursRecordView.as_view(), name="hours_record"),
    path("hours/<int:pk>/revoke/", views.HoursRevokeView.as_view(), name="hours_revoke"),
]
