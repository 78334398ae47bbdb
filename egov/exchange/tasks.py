"""Background delivery of the edXML outbox (queue ``outbox``)."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.conf import settings

from egov.exchange import transport
from egov.infra.periodic import every
from egov.lib.tasks import task


@task(queue_name="outbox")
def deliver_outbox_item(item_id: int) -> str | None:
    """Enqueued after the commit that created the item; retries come from the sweep."""
    return transport.deliver(item_id)


# Read once at import: the scheduler's table is built when the worker loads the tasks.
@every(dt.timedelta(seconds=settings.EXCHANGE_SWEEP_SECONDS))
@task(queue_name="outbox")
def sweep_outbox() -> int:
    """Deliver every item whose next attempt is due (retries, and anything a crash left)."""
    return transport.process_outbox()


@every(dt.timedelta(seconds=settings.EXCHANGE_SWEEP_SECONDS))
@task(queue_name="outbox")
def sweep_documents_outbox() -> int:
    """Documents waiting for the exchange that no signal handler took (e.g. after a crash)."""
    if not apps.is_installed("egov.documents"):
        return 0
    from egov.exchange.documents import sweep_documents

    return sweep_documents()


@task(queue_name="outbox")
def report_incoming_progress(transmission_id: int) -> list[str]:
    """Tell the sender how far a received document has got (enqueued after its change)."""
    from egov.exchange.documents import report_progress

    return report_progress(transmission_id)


@every(dt.timedelta(seconds=settings.EXCHANGE_SWEEP_SECONDS))
@task(queue_name="outbox")
def sweep_incoming_progress() -> int:
    """Statuses of received documents that no task reported (e.g. after a crash)."""
    if not apps.is_installed("egov.documents"):
        return 0
    from egov.exchange.documents import sweep_incoming_progress as sweep

    return sweep()
