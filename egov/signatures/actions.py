"""Writes of the signatures app: the test CA, certificates, revocation, CRLs, and signing."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography import x509
from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from egov.audit.actions import record_event
from egov.lib.actions import action
from egov.lib.problems import Conflict, PermissionDenied, invalid
from egov.org.models import Role
from egov.org.selectors import has_role, is_system_admin
from egov.signatures import appearance, ca, keys, pades
from egov.signatures.models import (
    TRANSITIONS,
    Authority,
    Certificate,
    CertificateKind,
    CertificateStatus,
    CertificateStatusChange,
    KeyStorage,
    RevocationReason,
    SignatureKind,
    SignatureRecord,
    TrustedRoot,
)

if TYPE_CHECKING:
    from egov.accounts.models import User
    from egov.org.models import Agency

PROVINCE_NAME = "Tiền Giang"

_REASONS = {
    RevocationReason.UNSPECIFIED: x509.ReasonFlags.unspecified,
    RevocationReason.KEY_COMPROMISE: x509.ReasonFlags.key_compromise,
    RevocationReason.AFFILIATION_CHANGED: x509.ReasonFlags.affiliation_changed,
    RevocationReason.SUPERSEDED: x509.ReasonFlags.superseded,
    RevocationReason.CESSATION_OF_OPERATION: x509.ReasonFlags.cessation_of_operation,
    RevocationReason.CERTIFICATE_HOLD: x509.ReasonFlags.certificate_hold,
}


def _require_system(user: User | None) -> None:
    if user is not None and not is_system_admin(user):
        raise PermissionDenied()


def _urls(authority: Authority) -> ca.Urls:
    return ca.Urls(
        crl=settings.SITE_URL + authority.crl_path(),
        issuer_certificate=settings.SITE_URL + authority.certificate_path(),
    )


def authority_key(authority: Authority) -> ca.PrivateKey:
    return ca.read_key(keys.key_path(authority.key_file), settings.SIGNATURES_CA_KEY_PASSPHRASE)


def _publish(authority: Authority, now: dt.datetime) -> None:
    """Regenerate the authority's CRL from the revoked certificates (row already locked)."""
    revoked = [
        ca.Revoked(
            serial_number=int(c.serial_number, 16),
            revoked_at=c.revoked_at or now,
            reason=_REASONS.get(RevocationReason(c.revocation_reason or "unspecified")),
        )
        for c in authority.certificates.filter(status=CertificateStatus.REVOKED)
    ]
    authority.crl_number += 1
    crl = ca.build_crl(
        issuer=ca.from_pem(authority.certificate_pem),
        issuer_key=authority_key(authority),
        number=authority.crl_number,
        revoked=revoked,
        now=now,
        days=settings.SIGNATURES_CRL_DAYS,
    )
    authority.crl_der = crl.public_bytes(ca.serialization.Encoding.DER)
    authority.crl_published_at = now
    authority.crl_next_update = crl.next_update_utc
    authority.save(update_fields=["crl_number", "crl_der", "crl_published_at", "crl_next_update"])


