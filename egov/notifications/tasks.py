import datetime as dt

from egov.infra.periodic import every
from egov.lib.tasks import task
from egov.notifications import outbox


@task(queue_name="outbox")
def deliver_message(message_id: int) -> str:
    """Send one outgoing e-mail or SMS (enqueued after the notifying action commits)."""
    return outbox.deliver_one(message_id)


@every(dt.timedelta(minutes=1))
@task(queue_name="periodic")
def sweep_outbox() -> int:
    """Retry what is due, release what got stuck, pick up what lost its task."""
    return len(outbox.sweep())
