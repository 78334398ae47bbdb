"""Verification: revocation, tampering, untrusted signers, non-signed files."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from egov.lib.problems import InvalidInput
from egov.signatures.actions import revoke_certificate
from egov.signatures.models import TrustedRoot
from egov.signatures.services import sign_pdf, verify_pdf
from egov.signatures.tests.conftest import Pki


@pytest.fixture
def signed(pki: Pki, pdf: bytes) -> bytes:
    return sign_pdf(pdf, signer=pki.world.leader, agency=pki.world.construction, reason="Ký")


def test_revoking_the_signer_makes_the_verification_show_revoked(pki: Pki, signed: bytes) -> None:
    revoke_certificate(acting_user=None, certificate=pki.leader, reason="key_compromise")

    report = verify_pdf(signed)

    person, seal = report.signatures
    assert not report.valid
    assert person.revoked and person.verdict == "revoked"
    assert person.revoked_at is not None
    assert person.revocation_reason == "key_compromise"
    assert not seal.revoked and seal.verdict == "valid"


def test_changing_a_byte_of_the_signed_content_is_detected(signed: bytes) -> None:
    marker = b"/MediaBox [ 0 0 595.2756 841.8898 ]"
    position = signed.index(marker)
    tampered = (
        signed[:position]
        + marker.replace(b"595.2756", b"595.2757")
        + signed[position + len(marker) :]
    )

    report = verify_pdf(tampered)

    assert not report.valid
    assert not report.signatures[0].intact
    assert report.signatures[0].verdict == "invalid"


def test_an_incremental_update_that_changes_the_content_is_detected(signed: bytes) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page_ref, _resources = writer.find_page_for_modification(0)
    overlay = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 500 Td (Da sua noi dung) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(overlay))
    output = io.BytesIO()
    writer.write(output)

    report = verify_pdf(output.getvalue())

    assert not report.valid
    for signature in report.signatures:
        assert signature.intact  # the signed bytes themselves are untouched …
        assert signature.changes_after_signing == "content"  # … but the page was changed later
        assert signature.verdict == "modified"


def test_a_signature_from_an_untrusted_root_is_reported(signed: bytes) -> None:
    TrustedRoot.objects.update(is_active=False)

    report = verify_pdf(signed)

    assert not report.valid
    assert {s.verdict for s in report.signatures} == {"untrusted"}


def test_an_unsigned_pdf_is_not_valid(pki: Pki, pdf: bytes) -> None:
    report = verify_pdf(pdf)
    assert report.signatures == []
    assert not report.valid


@pytest.mark.parametrize("data", [b"", b"hello", b"%PDF-1.7\nbroken"])
def test_a_file_that_is_not_a_pdf_is_refused(db: None, data: bytes) -> None:
    with pytest.raises(InvalidInput) as raised:
        verify_pdf(data)
    assert "file" in raised.value.errors
