"""Demo PKI: the provincial test CA and certificates for the demo leaders and agencies.

The demo uses software key files (under SIGNATURES_KEY_DIR, mode 0600) so that `make run`
needs no token; production keys live in a PKCS#11 token (see docs/apps/signatures.md).
Idempotent: a second run finds everything in place and writes nothing.
"""

from __future__ import annotations

from egov.accounts.models import User
from egov.demo.base import DemoLogin
from egov.org.demo import agency
from egov.signatures.actions import KeyRequest, create_authority, issue_certificate
from egov.signatures.keys import software_keys_allowed
from egov.signatures.models import Authority, CertificateKind, CertificateStatus

ROOT_NAME = "Tiền Giang Test Root CA"
# agency suffix, username of the official (None: the agency's seal), title lines
CERTIFICATES: list[tuple[str, str | None, str]] = [
    ("000.00.09", "lanhdao", "GIÁM ĐỐC"),
    ("000.00.09", None, ""),
    ("000.01.21", "lanhdao.p1", "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"),
    ("000.01.21", None, ""),
    ("000.01.01", None, ""),
    ("000.00.00", None, ""),
]


def load() -> list[DemoLogin]:
    if not software_keys_allowed():
        return []  # a staging load with DEBUG off: certificates come from a real token there
    root = Authority.objects.filter(slug="root").first()
    if root is None:
        root = create_authority(acting_user=None, name=ROOT_NAME, slug="root")
    for suffix, username, title in CERTIFICATES:
        where = agency(suffix)
        user = User.objects.get(username=username) if username else None
        kind = CertificateKind.PERSON if user else CertificateKind.ORGANISATION
        exists = root.certificates.filter(
            kind=kind, agency=where, user=user, status=CertificateStatus.ACTIVE
        ).exists()
        if not exists:
            issue_certificate(
                acting_user=None,
                authority=root,
                kind=kind,
                agency=where,
                user=user,
                title=title,
                key=KeyRequest(software=True),
            )
    return []
