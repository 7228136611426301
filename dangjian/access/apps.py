from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "dangjian.access"
    verbose_name = "权限"

    def ready(self) -> None:
        from dangjian.access import schema  # noqa: F401  (registers the OpenAPI auth extension)
