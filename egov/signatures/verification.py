"""Verifying the signatures of a PDF: integrity, trust, revocation, coverage, timestamps.

pyHanko does the cryptography and the difference analysis between revisions; this module turns
its findings into a report a citizen can read (and the API can serialise), checked against the
roots this installation trusts and the CRLs its authorities publish.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass, field

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from egov.lib.problems import invalid
from egov.signatures.pades import outside_event_loop

logger = logging.getLogger(__name__)


class SignatureVerdict(TextChoices):
    VALID = "valid", _("Valid")
    MODIFIED = "modified", _("The document was changed after signing")
    REVOKED = "revoked", _("The certificate is revoked")
    UNTRUSTED = "untrusted", _("The certificate is not from a trusted authority")
    INVALID = "invalid", _("The signature is broken")


class Changes(TextChoices):
    NONE = "none", _("None")
    SIGNATURES = "signatures", _("Only further signatures or validation data were added")
    ANNOTATIONS = "annotations", _("Comments or annotations were added")
    CONTENT = "content", _("The content was changed")


@dataclass
class CertificateInfo:
    subject: str
    common_name: str
    organization: str
    serial_number: str
    issuer: str
    not_before: dt.datetime
    not_after: dt.datetime


@dataclass
class TimestampInfo:
    time: dt.datetime
    authority: str
    valid: bool
    trusted: bool


@dataclass
class SignatureInfo:
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
    signer: CertificateInfo | None
    chain: list[CertificateInfo]
    timestamp: TimestampInfo | None
    kind: str = ""  # person / organisation, when the certificate is one of ours
    agency: str = ""
    problems: list[str] = field(default_factory=list)


@dataclass
class VerificationReport:
    signatures: list[SignatureInfo]
    # True when the file carries at least one signature and every one of them is valid.
    valid: bool
    summary: str
    size: int
    pages: int


def _name(value: asn1_x509.Name, key: str) -> str:
    return str(value.native.get(key, "")) if value is not None else ""


def _certificate_info(cert: asn1_x509.Certificate) -> CertificateInfo:
    subject = cert.subject
    return CertificateInfo(
        subject=subject.human_friendly,
        common_name=_name(subject, "common_name"),
        organization=_name(subject, "organization_name"),
        serial_number=format(cert.serial_number, "x"),
        issuer=_name(cert.issuer, "common_name") or cert.issuer.human_friendly,
        not_before=cert.not_valid_before,
        not_after=cert.not_valid_after,
    )


def validation_context() -> ValidationContext:
    """Trust anchors and revocation data: the active trusted roots, our authorities' CRLs and
    their certificates as intermediates."""
    from egov.signatures.keys import to_asn1
    from egov.signatures.models import Authority, TrustedRoot

    roots = [
        to_asn1(pem)
        for pem in TrustedRoot.objects.filter(is_active=True).values_list(
            "certificate_pem", flat=True
        )
    ]
    authorities = list(Authority.objects.all())
    crls = [bytes(a.crl_der) for a in authorities if a.crl_der]
    intermediates = [to_asn1(a.certificate_pem) for a in authorities if a.parent_id is not None]
    return ValidationContext(
        trust_roots=roots,
        other_certs=intermediates,
        crls=crls,
        allow_fetching=settings.SIGNATURES_VERIFY_FETCH_REVOCATION,
        revocation_mode="soft-fail",
    )


def _changes(status: PdfSignatureStatus) -> str:
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return Changes.NONE
    level = status.modification_level
    if level is None or level == ModificationLevel.OTHER or status.docmdp_ok is False:
        return Changes.CONTENT
    if level == ModificationLevel.ANNOTATIONS:
        return Changes.ANNOTATIONS
    if level in (ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING):
        return Changes.SIGNATURES
    return Changes.NONE


def _verdict(info: SignatureInfo) -> str:
    if not info.intact or not info.valid:
        return SignatureVerdict.INVALID
    if info.changes_after_signing == Changes.CONTENT:
        return SignatureVerdict.MODIFIED
    if info.revoked:
        return SignatureVerdict.REVOKED
    if not info.trusted:
        return SignatureVerdict.UNTRUSTED
    return SignatureVerdict.VALID


def _ours(info: SignatureInfo, cert: asn1_x509.Certificate) -> None:
    """Add what we know about a certificate we issued (kind, agency, revocation in our DB)."""
    import hashlib

    from egov.signatures.models import Certificate, CertificateStatus

    ours = (
        Certificate.objects.select_related("agency")
        .filter(fingerprint=hashlib.sha256(cert.dump()).hexdigest())
        .first()
    )
    if ours is None:
        return
    info.kind = ours.kind
    info.agency = ours.agency.name
    if ours.status == CertificateStatus.REVOKED and not info.revoked:
        # The CRL we publish is regenerated on every revocation, so this only happens for a
        # signature checked against a CRL cached elsewhere; our own record is authoritative.
        info.revoked = True
        info.revoked_at = ours.revoked_at
        info.revocation_reason = ours.get_revocation_reason_display()


def _signature_info(embedded: object, context: ValidationContext) -> SignatureInfo:
    name = str(getattr(embedded, "field_name", ""))
    try:
        status = outside_event_loop(
            lambda: validate_pdf_signature(
                embedded,  # type: ignore[arg-type]
                signer_validation_context=context,
                ts_validation_context=context,
            )
        )
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
        logger.info("signature %s cannot be validated: %s", name, exc)
        info = SignatureInfo(
            field_name=name,
            verdict=SignatureVerdict.INVALID,
            verdict_label="",
            intact=False,
            valid=False,
            trusted=False,
            revoked=False,
            revoked_at=None,
            revocation_reason="",
            covers_whole_document=False,
            changes_after_signing=Changes.CONTENT,
            changes_label="",
            signing_time=None,
            reason="",
            signer=None,
            chain=[],
            timestamp=None,
            problems=[str(_("The signature data cannot be read."))],
        )
        info.verdict_label = str(SignatureVerdict(info.verdict).label)
        info.changes_label = str(Changes(info.changes_after_signing).label)
        return info
    signer = status.signing_cert
    if status.validation_path is not None:
        # signer first, root last
        path = list(status.validation_path.iter_certs(include_root=True))
        chain = [_certificate_info(c) for c in reversed(path)]
    else:
        chain = [_certificate_info(signer)]
    details = status.revocation_details
    timestamp = None
    if status.timestamp_validity is not None:
        ts = status.timestamp_validity
        timestamp = TimestampInfo(
            time=ts.timestamp,
            authority=_name(ts.signing_cert.subject, "common_name"),
            valid=bool(ts.intact and ts.valid),
            trusted=bool(ts.trusted),
        )
    signature_object = embedded.sig_object  # type: ignore[attr-defined]
    info = SignatureInfo(
        field_name=name,
        verdict="",
        verdict_label="",
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        revoked=bool(status.revoked),
        revoked_at=details.revocation_date if details else None,
        revocation_reason=str(details.revocation_reason.native or "") if details else "",
        covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        changes_after_signing=_changes(status),
        changes_label="",
        signing_time=status.signer_reported_dt,
        reason=str(signature_object.get("/Reason", "")),
        signer=_certificate_info(signer),
        chain=chain,
        timestamp=timestamp,
    )
    _ours(info, signer)
    if not info.intact:
        info.problems.append(
            str(_("The signed bytes were changed: the document was tampered with."))
        )
    elif not info.valid:
        info.problems.append(str(_("The signature value does not match the certificate.")))
    if info.changes_after_signing == Changes.CONTENT:
        info.problems.append(str(_("The document was changed after this signature was made.")))
    if info.revoked:
        info.problems.append(str(_("The signer's certificate has been revoked.")))
    elif not info.trusted:
        info.problems.append(
            str(_("The certificate does not lead to a trusted root, or it has expired."))
        )
    info.verdict = _verdict(info)
    info.verdict_label = str(SignatureVerdict(info.verdict).label)
    info.changes_label = str(Changes(info.changes_after_signing).label)
    return info


def verify(pdf: bytes) -> VerificationReport:
    """Check every signature of ``pdf``; raise InvalidInput when it is not a readable PDF."""
    if not pdf.lstrip()[:5].startswith(b"%PDF-"):
        raise invalid("file", _("The file is not a PDF document."))
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
        pages = int(reader.root["/Pages"]["/Count"])
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise invalid("file", _("The file is not a readable PDF document.")) from exc
    context = validation_context()
    signatures = [_signature_info(item, context) for item in embedded]
    valid = bool(signatures) and all(s.verdict == SignatureVerdict.VALID for s in signatures)
    if not signatures:
        summary = _("The document carries no digital signature.")
    elif valid:
        summary = _("Every signature is valid and the document was not changed after signing.")
    else:
        summary = _("At least one signature is not valid; see the details.")
    return VerificationReport(
        signatures=signatures, valid=valid, summary=str(summary), size=len(pdf), pages=pages
    )
