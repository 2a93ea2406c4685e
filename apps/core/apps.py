from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = "Core"

    def ready(self) -> None:
        from apps.core import batching  # noqa: F401  (registers the in_array lookup)
