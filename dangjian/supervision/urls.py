from django.urls import path

from dangjian.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.BoardView.as_view(), name="board"),
    path("export/", views.BoardExportView.as_view(), name="board_export"),
    path("warnings/", views.WarningListView.as_view(), name="warning_list"),
    path("warnings/<int:pk>/", views.WarningDetailView.as_view(), name="warning_detail"),
    path("warnings/<int:pk>/task/", views.WarningTaskView.as_view(), name="warning_task"),
    path("scan/", views.ScanStartView.as_view(), name="scan_start"),
    path("scan/<int:pk>/", views.ScanJobView.as_view(), name="scan_job"),
    path("rules/", views.RuleListView.as_view(), name="rule_list"),
    path("rules/<str:code>/edit/", views.RuleEditView.as_view(), name="rule_edit"),
    path("tasks/", views.TaskListView.as_view(), name="task_list"),
    path("tasks/new/", views.TaskCreateView.as_view(), name="task_create"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("tasks/<int:pk>/report/", views.TaskReportView.as_view(), name="task_report"),
    path("tasks/<int:pk>/check/", views.TaskCheckView.as_view(), name="task_check"),
    path("duties/", views.DutyListView.as_view(), name="duty_list"),
    path("duties/new/", views.DutyCreateView.as_view(), name="duty_create"),
    path("duties/<int:pk>/", views.DutyDetailView.as_view(), name="duty_detail"),
    path("duties/<int:pk>/end/", views.DutyEndView.as_view(), name="duty_end"),
    path("integrity/", views.integrity_column, name="integrity"),
    path("integrity/add/", views.IntegrityAddView.as_view(), name="integrity_add"),
    path("integrity/<int:pk>/remove/", views.IntegrityRemoveView.as_view(), name="integrity_remove"),
]
