"""The signing seam (EGOV_DOCUMENT_SIGNER) with a real PAdES signer: pyHanko and a throw-away
certificate stand in for the signatures app, and pyHanko's validator checks the result."""

from __future__ import annotations

import datetime as dt
import io
from functools import cache
from typing import Any

import pytest
from asn1crypto import keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.test import override_settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from egov.documents import actions
from egov.documents.models import Status
from egov.documents.tests.factories import advance, draft, pdf_file

pytestmark = pytest.mark.django_db

SIGNER = "egov.documents.tests.test_signing.pades_signer"
CALLS: list[dict[str, Any]] = []


@cache
def _certificate() -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Sở Xây dựng tỉnh Tiền Giang")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.DER), key_der


def pades_signer(pdf: bytes, *, purpose: str, stamp: dict[str, str], **kwargs: Any) -> bytes:
    """What the signatures app plugs in: sign ``pdf`` (PAdES) and return it."""
    CALLS.append({"purpose": purpose, "stamp": stamp})
    cert_der, key_der = _certificate()
    cert = asn1_x509.Certificate.load(cert_der)
    signer = signers.SimpleSigner(
        signing_cert=cert,
        signing_key=keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs([cert]),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    count = len(PdfFileReader(io.BytesIO(pdf)).embedded_signatures)
    metadata = signers.PdfSignatureMetadata(field_name=f"{purpose}{count}", reason=purpose)
    return signers.sign_pdf(writer, metadata, signer=signer).getvalue()


def _signatures(data: bytes) -> list[bool]:
    cert = asn1_x509.Certificate.load(_certificate()[0])
    reader = PdfFileReader(io.BytesIO(data))
    context = ValidationContext(trust_roots=[cert])
    return [validate_pdf_signature(s, context).bottom_line for s in reader.embedded_signatures]


@override_settings(EGOV_DOCUMENT_SIGNER=SIGNER)
def test_the_leader_and_the_organisation_sign_the_pdf_through_the_seam(world) -> None:  # type: ignore[no-untyped-def]
    CALLS.clear()
    doc = draft(world, file=pdf_file())
    actions.add_attachment(acting_user=world.specialist, document=doc, file=pdf_file("phu-luc.pdf"))
    doc = advance(world, doc, Status.APPROVED)
    doc = actions.sign_document(
        acting_user=world.leader,
        document=doc,
        authority="KT.",
        on_behalf_of="Giám đốc",
        position="Phó Giám đốc",
    )
    assert doc.is_digitally_signed
    doc = actions.issue_document(acting_user=world.document_clerk, document=doc)
    assert doc.is_seal_signed
    with doc.signed_file.open("rb") as handle:
        assert _signatures(handle.read()) == [True, True]
    attachment = doc.attachments.get()
    assert attachment.is_seal_signed
    with attachment.file.open("rb") as handle:
        assert _signatures(handle.read()) == [True]
    assert [c["purpose"] for c in CALLS] == ["signer", "seal", "attachment"]
    assert CALLS[0]["stamp"]["competence"] == "KT. GIÁM ĐỐC"
    assert CALLS[1]["stamp"]["number_notation"] == "01/KH-SXD"
    assert "T" in CALLS[1]["stamp"]["signed_at"]  # ISO 8601
    # The draft version itself is kept unsigned.
    with doc.versions.get().file.open("rb") as handle:
        assert _signatures(handle.read()) == []


def test_without_a_signer_the_decision_is_recorded_unsigned(world) -> None:  # type: ignore[no-untyped-def]
    doc = advance(world, draft(world, file=pdf_file()), Status.ISSUED)
    assert not doc.is_digitally_signed
    assert not doc.is_seal_signed
    assert doc.signer == world.leader
    assert doc.signed_file  # the approved version, as the official file
    with doc.signed_file.open("rb") as handle:
        assert _signatures(handle.read()) == []


@override_settings(EGOV_DOCUMENT_SIGNER=SIGNER)
def test_a_document_without_a_pdf_is_not_counted_as_signed(world) -> None:  # type: ignore[no-untyped-def]
    doc = advance(world, draft(world), Status.ISSUED)
    assert not doc.is_digitally_signed
    assert not doc.signed_file
