"""What can be paid online: the seam between the payments app and the apps that charge fees.

An app registers a ``PayableType`` for each kind of thing it charges for (the dossiers app: a
dossier's fees). The payments app never imports those apps; it asks the registry::

    from egov.payments.payables import Payable, PayableType, register_payable

    class DossierFees(PayableType):
        kind = "dossier"
        label = _("Dossier fees")

        def resolve(self, user, ref):
            dossier = access_dossier(user, ref)          # NotFound for someone else's
            if dossier.fee_due <= 0:
                raise Conflict(_("Nothing is due for this dossier."))
            return Payable(kind=self.kind, ref=dossier.code, amount=dossier.fee_due,
                           description=f"Lệ phí hồ sơ {dossier.code}",
                           beneficiary=dossier.agency.name)

        def on_paid(self, payment):                      # inside the payment's transaction
            Dossier.objects.filter(code=payment.payable_ref).update(fee_paid_at=payment.paid_at)

    register_payable(DossierFees())

``resolve`` is asked again at checkout, so a changed amount is noticed before the citizen pays.
``on_paid`` and ``on_refunded`` run inside the payment's transaction (keep them to database
writes; put anything external in ``transaction.on_commit``). Refunds: the owning app calls the
``egov.payments.actions.refund_payment`` action (e.g. when a paid dossier is refused) and may
allow its own staff to do so through ``may_refund``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.lib.problems import Conflict, Message, NotFound

if TYPE_CHECKING:
    from egov.payments.models import Payment


@dataclass(frozen=True)
class Payable:
    kind: str
    ref: str
    amount: int  # VND, whole đồng
    description: str  # Vietnamese, printed on the receipt
    beneficiary: str = ""  # the agency that receives the money
    url: str = ""  # where the payer sees the paid object


class PayableType:
    kind: ClassVar[str]
    label: ClassVar[Message]

    def resolve(self, user: Any, ref: str) -> Payable:
        """What ``user`` owes for ``ref``. NotFound if it doesn't exist or isn't theirs to pay,
        Conflict if nothing is due."""
        raise NotImplementedError

    def on_paid(self, payment: Payment) -> None:
        """The payment succeeded (called once, in its transaction)."""

    def on_refunded(self, payment: Payment) -> None:
        """The payment was given back (called once, in the refund's transaction)."""

    def may_refund(self, user: Any, payment: Payment) -> bool:
        """May ``user`` (a civil servant of the owning app) have the payment refunded?"""
        return False


REGISTRY: dict[str, PayableType] = {}


def register_payable(payable_type: PayableType) -> PayableType:
    REGISTRY[payable_type.kind] = payable_type
    return payable_type


def payable_type(kind: str) -> PayableType:
    found = REGISTRY.get(kind)
    if found is None:
        raise NotFound(_("This cannot be paid online."))
    return found


# The built-in kind: fee notices issued by civil servants ------------------------------------


class FeeNoticePayable(PayableType):
    kind = "fee-notice"
    label = gettext_lazy("Fee notice")

    def resolve(self, user: Any, ref: str) -> Payable:
        from egov.payments.models import FeeNotice

        notice = FeeNotice.objects.select_related("agency").filter(code=ref).first()
        if notice is None or notice.payer_id != getattr(user, "pk", None):
            raise NotFound()
        if notice.paid_at is not None:
            raise Conflict(_("This fee has already been paid."), code="already_paid")
        return Payable(
            kind=self.kind,
            ref=notice.code,
            amount=notice.amount,
            description=notice.description,
            beneficiary=notice.agency.name,
        )

    def on_paid(self, payment: Payment) -> None:
        from egov.payments.models import FeeNotice

        FeeNotice.objects.filter(code=payment.payable_ref, paid_at__isnull=True).update(
            paid_at=payment.paid_at
        )

    def on_refunded(self, payment: Payment) -> None:
        from egov.payments.models import FeeNotice

        FeeNotice.objects.filter(code=payment.payable_ref).update(paid_at=None)

    def may_refund(self, user: Any, payment: Payment) -> bool:
        from egov.org.models import Role
        from egov.org.selectors import has_role
        from egov.payments.models import FeeNotice

        notice = FeeNotice.objects.filter(code=payment.payable_ref).first()
        return notice is not None and has_role(
            user, Role.ONE_STOP_CLERK, Role.AGENCY_ADMIN, Role.LEADER, agency=notice.agency_id
        )


register_payable(FeeNoticePayable())
