"""System checks: an installation that cannot sign cannot exchange documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Info, Tags, register


@register(Tags.security, deploy=True)
def signing_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.EXCHANGE_KEY_PROVIDER not in (
        "",
        "auto",
        "egov.exchange.signing.FileKeyProvider",
        "egov.exchange.signing.InstallationKeyProvider",
    ):
        return []
    key_file = settings.EXCHANGE_SIGNING_KEY_FILE
    cert_file = settings.EXCHANGE_SIGNING_CERT_FILE
    if not key_file or not cert_file:
        if settings.DEBUG:
            return []
        return [
            # Info, not a warning: an installation may not take part in the exchange at all.
            Info(
                "No edXML signing key: documents cannot be sent or acknowledged.",
                hint="Issue each agency an organisation seal (signatures app), or set "
                "EXCHANGE_SIGNING_KEY_FILE and EXCHANGE_SIGNING_CERT_FILE.",
                id="exchange.I001",
            )
        ]
    missing = [name for name in (key_file, cert_file) if not Path(name).is_file()]
    if missing:
        return [
            Error(
                f"The edXML signing key or certificate file does not exist: {', '.join(missing)}",
                id="exchange.E001",
            )
        ]
    return []
