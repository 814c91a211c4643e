"""The site itself: settings, URLs, the Celery app, the login lock-out and its system checks."""

from django.apps import AppConfig


class ReferatConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "referat"

    def ready(self) -> None:
        # Registers the checks with Django's registry.
        from referat import checks  # noqa: F401
