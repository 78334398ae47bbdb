"""Writes of the payments app: creating and paying, settling from the gateway, refunds, fee
notices. Gateway calls never happen inside these transactions (see ``services.py``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.audit.actions import record_event
from egov.infra.models import IdempotencyRecord
from egov.lib.actions import action
from egov.lib.problems import Conflict, InvalidInput, NotFound, PermissionDenied, invalid
from egov.notifications.services import notify
from egov.org.selectors import has_role, is_system_admin
from egov.payments import vnpay
from egov.payments.access import access_payment
from egov.payments.gateway import PaymentsUnavailable, gateway_config
from egov.payments.models import (
    OPEN_STATUSES,
    FeeNotice,
    Payment,
    PaymentStatus,
    ReceiptCounter,
    Refund,
    RefundStatus,
    TransitionSource,
)
from egov.payments.payables import REGISTRY, FeeNoticePayable, payable_type
from egov.payments.states import REFUND_TRANSITIONS, move
from egov.payments.words import format_vnd

if TYPE_CHECKING:
    from egov.accounts.models import User
    from egov.org.models import Agency

IDEMPOTENCY_SCOPE = "payments.create"
SETTLED_FIELDS = [
    "status",
    "gateway_response_code",
    "gateway_transaction_no",
    "bank_code",
    "card_type",
    "paid_at",
    "receipt_number",
    "updated_at",
]
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFUND_BACKOFF = [60, 300, 1800, 3600, 7200]
REFUND_MAX_ATTEMPTS = 8


class Replay(Exception):
    """The request repeats an earlier one (same Idempotency-Key): here is its payment."""

    def __init__(self, payment: Payment) -> None:
        super().__init__(payment.reference)
        self.payment = payment


class AlreadySettled(Conflict):
    code = "already_settled"


class AmountMismatch(Conflict):
    code = "amount_mismatch"


def new_reference(now: dt.datetime | None = None) -> str:
    """``260213K7F3Q9XA``: the local date and eight random letters/digits (VNPay's vnp_TxnRef
    must be letters and digits only)."""
    day = timezone.localtime(now or timezone.now())
    tail = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"{day:%y%m%d}{tail}"


def _request_hash(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def _locked(reference: str) -> Payment:
    payment = (
        Payment.objects.select_for_update(of=("self",))
        .select_related("payer")
        .filter(reference=reference)
        .first()
    )
    if payment is None:
        raise NotFound()
    return payment


def _check_amount(amount: int, currency: str, due: int) -> None:
    if currency != "VND":
        raise invalid("currency", _("Online payments are in Vietnamese đồng (VND) only."))
    if amount != due:
        raise InvalidInput(
            _("The amount due is %(due)s.") % {"due": format_vnd(due)},
            errors={"amount": _("The amount due is %(due)s.") % {"due": format_vnd(due)}},
            extra={"amount_due": due},
        )
    if not settings.PAYMENT_MIN_AMOUNT <= amount <= settings.PAYMENT_MAX_AMOUNT:
        message = _("Online payments must be between %(min)s and %(max)s.") % {
            "min": format_vnd(settings.PAYMENT_MIN_AMOUNT),
            "max": format_vnd(settings.PAYMENT_MAX_AMOUNT),
        }
        raise invalid("amount", message)


@action
def create_payment(
    *,
    acting_user: User,
    kind: str,
    ref: str,
    amount: int,
    currency: str = "VND",
    idempotency_key: str = "",
) -> Payment:
    """Start paying a payable. A repeated Idempotency-Key raises ``Replay`` with the first
    payment; a payment already in progress for the same payable is a Conflict."""
    if not gateway_config().complete:
        raise PaymentsUnavailable()
    request_hash = _request_hash(kind, ref, amount, currency)
    if idempotency_key:
        earlier = IdempotencyRecord.objects.filter(
            user=acting_user, scope=IDEMPOTENCY_SCOPE, key=idempotency_key
        ).first()
        if earlier is not None:
            if earlier.request_hash != request_hash:
                raise invalid(
                    "Idempotency-Key", _("This key was already used for a different payment.")
                )
            raise Replay(Payment.objects.get(pk=earlier.object_id))
    payable = payable_type(kind).resolve(acting_user, ref)
    _check_amount(amount, currency, payable.amount)
    if Payment.objects.filter(
        payable_kind=kind, payable_ref=payable.ref, status=PaymentStatus.SUCCEEDED
    ).exists():
        raise Conflict(_("This has already been paid."), code="already_paid")
    open_payment = Payment.objects.filter(
        payable_kind=kind, payable_ref=payable.ref, status__in=OPEN_STATUSES
    ).first()
    if open_payment is not None:
        raise _in_progress(open_payment)
    payment = Payment(
        reference=new_reference(),
        payer=acting_user,
        payable_kind=kind,
        payable_ref=payable.ref,
        description=payable.description[:255],
        beneficiary=payable.beneficiary[:255],
        amount=payable.amount,
        currency="VND",
        status=PaymentStatus.CREATED,
        expires_at=timezone.now() + dt.timedelta(minutes=settings.PAYMENT_TIMEOUT_MINUTES),
    )
    try:
        with transaction.atomic():
            payment.save(force_insert=True)
            if idempotency_key:
                IdempotencyRecord.objects.create(
                    user=acting_user,
                    scope=IDEMPOTENCY_SCOPE,
                    key=idempotency_key,
                    request_hash=request_hash,
                    object_id=str(payment.pk),
                )
    except IntegrityError:
        # A concurrent request won the race: same key, or same payable.
        if idempotency_key:
            earlier = IdempotencyRecord.objects.filter(
                user=acting_user, scope=IDEMPOTENCY_SCOPE, key=idempotency_key
            ).first()
            if earlier is not None:
                raise Replay(Payment.objects.get(pk=earlier.object_id)) from None
        raise Conflict(
            _("A payment for this is already in progress."), code="in_progress"
        ) from None
    payment.transitions.create(
        from_status="",
        to_status=PaymentStatus.CREATED,
        source=TransitionSource.PAYER,
        actor=acting_user,
    )
    record_event(
        actor=acting_user,
        verb="payments.create_payment",
        obj=payment,
        after={"payable": f"{kind}:{payable.ref}", "amount": payment.amount},
    )
    return payment


def _in_progress(payment: Payment) -> Conflict:
    return Conflict(
        _("A payment for this is already in progress (%(reference)s).")
        % {"reference": payment.reference},
        code="in_progress",
        extra={"reference": payment.reference},
    )


@action
def checkout_payment(
    *, acting_user: User, reference: str, client_ip: str, locale: str = "vi"
) -> Payment:
    """Send the payer to the gateway: sign the payment URL and wait for the gateway."""
    config = gateway_config()
    if not config.complete:
        raise PaymentsUnavailable()
    access_payment(acting_user, reference)
    payment = _locked(reference)
    if payment.status != PaymentStatus.CREATED:
        raise Conflict(_("This payment has already been sent to the gateway."), code="not_created")
    now = timezone.now()
    if payment.expires_at is not None and payment.expires_at <= now:
        raise Conflict(_("This payment has expired; please start again."), code="expired")
    due = payable_type(payment.payable_kind).resolve(acting_user, payment.payable_ref)
    if due.amount != payment.amount:
        raise Conflict(
            _("The amount due has changed to %(due)s; please start again.")
            % {"due": format_vnd(due.amount)},
            code="amount_changed",
        )
    expires_at = now + dt.timedelta(minutes=settings.PAYMENT_TIMEOUT_MINUTES)
    payment.payment_url = vnpay.payment_url(
        config,
        txn_ref=payment.reference,
        amount=payment.amount,
        info=f"Thanh toan {payment.reference} {payment.description}",
        return_url=settings.SITE_URL + reverse("payments:vnpay_return"),
        ip_address=client_ip,
        created_at=now,
        expires_at=expires_at,
        locale="en" if locale == "en" else "vn",
    )
    payment.gateway_create_date = vnpay.format_date(now)
    payment.checkout_at = now
    payment.expires_at = expires_at
    payment.client_ip = client_ip
    move(payment, PaymentStatus.PENDING, source=TransitionSource.PAYER, actor=acting_user)
    payment.save()
    record_event(
        actor=acting_user,
        verb="payments.checkout_payment",
        obj=payment,
        after={"status": payment.status, "expires_at": expires_at.isoformat()},
    )
    return payment


@action
def cancel_payment(*, acting_user: User, reference: str) -> Payment:
    """The payer gives up before going to the gateway."""
    access_payment(acting_user, reference)
    payment = _locked(reference)
    if payment.status != PaymentStatus.CREATED:
        raise Conflict(
            _("Only a payment not yet sent to the gateway can be cancelled."), code="not_created"
        )
    move(payment, PaymentStatus.CANCELLED, source=TransitionSource.PAYER, actor=acting_user)
    payment.save()
    record_event(actor=acting_user, verb="payments.cancel_payment", obj=payment)
    return payment


def _next_receipt_number(paid_at: dt.datetime) -> str:
    """The next number of the year, without gaps: the counter row stays locked until commit."""
    year = timezone.localtime(paid_at).year
    table = connection.ops.quote_name(ReceiptCounter._meta.db_table)
    # One statement on PostgreSQL and SQLite alike: create the year's row or count it up.
    sql = (
        f"INSERT INTO {table} (year, last) VALUES (%s, 1) "  # noqa: S608
        f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [year])
        (last,) = cursor.fetchone()
    return f"BL{year % 100:02d}-{int(last):06d}"


def _target(result: vnpay.GatewayResult) -> PaymentStatus:
    if result.succeeded:
        return PaymentStatus.SUCCEEDED
    if result.response_code == vnpay.RESPONSE_CANCELLED:
        return PaymentStatus.CANCELLED
    if result.response_code == vnpay.RESPONSE_EXPIRED:
        return PaymentStatus.EXPIRED
    return PaymentStatus.FAILED


@action
def settle_payment(
    *,
    acting_user: User | None,
    reference: str,
    source: str,
    result: vnpay.GatewayResult,
    data: dict[str, Any] | None = None,
) -> Payment:
    """Record what the gateway says became of a payment (from the IPN or from querydr).

    Raises AlreadySettled when the payment is no longer waiting (a replayed IPN) and
    AmountMismatch when the gateway's amount is not the payment's.
    """
    payment = _locked(reference)
    waiting = payment.status == PaymentStatus.PENDING
    late_success = payment.status == PaymentStatus.EXPIRED and result.succeeded
    if not (waiting or late_success):
        raise AlreadySettled()
    if result.amount != payment.amount:
        raise AmountMismatch()
    before = payment.status
    target = _target(result)
    if target == PaymentStatus.EXPIRED and before == PaymentStatus.EXPIRED:
        raise AlreadySettled()
    move(payment, target, source=source, note=f"vnp_ResponseCode {result.response_code}", data=data)
    payment.gateway_response_code = result.response_code
    payment.gateway_transaction_no = result.transaction_no[:50]
    payment.bank_code = result.bank_code[:20]
    payment.card_type = result.card_type[:20]
    duplicate = target == PaymentStatus.SUCCEEDED and _paid_already(payment)
    if target == PaymentStatus.SUCCEEDED:
        payment.paid_at = result.pay_date or timezone.now()
        # Late in the transaction: the year's counter row stays locked until commit.
        payment.receipt_number = _next_receipt_number(payment.paid_at)
    payment.save(update_fields=SETTLED_FIELDS)
    if target == PaymentStatus.SUCCEEDED:
        _after_success(payment, duplicate=duplicate)
    elif target == PaymentStatus.FAILED:
        notify(
            "payments.failed",
            recipients=[payment.payer],
            related=payment,
            url=reverse("payments:detail", args=[payment.reference]),
            context=_context(payment),
        )
    record_event(
        actor=acting_user,
        verb="payments.settle_payment",
        obj=payment,
        before={"status": before},
        after={
            "status": payment.status,
            "source": source,
            "response_code": result.response_code,
            "transaction_no": result.transaction_no,
        },
    )
    return payment


def _context(payment: Payment) -> dict[str, Any]:
    return {
        "reference": payment.reference,
        "description": payment.description,
        "amount": format_vnd(payment.amount),
        "receipt_number": payment.receipt_number or "",
        "paid_at": (
            f"{timezone.localtime(payment.paid_at):%H:%M %d/%m/%Y}" if payment.paid_at else ""
        ),
    }


def _paid_already(payment: Payment) -> bool:
    """Was the same payable paid by another payment (a late confirmation after a new one)?"""
    return (
        Payment.objects.filter(
            payable_kind=payment.payable_kind,
            payable_ref=payment.payable_ref,
            status__in=(PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED),
        )
        .exclude(pk=payment.pk)
        .exists()
    )


def _after_success(payment: Payment, *, duplicate: bool) -> None:
    if duplicate:
        # Paid twice (a late confirmation after a new payment was made): give this one back.
        refund = Refund.objects.create(
            payment=payment,
            reason="Thanh toán trùng lặp, hoàn lại tự động",
            duplicate=True,
            request_id=uuid.uuid4().hex,
            next_attempt_at=timezone.now(),
        )
        transaction.on_commit(lambda: _enqueue_refund(refund.pk))
    else:
        handler = REGISTRY.get(payment.payable_kind)
        if handler is not None:
            handler.on_paid(payment)
    notify(
        "payments.succeeded",
        recipients=[payment.payer],
        related=payment,
        url=reverse("payments:detail", args=[payment.reference]),
        context=_context(payment),
    )


@action
def expire_payment(*, acting_user: User | None, reference: str, note: str = "") -> Payment:
    """Nobody paid in time (for a pending payment: the gateway confirmed nothing was paid)."""
    payment = _locked(reference)
    if payment.status not in OPEN_STATUSES:
        raise AlreadySettled()
    before = payment.status
    move(payment, PaymentStatus.EXPIRED, source=TransitionSource.RECONCILIATION, note=note)
    payment.save()
    record_event(
        actor=acting_user,
        verb="payments.expire_payment",
        obj=payment,
        before={"status": before},
        after={"status": payment.status, "note": note},
    )
    return payment


def _refund_target(reference: str | None, kind: str | None, ref: str | None) -> Payment:
    if reference:
        payment = Payment.objects.filter(reference=reference).first()
    else:
        payment = (
            Payment.objects.filter(
                payable_kind=kind or "",
                payable_ref=ref or "",
                status=PaymentStatus.SUCCEEDED,
                refund__isnull=True,
            )
            .order_by("paid_at")
            .first()
        )
    if payment is None:
        raise NotFound()
    return payment


@action
def refund_payment(
    *,
    acting_user: User | None,
    reason: str,
    reference: str | None = None,
    kind: str | None = None,
    ref: str | None = None,
) -> Refund:
    """Give a paid payment back in full, e.g. when a paid dossier is refused.

    Name the payment by ``reference``, or by what was paid (``kind`` and ``ref``). Allowed to
    the system (``acting_user=None``), system administrators and whoever the payable's app
    allows (``PayableType.may_refund``). The gateway is asked after commit; the payment turns
    ``refunded`` when it agrees.
    """
    if not reason.strip():
        raise invalid("reason", _("Give the reason for the refund."))
    target = _refund_target(reference, kind, ref)
    handler = REGISTRY.get(target.payable_kind)
    allowed = (
        acting_user is None
        or is_system_admin(acting_user)
        or (handler is not None and handler.may_refund(acting_user, target))
    )
    if not allowed:
        raise NotFound() if acting_user != target.payer else PermissionDenied()
    payment = _locked(target.reference)
    if payment.status != PaymentStatus.SUCCEEDED:
        raise Conflict(_("Only a paid payment can be refunded."), code="not_paid")
    if Refund.objects.filter(payment=payment).exists():
        raise Conflict(_("A refund has already been requested."), code="refund_exists")
    refund = Refund.objects.create(
        payment=payment,
        reason=reason.strip()[:500],
        requested_by=acting_user,
        request_id=uuid.uuid4().hex,
        next_attempt_at=timezone.now(),
    )
    record_event(
        actor=acting_user,
        verb="payments.refund_payment",
        obj=payment,
        after={"refund": refund.pk, "reason": refund.reason},
    )
    transaction.on_commit(lambda: _enqueue_refund(refund.pk))
    return refund


def _enqueue_refund(refund_id: int) -> None:
    from egov.payments.tasks import process_refund

    process_refund.enqueue(refund_id)


@action
def record_refund_result(
    *,
    acting_user: User | None,
    refund_id: int,
    outcome: str,
    response_code: str = "",
    error: str = "",
    request_id: str = "",
) -> Refund:
    """The gateway's answer to a refund: ``succeeded``, ``failed`` (refused) or ``temporary``."""
    refund = Refund.objects.select_for_update().filter(pk=refund_id).first()
    if refund is None:
        raise NotFound()
    if refund.status != RefundStatus.REQUESTED:
        raise AlreadySettled()
    payment = _locked(refund.payment.reference)
    now = timezone.now()
    refund.response_code = response_code[:10]
    refund.request_id = request_id or refund.request_id
    refund.attempts += 1
    refund.last_error = error[:2000]
    if outcome == "temporary" and refund.attempts < REFUND_MAX_ATTEMPTS:
        wait = REFUND_BACKOFF[min(refund.attempts, len(REFUND_BACKOFF)) - 1]
        refund.next_attempt_at = now + dt.timedelta(seconds=wait)
    elif outcome == "succeeded":
        REFUND_TRANSITIONS.check(refund.status, RefundStatus.SUCCEEDED)
        refund.status = RefundStatus.SUCCEEDED
        refund.completed_at = now
        refund.next_attempt_at = None
        move(payment, PaymentStatus.REFUNDED, source=TransitionSource.SYSTEM, note=refund.reason)
        payment.save()
        handler = REGISTRY.get(payment.payable_kind)
        if handler is not None and not refund.duplicate:
            handler.on_refunded(payment)
        notify(
            "payments.refunded",
            recipients=[payment.payer],
            related=payment,
            url=reverse("payments:detail", args=[payment.reference]),
            context={**_context(payment), "reason": refund.reason},
        )
    else:
        REFUND_TRANSITIONS.check(refund.status, RefundStatus.FAILED)
        refund.status = RefundStatus.FAILED
        refund.completed_at = now
        refund.next_attempt_at = None
    refund.save()
    record_event(
        actor=acting_user,
        verb="payments.record_refund_result",
        obj=payment,
        after={"refund": refund.pk, "status": refund.status, "response_code": response_code},
    )
    return refund


