from django.urls import path

from dangjian.transfers import views

app_name = "transfers"
urlpatterns = [
    path("", views.RegisterView.as_view(), name="register"),
    path("export/", views.RegisterExportView.as_view(), name="register_export"),
    path("new/", views.TransferCreateView.as_view(), name="transfer_create"),
    path("incoming/new/", views.IncomingCreateView.as_view(), name="incoming_create"),
    path("mine/", views.MineView.as_view(), name="mine"),
    path("<int:pk>/", views.TransferDetailView.as_view(), name="transfer_detail"),
    path("<int:pk>/letter.pdf", views.LetterPdfView.as_view(), name="letter_pdf"),
    path("<int:pk>/<slug:action>/", views.TransferActionView.as_view(), name="transfer_action"),
    path("mobile/", views.MobileListView.as_view(), name="mobile_list"),
    path("mobile/new/", views.MobileCreateView.as_view(), name="mobile_create"),
    path("mobile/<int:pk>/", views.MobileDetailView.as_view(), name="mobile_detail"),
    path(
        "mobile/<int:pk>/certificate.pdf", views.MobileCertificatePdfView.as_view(), name="mobile_certificate"
    ),
    path("mobile/<int:pk>/end/", views.MobileEndView.as_view(), name="mobile_end"),
    path("lost-contact/", views.LostContactListView.as_view(), name="lost_contact_list"),
]
