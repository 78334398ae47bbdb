from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class InfraConfig(AppConfig):
    name = "egov.infra"
    verbose_name = _("Platform plumbing")

    def ready(self) -> None:
        # Register every action and every (periodic) task of every app up front, so registries
        # are complete whichever module a process happens to import first.
        autodiscover_modules("actions")
        autodiscover_modules("tasks")
