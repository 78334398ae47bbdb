"""Where signing keys live, and the pyHanko signers that use them.

Production keys of officials and agencies live in a PKCS#11 token (an HSM; SoftHSM2 in the
tests). A process opens one long-lived logged-in session per token and builds each signer once;
opening and logging in is serialised across processes with a file lock, because tokens (SoftHSM's
file store among them) do not like concurrent logins. Software key files are for the demo only
(``SIGNATURES_ALLOW_SOFTWARE_KEYS``, on only with DEBUG by default).
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from egov.lib.problems import Conflict
from egov.signatures import ca

if TYPE_CHECKING:
    from pkcs11 import Session

    from egov.signatures.models import Authority, Certificate


class SigningUnavailable(Conflict):
    code = "signing_unavailable"
    title = _("Signing is not possible right now.")


_lock = threading.RLock()
_pid: int | None = None
_sessions: dict[str, Session] = {}
_signers: dict[tuple[int, str], signers.Signer] = {}


def signing_lock() -> AbstractContextManager[bool]:
    """One PKCS#11 operation at a time on the process's sessions."""
    return _lock


def software_keys_allowed() -> bool:
    """Software key files are for the demo: allowed with DEBUG or when explicitly enabled."""
    return bool(settings.SIGNATURES_ALLOW_SOFTWARE_KEYS or settings.DEBUG)


def key_path(relative: str) -> Path:
    return Path(settings.SIGNATURES_KEY_DIR) / relative


def to_asn1(pem: str) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(ca.from_pem(pem).public_bytes(ca.serialization.Encoding.DER))


@contextmanager
def token_lock() -> Iterator[None]:
    """Serialise session opening and login on the tokens across processes."""
    path = Path(settings.SIGNATURES_KEY_DIR) / "pkcs11.lock"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _library() -> Any:
    import pkcs11

    return pkcs11.lib(settings.SIGNATURES_PKCS11_MODULE)


def _after_fork() -> None:
    """A forked child must not reuse its parent's sessions (PKCS#11 §6.7.1)."""
    global _pid
    if _pid == os.getpid():
        return
    if _pid is not None:
        _sessions.clear()
        _signers.clear()
        with token_lock():
            _library().reinitialize()
    _pid = os.getpid()


def _pin() -> str:
    if not settings.SIGNATURES_TOKEN_PIN:
        raise SigningUnavailable(_("The token PIN is not configured (SIGNATURES_TOKEN_PIN)."))
    return str(settings.SIGNATURES_TOKEN_PIN)


def _find_token(label: str) -> Any:
    import pkcs11

    try:
        return _library().get_token(token_label=label)
    except (pkcs11.NoSuchToken, pkcs11.MultipleTokensReturned) as exc:
        raise SigningUnavailable(
            _("The key token %(label)s is not available.") % {"label": label}
        ) from exc


def session(label: str) -> Session:
    """The process's logged-in session on the token called ``label`` (opened once)."""
    with _lock:
        _after_fork()
        found = _sessions.get(label)
        if found is None:
            # Loading the library (SoftHSM scans its token store then), finding the token and
            # logging in all happen under the cross-process lock.
            with token_lock():
                found = _find_token(label).open(user_pin=_pin())
            _sessions[label] = found
        return found


def forget(label: str | None = None) -> None:
    """Drop cached sessions and signers (after an error, or when a token was re-initialised)."""
    with _lock:
        for name in [label] if label else list(_sessions):
            stale = _sessions.pop(name, None)
            if stale is not None:
                try:
                    with token_lock():
                        stale.close()
                except Exception:  # noqa: S110 (the session is gone anyway)
                    pass
        _signers.clear()


def forget_signer(certificate_id: int) -> None:
    with _lock:
        for cache_key in [k for k in _signers if k[0] == certificate_id]:
            del _signers[cache_key]


def generate_token_key(token_label: str, key_label: str, bits: int = 2048) -> rsa.RSAPublicKey:
    """Generate a non-extractable RSA key pair inside the token; return its public key."""
    import secrets

    from pkcs11 import Attribute, KeyType, ObjectClass

    # Login state is shared by all sessions of a process: log in through the long-lived
    # session, then the read-write session for the generation needs no PIN of its own.
    session(token_label)
    with _lock, token_lock(), _find_token(token_label).open(rw=True) as rw_session:
        existing = list(
            rw_session.get_objects(
                {Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.LABEL: key_label}
            )
        )
        if existing:
            raise SigningUnavailable(
                _("The token already holds a key called %(label)s.") % {"label": key_label}
            )
        public, _private = rw_session.generate_keypair(
            KeyType.RSA,
            bits,
            label=key_label,
            id=secrets.token_bytes(16),
            store=True,
            private_template={Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False},
        )
        modulus = int.from_bytes(public[Attribute.MODULUS], "big")
        exponent = int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big")
    return rsa.RSAPublicNumbers(exponent, modulus).public_key()


class _FileKeySigner(signers.Signer):
    """A software key parsed once (pyHanko's SimpleSigner re-parses and re-checks the key on
    every signature, which costs more than the signature itself)."""

    def __init__(self, key: ca.PrivateKey, **kwargs: Any) -> None:
        self._key = key
        super().__init__(**kwargs)

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        from pyhanko.sign.general import get_pyca_cryptography_hash

        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, PKCS1v15(), hash_algorithm)
        from cryptography.hazmat.primitives.asymmetric.ec import ECDSA

        return self._key.sign(data, ECDSA(hash_algorithm))


def _chain(certificate: Certificate) -> list[asn1_x509.Certificate]:
    chain = []
    authority: Authority | None = certificate.authority
    while authority is not None:
        chain.append(to_asn1(authority.certificate_pem))
        authority = authority.parent
    return chain


def signer_for(certificate: Certificate) -> signers.Signer:
    """The pyHanko signer of a certificate's key, built once per process."""
    from egov.signatures.models import KeyStorage

    cache_key = (certificate.pk, certificate.fingerprint)
    with _lock:
        _after_fork()
        cached = _signers.get(cache_key)
        if cached is not None:
            return cached
        signing_cert = to_asn1(certificate.certificate_pem)
        chain = _chain(certificate)
        signer: signers.Signer
        if certificate.key_storage == KeyStorage.PKCS11:
            from pyhanko.sign.pkcs11 import PKCS11Signer

            signer = PKCS11Signer(
                session(certificate.token_label),
                key_label=certificate.key_label,
                signing_cert=signing_cert,
                ca_chain=chain,
            )
        else:
            if not software_keys_allowed():
                raise SigningUnavailable(
                    _("Software keys are disabled here; the key must live in a token.")
                )
            signer = _FileKeySigner(
                ca.read_key(key_path(certificate.key_file)),
                signing_cert=signing_cert,
                cert_registry=SimpleCertificateStore.from_certs([signing_cert, *chain]),
            )
        _signers[cache_key] = signer
        return signer
