from django.urls import path

from dangjian.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.MeetingListView.as_view(), name="meeting_list"),
    path("new/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("<int:pk>/edit/", views.MeetingEditView.as_view(), name="meeting_edit"),
    path("<int:pk>/record/", views.MeetingRecordView.as_view(), name="meeting_record"),
    path("<int:pk>/cancel/", views.MeetingCancelView.as_view(), name="meeting_cancel"),
    path("<int:pk>/checkin/open/", views.CheckinOpenView.as_view(), name="checkin_open"),
    path("<int:pk>/checkin/close/", views.CheckinCloseView.as_view(), name="checkin_close"),
    path("<int:pk>/checkin/screen/", views.CheckinScreenView.as_view(), name="checkin_screen"),
    path("<int:pk>/attachments/", views.AttachmentAddView.as_view(), name="attachment_add"),
    path("<int:pk>/review/", views.MeetingReviewView.as_view(), name="meeting_review"),
    path("<int:pk>/revise/", views.MeetingReviseView.as_view(), name="meeting_revise"),
    path("<int:pk>/versions/<int:number>/", views.MeetingVersionView.as_view(), name="meeting_version"),
    path("<int:pk>/record.docx", views.MeetingDocxView.as_view(), name="meeting_docx"),
    path("<int:pk>/record.pdf", views.MeetingPdfView.as_view(), name="meeting_pdf"),
    path("<int:pk>/signin.docx", views.SigninSheetView.as_view(), name="signin_docx"),
    path("attendance/<int:pk>/", views.AttendanceUpdateView.as_view(), name="attendance_update"),
    path("plan/<int:pk>/", views.PlanView.as_view(), name="plan"),
    path("plan/<int:pk>/generate/", views.PlanGenerateView.as_view(), name="plan_generate"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("compliance/<int:pk>/", views.ComplianceBranchView.as_view(), name="compliance_branch"),
    path("mine/", views.MyMeetingsView.as_view(), name="my_meetings"),
    path("calendar/feed/", views.CalendarFeedView.as_view(), name="calendar_feed"),
    path("calendar/feed/revoke/", views.CalendarFeedRevokeView.as_view(), name="calendar_feed_revoke"),
    path("calendar.ics", views.CalendarIcsView.as_view(), name="calendar_ics"),
    path("checkin/<str:token>/", views.CheckinTokenView.as_view(), name="checkin_token"),
]
