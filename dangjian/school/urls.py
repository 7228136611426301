from django.urls import path

from dangjian.school import views

app_name = "school"
urlpatterns = [
    path("", views.MyCoursesView.as_view(), name="my_courses"),
    path("courses/<int:pk>/", views.CourseDetailView.as_view(), name="course_detail"),
    path("courses/<int:pk>/enrol/", views.CourseEnrolView.as_view(), name="course_enrol"),
    path("lessons/<int:pk>/", views.LessonDetailView.as_view(), name="lesson_detail"),
    path("lessons/<int:pk>/pdf/", views.LessonPdfView.as_view(), name="lesson_pdf"),
    path("enrolments/<int:pk>/certificate/", views.CertificateView.as_view(), name="certificate"),
    path("manage/", views.ManageListView.as_view(), name="manage_list"),
    path("manage/new/", views.CourseCreateView.as_view(), name="course_create"),
    path("manage/<int:pk>/", views.CourseEditView.as_view(), name="course_edit"),
    path("manage/<int:pk>/status/<slug:action>/", views.CourseStatusView.as_view(), name="course_status"),
    path("manage/<int:pk>/chapters/new/", views.ChapterCreateView.as_view(), name="chapter_create"),
    path("manage/<int:pk>/assign/", views.CourseAssignView.as_view(), name="course_assign"),
    path("manage/chapters/<int:pk>/lessons/new/", views.LessonCreateView.as_view(), name="lesson_create"),
    path("manage/lessons/<int:pk>/delete/", views.LessonDeleteView.as_view(), name="lesson_delete"),
    path("stats/", views.StatsListView.as_view(), name="stats"),
    path("stats/<int:pk>/", views.CourseStatsView.as_view(), name="course_stats"),
    path("stats/<int:pk>/export/", views.CourseStatsExportView.as_view(), name="course_stats_export"),
]
