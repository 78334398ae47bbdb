"""The public verification API and page, the CRL and CA endpoints, the certificates API."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography import x509
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from egov.signatures.services import sign_pdf
from egov.signatures.tests.conftest import Pki


@pytest.fixture
def signed(pki: Pki, pdf: bytes) -> bytes:
    return sign_pdf(pdf, signer=pki.world.leader, agency=pki.world.construction, reason="Ký")


def upload(
    client: Client, data: bytes, path: str = "/api/v1/signatures/verify", **extra: Any
) -> Any:
    return client.post(
        path, {"file": SimpleUploadedFile("van-ban.pdf", data, "application/pdf")}, **extra
    )


def test_anyone_can_verify_a_signed_pdf_through_the_api(client: Client, signed: bytes) -> None:
    response = upload(client, signed)

    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True
    assert [s["kind"] for s in body["signatures"]] == ["person", "organisation"]
    person = body["signatures"][0]
    assert person["signer"]["common_name"] == "Võ Thị Giang"
    assert person["chain"][-1]["common_name"] == "Tiền Giang Test Root CA"
    assert person["revoked"] is False


def test_a_non_pdf_upload_gets_a_translated_error_naming_the_field(
    client: Client, pki: Pki
) -> None:
    response = upload(client, b"GIF89a not a pdf", HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["errors"][0]["field"] == "file"
    assert "PDF" in body["detail"]


def test_a_missing_file_names_the_field(client: Client, pki: Pki) -> None:
    response = client.post("/api/v1/signatures/verify", {})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"


def test_an_oversized_upload_is_refused(
    client: Client, signed: bytes, signing_settings: Any
) -> None:
    signing_settings.SIGNATURES_VERIFY_MAX_BYTES = len(signed) - 1

    response = upload(client, signed)

    assert response.status_code == 413
    assert response.json()["errors"][0]["field"] == "file"


def test_uploads_are_rate_limited_per_client(
    client: Client, pdf: bytes, signing_settings: Any, db: None
) -> None:
    signing_settings.SIGNATURES_VERIFY_RATE_LIMIT = 2
    assert upload(client, pdf).status_code == 200
    assert upload(client, pdf).status_code == 200

    response = upload(client, pdf)

    assert response.status_code == 429
    assert upload(client, pdf, REMOTE_ADDR="10.0.0.9").status_code == 200  # another client


def test_the_verification_page_works_without_login(client: Client, signed: bytes) -> None:
    assert client.get("/signatures/verify/").status_code == 200

    response = upload(client, signed, path="/signatures/verify/", HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 200
    text = response.content.decode()
    assert "Võ Thị Giang" in text
    assert "Sở Xây dựng tỉnh Tiền Giang" in text
    assert "Tiền Giang Test Root CA" in text


def test_the_verification_page_explains_a_bad_upload(client: Client, pki: Pki) -> None:
    response = upload(client, b"hello", path="/signatures/verify/")
    assert response.status_code == 422
    assert b"PDF" in response.content


def test_the_crl_and_the_ca_certificate_are_public(client: Client, pki: Pki) -> None:
    crl_response = client.get(pki.root.crl_path())
    cert_response = client.get(pki.root.certificate_path())

    assert crl_response["Content-Type"] == "application/pkix-crl"
    crl = x509.load_der_x509_crl(crl_response.content)
    root = x509.load_der_x509_certificate(cert_response.content)
    assert crl.is_signature_valid(root.public_key())  # type: ignore[arg-type]
    assert client.get("/signatures/pki/nope.crl").status_code == 404


def test_an_official_sees_their_own_certificate(client: Client, pki: Pki) -> None:
    client.force_login(pki.world.leader)

    listed = client.get("/api/v1/signatures/certificates").json()
    detail = client.get(f"/api/v1/signatures/certificates/{pki.leader.pk}")

    assert {c["id"] for c in listed} == {pki.leader.pk, pki.seal.pk}  # a leader sees the seal too
    assert detail.status_code == 200
    assert detail.json()["holder"] == "Võ Thị Giang"


def test_someone_else_gets_404_for_a_certificate_that_is_not_theirs(
    client: Client, pki: Pki
) -> None:
    client.force_login(pki.world.outsider)

    assert client.get(f"/api/v1/signatures/certificates/{pki.leader.pk}").status_code == 404
    assert client.get("/api/v1/signatures/certificates/999999").status_code == 404
    response = client.post(
        f"/api/v1/signatures/certificates/{pki.leader.pk}/revoke",
        {},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_the_holder_revokes_their_lost_certificate_and_a_second_try_conflicts(
    client: Client, pki: Pki
) -> None:
    client.force_login(pki.world.leader)
    path = f"/api/v1/signatures/certificates/{pki.leader.pk}/revoke"

    first = client.post(path, {"reason": "key_compromise"}, content_type="application/json")
    second = client.post(path, {"reason": "key_compromise"}, content_type="application/json")

    assert first.status_code == 200
    assert first.json()["status"] == "revoked"
    assert second.status_code == 409


def test_a_leader_may_not_revoke_the_agency_seal(client: Client, pki: Pki) -> None:
    client.force_login(pki.world.leader)
    response = client.post(
        f"/api/v1/signatures/certificates/{pki.seal.pk}/revoke", {}, content_type="application/json"
    )
    assert response.status_code == 403


def test_an_unknown_revocation_reason_names_the_field(client: Client, pki: Pki) -> None:
    client.force_login(pki.world.leader)
    response = client.post(
        f"/api/v1/signatures/certificates/{pki.leader.pk}/revoke",
        {"reason": "bored"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reason"


def test_certificates_are_visible_in_admin_and_roots_can_be_imported(
    client: Client, pki: Pki
) -> None:
    from egov.accounts.models import User

    admin = User.objects.create_superuser("root-admin", "ra@example.vn", "x-Pass-2026-long")
    client.force_login(admin)

    listing = client.get("/admin/signatures/certificate/")
    bad = client.post(
        "/admin/signatures/trustedroot/add/",
        {"name": "X", "certificate_pem": "junk", "is_active": "on"},
    )
    duplicate = client.post(
        "/admin/signatures/trustedroot/add/",
        {"name": "Again", "certificate_pem": pki.root.certificate_pem, "is_active": "on"},
    )

    assert listing.status_code == 200
    assert "Võ Thị Giang" in listing.content.decode()
    assert bad.status_code == 200 and b"PEM" in bad.content
    assert duplicate.status_code == 200
