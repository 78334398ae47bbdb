"""The exchange's key seam (``EXCHANGE_KEY_PROVIDER``): edXML packages signed with the sending
agency's organisation seal.

The seal's key stays in the PKCS#11 token: :class:`TokenKey` offers cryptography's RSA
``sign(data, padding, algorithm)``, which is all signxml calls, and runs it as
``CKM_SHA256_RSA_PKCS`` on the process's long-lived session (``keys.session``). Keys are looked
up once per process and certificate; the database is asked which certificate is current at most
every few seconds, so a revocation or a new seal takes effect quickly without a query per
package.

An agency that has never had a seal certificate signs with the installation's file key
(``egov.exchange.signing.FileKeyProvider``), so installations that do not use the signatures app
for every agency keep exchanging. An agency whose seals are all revoked or expired cannot sign:
the exchange answers 503 ``exchange_not_configured`` until a new seal is issued.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from django.core.exceptions import ImproperlyConfigured

from egov.exchange.signing import FileKeyProvider, SigningMaterial
from egov.signatures import ca, keys
from egov.signatures.models import Authority, Certificate, CertificateKind, KeyStorage

# How long the answer "this certificate is the agency's current seal" is reused.
CURRENT_SEAL_SECONDS = 5.0


class TokenKey:
    """An RSA private key inside a PKCS#11 token, with cryptography's ``sign`` signature."""

    def __init__(self, *, token_label: str, key_label: str, public_key: RSAPublicKey) -> None:
        self.token_label = token_label
        self.key_label = key_label
        self._public_key = public_key
        self._handle: tuple[Any, Any] | None = None  # (session, private key object)

    @property
    def key_size(self) -> int:
        return self._public_key.key_size

    def public_key(self) -> RSAPublicKey:
        return self._public_key

    def _private(self) -> Any:
        from pkcs11 import ObjectClass

        session = keys.session(self.token_label)
        if self._handle is None or self._handle[0] is not session:
            found = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=self.key_label)
            self._handle = (session, found)
        return self._handle[1]

    def sign(self, data: bytes, padding: Any, algorithm: Any) -> bytes:
        from pkcs11 import Mechanism, PKCS11Error

        if not isinstance(padding, PKCS1v15) or not isinstance(algorithm, hashes.SHA256):
            raise ValueError("The token key signs RSA PKCS#1 v1.5 with SHA-256 only.")
        with keys.signing_lock():
            try:
                return bytes(self._private().sign(data, mechanism=Mechanism.SHA256_RSA_PKCS))
            except PKCS11Error:
                # The session may have died (token removed, library reset): reopen once.
                keys.forget(self.token_label)
                self._handle = None
                return bytes(self._private().sign(data, mechanism=Mechanism.SHA256_RSA_PKCS))


class SealKeyProvider:
    """Each agency's organisation seal (signatures app) signs its edXML packages."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._materials: dict[tuple[int, str], SigningMaterial] = {}
        self._current: dict[str, tuple[float, tuple[int, str] | None]] = {}
        self._file: FileKeyProvider | None = None

    def material_for(self, organ_code: str) -> SigningMaterial:
        now = time.monotonic()
        with self._lock:
            cached = self._current.get(organ_code)
            if cached is not None and now - cached[0] < CURRENT_SEAL_SECONDS:
                key = cached[1]
                if key is None:
                    return self._fallback(organ_code)
                return self._materials[key]
        certificate = current_seal(organ_code)
        with self._lock:
            if certificate is None:
                self._current[organ_code] = (now, None)
                return self._fallback(organ_code)
            key = (certificate.pk, certificate.fingerprint)
            if key not in self._materials:
                self._materials[key] = material_of(certificate)
            self._current[organ_code] = (now, key)
            return self._materials[key]

    def _fallback(self, organ_code: str) -> SigningMaterial:
        if self._file is None:
            try:
                self._file = FileKeyProvider()
            except ImproperlyConfigured as exc:
                raise ImproperlyConfigured(
                    f"Agency {organ_code} has no organisation seal certificate and no "
                    f"installation key is configured: {exc}"
                ) from exc
        return self._file.material_for(organ_code)


def current_seal(organ_code: str) -> Certificate | None:
    """The agency's usable seal; None when it never had one (the file key signs then).

    Raises ImproperlyConfigured when it had seals but none is usable now (revoked, expired).
    """
    from egov.org.models import Agency
    from egov.signatures.selectors import usable_certificate

    agency = Agency.objects.filter(organ_code=organ_code).first()
    if agency is None:
        return None
    usable = usable_certificate(kind=CertificateKind.ORGANISATION, agency=agency)
    if usable is not None:
        return usable
    if Certificate.objects.filter(kind=CertificateKind.ORGANISATION, agency=agency).exists():
        raise ImproperlyConfigured(
            f"Every organisation seal certificate of {organ_code} is revoked or expired; "
            "issue a new one (manage.py issue_certificate --agency …)."
        )
    return None


def material_of(certificate: Certificate) -> SigningMaterial:
    """The seal's key (token or demo file) with its certificate and issuing chain."""
    leaf = ca.from_pem(certificate.certificate_pem)
    chain: list[x509.Certificate] = []
    authority: Authority | None = certificate.authority
    while authority is not None and not authority.is_root:
        chain.append(ca.from_pem(authority.certificate_pem))
        authority = authority.parent
    key: Any
    if certificate.key_storage == KeyStorage.PKCS11:
        public_key = leaf.public_key()
        if not isinstance(public_key, RSAPublicKey):
            raise ImproperlyConfigured("Token seal keys must be RSA keys.")
        key = TokenKey(
            token_label=certificate.token_label,
            key_label=certificate.key_label,
            public_key=public_key,
        )
    else:
        if not keys.software_keys_allowed():
            raise ImproperlyConfigured(
                "Software keys are disabled here; the seal key must live in a token."
            )
        key = ca.read_key(keys.key_path(certificate.key_file))
    return SigningMaterial(key=key, certificate=leaf, chain=tuple(chain))
