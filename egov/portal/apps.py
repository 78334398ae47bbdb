from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "egov.portal"
    verbose_name = _("Citizen portal")

    def ready(self) -> None:
        from egov import views
        from egov.dossiers.signals import dossier_transitioned
        from egov.payments.payables import register_payable
        from egov.portal import panels, payables, receivers

        register_payable(payables.ApplicationFees())
        dossier_transitioned.connect(receivers.on_dossier_transition, dispatch_uid="portal")
        for panel in (panels.citizen_panel,):
            if panel not in views.CITIZEN_PANELS:
                views.CITIZEN_PANELS.insert(0, panel)
        if panels.results_panel not in views.WORKSPACE_PANELS:
            views.WORKSPACE_PANELS.append(panels.results_panel)
