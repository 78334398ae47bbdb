"""Object access for payments: the payer sees their own; a system administrator sees all.

Anyone else gets the same 404 as for a payment that does not exist.
"""

from __future__ import annotations

from typing import Any

from egov.lib.problems import NotFound
from egov.org.selectors import is_system_admin
from egov.payments.models import Payment


def access_payment(user: Any, reference: str) -> Payment:
    payment = Payment.objects.select_related("payer").filter(reference=reference).first()
    if payment is None or not getattr(user, "is_authenticated", False):
        raise NotFound()
    if payment.payer_id == user.pk:
        return payment
    if is_system_admin(user):
        return payment
    raise NotFound()
