from django.urls import path

from dangjian.accounts import security_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("password/", security_views.password_change, name="password_change"),
    path("mfa/", security_views.mfa, name="mfa"),
    path("tokens/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", security_views.user_list, name="user_list"),
    path("users/<int:pk>/reset-password/", security_views.user_reset_password, name="user_reset_password"),
    path("users/<int:pk>/toggle-active/", security_views.user_toggle_active, name="user_toggle_active"),
    path("policy/", security_views.policy, name="policy"),
]
