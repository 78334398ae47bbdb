from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "egov.workdays"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        from egov.workdays import signals  # noqa: F401
