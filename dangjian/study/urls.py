from django.urls import path

from dangjian.study import views

app_name = "study"
urlpatterns = [
    path("", views.MyStudyView.as_view(), name="my_study"),
    path("topics/<int:pk>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("items/<int:pk>/", views.ItemDetailView.as_view(), name="item_detail"),
    path("items/<int:pk>/file/", views.ItemFileView.as_view(), name="item_file"),
    path("notes/", views.NoteListView.as_view(), name="note_list"),
    path("notes/branch/", views.BranchNoteListView.as_view(), name="branch_notes"),
    path("notes/new/", views.NoteCreateView.as_view(), name="note_create"),
    path("notes/export/", views.NoteExportView.as_view(), name="note_export"),
    path("notes/<int:pk>/", views.NoteDetailView.as_view(), name="note_detail"),
    path("notes/<int:pk>/edit/", views.NoteEditView.as_view(), name="note_edit"),
    path("notes/<int:pk>/delete/", views.NoteDeleteView.as_view(), name="note_delete"),
    path("notes/<int:pk>/like/", views.NoteLikeView.as_view(), name="note_like"),
    path("notes/<int:pk>/comments/", views.NoteCommentView.as_view(), name="note_comment"),
    path("comments/<int:pk>/delete/", views.CommentDeleteView.as_view(), name="comment_delete"),
    path("manage/", views.ManageListView.as_view(), name="manage_list"),
    path("manage/<int:pk>/", views.TopicEditView.as_view(), name="topic_edit"),
    path("manage/<int:pk>/items/", views.ItemAddView.as_view(), name="item_add"),
    path("manage/<int:pk>/assign/", views.AssignmentAddView.as_view(), name="assignment_add"),
    path("manage/<int:pk>/<slug:action>/", views.TopicActionView.as_view(), name="topic_action"),
    path("manage/items/<int:pk>/edit/", views.ItemEditView.as_view(), name="item_edit"),
    path("manage/items/<int:pk>/delete/", views.ItemDeleteView.as_view(), name="item_delete"),
    path(
        "manage/assignments/<int:pk>/delete/", views.AssignmentRemoveView.as_view(), name="assignment_remove"
    ),
    path("stats/", views.StatsListView.as_view(), name="stats"),
    path("stats/<int:pk>/", views.TopicStatsView.as_view(), name="topic_stats"),
    path("stats/<int:pk>/export/", views.TopicStatsExportView.as_view(), name="topic_stats_export"),
]
