"""System checks for the delivery channels (``manage.py check --deploy`` shows them)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_sms_settings(app_configs: Any, **kwargs: Any) -> list[Warning]:
    warnings = []
    # No SMS_PROVIDER_URL is a valid choice: the installation sends no SMS at all.
    if settings.SMS_PROVIDER_URL and not settings.SMS_API_KEY:
        warnings.append(Warning("SMS_API_KEY is not set.", id="egov.W102"))
    if settings.SMS_PROVIDER_URL and not settings.SMS_CALLBACK_SECRET:
        warnings.append(
            Warning(
                "SMS_CALLBACK_SECRET is not set: SMS delivery reports will be refused.",
                id="egov.W103",
            )
        )
    return warnings
