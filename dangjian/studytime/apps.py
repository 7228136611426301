from django.apps import AppConfig


class StudytimeConfig(AppConfig):
    name = "dangjian.studytime"
    verbose_name = "学习时长与学时"