@action
def create_authority(
    *,
    acting_user: User | None,
    name: str,
    slug: str = "",
    parent: Authority | None = None,
    years: int | None = None,
) -> Authority:
    """Create the provincial root CA (no ``parent``) or an issuing CA below ``parent``.

    The key is a software key under SIGNATURES_KEY_DIR/ca/ (mode 0600); a root becomes a
    trusted root of this installation at once, and every authority starts with an empty CRL.
    """
    _require_system(acting_user)
    slug = slug or slugify(name)[:50]
    if not name.strip():
        raise invalid("name", _("Enter a name."))
    if Authority.objects.filter(slug=slug).exists():
        raise Conflict(_("An authority called %(slug)s exists already.") % {"slug": slug})
    now = timezone.now()
    key = ca.generate_key(settings.SIGNATURES_CA_KEY_BITS)
    subject = ca.name(name, organization=f"UBND tỉnh {PROVINCE_NAME}", province=PROVINCE_NAME)
    authority = Authority(slug=slug, name=name, parent=parent)
    if parent is None:
        certificate = ca.create_root(key, subject, now=now, years=years or 20)
    else:
        parent = Authority.objects.select_for_update().get(pk=parent.pk)
        certificate = ca.create_intermediate(
            key,
            subject,
            issuer=ca.from_pem(parent.certificate_pem),
            issuer_key=authority_key(parent),
            urls=_urls(parent),
            now=now,
            years=years or 10,
        )
    # named after the certificate: a new CA never overwrites an older key with the same slug
    authority.key_file = f"ca/{slug}-{ca.serial_hex(certificate.serial_number)[:16]}.key"
    authority.certificate_pem = ca.to_pem(certificate)
    authority.not_after = certificate.not_valid_after_utc
    authority.save()
    ca.write_key(key, keys.key_path(authority.key_file), settings.SIGNATURES_CA_KEY_PASSPHRASE)
    if parent is None:
        TrustedRoot.objects.create(
            name=name,
            certificate_pem=authority.certificate_pem,
            fingerprint=ca.fingerprint(certificate),
            authority=authority,
        )
    _publish(authority, now)
    record_event(
        actor=acting_user,
        verb="signatures.create_authority",
        obj=authority,
        after={"name": name, "slug": slug, "parent": parent.slug if parent else None},
    )
    return authority


@dataclass(frozen=True)
class KeyRequest:
    """Where the new certificate's key pair comes from.

    ``token_label`` + ``key_label``: generated inside that PKCS#11 token (never leaves it).
    ``software``: a key file under SIGNATURES_KEY_DIR, allowed only for the demo.
    """

    token_label: str = ""
    key_label: str = ""
    software: bool = False


@action
def issue_certificate(
    *,
    acting_user: User | None,
    authority: Authority,
    kind: str,
    agency: Agency,
    user: User | None = None,
    title: str = "",
    key: KeyRequest,
    days: int = 3 * 365,
    image_png: bytes = b"",
) -> Certificate:
    """Issue a personal signing certificate to an official of ``agency`` or the agency's
    organisation seal certificate, for a key pair generated where ``key`` says."""
    _require_system(acting_user)
    if kind not in CertificateKind.values:
        raise invalid("kind", _("Choose one of the allowed values."))
    if kind == CertificateKind.PERSON:
        if user is None:
            raise invalid("user", _("A personal certificate needs the official it belongs to."))
        if not has_role(user, agency=agency):
            raise invalid("user", _("This person holds no role in the agency."))
    elif user is not None:
        raise invalid("user", _("An organisation seal belongs to the agency, not to a person."))
    if key.software and not keys.software_keys_allowed():
        raise invalid("key", _("Software keys are allowed only for the demo; use a token."))
    if not key.software and not (key.token_label and key.key_label):
        raise invalid("key", _("Name the token and the key label."))
    authority = Authority.objects.select_for_update().get(pk=authority.pk)
    now = timezone.now()
    if kind == CertificateKind.PERSON:
        assert user is not None
        subject = ca.name(
            user.get_full_name(),
            organization=agency.name,
            province=PROVINCE_NAME,
            title=title,
            uid=user.get_username(),
            email=user.email,
        )
    else:
        subject = ca.name(
            agency.name, organization=agency.name, province=PROVINCE_NAME, uid=agency.organ_code
        )
    private_key = None
    if key.software:
        private_key = ca.generate_key()
        public_key: ca.PublicKey = private_key.public_key()
    else:
        public_key = keys.generate_token_key(key.token_label, key.key_label)
    certificate = ca.issue_end_entity(
        public_key,
        subject,
        issuer=ca.from_pem(authority.certificate_pem),
        issuer_key=authority_key(authority),
        urls=_urls(authority),
        now=now,
        days=days,
    )
    serial = ca.serial_hex(certificate.serial_number)
    issued = Certificate(
        authority=authority,
        serial_number=serial,
        fingerprint=ca.fingerprint(certificate),
        subject=certificate.subject.rfc4514_string(),
        common_name=ca.common_name(certificate.subject),
        kind=kind,
        user=user,
        agency=agency,
        title=title,
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        certificate_pem=ca.to_pem(certificate),
        key_storage=KeyStorage.FILE if key.software else KeyStorage.PKCS11,
        token_label=key.token_label,
        key_label=key.key_label,
        key_file=f"demo/{serial}.key" if key.software else "",
        image_png=image_png
        or (
            appearance.draw_signature_png(user.get_full_name())
            if user is not None
            else appearance.draw_seal_png(agency.name, agency.parent.name if agency.parent else "")
        ),
        issued_at=now,
    )
    issued.full_clean(exclude=["image_png"])
    issued.save()
    if private_key is not None:
        ca.write_key(private_key, keys.key_path(issued.key_file))
    CertificateStatusChange.objects.create(
        certificate=issued, to_status=CertificateStatus.ACTIVE, at=now, by=acting_user
    )
    record_event(
        actor=acting_user,
        verb="signatures.issue_certificate",
        obj=issued,
        agency=agency,
        after={
            "serial": serial,
            "kind": kind,
            "subject": issued.subject,
            "user": user.pk if user else None,
            "key_storage": issued.key_storage,
            "token_label": key.token_label,
            "key_label": key.key_label,
        },
    )
    return issued


