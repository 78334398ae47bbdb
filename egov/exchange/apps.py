from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "egov.exchange"
    verbose_name = _("Document exchange (edXML)")

    def ready(self) -> None:
        from egov import views
        from egov.exchange import checks  # noqa: F401 (registers the system checks)
        from egov.exchange.views import requests_panel

        if requests_panel not in views.WORKSPACE_PANELS:
            views.WORKSPACE_PANELS.append(requests_panel)
        if apps.is_installed("egov.documents"):
            from django.db.models.signals import post_save

            from egov.documents.models import Document
            from egov.documents.seams import documents_to_exchange
            from egov.exchange.documents import on_document_saved, on_documents_to_exchange

            documents_to_exchange.connect(on_documents_to_exchange, dispatch_uid="exchange-send")
            post_save.connect(on_document_saved, sender=Document, dispatch_uid="exchange-status")
