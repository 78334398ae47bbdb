"""Pages: what to pay, going to the gateway and coming back, my payments, receipts."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.accounts.selectors import request_user
from egov.lib.net import client_ip
from egov.lib.problems import NotFound, Problem
from egov.payments import vnpay
from egov.payments.access import access_payment
from egov.payments.actions import Replay, cancel_payment, checkout_payment, create_payment
from egov.payments.gateway import gateway_config
from egov.payments.models import Payment, PaymentStatus
from egov.payments.payables import payable_type
from egov.payments.receipts import receipt_pdf
from egov.payments.selectors import open_payment_for, payments_of, unpaid_fee_notices


def _payment(request: HttpRequest, reference: str) -> Payment:
    try:
        return access_payment(request_user(request), reference)
    except NotFound:
        raise Http404 from None


def _allow_gateway(response: HttpResponse) -> HttpResponse:
    """Our forms post here and are redirected to the gateway; CSP form-action covers that
    redirect, so the gateway's origin is allowed on the pages with those forms."""
    url = urlsplit(gateway_config().payment_url)
    if url.scheme and url.netloc:
        response._csp_update = {"form-action": [f"{url.scheme}://{url.netloc}"]}  # type: ignore[attr-defined]
    return response


def payment_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    return render(
        request,
        "payments/list.html",
        {"payments": payments_of(user)[:50], "notices": unpaid_fee_notices(user)},
    )


def _go_to_gateway(request: HttpRequest, payment: Payment) -> HttpResponse:
    if payment.status == PaymentStatus.PENDING:
        return redirect(payment.payment_url)
    payment = checkout_payment(
        acting_user=request_user(request),
        reference=payment.reference,
        client_ip=client_ip(request),
        locale=translation.get_language() or "vi",
    )
    return redirect(payment.payment_url)


def pay(request: HttpRequest, kind: str, ref: str) -> HttpResponse:
    """What is due for one payable, and the button that sends the payer to the gateway."""
    user = request_user(request)
    try:
        payable = payable_type(kind).resolve(user, ref)
    except NotFound:
        raise Http404 from None
    except Problem as problem:
        return render(request, "payments/pay.html", {"problem": problem}, status=problem.status)
    current = open_payment_for(kind, payable.ref)
    if current is not None and current.payer_id != user.pk:
        current = None
    if request.method == "POST":
        try:
            payment = create_payment(
                acting_user=user,
                kind=kind,
                ref=payable.ref,
                amount=int(request.POST.get("amount", "0") or 0),
                currency=request.POST.get("currency", "VND"),
                idempotency_key=request.POST.get("idempotency_key", "")[:200],
            )
        except Replay as replay:
            payment = replay.payment
        except (Problem, ValueError) as problem:
            message = str(problem.detail) if isinstance(problem, Problem) else _("Try again.")
            messages.error(request, message)
            return redirect("payments:pay", kind=kind, ref=ref)
        try:
            return _go_to_gateway(request, payment)
        except Problem as problem:
            messages.error(request, str(problem.detail))
            return redirect("payments:detail", reference=payment.reference)
    response = render(
        request,
        "payments/pay.html",
        {
            "payable": payable,
            "current": current,
            "idempotency_key": uuid.uuid4().hex,
            "available": gateway_config().complete,
        },
    )
    return _allow_gateway(response)


def detail(request: HttpRequest, reference: str) -> HttpResponse:
    payment = _payment(request, reference)
    response = render(
        request,
        "payments/detail.html",
        {"payment": payment, "history": payment.transitions.all()},
    )
    return _allow_gateway(response)


@require_POST
def checkout(request: HttpRequest, reference: str) -> HttpResponse:
    payment = _payment(request, reference)
    try:
        return _go_to_gateway(request, payment)
    except Problem as problem:
        messages.error(request, str(problem.detail))
        return redirect("payments:detail", reference=reference)


@require_POST
def cancel(request: HttpRequest, reference: str) -> HttpResponse:
    _payment(request, reference)
    try:
        cancel_payment(acting_user=request_user(request), reference=reference)
    except Problem as problem:
        messages.error(request, str(problem.detail))
    else:
        messages.success(request, _("The payment was cancelled."))
    return redirect("payments:detail", reference=reference)


def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    payment = _payment(request, reference)
    if payment.receipt_number is None:
        raise Http404
    response = HttpResponse(receipt_pdf(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{payment.receipt_number}.pdf"'
    return response


def vnpay_return(request: HttpRequest) -> HttpResponse:
    """Where VNPay sends the payer back. The signed parameters are only shown, never
    trusted to change anything: the IPN (or reconciliation) records the result."""
    params = request.GET.dict()
    config = gateway_config()
    if not config.complete or not vnpay.callback_is_authentic(config, params):
        return render(request, "payments/return.html", {"forged": True}, status=400)
    try:
        result = vnpay.parse_callback(params)
    except ValueError:
        return render(request, "payments/return.html", {"forged": True}, status=400)
    payment = _payment(request, result.txn_ref)
    if payment.status == PaymentStatus.PENDING:
        # The IPN has not come (yet): ask the gateway ourselves, in the background.
        from egov.payments.tasks import reconcile_payment

        reconcile_payment.enqueue(payment.reference)
    context: dict[str, Any] = {"payment": payment, "gateway_says_paid": result.succeeded}
    return render(request, "payments/return.html", context)


def panel(request: HttpRequest) -> dict[str, Any] | None:
    """The citizen home panel: fees waiting to be paid."""
    if not request.user.is_authenticated:
        return None
    notices = list(unpaid_fee_notices(request.user)[:5])
    if not notices:
        return None
    return {"template": "payments/panel.html", "notices": notices}
