"""Online applications' fees, payable through the payments app (kind ``application``).

Level 4 procedures only; paid before submission or once the desk has accepted the dossier,
as the procedure's online setting says. The receipt lands in the payer's document store.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.dossiers.workflow import Status
from egov.lib.problems import Conflict, NotFound
from egov.payments.payables import Payable, PayableType
from egov.portal.actions import APPLICATION_KIND, fee_timing, fees_due
from egov.portal.models import Application, FeeTiming

if TYPE_CHECKING:
    from egov.payments.models import Payment

# A dossier in these states has been accepted and is not finished: its fees may be paid.
_ACCEPTED = {
    Status.IN_PROCESSING,
    Status.SUPPLEMENT_REQUESTED,
    Status.CONSULTING,
    Status.WAITING_FOR_APPLICANT,
    Status.APPROVED,
    Status.RESULT_READY,
}


def _application(ref: str) -> Application | None:
    try:
        public_id = uuid.UUID(str(ref))
    except ValueError:
        return None
    return (
        Application.objects.select_related("procedure", "procedure__agency", "dossier")
        .filter(public_id=public_id)
        .first()
    )


class ApplicationFees(PayableType):
    kind = APPLICATION_KIND
    label = gettext_lazy("Fees of an online application")

    def resolve(self, user: Any, ref: str) -> Payable:
        application = _application(ref)
        if application is None or application.applicant_id != getattr(user, "pk", None):
            raise NotFound()
        procedure = application.procedure
        amount = fees_due(procedure)
        if amount <= 0:
            raise Conflict(
                _("Nothing is to be paid online for this procedure."), code="nothing_due"
            )
        if application.fee_paid_at is not None:
            raise Conflict(_("This fee has already been paid."), code="already_paid")
        dossier = application.dossier
        if fee_timing(procedure) == FeeTiming.AFTER_ACCEPTANCE and (
            dossier is None or dossier.status not in _ACCEPTED
        ):
            raise Conflict(
                _("The fees are paid once the desk has accepted the dossier."), code="not_yet_due"
            )
        if dossier is not None and dossier.status not in _ACCEPTED | {Status.SUBMITTED}:
            raise Conflict(_("This dossier no longer takes payments."), code="dossier_closed")
        agency = dossier.receiving_agency if dossier else procedure.agency
        return Payable(
            kind=self.kind,
            ref=application.ref,
            amount=amount,
            description=f"Phí, lệ phí: {procedure.name}"[:255],
            beneficiary=agency.name if agency else "",
            url=application.get_absolute_url(),
        )

    def on_paid(self, payment: Payment) -> None:
        Application.objects.filter(public_id=payment.payable_ref, fee_paid_at__isnull=True).update(
            fee_paid_at=payment.paid_at, payment_reference=payment.reference
        )
        reference = payment.reference
        transaction.on_commit(lambda: _keep_receipt_later(reference))

    def on_refunded(self, payment: Payment) -> None:
        from django.utils import timezone

        Application.objects.filter(public_id=payment.payable_ref).update(
            fee_refunded_at=timezone.now()
        )

    def may_refund(self, user: Any, payment: Payment) -> bool:
        from egov.dossiers.permissions import is_desk_clerk

        application = _application(payment.payable_ref)
        return bool(
            application is not None
            and application.dossier is not None
            and is_desk_clerk(user, application.dossier)
        )


def _keep_receipt_later(reference: str) -> None:
    from egov.portal.tasks import keep_payment_receipt

    keep_payment_receipt.enqueue(reference)
