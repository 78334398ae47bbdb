"""The configured gateway (VNPay) and the error when online payment is switched off."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from egov.lib.problems import Problem
from egov.payments import vnpay


class PaymentsUnavailable(Problem):
    status = 503
    code = "payments_unavailable"
    title = _("Online payment is not available at the moment.")


def gateway_config() -> vnpay.Config:
    return vnpay.Config(
        tmn_code=settings.VNPAY_TMN_CODE,
        hash_secret=settings.VNPAY_HASH_SECRET,
        payment_url=settings.VNPAY_PAYMENT_URL,
        api_url=settings.VNPAY_API_URL,
    )
