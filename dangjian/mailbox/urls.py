from django.urls import path

from dangjian.mailbox import views

app_name = "mailbox"
urlpatterns = [
    path("", views.InboxView.as_view(), name="index"),
    path("write/", views.letter_write, name="write"),
    path("report/", views.snapshot_new, name="snapshot_new"),
    path("receipt/", views.receipt, name="receipt"),
    path("receipt/add/", views.receipt_add, name="receipt_add"),
    path("letters/<uuid:pk>/", views.LetterDetailView.as_view(), name="letter_detail"),
    path("letters/<uuid:pk>/task/", views.LetterTaskView.as_view(), name="letter_task"),
    path(
        "letters/<uuid:pk>/<str:action>/",
        views.LetterActionView.as_view(),
        name="letter_action",
    ),
    path("snapshots/", views.SnapshotListView.as_view(), name="snapshot_list"),
    path("snapshots/<uuid:pk>/", views.SnapshotDetailView.as_view(), name="snapshot_detail"),
    path("snapshots/<uuid:pk>/advance/", views.SnapshotAdvanceView.as_view(), name="snapshot_advance"),
    path("snapshots/<uuid:pk>/task/", views.SnapshotTaskView.as_view(), name="snapshot_task"),
    path("categories/", views.CategoryListView.as_view(), name="category_list"),
    path("categories/<int:pk>/", views.CategoryEditView.as_view(), name="category_edit"),
]
