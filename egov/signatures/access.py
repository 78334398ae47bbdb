"""Object access for the signatures app: the same 404 for missing and forbidden."""

from __future__ import annotations

from typing import Any

from egov.lib.problems import NotFound
from egov.signatures.models import Certificate
from egov.signatures.selectors import visible_certificates


def access_certificate(user: Any, certificate_id: int) -> Certificate:
    found = visible_certificates(user).filter(pk=certificate_id).first()
    if found is None:
        raise NotFound()
    return found
