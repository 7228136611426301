from django.urls import path

from dangjian.news import views

app_name = "news"
urlpatterns = [
    path("", views.NewsIndexView.as_view(), name="index"),
    path("posts/<int:pk>/", views.PostDetailView.as_view(), name="post_detail"),
    path("posts/mine/", views.PostManageView.as_view(), name="post_manage"),
    path("posts/new/", views.PostCreateView.as_view(), name="post_create"),
    path("posts/<int:pk>/edit/", views.PostEditView.as_view(), name="post_edit"),
    path("posts/<int:pk>/submit/", views.PostSubmitView.as_view(), name="post_submit"),
    path("posts/<int:pk>/delete/", views.PostDeleteView.as_view(), name="post_delete"),
    path("posts/<int:pk>/approve/", views.PostApproveView.as_view(), name="post_approve"),
    path("posts/<int:pk>/return/", views.PostReturnView.as_view(), name="post_return"),
    path("posts/<int:pk>/withdraw/", views.PostWithdrawView.as_view(), name="post_withdraw"),
    path("photos/<int:pk>/delete/", views.PhotoDeleteView.as_view(), name="photo_delete"),
    path("review/", views.ReviewListView.as_view(), name="review_list"),
    path("feeds/", views.FeedListView.as_view(), name="feed_list"),
    path("feeds/<int:pk>/edit/", views.FeedEditView.as_view(), name="feed_edit"),
    path("feeds/fetch/", views.FeedFetchView.as_view(), name="feed_fetch"),
    path("feeds/jobs/<int:pk>/", views.FetchJobView.as_view(), name="fetch_job"),
    path("items/<int:pk>/hide/", views.FeedItemHideView.as_view(), name="item_hide"),
]
