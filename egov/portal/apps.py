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
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from egov.portal.models import LifeEvent

        for signal in (post_save, post_delete):
            signal.connect(receivers.forget_browse_lists, sender=LifeEvent, dispatch_uid="portal")
        m2m_changed.connect(
            receivers.forget_browse_lists,
            sender=LifeEvent.procedures.through,
            dispatch_uid="portal",
        )
        for panel in (panels.citizen_panel,):
            if panel not in views.CITIZEN_PANELS:
                views.CITIZEN_PANELS.insert(0, panel)
        if panels.results_panel not in views.WORKSPACE_PANELS:
            views.WORKSPACE_PANELS.append(panels.results_panel)
