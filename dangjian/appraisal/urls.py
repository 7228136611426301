from django.urls import path

from dangjian.appraisal import views

app_name = "appraisal"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("mine/", views.MineView.as_view(), name="mine"),
    path("new/", views.AppraisalCreateView.as_view(), name="appraisal_create"),
    path("<int:pk>/", views.AppraisalDetailView.as_view(), name="appraisal_detail"),
    path("<int:pk>/close/", views.AppraisalCloseView.as_view(), name="appraisal_close"),
    path("<int:pk>/propose/", views.ProposeView.as_view(), name="appraisal_propose"),
    path("<int:pk>/confirm/", views.AppraisalConfirmView.as_view(), name="appraisal_confirm"),
    path("<int:pk>/file/", views.AppraisalFileView.as_view(), name="appraisal_file"),
    path("<int:pk>/tally.xlsx", views.TallyExportView.as_view(), name="tally_export"),
    path("<int:pk>/self-assessment/", views.SelfAssessmentView.as_view(), name="self_assessment"),
    path("<int:pk>/ballot/", views.BallotView.as_view(), name="ballot"),
    path(
        "participants/<int:pk>/exclude/", views.ParticipantExcludeView.as_view(), name="participant_exclude"
    ),
    path("participants/<int:pk>/follow-ups/", views.FollowUpCreateView.as_view(), name="follow_up_create"),
    path("follow-ups/<int:pk>/close/", views.FollowUpCloseView.as_view(), name="follow_up_close"),
    path("life-meetings/new/", views.LifeMeetingCreateView.as_view(), name="life_meeting_create"),
    path("life-meetings/<int:pk>/", views.LifeMeetingDetailView.as_view(), name="life_meeting_detail"),
    path("life-meetings/<int:pk>/edit/", views.LifeMeetingEditView.as_view(), name="life_meeting_edit"),
    path("life-meetings/<int:pk>/talks/", views.TalkCreateView.as_view(), name="talk_create"),
    path("life-meetings/<int:pk>/mine/", views.MyExaminationView.as_view(), name="my_examination"),
    path("talks/<int:pk>/delete/", views.TalkDeleteView.as_view(), name="talk_delete"),
    path("examinations/<int:pk>/review/", views.ExaminationReviewView.as_view(), name="examination_review"),
]
