"""Where the documents app meets the signatures and exchange apps, which are built separately.

Signatures: the setting ``EGOV_DOCUMENT_SIGNER`` names a callable (dotted path)::

    sign(pdf: bytes, *, purpose: str, user: User | None, agency: Agency,
         document: Document, stamp: dict[str, str]) -> bytes

``purpose`` is ``"signer"`` (the leader's personal signature, visible stamp between title and
name), ``"seal"`` (the organisation's signature over the signer's, on the left) or
``"attachment"`` (organisation signature at the top right of page 1 of an attachment).
``stamp`` carries the text for the visible stamp: competence, position, full_name, organ_name,
number_notation, issued_date and signed_at (ISO 8601). It returns the signed PDF. Unset (the
default), signing records the decision — who, when, with which authority — without a
cryptographic signature, and the document counts as not digitally signed in the KPIs.

Exchange: when a document is sent to, or revoked from, agencies of other installations, the
signal ``documents_to_exchange`` fires after commit with the recipient rows
(``DocumentRecipient``, channel ``edxml``, status ``to_send``) and the event ("send" or
"revoke"). The exchange app listens, or polls ``selectors.remote_deliveries()``; it reports
back with ``actions.record_delivery_status`` and delivers arriving packages with
``actions.register_incoming_from_exchange`` and ``actions.record_exchange_marker``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.dispatch import Signal
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from egov.accounts.models import User
    from egov.documents.models import Document

documents_to_exchange = Signal()  # kwargs: recipients (list of DocumentRecipient), event (str)

PDF_MAGIC = b"%PDF-"


def configured_signer() -> Callable[..., bytes] | None:
    path = getattr(settings, "EGOV_DOCUMENT_SIGNER", "")
    return import_string(path) if path else None


def sign_pdf(
    pdf: bytes,
    *,
    purpose: str,
    document: Document,
    user: User | None,
    stamp: Mapping[str, Any],
) -> bytes | None:
    """The signed PDF, or None when no signer is configured or ``pdf`` is not a PDF."""
    signer = configured_signer()
    if signer is None or not pdf.startswith(PDF_MAGIC):
        return None
    return signer(
        pdf,
        purpose=purpose,
        user=user,
        agency=document.agency,
        document=document,
        stamp={key: str(value) for key, value in stamp.items()},
    )