def _may_revoke(user: User | None, certificate: Certificate) -> bool:
    return (
        user is None
        or is_system_admin(user)
        or has_role(user, Role.AGENCY_ADMIN, agency=certificate.agency_id)
        or (certificate.user_id is not None and certificate.user_id == user.pk)
    )


@action
def revoke_certificate(
    *,
    acting_user: User | None,
    certificate: Certificate,
    reason: str = RevocationReason.UNSPECIFIED,
) -> Certificate:
    """Revoke a certificate and republish its issuer's CRL in the same transaction."""
    if reason not in RevocationReason.values:
        raise invalid("reason", _("Choose one of the allowed values."))
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if not _may_revoke(acting_user, certificate):
        raise PermissionDenied()
    target = CertificateStatus.REVOKED
    if target not in TRANSITIONS[certificate.status]:
        raise Conflict(_("This certificate is already revoked."), code="already_revoked")
    now = timezone.now()
    before = certificate.status
    certificate.status = target
    certificate.revoked_at = now
    certificate.revocation_reason = reason
    certificate.save(update_fields=["status", "revoked_at", "revocation_reason"])
    CertificateStatusChange.objects.create(
        certificate=certificate,
        from_status=before,
        to_status=target,
        reason=reason,
        at=now,
        by=acting_user,
    )
    _publish(Authority.objects.select_for_update().get(pk=certificate.authority_id), now)
    keys.forget_signer(certificate.pk)
    record_event(
        actor=acting_user,
        verb="signatures.revoke_certificate",
        obj=certificate,
        agency=certificate.agency,
        before={"status": before},
        after={"status": target, "reason": reason},
    )
    return certificate


@action
def publish_crl(*, acting_user: User | None, authority: Authority) -> Authority:
    """Publish a fresh CRL (the periodic job calls this before the previous one expires)."""
    _require_system(acting_user)
    authority = Authority.objects.select_for_update().get(pk=authority.pk)
    _publish(authority, timezone.now())
    record_event(
        actor=acting_user,
        verb="signatures.publish_crl",
        obj=authority,
        after={"crl_number": authority.crl_number},
    )
    return authority


