from django.urls import path

from dangjian.exams import views

app_name = "exams"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("banks/", views.BankListView.as_view(), name="bank_list"),
    path("banks/template.xlsx", views.ImportTemplateView.as_view(), name="import_template"),
    path("banks/<int:pk>/", views.BankDetailView.as_view(), name="bank_detail"),
    path("banks/<int:pk>/import/", views.BankImportView.as_view(), name="bank_import"),
    path("banks/<int:pk>/export.xlsx", views.BankExportView.as_view(), name="bank_export"),
    path("banks/import-jobs/<int:pk>/", views.ImportJobView.as_view(), name="import_job"),
    path("questions/<int:pk>/edit/", views.QuestionEditView.as_view(), name="question_edit"),
    path("questions/<int:pk>/toggle/", views.QuestionToggleView.as_view(), name="question_toggle"),
    path("papers/", views.PaperListView.as_view(), name="paper_list"),
    path("papers/<int:pk>/", views.PaperDetailView.as_view(), name="paper_detail"),
    path("papers/<int:pk>/copy/", views.PaperCopyView.as_view(), name="paper_copy"),
    path("papers/<int:pk>/preview/", views.PaperPreviewView.as_view(), name="paper_preview"),
    path("new/", views.ExamCreateView.as_view(), name="exam_create"),
    path("<int:pk>/", views.ExamDetailView.as_view(), name="exam_detail"),
    path("<int:pk>/results.xlsx", views.ExamExportView.as_view(), name="exam_export"),
    path("<int:pk>/<str:action>/", views.ExamActionView.as_view(), name="exam_action"),
    path("attempts/<int:pk>/review/", views.AttemptReviewView.as_view(), name="attempt_review"),
    path("grading/", views.GradingView.as_view(), name="grading"),
    path("grading/<int:pk>/", views.AnswerGradeView.as_view(), name="answer_grade"),
    path("mine/", views.MyExamsView.as_view(), name="my_exams"),
    path("mine/<int:pk>/start/", views.ExamStartView.as_view(), name="exam_start"),
    path("attempts/<int:pk>/", views.AttemptView.as_view(), name="attempt"),
    path("attempts/<int:pk>/submit/", views.AttemptSubmitView.as_view(), name="attempt_submit"),
    path("practice/", views.PracticeHomeView.as_view(), name="practice"),
    path("practice/start/", views.PracticeStartView.as_view(), name="practice_start"),
    path("practice/<int:pk>/", views.PracticeDetailView.as_view(), name="practice_detail"),
    path("mistakes/", views.MistakeListView.as_view(), name="mistake_list"),
]
