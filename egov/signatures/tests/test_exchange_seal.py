"""edXML packages signed with the agency's organisation seal in the PKCS#11 token, and peers
trusted through their certificate authority (chain, validity at signing time, CRL)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured

from egov.documents.models import Document
from egov.exchange import edxml, signing, trust
from egov.exchange.codes import StatusCode
from egov.exchange.models import Message, Peer, Transmission
from egov.exchange.samples import organization, sample_document
from egov.signatures import ca
from egov.signatures.actions import create_authority, issue_certificate, revoke_certificate
from egov.signatures.exchange_keys import SealKeyProvider, TokenKey
from egov.signatures.models import CertificateKind
from egov.signatures.tests.conftest import Pki, token_key

URL = "/api/v1/exchange/edxml"


@pytest.fixture
def seal_settings(signing_settings: Any) -> Any:
    """The settings' default provider, no installation key file, fresh caches."""
    signing_settings.EXCHANGE_KEY_PROVIDER = signing.DEFAULT_PROVIDER
    signing_settings.EXCHANGE_SIGNING_KEY_FILE = ""
    signing_settings.EXCHANGE_SIGNING_CERT_FILE = ""
    signing.key_provider.cache_clear()
    trust.forget_crls()
    yield signing_settings
    signing.key_provider.cache_clear()


def _document(pki: Pki, number: str = "58") -> edxml.DocumentMessage:
    """Sở Xây dựng → Sở Tư pháp, stamped now (the seal was issued today)."""
    world = pki.world
    message = sample_document(
        sender=organization(world.construction.organ_code, world.construction.name),
        to=(organization(world.justice.organ_code, world.justice.name),),
        number=number,
        day=dt.datetime.now(dt.UTC).date(),
    )
    trace = dataclasses.replace(message.traces[0], timestamp=dt.datetime.now(dt.UTC))
    return dataclasses.replace(message, traces=(trace,))


def _seal_signed(message: edxml.DocumentMessage) -> bytes:
    material = signing.key_provider().material_for(message.header.sender.organ_id)
    return signing.sign(edxml.build_document(message), material)


def _peer_trusting(pki: Pki, roots: str) -> Peer:
    """Sở Xây dựng seen as a peer installation trusted through certificate authorities."""
    return Peer.objects.create(
        organ_code=pki.world.construction.organ_code,
        name=pki.world.construction.name,
        endpoint_url="http://127.0.0.1:9",
        certificate="",
        trusted_roots=roots,
    )


def _post(client: Any, data: bytes, organ: str) -> Any:
    return client.post(f"{URL}?to={organ}", data, content_type="application/xml")


def _justice_seal(pki: Pki) -> None:
    issue_certificate(
        acting_user=None,
        authority=pki.root,
        kind=CertificateKind.ORGANISATION,
        agency=pki.world.justice,
        key=token_key(),
    )


def test_the_default_provider_signs_with_the_agency_seal_held_in_the_token(
    pki: Pki, seal_settings: Any
) -> None:
    provider = signing.key_provider()
    assert isinstance(provider, SealKeyProvider)
    material = provider.material_for(pki.world.construction.organ_code)
    assert isinstance(material.key, TokenKey)
    assert material.key.key_label == pki.seal.key_label
    assert material.certificate == ca.from_pem(pki.seal.certificate_pem)
    # Loaded once: the same material (and token key object) serves every package.
    assert provider.material_for(pki.world.construction.organ_code) is material

    message = _document(pki)
    signed = signing.sign(edxml.build_document(message), material)
    root = edxml.parse_xml(signed, max_bytes=10_000_000)
    assert edxml.read_document(signing.verify(root, material.certificate)).document_id == (
        message.document_id
    )
    with pytest.raises(signing.SignatureRejected):
        other = signing.generate_material("someone else")
        signing.verify(root, other.certificate)


def test_an_agency_without_a_seal_signs_with_the_installation_key(
    pki: Pki, seal_settings: Any, tmp_path: Path
) -> None:
    with pytest.raises(ImproperlyConfigured, match="no organisation seal"):
        signing.key_provider().material_for(pki.world.justice.organ_code)

    installation = signing.generate_material("egov installation key")
    key_pem, cert_pem = signing.material_to_pem(installation)
    (tmp_path / "k.pem").write_bytes(key_pem)
    (tmp_path / "c.pem").write_bytes(cert_pem)
    seal_settings.EXCHANGE_SIGNING_KEY_FILE = str(tmp_path / "k.pem")
    seal_settings.EXCHANGE_SIGNING_CERT_FILE = str(tmp_path / "c.pem")
    provider = signing.key_provider()
    assert provider.material_for(pki.world.justice.organ_code).certificate == (
        installation.certificate
    )
    # ... while the agency with a seal still signs with it.
    assert provider.material_for(pki.world.construction.organ_code).certificate == (
        ca.from_pem(pki.seal.certificate_pem)
    )
    # Asking for the file provider by name turns the seals off.
    seal_settings.EXCHANGE_KEY_PROVIDER = "egov.exchange.signing.InstallationKeyProvider"
    assert signing.key_provider().material_for(pki.world.construction.organ_code).certificate == (
        installation.certificate
    )


def test_a_revoked_seal_no_longer_signs(pki: Pki, seal_settings: Any) -> None:
    signing.key_provider().material_for(pki.world.construction.organ_code)
    revoke_certificate(acting_user=None, certificate=pki.seal, reason="key_compromise")
    signing.key_provider.cache_clear()
    with pytest.raises(ImproperlyConfigured, match="revoked or expired"):
        signing.key_provider().material_for(pki.world.construction.organ_code)


