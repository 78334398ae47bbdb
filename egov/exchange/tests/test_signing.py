"""XML-DSig of packages: only the trusted certificate's key, over the whole package, counts."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from django.core.exceptions import ImproperlyConfigured
from lxml import etree

from egov.exchange import edxml, signing
from egov.exchange.codes import DSIG_NAMESPACE, NAMESPACE
from egov.exchange.samples import sample_document

MAX = 1_000_000
Q = f"{{{NAMESPACE}}}"


def _signed(material: signing.SigningMaterial) -> bytes:
    return signing.sign(edxml.build_document(sample_document()), material)


def _verify(data: bytes, certificate: x509.Certificate) -> etree._Element:
    return signing.verify(edxml.parse_xml(data, max_bytes=MAX), certificate)


def test_a_package_verifies_with_the_senders_certificate(material) -> None:  # type: ignore[no-untyped-def]
    signed = _verify(_signed(material), material.certificate)
    assert edxml.read_document(signed).header.subject.startswith("Kế hoạch")
    assert signed.find(f".//{{{DSIG_NAMESPACE}}}Signature") is None  # only what was signed


def test_any_change_after_signing_breaks_the_signature(material) -> None:  # type: ignore[no-untyped-def]
    data = _signed(material).replace("Kế hoạch".encode(), "Quyết định".encode(), 1)
    with pytest.raises(signing.SignatureRejected) as error:
        _verify(data, material.certificate)
    assert error.value.code == "bad_signature"


def test_a_changed_attachment_breaks_the_signature(material) -> None:  # type: ignore[no-untyped-def]
    root = edxml.parse_xml(_signed(material), max_bytes=MAX)
    element = root.find(f"{Q}AttachmentEncoded/{Q}Attachment/{Q}ContentTransferEncoded")
    element.text = element.text[:-8] + "QUFBQUFB"
    with pytest.raises(signing.SignatureRejected):
        signing.verify(root, material.certificate)


def test_a_package_signed_by_another_key_is_refused_even_if_it_carries_that_keys_certificate(
    material,
    other_material,  # type: ignore[no-untyped-def]
) -> None:
    data = _signed(other_material)  # carries other_material's certificate in KeyInfo
    with pytest.raises(signing.SignatureRejected):
        _verify(data, material.certificate)


def test_an_unsigned_package_is_refused(material) -> None:  # type: ignore[no-untyped-def]
    data = edxml.to_bytes(edxml.build_document(sample_document()))
    with pytest.raises(signing.SignatureRejected):
        _verify(data, material.certificate)


def test_a_signature_outside_the_header_is_refused(material) -> None:  # type: ignore[no-untyped-def]
    root = edxml.build_document(sample_document())
    placeholder = root.find(f".//{{{DSIG_NAMESPACE}}}Signature")
    placeholder.getparent().remove(placeholder)
    root.append(placeholder)  # signxml would sign fine, but the location is wrong
    with pytest.raises(signing.SignatureRejected):
        _verify(signing.sign(root, material), material.certificate)


def test_an_expired_certificate_is_refused(material) -> None:  # type: ignore[no-untyped-def]
    now = dt.datetime.now(dt.UTC)
    expired = (
        x509.CertificateBuilder()
        .subject_name(material.certificate.subject)
        .issuer_name(material.certificate.subject)
        .public_key(material.key.public_key())
        .serial_number(7)
        .not_valid_before(now - dt.timedelta(days=30))
        .not_valid_after(now - dt.timedelta(days=1))
        .sign(material.key, hashes.SHA256())
    )
    data = signing.sign(
        edxml.build_document(sample_document()),
        signing.SigningMaterial(key=material.key, certificate=expired),
    )
    with pytest.raises(signing.SignatureRejected) as error:
        _verify(data, expired)
    assert "Signature" in error.value.errors


def test_ec_keys_sign_too(other_material) -> None:  # type: ignore[no-untyped-def]
    assert other_material.algorithm == "ecdsa-sha256"
    assert _verify(_signed(other_material), other_material.certificate) is not None


def test_the_file_provider_reads_pem_files(material, tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    key_pem, cert_pem = signing.material_to_pem(material)
    (tmp_path / "key.pem").write_bytes(key_pem)
    (tmp_path / "cert.pem").write_bytes(cert_pem)
    settings.EXCHANGE_KEY_PROVIDER = "egov.exchange.signing.InstallationKeyProvider"
    settings.EXCHANGE_SIGNING_KEY_FILE = str(tmp_path / "key.pem")
    settings.EXCHANGE_SIGNING_CERT_FILE = str(tmp_path / "cert.pem")
    loaded = signing.key_provider().material_for("000.00.09.H58")
    assert loaded.certificate == material.certificate
    signed = signing.sign(edxml.build_document(sample_document()), loaded)
    assert _verify(signed, material.certificate) is not None


def test_the_file_provider_says_what_is_missing(settings) -> None:  # type: ignore[no-untyped-def]
    settings.EXCHANGE_KEY_PROVIDER = "egov.exchange.signing.InstallationKeyProvider"
    settings.EXCHANGE_SIGNING_KEY_FILE = ""
    with pytest.raises(ImproperlyConfigured, match="EXCHANGE_SIGNING_KEY_FILE"):
        signing.key_provider()