# --- signing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Where the signature block goes: ``page`` (negative counts from the end), the block's
    bottom-left corner in points (``x`` None: right-aligned at a 20 mm margin) and its width."""

    page: int = -1
    x: float | None = None
    y: float = 90.0
    width: float = appearance.BLOCK_WIDTH


RIGHT_MARGIN = 20 * appearance.PT_PER_MM


def _usable(kind: str, agency: Agency, user: User | None, field: str) -> Certificate:
    from egov.signatures.selectors import usable_certificate

    found = usable_certificate(kind=kind, agency=agency, user=user)
    if found is None:
        message = (
            _("%(person)s has no valid signing certificate for %(agency)s.")
            % {"person": user.get_full_name() if user else "", "agency": agency.name}
            if kind == CertificateKind.PERSON
            else _("%(agency)s has no valid organisation seal certificate.")
            % {"agency": agency.name}
        )
        raise keys.SigningUnavailable(message, errors={field: message})
    return found


def _tsa() -> pades.TimeStamper | None:
    return pades.cached_timestamper(settings.SIGNATURES_TSA_URL)


def _record(
    *,
    acting_user: User | None,
    kind: str,
    agency: Agency,
    used: list[Certificate],
    reason: str,
    pdf: bytes,
    signed: bytes,
    verb: str,
) -> None:
    """Lock the certificates, make sure none was revoked while we signed, and keep a record."""
    current = list(Certificate.objects.select_for_update().filter(pk__in=[c.pk for c in used]))
    if any(c.status != CertificateStatus.ACTIVE for c in current):
        raise Conflict(_("A certificate was revoked while signing; nothing was signed."))
    record = SignatureRecord.objects.create(
        kind=kind,
        signed_by=acting_user,
        agency=agency,
        reason=reason[:255],
        input_sha256=hashlib.sha256(pdf).hexdigest(),
        output_sha256=hashlib.sha256(signed).hexdigest(),
        timestamped=_tsa() is not None,
    )
    record.certificates.set(current)
    record_event(
        actor=acting_user,
        verb=verb,
        obj=record,
        agency=agency,
        after={
            "certificates": [c.serial_number for c in current],
            "input_sha256": record.input_sha256,
            "output_sha256": record.output_sha256,
            "reason": reason,
        },
    )


def _may_sign_for(user: User | None, agency: Agency) -> bool:
    return user is None or is_system_admin(user) or has_role(user, agency=agency)


def _unique(name: str, taken: set[str]) -> str:
    candidate, counter = name, 1
    while candidate in taken:
        counter += 1
        candidate = f"{name}-{counter}"
    return candidate


@action
def sign_document(
    *,
    acting_user: User | None,
    pdf: bytes,
    signer: User | None,
    agency: Agency,
    reason: str,
    seal: bool = True,
    visible: bool = True,
    field_name: str | None = None,
    title: str = "",
    placement: Placement | None = None,
    location: str = "",
) -> bytes:
    """Sign a PDF: the personal signature of ``signer`` (if given), then the organisation seal
    of ``agency`` (if ``seal``), each PAdES in its own incremental update (see services)."""
    if signer is None and not seal:
        raise invalid("signer", _("Choose a signer, the organisation seal, or both."))
    if not _may_sign_for(acting_user, agency):
        raise PermissionDenied()
    person = _usable(CertificateKind.PERSON, agency, signer, "signer") if signer else None
    organisation = _usable(CertificateKind.ORGANISATION, agency, None, "agency") if seal else None
    placement = placement or Placement()
    writer = pades.open_writer(pdf)
    existing = {f.name: f for f in pades.signature_fields(writer.prev)}
    page, page_width, _height = pades.page_count_and_size(writer, placement.page)
    signed = pdf
    used: list[Certificate] = []
    block: pades.Rect | None = None
    if person is not None:
        assert signer is not None
        name = field_name or _unique(f"signer-{person.serial_number[:16]}", set(existing))
        lines = tuple(
            line.strip().upper() for line in (title or person.title).splitlines() if line.strip()
        )
        if name in existing:
            block = existing[name].rect
            page = existing[name].page
        else:
            x = (
                placement.x
                if placement.x is not None
                else page_width - RIGHT_MARGIN - placement.width
            )
            block = (
                x,
                placement.y,
                x + placement.width,
                placement.y + appearance.block_height(len(lines)),
            )
        style = appearance.SignerStampStyle(
            title_lines=lines, full_name=signer.get_full_name(), image_png=bytes(person.image_png)
        )
        signed = pades.sign(
            signed,
            signer=keys.signer_for(person),
            field=pades.Field(name, page, block if visible else None),
            reason=reason,
            location=location,
            signer_name=signer.get_full_name(),
            stamp_style=appearance.cached(style) if visible else None,
            tsa=_tsa(),
        )
        existing[name] = pades.ExistingField(name, page, block, True)
        used.append(person)
    if organisation is not None:
        if block is None:
            # sealing a document someone signed earlier: overlap the newest personal block
            personal = [
                f
                for f in existing.values()
                if f.signed
                and not f.name.startswith(("seal-", "attachment-seal"))
                and f.rect[2] > f.rect[0]
            ]
            if personal:
                block, page = personal[-1].rect, personal[-1].page
            else:
                x = (
                    placement.x
                    if placement.x is not None
                    else page_width - RIGHT_MARGIN - placement.width
                )
                block = (
                    x,
                    placement.y,
                    x + placement.width,
                    placement.y + appearance.block_height(0),
                )
        name = _unique(
            f"seal-{organisation.serial_number[:16]}"
            if signer is not None or not field_name
            else field_name,
            set(existing),
        )
        signed = pades.sign(
            signed,
            signer=keys.signer_for(organisation),
            field=pades.Field(name, page, appearance.seal_rect(block) if visible else None),
            reason=reason,
            location=location,
            signer_name=agency.name,
            stamp_style=appearance.cached(
                appearance.SealStampStyle(image_png=bytes(organisation.image_png))
            )
            if visible
            else None,
            tsa=_tsa(),
        )
        used.append(organisation)
    _record(
        acting_user=acting_user,
        kind=SignatureKind.DOCUMENT,
        agency=agency,
        used=used,
        reason=reason,
        pdf=pdf,
        signed=signed,
        verb="signatures.sign_document",
    )
    return signed


ATTACHMENT_WIDTH = 170.0
ATTACHMENT_HEIGHT = 30.0
ATTACHMENT_TOP = 14.0


@action
def seal_attachment(
    *,
    acting_user: User | None,
    pdf: bytes,
    agency: Agency,
    notation: str,
    signed_at: dt.datetime,
    reason: str = "",
) -> bytes:
    """The organisation signature on an attachment in a separate file (Decree 30/2020,
    Appendix I, II.8b): top right of page 1, no seal image, the number and notation and the
    signing time in ISO 8601, Vietnam time."""
    if not notation.strip():
        raise invalid("notation", _("Enter the number and notation of the main document."))
    if timezone.is_naive(signed_at):
        raise invalid("signed_at", _("Enter a valid date and time (ISO 8601)."))
    if not _may_sign_for(acting_user, agency):
        raise PermissionDenied()
    organisation = _usable(CertificateKind.ORGANISATION, agency, None, "agency")
    writer = pades.open_writer(pdf)
    existing = {f.name for f in pades.signature_fields(writer.prev)}
    _page, width, height = pades.page_count_and_size(writer, 0)
    local = timezone.localtime(signed_at).replace(microsecond=0)
    rect = (
        width - RIGHT_MARGIN - ATTACHMENT_WIDTH,
        height - ATTACHMENT_TOP - ATTACHMENT_HEIGHT,
        width - RIGHT_MARGIN,
        height - ATTACHMENT_TOP,
    )
    lines = (notation.strip(), local.isoformat())
    signed = pades.sign(
        pdf,
        signer=keys.signer_for(organisation),
        field=pades.Field(_unique("attachment-seal", existing), 0, rect),
        reason=reason or _("Attachment to %(notation)s") % {"notation": notation.strip()},
        signer_name=agency.name,
        # differs per document, so rendered each time rather than cached
        stamp_style=appearance.AttachmentStampStyle(lines=lines),
        tsa=_tsa(),
    )
    _record(
        acting_user=acting_user,
        kind=SignatureKind.ATTACHMENT,
        agency=agency,
        used=[organisation],
        reason=notation,
        pdf=pdf,
        signed=signed,
        verb="signatures.seal_attachment",
    )
    return signed
