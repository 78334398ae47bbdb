from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "egov.dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from egov import views
        from egov.dossiers import rendering  # noqa: F401 (registers the form renderers)
        from egov.dossiers.panels import citizen_panel, stats_panel, workspace_panel
        from egov.dossiers.signals import dossier_transitioned
        from egov.dossiers.webhooks import on_dossier_transitioned

        if workspace_panel not in views.WORKSPACE_PANELS:
            views.WORKSPACE_PANELS.append(workspace_panel)
        if stats_panel not in views.WORKSPACE_PANELS:
            views.WORKSPACE_PANELS.append(stats_panel)
        if citizen_panel not in views.CITIZEN_PANELS:
            views.CITIZEN_PANELS.append(citizen_panel)
        dossier_transitioned.connect(on_dossier_transitioned, dispatch_uid="egov.dossiers.webhooks")
