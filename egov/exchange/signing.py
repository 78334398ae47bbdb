"""XML-DSig of edXML packages (signxml), and where the agency's key comes from.

Every package we send carries an enveloped signature (reference URI "", so it covers the whole
package, attachments included) inside ``edXMLHeader``. A receiver checks it against the
certificate that its peer directory holds for the sender, never against the certificate the
package carries, and reads the message only from what the signature covers.

The key seam
------------
``settings.EXCHANGE_KEY_PROVIDER`` names a class with ``material_for(organ_code)`` returning a
:class:`SigningMaterial`. By default (the setting left at ``FileKeyProvider`` or set to ``auto``)
an installation with the signatures app signs with each agency's **organisation seal** key from
the PKCS#11 token (``egov.signatures.exchange_keys.SealKeyProvider``), falling back to the file
key only for agencies that have never had a seal certificate. Without the signatures app,
:class:`FileKeyProvider` reads one PEM key and certificate (``EXCHANGE_SIGNING_KEY_FILE``,
``EXCHANGE_SIGNING_CERT_FILE``) that sign for every agency of the installation;
``InstallationKeyProvider`` names that file provider explicitly (no seal keys at all). A
provider's ``key`` is any object with cryptography's ``sign(data, padding, algorithm)`` (RSA) or
``sign(data, signature_algorithm)`` (EC) method: signxml only calls that.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from lxml import etree
from signxml import SignatureConfiguration, XMLSigner, XMLVerifier, methods
from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidInput, InvalidSignature

from egov.exchange.codes import NAMESPACE
from egov.exchange.edxml import EdxmlError

if TYPE_CHECKING:
    from egov.exchange.models import Peer

logger = logging.getLogger(__name__)
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
# The signature must sit in edXMLHeader; one anywhere else is refused.
_LOCATION = SignatureConfiguration(
    location=f"./{{{NAMESPACE}}}edXMLEnvelope/{{{NAMESPACE}}}edXMLHeader/",
    expect_references=1,
)


@dataclass(frozen=True)
class SigningMaterial:
    key: Any  # a cryptography private key, or anything with the same sign() method
    certificate: x509.Certificate
    # Issuing CAs between the certificate and its root (carried in KeyInfo for the receiver).
    chain: tuple[x509.Certificate, ...] = ()

    @property
    def algorithm(self) -> str:
        public_key = self.certificate.public_key()
        if isinstance(public_key, rsa.RSAPublicKey):
            return "rsa-sha256"
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            return "ecdsa-sha256"
        raise ImproperlyConfigured("edXML signing keys must be RSA or EC keys.")


class KeyProvider(Protocol):
    def material_for(self, organ_code: str) -> SigningMaterial: ...


class FileKeyProvider:
    """One software key and certificate (PEM files) that sign for the whole installation.

    With DEBUG on and no files configured, a development key is made once under
    ``VAR_DIR/exchange/`` so that ``make run`` can exchange packages out of the box.
    """

    def __init__(self) -> None:
        key_file = getattr(settings, "EXCHANGE_SIGNING_KEY_FILE", "")
        cert_file = getattr(settings, "EXCHANGE_SIGNING_CERT_FILE", "")
        if (not key_file or not cert_file) and settings.DEBUG:
            key_file, cert_file = _development_key()
        if not key_file or not cert_file:
            raise ImproperlyConfigured(
                "Set EXCHANGE_SIGNING_KEY_FILE and EXCHANGE_SIGNING_CERT_FILE (PEM files) to send "
                "edXML packages; `manage.py exchange_keys create` makes a pair for development."
            )
        try:
            key = serialization.load_pem_private_key(Path(key_file).read_bytes(), password=None)
            certificate = x509.load_pem_x509_certificate(Path(cert_file).read_bytes())
        except (OSError, ValueError) as exc:
            raise ImproperlyConfigured(f"The edXML signing key or certificate: {exc}") from exc
        self.material = SigningMaterial(key=key, certificate=certificate)

    def material_for(self, organ_code: str) -> SigningMaterial:
        return self.material


def _development_key() -> tuple[str, str]:
    directory = Path(settings.VAR_DIR) / "exchange"
    key_path, cert_path = directory / "dev-key.pem", directory / "dev-cert.pem"
    if not key_path.exists() or not cert_path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        logger.warning(
            "edXML: no signing key configured; making a development key in %s", directory
        )
        key_pem, cert_pem = material_to_pem(
            generate_material("egov development key (not for production)", kind="ec")
        )
        key_path.write_bytes(key_pem)
        os.chmod(key_path, 0o600)
        cert_path.write_bytes(cert_pem)
    return str(key_path), str(cert_path)


class InstallationKeyProvider(FileKeyProvider):
    """The file key for every agency, even where the signatures app holds seal keys."""


# The settings' default: means "the agencies' seals when the signatures app is installed".
DEFAULT_PROVIDER = "egov.exchange.signing.FileKeyProvider"
SEAL_PROVIDER = "egov.signatures.exchange_keys.SealKeyProvider"


def provider_path() -> str:
    configured = settings.EXCHANGE_KEY_PROVIDER or "auto"
    if configured in ("auto", DEFAULT_PROVIDER):
        return SEAL_PROVIDER if apps.is_installed("egov.signatures") else DEFAULT_PROVIDER
    return str(configured)


@functools.cache
def key_provider() -> KeyProvider:
    provider: KeyProvider = import_string(provider_path())()
    return provider


@receiver(setting_changed)
def _forget_provider(*, setting: str, **kwargs: object) -> None:
    if setting.startswith(("EXCHANGE_", "SIGNATURES_")):
        key_provider.cache_clear()


def sign(root: etree._Element, material: SigningMaterial) -> bytes:
    """Sign a package built by edxml.build_* (it holds the placeholder) and serialise it."""
    signer = XMLSigner(
        method=methods.enveloped,
        signature_algorithm=material.algorithm,
        digest_algorithm="sha256",
        c14n_algorithm=EXC_C14N,
    )
    signed = signer.sign(root, key=material.key, cert=[material.certificate, *material.chain])
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


class SignatureRejected(EdxmlError):
    def __init__(self, message: str) -> None:
        super().__init__({"Signature": message}, code="bad_signature")


def verify(
    root: etree._Element, certificate: x509.Certificate, *, at: dt.datetime | None = None
) -> etree._Element:
    """Check the package's signature with ``certificate``; returns the signed content only.

    Raises SignatureRejected when the signature is missing, broken, made with another key, or the
    certificate is outside its validity period (now, or ``at``).
    """
    config = dataclasses.replace(_LOCATION, verification_time=at) if at else _LOCATION
    try:
        result = XMLVerifier().verify(root, x509_cert=certificate, expect_config=config)
    except InvalidCertificate as exc:
        raise SignatureRejected(
            _("The sender's certificate is not valid now: %(error)s") % {"error": exc}
        ) from exc
    except (InvalidSignature, InvalidDigest) as exc:
        raise SignatureRejected(
            _("The signature does not match the package or the sender's certificate.")
        ) from exc
    except (InvalidInput, etree.LxmlError, ValueError, TypeError, AttributeError) as exc:
        raise SignatureRejected(
            _("The package carries no usable XML signature: %(error)s") % {"error": exc}
        ) from exc
    signed = result.signed_xml if not isinstance(result, list) else None
    if not isinstance(signed, etree._Element):  # pragma: no cover - URI "" always gives the root
        raise SignatureRejected(_("The signature does not cover the whole package."))
    return signed


def verify_from_peer(root: etree._Element, peer: Peer, organ_code: str) -> etree._Element:
    """Check a package from ``organ_code`` (reached through ``peer``) the way the peer is trusted:
    through its certificate authorities when it has some (chain, validity at signing time, CRL),
    or else with its pinned certificate. Returns the signed content only.

    Raises SignatureRejected / trust.CertificateRejected (403) or trust.RevocationUnavailable.
    """
    from egov.exchange import trust

    if not peer.trusted_roots.strip():
        return verify(root, peer.trusted_certificate)
    carried = trust.carried_certificates(root)
    leaf = trust.signing_certificate(carried, organ_code)
    chain = trust.build_chain(leaf, carried, peer.trusted_root_certificates)
    # The validity is checked at signing time below, once the signed content can be read.
    signed = verify(root, leaf, at=leaf.not_valid_before_utc)
    trust.check_validity(chain, trust.signing_time(signed) or dt.datetime.now(dt.UTC))
    trust.check_revocation(chain)
    return signed


def load_certificate(pem: str | bytes) -> x509.Certificate:
    """A PEM certificate, or ValueError."""
    data = pem.encode("ascii", errors="strict") if isinstance(pem, str) else pem
    return x509.load_pem_x509_certificate(data)


def certificate_summary(certificate: x509.Certificate) -> dict[str, Any]:
    return {
        "subject": certificate.subject.rfc4514_string(),
        "issuer": certificate.issuer.rfc4514_string(),
        "serial": format(certificate.serial_number, "x"),
        "not_before": certificate.not_valid_before_utc,
        "not_after": certificate.not_valid_after_utc,
        "expired": certificate.not_valid_after_utc < dt.datetime.now(dt.UTC),
    }


def generate_material(
    common_name: str, *, organ_code: str = "", days: int = 365, kind: str = "rsa"
) -> SigningMaterial:
    """A fresh key and self-signed certificate: development, demo and tests only.

    Production keys come from the signatures app (a certificate issued by the CA, the key in a
    PKCS#11 token).
    """
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if kind == "rsa"
        else ec.generate_private_key(ec.SECP256R1())
    )
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organ_code:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, organ_code))
    name = x509.Name(attributes)
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return SigningMaterial(key=key, certificate=certificate)


def material_to_pem(material: SigningMaterial) -> tuple[bytes, bytes]:
    """(private key, certificate) as PEM; the key unencrypted, for files readable only by us."""
    key_pem = material.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, material.certificate.public_bytes(serialization.Encoding.PEM)
