"""Official documents signed through the real signatures app: the leader's signature when the
document is signed, the organisation seal when it is issued, the seal on its attachments; the
result verifies in our verifier with keys held in the SoftHSM2 token."""

from __future__ import annotations

import pytest
from django.test import override_settings

from egov.documents import actions as documents
from egov.documents.models import Status
from egov.documents.tests.factories import advance, draft, pdf_file
from egov.signatures.adapters import signature_title
from egov.signatures.services import verify_pdf

pytestmark = pytest.mark.django_db

ADAPTER = "egov.signatures.adapters.document_signer"


def test_the_authority_lines_of_the_stamp() -> None:
    assert signature_title({"competence": "KT. GIÁM ĐỐC", "position": "Phó Giám đốc"}) == (
        "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    )
    assert signature_title({"competence": "", "position": "Giám đốc"}) == "GIÁM ĐỐC"


@override_settings(EGOV_DOCUMENT_SIGNER=ADAPTER)
def test_a_document_is_signed_sealed_and_verifies(pki) -> None:  # type: ignore[no-untyped-def]
    world = pki.world
    doc = draft(world, file=pdf_file())
    documents.add_attachment(
        acting_user=world.specialist, document=doc, file=pdf_file("phu-luc.pdf")
    )
    doc = advance(world, doc, Status.APPROVED)
    doc = documents.sign_document(
        acting_user=world.leader,
        document=doc,
        authority="KT.",
        on_behalf_of="Giám đốc",
        position="Phó Giám đốc",
    )
    assert doc.is_digitally_signed
    doc = documents.issue_document(acting_user=world.document_clerk, document=doc)
    assert doc.is_seal_signed

    with doc.signed_file.open("rb") as handle:
        signed = handle.read()
    report = verify_pdf(signed)
    assert report.valid
    assert len(report.signatures) == 2
    assert all(s.intact and s.trusted and not s.revoked for s in report.signatures)
    assert [s.kind for s in report.signatures] == ["person", "organisation"]
    assert report.signatures[0].signer is not None
    assert report.signatures[0].signer.common_name == world.leader.full_name

    attachment = doc.attachments.get()
    with attachment.file.open("rb") as handle:
        attachment_report = verify_pdf(handle.read())
    assert attachment_report.valid
    assert len(attachment_report.signatures) == 1
