from django.urls import URLPattern

app_name = "studytime"
urlpatterns: list[URLPattern] = []
