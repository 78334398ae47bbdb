"""Adapters that plug the signatures app into the seams other apps expose.

``document_signer`` is the default of ``EGOV_DOCUMENT_SIGNER`` (egov/documents/seams.py): the
leader's personal signature when the document is signed, the organisation seal over it when the
document clerk issues it, and the seal on each PDF attachment (Decree 30/2020, Appendix I).
``dossier_form_signer`` is the default of ``EGOV_DOSSIER_FORM_SIGNER`` (egov/dossiers/rendering.py):
the receiving agency's seal on the one-stop forms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from egov.signatures.appearance import BLOCK_WIDTH, SEAL_DIAMETER, image_box
from egov.signatures.services import Placement, seal_attachment, sign_pdf

if TYPE_CHECKING:
    from egov.accounts.models import User
    from egov.org.models import Agency


def signature_title(stamp: Mapping[str, str]) -> str:
    """The authority line(s) above the signature: "KT. GIÁM ĐỐC" then "PHÓ GIÁM ĐỐC"."""
    competence = stamp.get("competence", "").strip()
    position = stamp.get("position", "").strip().upper()
    if competence and position and competence.upper().endswith(position):
        return competence  # the leader signs in their own name: one line is enough
    return "\n".join(line for line in (competence, position) if line)


def document_signer(
    pdf: bytes,
    *,
    purpose: str,
    user: User | None,
    agency: Agency,
    document: Any = None,
    stamp: Mapping[str, str],
) -> bytes:
    notation = stamp.get("number_notation", "")
    if purpose == "signer":
        return sign_pdf(
            pdf,
            signer=user,
            agency=agency,
            seal=False,
            title=signature_title(stamp),
            reason=f"Ký văn bản: {getattr(document, 'subject', '')}"[:200],
            acting_user=user,
        )
    if purpose == "seal":
        return sign_pdf(
            pdf,
            signer=None,
            agency=agency,
            seal=True,
            reason=f"Ban hành văn bản số {notation}",
            acting_user=user,
        )
    if purpose == "attachment":
        return seal_attachment(
            pdf,
            agency=agency,
            notation=notation,
            signed_at=dt.datetime.fromisoformat(stamp["signed_at"]),
            acting_user=user,
            reason=f"Phụ lục kèm văn bản số {notation}",
        )
    raise ValueError(f"unknown signing purpose {purpose!r}")


def dossier_form_signer(
    pdf: bytes,
    *,
    agency: Agency,
    reason: str,
    seal_page: int,
    seal_centre: tuple[float, float],
    acting_user: User | None,
) -> bytes:
    """The default of ``EGOV_DOSSIER_FORM_SIGNER`` (egov/dossiers/rendering.py): the receiving
    agency's organisation seal on a one-stop form (01–05), centred on ``seal_centre`` of page
    ``seal_page`` (the receiver's signing space)."""
    x, y = seal_centre
    image_x, image_y, image_width, image_height = image_box(BLOCK_WIDTH)
    # the seal's centre sits a third into the signature image, half a seal to its left
    offset_x = image_x + image_width / 3 - SEAL_DIAMETER / 2
    offset_y = image_y + image_height / 2
    return sign_pdf(
        pdf,
        signer=None,
        agency=agency,
        seal=True,
        reason=reason[:200],
        placement=Placement(page=seal_page, x=x - offset_x, y=y - offset_y, width=BLOCK_WIDTH),
        acting_user=acting_user,
    )
