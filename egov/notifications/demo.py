"""Demo data: editable rows for every notification text, so administrators find them in admin."""

from egov.demo.base import DemoLogin
from egov.notifications.actions import seed_notification_templates
from egov.notifications.selectors import missing_templates


def load() -> list[DemoLogin]:
    if missing_templates():
        seed_notification_templates(acting_user=None)
    return []