def test_a_peer_trusted_through_its_ca_delivers_and_gets_a_seal_signed_ack(
    client: Any, pki: Pki, seal_settings: Any
) -> None:
    _justice_seal(pki)
    _peer_trusting(pki, pki.root.certificate_pem)
    message = _document(pki)

    response = _post(client, _seal_signed(message), pki.world.justice.organ_code)

    assert response.status_code == 200, response.content
    ack_root = edxml.parse_xml(response.content, max_bytes=1_000_000)
    # The acknowledgement is signed by Sở Tư pháp's own seal, and verifies through the CA too.
    justice_peer = Peer(
        organ_code=pki.world.justice.organ_code, trusted_roots=pki.root.certificate_pem
    )
    ack = edxml.read_status(
        signing.verify_from_peer(ack_root, justice_peer, pki.world.justice.organ_code)
    )
    assert ack.code == StatusCode.ARRIVED
    assert ack.response_for.document_id == message.document_id
    received = Transmission.objects.get(direction="incoming")
    assert Document.objects.filter(pk=received.local_document_id).exists()


def test_a_revoked_seal_certificate_is_refused_with_a_clear_problem(
    client: Any, pki: Pki, seal_settings: Any
) -> None:
    _justice_seal(pki)
    _peer_trusting(pki, pki.root.certificate_pem)
    signed = _seal_signed(_document(pki))  # signed before the revocation
    revoke_certificate(acting_user=None, certificate=pki.seal, reason="key_compromise")

    response = _post(client, signed, pki.world.justice.organ_code)

    assert response.status_code == 403
    problem = response.json()
    assert response["Content-Type"].startswith("application/problem+json")
    assert problem["code"] == "bad_signature"
    assert problem["reason"] == "revoked_certificate"
    # Vietnamese first: the detail says which certificate was revoked, and when.
    assert "đã bị tổ chức chứng thực thu hồi" in problem["detail"]
    assert pki.seal.serial_number in problem["detail"]
    assert problem["errors"][0]["field"] == "Signature.KeyInfo"
    assert Transmission.objects.count() == 0
    assert Message.objects.count() == 0


def test_a_certificate_from_another_ca_is_untrusted(
    client: Any, pki: Pki, seal_settings: Any
) -> None:
    _justice_seal(pki)
    stranger = create_authority(acting_user=None, name="Some Other Root CA", slug="other")
    _peer_trusting(pki, stranger.certificate_pem)

    response = _post(client, _seal_signed(_document(pki)), pki.world.justice.organ_code)

    assert response.status_code == 403
    assert response.json()["reason"] == "untrusted_certificate"
    assert Transmission.objects.count() == 0


def test_a_certificate_issued_to_another_organ_cannot_speak_for_this_one(
    client: Any, pki: Pki, seal_settings: Any
) -> None:
    """The CA vouches for Sở Xây dựng's seal, not for whoever signs with it."""
    _justice_seal(pki)
    Peer.objects.create(
        organ_code=pki.world.province.organ_code,
        name=pki.world.province.name,
        endpoint_url="http://127.0.0.1:9",
        trusted_roots=pki.root.certificate_pem,
    )
    message = _document(pki)
    forged = dataclasses.replace(
        message,
        header=dataclasses.replace(
            message.header,
            sender=organization(pki.world.province.organ_code, pki.world.province.name),
            document_id=edxml.document_id_for(
                pki.world.province.organ_code, message.header.promulgation.date, message.header.code
            ),
        ),
        traces=(dataclasses.replace(message.traces[0], organ_id=pki.world.province.organ_code),),
    )
    material = signing.key_provider().material_for(pki.world.construction.organ_code)
    signed = signing.sign(edxml.build_document(forged), material)

    response = _post(client, signed, pki.world.justice.organ_code)

    assert response.status_code == 403
    assert response.json()["reason"] == "no_certificate"


def test_a_package_claiming_a_signing_time_outside_the_certificate_is_refused(
    client: Any, pki: Pki, seal_settings: Any
) -> None:
    _justice_seal(pki)
    _peer_trusting(pki, pki.root.certificate_pem)
    message = _document(pki)
    before_issue = dataclasses.replace(
        message.traces[0], timestamp=dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    )
    response = _post(
        client,
        _seal_signed(dataclasses.replace(message, traces=(before_issue,))),
        pki.world.justice.organ_code,
    )
    assert response.status_code == 403
    assert response.json()["reason"] == "expired_certificate"


def test_the_crl_of_a_foreign_ca_is_fetched_from_its_distribution_point_and_kept(
    live_server: Any, pki: Pki, seal_settings: Any
) -> None:
    """For a CA that is not ours, the CRL comes over HTTP from the URL in the certificate."""
    seal_settings.SITE_URL = live_server.url
    issued = issue_certificate(
        acting_user=None,
        authority=pki.root,
        kind=CertificateKind.ORGANISATION,
        agency=pki.world.province,
        key=token_key(),
    )
    certificate = ca.from_pem(issued.certificate_pem)
    url = trust._distribution_points(certificate)[0]
    assert url.startswith(live_server.url)

    first = trust._fetched_crl(url)
    assert first.get_revoked_certificate_by_serial_number(certificate.serial_number) is None
    revoke_certificate(acting_user=None, certificate=issued, reason="key_compromise")
    assert trust._fetched_crl(url) is first  # kept until its next update (or the cache time)
    trust.forget_crls()
    fresh = trust._fetched_crl(url)
    assert fresh.get_revoked_certificate_by_serial_number(certificate.serial_number) is not None

    with pytest.raises(trust.RevocationUnavailable):
        trust._fetched_crl(live_server.url + "/signatures/pki/nothing-here.crl")
    assert httpx.get(url).status_code == 200
