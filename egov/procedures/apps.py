from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "egov.procedures"
    verbose_name = _("Administrative procedures")

    def ready(self) -> None:
        from egov.procedures import signals  # noqa: F401 (connects the receivers)
