"""Reads of the payments app."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from egov.payments.models import OPEN_STATUSES, FeeNotice, Payment


def payments_of(user: Any, *, status: str | None = None) -> QuerySet[Payment]:
    payments = Payment.objects.filter(payer_id=user.pk).order_by("-created_at", "-pk")
    if status:
        payments = payments.filter(status=status)
    return payments


def open_payment_for(kind: str, ref: str) -> Payment | None:
    return (
        Payment.objects.filter(payable_kind=kind, payable_ref=ref, status__in=OPEN_STATUSES)
        .select_related("payer")
        .first()
    )


def unpaid_fee_notices(user: Any) -> QuerySet[FeeNotice]:
    return FeeNotice.objects.filter(payer_id=user.pk, paid_at__isnull=True).select_related("agency")
