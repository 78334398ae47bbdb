from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    CREATED = "created", _("Created")
    PENDING = "pending", _("Waiting for the gateway")
    SUCCEEDED = "succeeded", _("Paid")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    REFUNDED = "refunded", _("Refunded")


OPEN_STATUSES = (PaymentStatus.CREATED, PaymentStatus.PENDING)


class Payment(models.Model):
    """One online payment of something payable (a dossier's fees, a fee notice...).

    What is paid is named by ``payable_kind`` and ``payable_ref``, resolved through the
    registry in ``egov.payments.payables``; the amount and description are copied at creation.
    """

    reference = models.CharField(_("payment reference"), max_length=32, unique=True)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("payer"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    payable_kind = models.CharField(_("kind of payable"), max_length=50)
    payable_ref = models.CharField(_("payable reference"), max_length=100)
    description = models.CharField(_("what is paid"), max_length=255)
    beneficiary = models.CharField(_("beneficiary"), max_length=255, blank=True)
    amount = models.BigIntegerField(_("amount (VND)"))
    currency = models.CharField(_("currency"), max_length=3, default="VND")
    gateway = models.CharField(_("gateway"), max_length=20, default="vnpay")
    status = models.CharField(
        _("status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.CREATED
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    checkout_at = models.DateTimeField(_("sent to the gateway"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    # What we sent to the gateway: vnp_CreateDate (querydr and refund need it again), the URL.
    gateway_create_date = models.CharField(max_length=14, blank=True)
    payment_url = models.TextField(blank=True)
    client_ip = models.GenericIPAddressField(_("payer's address"), null=True, blank=True)
    # What the gateway told us.
    gateway_transaction_no = models.CharField(
        _("gateway transaction number"), max_length=50, blank=True
    )
    gateway_response_code = models.CharField(_("gateway response code"), max_length=10, blank=True)
    bank_code = models.CharField(_("bank"), max_length=20, blank=True)
    card_type = models.CharField(_("card type"), max_length=20, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    receipt_number = models.CharField(
        _("receipt number"), max_length=20, unique=True, null=True, blank=True
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "checkout_at"], name="payment_status_idx"),
            models.Index(fields=["payable_kind", "payable_ref"], name="payment_payable_idx"),
        ]
        constraints = [
            # At most one payment in progress per payable: two tabs cannot pay twice.
            models.UniqueConstraint(
                fields=["payable_kind", "payable_ref"],
                condition=Q(status__in=["created", "pending"]),
                name="payment_one_open_per_payable",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.amount:,} VND, {self.get_status_display()})"


class TransitionSource(models.TextChoices):
    PAYER = "payer", _("The payer")
    IPN = "ipn", _("Gateway notification (IPN)")
    RECONCILIATION = "reconciliation", _("Reconciliation with the gateway")
    SYSTEM = "system", _("The system")
    STAFF = "staff", _("A civil servant")


class PaymentTransition(models.Model):
    """History of a payment: every status change, who or what caused it, and the evidence."""

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=PaymentStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=PaymentStatus.choices)
    source = models.CharField(_("source"), max_length=20, choices=TransitionSource.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("gateway data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("payment history entry")
        verbose_name_plural = _("payment history")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '–'} → {self.to_status}"


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SUCCEEDED = "succeeded", _("Refunded")
    FAILED = "failed", _("Refused by the gateway")


class Refund(models.Model):
    """Giving a payment back in full; sent to the gateway after commit, retried until answered."""

    payment = models.OneToOneField(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refund"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RefundStatus.choices, default=RefundStatus.REQUESTED
    )
    reason = models.CharField(_("reason"), max_length=500)
    # Given back because the same thing was paid twice; the payable stays paid.
    duplicate = models.BooleanField(_("duplicate payment"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    request_id = models.CharField(max_length=32, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    response_code = models.CharField(_("gateway response code"), max_length=10, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.payment.reference}: {self.get_status_display()}"


class ReceiptCounter(models.Model):
    """The last receipt number given out in a year (receipt numbers restart every year)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class FeeNotice(models.Model):
    """A fee a civil servant asks a citizen or business to pay (thông báo nộp phí), for fees
    not attached to a dossier; payable online as kind ``fee-notice``."""

    code = models.CharField(_("notice number"), max_length=20, unique=True)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to be paid by"),
        on_delete=models.PROTECT,
        related_name="fee_notices",
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("what for"), max_length=255)
    amount = models.BigIntegerField(_("amount (VND)"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        verbose_name = _("fee notice")
        verbose_name_plural = _("fee notices")
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fee_notice_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.description}"
