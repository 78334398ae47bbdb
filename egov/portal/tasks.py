"""Background work of the portal (queue ``default``)."""

from __future__ import annotations

from egov.lib.tasks import task


@task(queue_name="default")
def keep_payment_receipt(reference: str) -> None:
    """Put the receipt of a paid application into the payer's document store."""
    from egov.portal.actions import keep_receipt

    keep_receipt(acting_user=None, reference=reference)