@action
def retry_refund(*, acting_user: User, refund_id: int) -> Refund:
    """Ask the gateway again for a refund it refused (an administrator's decision)."""
    if not is_system_admin(acting_user):
        raise PermissionDenied()
    refund = Refund.objects.select_for_update().filter(pk=refund_id).first()
    if refund is None:
        raise NotFound()
    REFUND_TRANSITIONS.check(refund.status, RefundStatus.REQUESTED)
    refund.status = RefundStatus.REQUESTED
    refund.attempts = 0
    refund.completed_at = None
    refund.next_attempt_at = timezone.now()
    refund.save()
    record_event(actor=acting_user, verb="payments.retry_refund", obj=refund)
    transaction.on_commit(lambda: _enqueue_refund(refund.pk))
    return refund


@action
def issue_fee_notice(
    *,
    acting_user: User | None,
    payer: User,
    agency: Agency,
    description: str,
    amount: int,
) -> FeeNotice:
    """A civil servant of ``agency`` asks ``payer`` to pay a fee online."""
    from egov.org.models import Role

    if acting_user is not None and not (
        is_system_admin(acting_user)
        or has_role(acting_user, Role.ONE_STOP_CLERK, Role.AGENCY_ADMIN, agency=agency)
    ):
        raise PermissionDenied()
    errors = {}
    if not description.strip():
        errors["description"] = _("Say what the fee is for.")
    if not settings.PAYMENT_MIN_AMOUNT <= amount <= settings.PAYMENT_MAX_AMOUNT:
        errors["amount"] = _("Online payments must be between %(min)s and %(max)s.") % {
            "min": format_vnd(settings.PAYMENT_MIN_AMOUNT),
            "max": format_vnd(settings.PAYMENT_MAX_AMOUNT),
        }
    if errors:
        raise InvalidInput(next(iter(errors.values())), errors=errors)
    notice = FeeNotice.objects.create(
        code="TB"
        + new_reference()[:6]
        + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6)),
        payer=payer,
        agency=agency,
        description=description.strip()[:255],
        amount=amount,
        issued_by=acting_user,
    )
    record_event(
        actor=acting_user,
        verb="payments.issue_fee_notice",
        obj=notice,
        agency=agency,
        after={"payer": payer.pk, "amount": amount, "description": notice.description},
    )
    notify(
        "payments.fee_notice",
        recipients=[payer],
        related=notice,
        url=reverse("payments:pay", args=[FeeNoticePayable.kind, notice.code]),
        context={
            "code": notice.code,
            "description": notice.description,
            "amount": format_vnd(amount),
            "agency": agency.name,
        },
    )
    return notice
