"""Trusting a peer through certificate authorities instead of one pinned certificate.

A peer entry may hold the CA certificates (roots, PEM) its agencies' seals are issued under.
A package from that peer is then accepted when:

* the certificate that verifies its XML signature is carried in its ``KeyInfo`` and names the
  sending organ (one attribute of its subject is the organ code: our CA writes it as UID);
* it chains, through the intermediates carried next to it, to one of the peer's roots (each link's
  signature checked, every issuer a CA);
* every certificate of the chain was valid at signing time (the latest timestamp of the signed
  content: the TraceHeader or the status's Timestamp; a time in the future is refused);
* no certificate of the chain is on its issuer's CRL. The CRL comes from the issuer, if it is an
  authority of this installation (signatures app), or from the certificate's CRL distribution
  point over HTTP, checked against the issuer's key and kept until its nextUpdate (at most
  ``EXCHANGE_CRL_CACHE_SECONDS``). A CRL that cannot be had makes the package wait (503, the
  sender retries) instead of accepting it blind.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

from egov.exchange.codes import NAMESPACE
from egov.exchange.edxml import EdxmlError, _parse_timestamp

DSIG = "http://www.w3.org/2000/09/xmldsig#"
CLOCK_SKEW = dt.timedelta(minutes=5)


class CertificateRejected(EdxmlError):
    """The signing certificate is not acceptable (403 ``bad_signature`` with a ``reason``)."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__({"Signature.KeyInfo": message}, code="bad_signature")
        self.reason = reason


class RevocationUnavailable(Exception):
    """The issuer's CRL cannot be obtained now (the sender should retry)."""


def load_bundle(pem: str) -> list[x509.Certificate]:
    """Every certificate of a PEM bundle (ValueError when there is none or one is broken)."""
    found = x509.load_pem_x509_certificates(pem.strip().encode("ascii"))
    if not found:
        raise ValueError("no certificate")
    return list(found)


def carried_certificates(root: etree._Element) -> list[x509.Certificate]:
    """The certificates in the package signature's KeyInfo (before the signature is checked)."""
    signature = root.find(
        f"{{{NAMESPACE}}}edXMLEnvelope/{{{NAMESPACE}}}edXMLHeader/{{{DSIG}}}Signature"
    )
    if signature is None:
        return []
    certificates = []
    for element in signature.iterfind(
        f"{{{DSIG}}}KeyInfo/{{{DSIG}}}X509Data/{{{DSIG}}}X509Certificate"
    ):
        try:
            certificates.append(
                x509.load_der_x509_certificate(_b64("".join((element.text or "").split())))
            )
        except ValueError:
            continue
    return certificates


def _b64(text: str) -> bytes:
    import base64

    return base64.b64decode(text, validate=True)


def names_organ(certificate: x509.Certificate, organ_code: str) -> bool:
    return any(str(attribute.value) == organ_code for attribute in certificate.subject)


