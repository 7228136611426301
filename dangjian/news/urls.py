from django.urls import URLPattern

app_name = "news"
urlpatterns: list[URLPattern] = []
