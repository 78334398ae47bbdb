from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "egov.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from egov import views
        from egov.notifications import checks  # noqa: F401 (registers the system checks)
        from egov.notifications.views import panel

        # Every app declares its events in <app>/notification_events.py.
        autodiscover_modules("notification_events")
        for panels in (views.CITIZEN_PANELS, views.WORKSPACE_PANELS):
            if panel not in panels:
                panels.append(panel)
