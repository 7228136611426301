from django.urls import path

from dangjian.development import views

app_name = "development"
urlpatterns = [
    path("", views.BoardView.as_view(), name="board"),
    path("list/", views.ListView.as_view(), name="list"),
    path("list.xlsx", views.ExportView.as_view(), name="export"),
    path("new/", views.CreateView.as_view(), name="create"),
    path("practice/", views.PracticeView.as_view(), name="practice"),
    path("<int:pk>/", views.DetailView.as_view(), name="detail"),
    path("<int:pk>/step/", views.StepView.as_view(), name="step"),
    path("<int:pk>/vote/", views.VoteView.as_view(), name="vote"),
    path("<int:pk>/approve/", views.ApproveView.as_view(), name="approve"),
    path("<int:pk>/records/", views.RecordView.as_view(), name="record"),
    path("<int:pk>/documents/", views.DocumentView.as_view(), name="document"),
    path("<int:pk>/close/", views.CloseView.as_view(), name="close"),
]
