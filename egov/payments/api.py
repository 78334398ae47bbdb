from __future__ import annotations

import datetime as dt

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from egov.accounts.selectors import request_user
from egov.api import public
from egov.lib.net import client_ip
from egov.lib.problems import Conflict
from egov.payments.access import access_payment
from egov.payments.actions import Replay, cancel_payment, checkout_payment, create_payment
from egov.payments.models import Payment, PaymentStatus
from egov.payments.receipts import receipt_pdf
from egov.payments.selectors import payments_of
from egov.payments.services import handle_ipn

PREFIX = "/payments"
router = Router(tags=["payments"])


class PaymentIn(Schema):
    kind: str = Field(max_length=50, description="What is paid, e.g. `dossier`, `fee-notice`.")
    ref: str = Field(max_length=100, description="Which one: the dossier code, the notice number.")
    amount: int = Field(gt=0, description="The amount due in VND, as shown to the payer.")
    currency: str = Field("VND", description="Only VND.")


class PaymentOut(Schema):
    reference: str
    status: PaymentStatus
    kind: str
    ref: str
    description: str
    beneficiary: str
    amount: int
    currency: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    paid_at: dt.datetime | None
    receipt_number: str | None
    gateway_transaction_no: str
    payment_url: str | None = Field(description="Where to send the payer while it is pending.")

    @staticmethod
    def of(payment: Payment) -> PaymentOut:
        return PaymentOut(
            reference=payment.reference,
            status=PaymentStatus(payment.status),
            kind=payment.payable_kind,
            ref=payment.payable_ref,
            description=payment.description,
            beneficiary=payment.beneficiary,
            amount=payment.amount,
            currency=payment.currency,
            created_at=payment.created_at,
            expires_at=payment.expires_at,
            paid_at=payment.paid_at,
            receipt_number=payment.receipt_number,
            gateway_transaction_no=payment.gateway_transaction_no,
            payment_url=payment.payment_url if payment.status == PaymentStatus.PENDING else None,
        )


@router.post(
    "",
    response={201: PaymentOut, 200: PaymentOut},
    summary="Start paying (send an Idempotency-Key)",
)
def create(
    request: HttpRequest,
    payload: PaymentIn,
    idempotency_key: str = Header("", alias="Idempotency-Key", max_length=200),
) -> Status[PaymentOut]:
    """Create a payment for something payable. Repeating the request with the same
    ``Idempotency-Key`` returns the first payment (200) instead of a second one."""
    user = request_user(request)
    try:
        payment = create_payment(
            acting_user=user,
            kind=payload.kind,
            ref=payload.ref,
            amount=payload.amount,
            currency=payload.currency,
            idempotency_key=idempotency_key,
        )
    except Replay as replay:
        return Status(200, PaymentOut.of(replay.payment))
    except IntegrityError:
        raise Conflict(_("A payment for this is already in progress.")) from None
    return Status(201, PaymentOut.of(payment))


class PaymentListQuery(Schema):
    status: PaymentStatus | None = None
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


@router.get("", response=list[PaymentOut], summary="My payments")
def list_payments(request: HttpRequest, query: Query[PaymentListQuery]) -> list[PaymentOut]:
    payments = payments_of(request_user(request), status=query.status)
    return [PaymentOut.of(p) for p in payments[query.offset : query.offset + query.limit]]


@router.get("/vnpay/ipn", auth=None, summary="VNPay IPN (called by VNPay)")
def vnpay_ipn(request: HttpRequest) -> dict[str, str]:
    """Public by design: VNPay calls it server to server with the signed result of a payment.
    Trust comes from the HMAC-SHA512 signature, the amount and the payment's state, never from
    the caller; the answer is VNPay's ``{"RspCode", "Message"}`` with HTTP 200."""
    code, message = handle_ipn(request.GET.dict())
    return {"RspCode": code, "Message": message}


public("GET", "/payments/vnpay/ipn")


@router.get("/{reference}", response=PaymentOut, summary="One of my payments")
def get_payment(request: HttpRequest, reference: str) -> PaymentOut:
    return PaymentOut.of(access_payment(request_user(request), reference))


class CheckoutOut(Schema):
    reference: str
    payment_url: str
    expires_at: dt.datetime


@router.post("/{reference}/checkout", response=CheckoutOut, summary="Go to the gateway")
def checkout(request: HttpRequest, reference: str) -> CheckoutOut:
    """The signed gateway URL to send the payer to. Asked again while the payment is pending,
    it returns the same URL."""
    user = request_user(request)
    payment = access_payment(user, reference)
    if payment.status != PaymentStatus.PENDING:
        payment = checkout_payment(
            acting_user=user,
            reference=reference,
            client_ip=client_ip(request),
            locale=translation.get_language() or "vi",
        )
    assert payment.expires_at is not None
    return CheckoutOut(
        reference=payment.reference, payment_url=payment.payment_url, expires_at=payment.expires_at
    )


@router.post("/{reference}/cancel", response=PaymentOut, summary="Cancel before paying")
def cancel(request: HttpRequest, reference: str) -> PaymentOut:
    return PaymentOut.of(cancel_payment(acting_user=request_user(request), reference=reference))


@router.get(
    "/{reference}/receipt",
    summary="Electronic receipt (PDF)",
    response={200: None},
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
)
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    payment = access_payment(request_user(request), reference)
    if payment.receipt_number is None:
        raise Conflict(_("There is no receipt: this payment has not been paid."), code="not_paid")
    response = HttpResponse(receipt_pdf(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{payment.receipt_number}.pdf"'
    return response
