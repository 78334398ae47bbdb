from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "egov.payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from egov import views
        from egov.payments import checks  # noqa: F401 (registers the system checks)
        from egov.payments.views import panel

        if panel not in views.CITIZEN_PANELS:
            views.CITIZEN_PANELS.append(panel)
