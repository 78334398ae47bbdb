import datetime as dt

from egov.documents.actions import send_deadline_reminders
from egov.documents.selectors import reminders_due
from egov.infra.periodic import every
from egov.lib.tasks import task


@every(dt.timedelta(hours=1))
@task(queue_name="periodic")
def remind_document_deadlines() -> int:
    """Remind handlers of incoming documents whose deadline is near or past (once each)."""
    due_soon, overdue = reminders_due()
    if not due_soon and not overdue:
        return 0
    return send_deadline_reminders(acting_user=None, due_soon=due_soon, overdue=overdue)
