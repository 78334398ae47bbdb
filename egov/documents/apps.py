from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "egov.documents"
    verbose_name = _("Official documents")

    def ready(self) -> None:
        from egov import views
        from egov.documents import search  # noqa: F401 (connects the search index)
        from egov.documents.views import waiting_panel

        if waiting_panel not in views.WORKSPACE_PANELS:
            views.WORKSPACE_PANELS.append(waiting_panel)
