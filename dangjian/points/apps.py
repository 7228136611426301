from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "dangjian.points"
    verbose_name = "积分"

    def ready(self) -> None:
        from dangjian.points import services

        services.connect_signals()
