"""System checks for the payment gateway (``manage.py check --deploy`` shows them)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_gateway_settings(app_configs: Any, **kwargs: Any) -> list[Warning]:
    # No VNPay settings at all is a valid choice: online payment is switched off.
    values = {
        "VNPAY_TMN_CODE": settings.VNPAY_TMN_CODE,
        "VNPAY_HASH_SECRET": settings.VNPAY_HASH_SECRET,
        "VNPAY_PAYMENT_URL": settings.VNPAY_PAYMENT_URL,
        "VNPAY_API_URL": settings.VNPAY_API_URL,
    }
    missing = [name for name, value in values.items() if not value]
    warnings = []
    if missing and len(missing) < len(values):
        warnings.append(
            Warning(
                "VNPay is half configured; online payment stays off until these are set: "
                + ", ".join(missing),
                id="egov.W111",
            )
        )
    for name in ("VNPAY_PAYMENT_URL", "VNPAY_API_URL"):
        if values[name].startswith("http://") and not settings.DEBUG:
            warnings.append(Warning(f"{name} is not HTTPS.", id="egov.W112"))
    return warnings
