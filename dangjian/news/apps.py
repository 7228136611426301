from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "dangjian.news"
    verbose_name = "党建新鲜事"