def signing_certificate(carried: list[x509.Certificate], organ_code: str) -> x509.Certificate:
    for certificate in carried:
        if names_organ(certificate, organ_code) and not _is_ca(certificate):
            return certificate
    raise CertificateRejected(
        _("The package carries no certificate issued to organ %(organ)s.") % {"organ": organ_code},
        reason="no_certificate",
    )


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return bool(certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _issued_by(child: x509.Certificate, issuer: x509.Certificate) -> bool:
    if child.issuer != issuer.subject or not _is_ca(issuer):
        return False
    try:
        child.verify_directly_issued_by(issuer)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def build_chain(
    leaf: x509.Certificate, intermediates: list[x509.Certificate], roots: list[x509.Certificate]
) -> list[x509.Certificate]:
    """leaf … root, or CertificateRejected when it does not lead to one of ``roots``."""
    chain = [leaf]
    current = leaf
    for _depth in range(8):
        root = next((r for r in roots if _issued_by(current, r)), None)
        if root is not None:
            chain.append(root)
            return chain
        parent = next((c for c in intermediates if c not in chain and _issued_by(current, c)), None)
        if parent is None:
            break
        chain.append(parent)
        current = parent
    raise CertificateRejected(
        _("The sender's certificate (%(subject)s) does not chain to a root trusted for this peer.")
        % {"subject": leaf.subject.rfc4514_string()},
        reason="untrusted_certificate",
    )


def signing_time(signed: etree._Element) -> dt.datetime | None:
    """The latest timestamp the sender put in the signed content."""
    latest: dt.datetime | None = None
    for element in signed.iter(f"{{{NAMESPACE}}}Timestamp"):
        try:
            value = _parse_timestamp((element.text or "").strip())
        except (ValueError, EdxmlError):
            continue
        if latest is None or value > latest:
            latest = value
    return latest


def check_validity(chain: list[x509.Certificate], at: dt.datetime) -> None:
    if at > dt.datetime.now(dt.UTC) + CLOCK_SKEW:
        raise CertificateRejected(
            _("The package claims to be signed in the future (%(at)s).") % {"at": at.isoformat()},
            reason="signing_time_in_future",
        )
    for certificate in chain:
        if not certificate.not_valid_before_utc <= at <= certificate.not_valid_after_utc:
            raise CertificateRejected(
                _(
                    "The certificate %(subject)s was not valid when the package was signed "
                    "(%(at)s; valid %(start)s – %(end)s)."
                )
                % {
                    "subject": certificate.subject.rfc4514_string(),
                    "at": at.isoformat(),
                    "start": certificate.not_valid_before_utc.isoformat(),
                    "end": certificate.not_valid_after_utc.isoformat(),
                },
                reason="expired_certificate",
            )


@dataclass
class _CachedCrl:
    crl: x509.CertificateRevocationList
    until: float


_crls: dict[str, _CachedCrl] = {}
_crl_lock = threading.Lock()


def forget_crls() -> None:
    with _crl_lock:
        _crls.clear()


def _local_crl(issuer: x509.Certificate) -> x509.CertificateRevocationList | None:
    """The CRL of an authority of this installation, straight from the database."""
    if not apps.is_installed("egov.signatures"):
        return None
    from egov.signatures.models import Authority

    for pem, der in Authority.objects.values_list("certificate_pem", "crl_der"):
        if x509.load_pem_x509_certificate(pem.strip().encode("ascii")) == issuer:
            return x509.load_der_x509_crl(bytes(der)) if der else None
    return None


def _distribution_points(certificate: x509.Certificate) -> list[str]:
    try:
        points = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    except x509.ExtensionNotFound:
        return []
    return [
        str(name.value)
        for point in points
        for name in (point.full_name or [])
        if isinstance(name, x509.UniformResourceIdentifier)
        and str(name.value).startswith(("http://", "https://"))
    ]


def _fetched_crl(url: str) -> x509.CertificateRevocationList:
    now = time.monotonic()
    with _crl_lock:
        cached = _crls.get(url)
        if cached is not None and cached.until > now:
            return cached.crl
    try:
        response = httpx.get(url, timeout=settings.EXCHANGE_HTTP_TIMEOUT, follow_redirects=False)
        response.raise_for_status()
        crl = (
            x509.load_der_x509_crl(response.content)
            if not response.content.startswith(b"-----")
            else x509.load_pem_x509_crl(response.content)
        )
    except (httpx.HTTPError, ValueError) as exc:
        raise RevocationUnavailable(f"{url}: {exc}") from exc
    keep = float(settings.EXCHANGE_CRL_CACHE_SECONDS)
    next_update = crl.next_update_utc
    if next_update is not None:
        keep = min(keep, (next_update - dt.datetime.now(dt.UTC)).total_seconds())
    with _crl_lock:
        _crls[url] = _CachedCrl(crl=crl, until=now + max(keep, 0.0))
    return crl


def issuer_crl(
    certificate: x509.Certificate, issuer: x509.Certificate
) -> x509.CertificateRevocationList:
    crl = _local_crl(issuer)
    if crl is None:
        urls = _distribution_points(certificate)
        if not urls:
            raise RevocationUnavailable(
                f"{certificate.subject.rfc4514_string()} names no CRL distribution point"
            )
        crl = _fetched_crl(urls[0])
    if crl.issuer != issuer.subject or not crl.is_signature_valid(issuer.public_key()):  # type: ignore[arg-type]
        raise RevocationUnavailable(
            f"the CRL of {issuer.subject.rfc4514_string()} is not signed by it"
        )
    next_update = crl.next_update_utc
    if next_update is not None and next_update < dt.datetime.now(dt.UTC):
        raise RevocationUnavailable(f"the CRL of {issuer.subject.rfc4514_string()} is out of date")
    return crl


def check_revocation(chain: list[x509.Certificate]) -> None:
    """Every certificate below the root must be absent from its issuer's CRL."""
    for certificate, issuer in zip(chain, chain[1:], strict=False):
        entry = issuer_crl(certificate, issuer).get_revoked_certificate_by_serial_number(
            certificate.serial_number
        )
        if entry is not None:
            raise CertificateRejected(
                _(
                    "The certificate %(subject)s (serial %(serial)x) was revoked by its "
                    "authority on %(at)s."
                )
                % {
                    "subject": certificate.subject.rfc4514_string(),
                    "serial": certificate.serial_number,
                    "at": entry.revocation_date_utc.isoformat(),
                },
                reason="revoked_certificate",
            )
