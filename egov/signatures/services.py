"""What other apps call: sign a PDF, seal an attachment, verify a PDF.

These names are stable. Other apps reach ``sign_pdf`` through ``settings.EGOV_PDF_SIGNER``
(``django.utils.module_loading.import_string``) so a deployment can plug in another signing
service. Every call is an audited action; errors are ``egov.lib.problems`` errors with a
translated message (``SigningUnavailable``, a 409, when a certificate or token is missing).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from egov.signatures import actions
from egov.signatures.actions import Placement
from egov.signatures.keys import SigningUnavailable
from egov.signatures.verification import SignatureInfo, VerificationReport, verify

if TYPE_CHECKING:
    from egov.accounts.models import User
    from egov.org.models import Agency

__all__ = [
    "Placement",
    "SignatureInfo",
    "SigningUnavailable",
    "VerificationReport",
    "seal_attachment",
    "sign_pdf",
    "verify_pdf",
]

_SIGNER = object()


def sign_pdf(
    pdf: bytes,
    *,
    signer: User | None,
    agency: Agency,
    reason: str,
    visible: bool = True,
    field_name: str | None = None,
    seal: bool = True,
    title: str = "",
    placement: Placement | None = None,
    location: str = "",
    acting_user: Any = _SIGNER,
) -> bytes:
    """Sign ``pdf`` (PAdES) and return the signed bytes.

    - ``signer`` given: the official's personal signature with their certificate for
      ``agency``; the visible block shows ``title`` (one line per authority/position line,
      e.g. "KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC"; default: the certificate's title), the signature
      image, and the official's name (Decree 30/2020, Appendix I, II.7).
    - ``seal`` (default True): then the organisation seal signature of ``agency``, its image
      covering the left third of the signature image (II.8a). With ``signer=None`` only the
      seal is added, over the newest personal signature block already in the document.
    - ``visible=False``: the same signatures without appearances.
    - ``field_name``: the personal signature's field (an existing empty signature field of that
      name is filled, its rectangle used), or the seal's when ``signer`` is None; by default
      fields are named after the certificate (``signer-…``, ``seal-…``).
    - ``placement``: where the signature block goes when no field exists (default: last page,
      right-aligned, bottom at 90 pt).
    - ``acting_user``: who asked for it, for the audit trail; defaults to ``signer``.
    """
    return actions.sign_document(
        acting_user=signer if acting_user is _SIGNER else acting_user,
        pdf=pdf,
        signer=signer,
        agency=agency,
        reason=reason,
        seal=seal,
        visible=visible,
        field_name=field_name,
        title=title,
        placement=placement,
        location=location,
    )


def seal_attachment(
    pdf: bytes,
    *,
    agency: Agency,
    notation: str,
    signed_at: dt.datetime,
    acting_user: User | None = None,
    reason: str = "",
) -> bytes:
    """The agency's organisation signature on an attachment sent as a separate file: top right
    of page 1, no image, ``notation`` (e.g. "58/KH-UBND") and ``signed_at`` in ISO 8601 with
    the Vietnam offset (Decree 30/2020, Appendix I, II.8b)."""
    return actions.seal_attachment(
        acting_user=acting_user,
        pdf=pdf,
        agency=agency,
        notation=notation,
        signed_at=signed_at,
        reason=reason,
    )


def verify_pdf(pdf: bytes) -> VerificationReport:
    """Every signature of ``pdf``: integrity, signer, chain to our trusted roots, revocation
    (our CRLs), changes after signing, timestamp. Raises InvalidInput for a non-PDF."""
    return verify(pdf)
