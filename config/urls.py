"""The URL map. Every view here declares its access class (see dangjian/access/classify.py)."""

from django.urls import include, path

from dangjian.studytime.api.urls import heartbeat_urlpatterns

urlpatterns = [
    *heartbeat_urlpatterns,  # first: the busiest endpoint (dangjian/studytime/api/urls.py)
    path("", include("dangjian.core.urls")),
    path("accounts/", include("dangjian.accounts.urls")),
    path("orgs/", include("dangjian.orgs.urls")),
    path("members/", include("dangjian.members.urls")),
    path("points/", include("dangjian.points.urls")),
    path("studytime/", include("dangjian.studytime.urls")),
    path("study/", include("dangjian.study.urls")),
    path("school/", include("dangjian.school.urls")),
    path("news/", include("dangjian.news.urls")),
    path("meetings/", include("dangjian.meetings.urls")),
    path("appraisal/", include("dangjian.appraisal.urls")),
    path("exams/", include("dangjian.exams.urls")),
    path("dues/", include("dangjian.dues.urls")),
    path("transfers/", include("dangjian.transfers.urls")),
    path("development/", include("dangjian.development.urls")),
    path("mailbox/", include("dangjian.mailbox.urls")),
    path("supervision/", include("dangjian.supervision.urls")),
    path("access/", include("dangjian.access.urls")),
    path("audit/", include("dangjian.audit.urls")),
    path("api/", include("dangjian.core.api_urls")),
]

handler404 = "dangjian.core.views.error_404"
handler403 = "dangjian.core.views.error_403"
handler500 = "dangjian.core.views.error_500"
