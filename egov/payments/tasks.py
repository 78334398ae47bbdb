import datetime as dt

from egov.infra.periodic import every
from egov.lib.tasks import task
from egov.payments import services
from egov.payments.models import Payment


@task(queue_name="outbox")
def process_refund(refund_id: int) -> str:
    """Ask the gateway to give a payment back (enqueued after the refund is requested)."""
    return services.process_refund(refund_id)


@task(queue_name="default")
def reconcile_payment(reference: str) -> str:
    """Ask the gateway about one payment (the payer came back but the IPN has not)."""
    payment = Payment.objects.filter(reference=reference).first()
    return services.reconcile(payment) if payment is not None else "missing"


@every(dt.timedelta(minutes=5))
@task(queue_name="periodic")
def reconcile_payments() -> dict[str, int]:
    """Query pending payments whose IPN never came, expire abandoned ones, retry refunds."""
    counts = services.reconcile_all()
    for refund_id in services.due_refunds():
        process_refund.enqueue(refund_id)
    return counts
