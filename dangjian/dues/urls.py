from django.urls import path

from dangjian.dues import views

app_name = "dues"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("orgs/<int:pk>/ledger.xlsx", views.LedgerExportView.as_view(), name="ledger_export"),
    path("branches/<int:pk>/", views.BranchView.as_view(), name="branch"),
    path("branches/<int:pk>/generate/", views.BillsGenerateView.as_view(), name="bills_generate"),
    path("branches/<int:pk>/propose/", views.FixingsProposeView.as_view(), name="fixings_propose"),
    path("branches/<int:pk>/confirm-all/", views.FixingsConfirmAllView.as_view(), name="fixings_confirm_all"),
    path("branches/<int:pk>/reconcile/", views.ReconcileView.as_view(), name="reconcile"),
    path("jobs/<int:pk>/", views.JobView.as_view(), name="job"),
    path("members/<int:pk>/", views.MemberView.as_view(), name="member"),
    path("members/<int:pk>/profile/", views.ProfileEditView.as_view(), name="profile_edit"),
    path("members/<int:pk>/refix/", views.RefixView.as_view(), name="refix"),
    path("members/<int:pk>/pay/", views.PaymentRecordView.as_view(), name="payment_record"),
    path("members/<int:pk>/reduction/", views.ReductionCreateView.as_view(), name="reduction_create"),
    path("fixings/<int:pk>/confirm/", views.FixingConfirmView.as_view(), name="fixing_confirm"),
    path("payments/", views.PaymentListView.as_view(), name="payment_list"),
    path("payments/<int:pk>/", views.PaymentDetailView.as_view(), name="payment_detail"),
    path("payments/<int:pk>/confirm/", views.PaymentConfirmView.as_view(), name="payment_confirm"),
    path("payments/<int:pk>/approve/", views.PaymentApproveView.as_view(), name="payment_approve"),
    path("payments/<int:pk>/reject/", views.PaymentRejectView.as_view(), name="payment_reject"),
    path("payments/<int:pk>/receipt.pdf", views.ReceiptView.as_view(), name="receipt"),
    path("reductions/", views.ReductionListView.as_view(), name="reduction_list"),
    path("reductions/<int:pk>/decide/", views.ReductionDecideView.as_view(), name="reduction_decide"),
    path("campaigns/", views.CampaignListView.as_view(), name="campaign_list"),
    path("publications/", views.PublicationListView.as_view(), name="publication_list"),
    path("calculator/", views.CalculatorView.as_view(), name="calculator"),
    path("mine/", views.MyDuesView.as_view(), name="mine"),
]
