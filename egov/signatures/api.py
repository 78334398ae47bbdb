"""API of the signatures app: public verification, and certificates for their holders."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from egov.accounts.selectors import request_user
from egov.api import public
from egov.signatures.access import access_certificate
from egov.signatures.actions import revoke_certificate
from egov.signatures.models import Certificate, RevocationReason
from egov.signatures.selectors import visible_certificates
from egov.signatures.services import verify_pdf
from egov.signatures.uploads import check_request, read_upload

PREFIX = "/signatures"
router = Router(tags=["signatures"])


class CertificateInfoOut(Schema):
    subject: str
    common_name: str
    organization: str
    serial_number: str
    issuer: str
    not_before: dt.datetime
    not_after: dt.datetime


class TimestampOut(Schema):
    time: dt.datetime
    authority: str
    valid: bool
    trusted: bool


class SignatureOut(Schema):
    field_name: str
    verdict: str
    verdict_label: str
    intact: bool
    valid: bool
    trusted: bool
    revoked: bool
    revoked_at: dt.datetime | None
    revocation_reason: str
    covers_whole_document: bool
    changes_after_signing: str
    changes_label: str
    signing_time: dt.datetime | None
    reason: str
    kind: str
    agency: str
    signer: CertificateInfoOut | None
    chain: list[CertificateInfoOut]
    timestamp: TimestampOut | None
    problems: list[str]


class VerificationOut(Schema):
    valid: bool
    summary: str
    size: int
    pages: int
    signatures: list[SignatureOut]


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": "a PDF"}
                    },
                }
            }
        },
    }
}


@router.post(
    "/verify",
    response=VerificationOut,
    auth=None,
    summary="Verify the signatures of a PDF",
    openapi_extra=_UPLOAD_BODY,
)
def verify(request: HttpRequest) -> VerificationOut:
    """Upload a PDF (multipart field ``file``, at most SIGNATURES_VERIFY_MAX_BYTES): every
    signature with its signer, the chain to our trusted roots, revocation (CRL), whether the
    document changed after signing, and the timestamp. Rate-limited per client address; a
    non-PDF gets 422, a too large file 413, too many uploads 429."""
    check_request(request)  # before the body is parsed
    report = verify_pdf(read_upload(request.FILES.get("file")))
    return VerificationOut.model_validate(report, from_attributes=True)


public("POST", "/signatures/verify")


class CertificateOut(Schema):
    id: int
    serial_number: str
    subject: str
    common_name: str
    kind: str
    status: str
    agency: str
    holder: str | None
    not_before: dt.datetime
    not_after: dt.datetime
    revoked_at: dt.datetime | None
    revocation_reason: str
    key_storage: str
    certificate_pem: str

    @staticmethod
    def resolve_agency(obj: Certificate) -> str:
        return obj.agency.name

    @staticmethod
    def resolve_holder(obj: Certificate) -> str | None:
        return obj.user.get_full_name() if obj.user else None


@router.get("/certificates", response=list[CertificateOut], summary="My certificates")
def certificates(request: HttpRequest) -> list[Certificate]:
    """The caller's own certificates, plus their agencies' for agency leaders and
    administrators (everything for system administrators)."""
    return list(visible_certificates(request_user(request))[:200])


@router.get("/certificates/{certificate_id}", response=CertificateOut, summary="A certificate")
def certificate(request: HttpRequest, certificate_id: int) -> Certificate:
    return access_certificate(request_user(request), certificate_id)


class RevokeIn(Schema):
    reason: RevocationReason = RevocationReason.UNSPECIFIED


@router.post(
    "/certificates/{certificate_id}/revoke",
    response=CertificateOut,
    summary="Revoke a certificate",
)
def revoke(request: HttpRequest, certificate_id: int, payload: RevokeIn) -> Certificate:
    """The holder (e.g. after losing the token), an agency administrator or a system
    administrator revokes a certificate; the CRL is republished at once. 409 when it is
    revoked already."""
    user = request_user(request)
    found = access_certificate(user, certificate_id)
    return revoke_certificate(acting_user=user, certificate=found, reason=payload.reason)
