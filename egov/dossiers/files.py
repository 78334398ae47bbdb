"""Scans handed in with a dossier: content-sniffed (PDF, JPEG, PNG), size-limited, checksummed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext as _

from egov.lib.problems import invalid

# First bytes of the formats we accept; the name and type the client sends are never trusted.
_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def max_bytes() -> int:
    return int(getattr(settings, "EGOV_DOSSIER_MAX_FILE_MB", 10)) * 1024 * 1024


def sniff(head: bytes) -> str | None:
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


@dataclass
class Scan:
    """A checked file, ready to be stored."""

    content: File[Any]
    name: str
    content_type: str
    size: int
    sha256: str


def check_scan(upload: IO[bytes] | bytes, name: str, *, field: str) -> Scan:
    """Check an upload (a Django file or raw bytes); raise a 422 naming ``field`` if it's bad."""
    if isinstance(upload, bytes):
        file: File[Any] = ContentFile(upload, name=name)
    elif isinstance(upload, File):
        file = upload
    else:
        file = File(upload, name=name)
    limit = max_bytes()
    size = file.size
    if size == 0:
        raise invalid(field, _("The file is empty."))
    if size > limit:
        raise invalid(
            field,
            _("The file is larger than %(size)s MB.") % {"size": limit // (1024 * 1024)},
        )
    file.seek(0)
    content_type = sniff(file.read(16))
    if content_type is None:
        raise invalid(field, _("Only PDF, JPEG or PNG scans are accepted."))
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    clean_name = (name or "scan").replace("\\", "/").rsplit("/", 1)[-1][:200]
    return Scan(file, clean_name, content_type, size, digest.hexdigest())
