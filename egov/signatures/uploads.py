"""The public verification upload, shared by the page and the API: rate limit, size, type."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.infra import ratelimit
from egov.lib.net import client_ip
from egov.lib.problems import InvalidInput, RateLimited, invalid

# multipart framing and the other form fields around the file
_ENVELOPE = 64 * 1024


class TooLarge(InvalidInput):
    status = 413
    code = "too_large"
    title = gettext_lazy("The upload is too large.")


def _too_large() -> TooLarge:
    message = _("The file is larger than %(size)s; upload a smaller PDF.") % {
        "size": filesizeformat(settings.SIGNATURES_VERIFY_MAX_BYTES)
    }
    return TooLarge(message, errors={"file": message})


def check_request(request: HttpRequest) -> None:
    """Before the body is parsed: count the upload against the client's limit, refuse bodies
    that cannot fit."""
    if not ratelimit.hit(
        f"signatures:verify:{client_ip(request)}",
        limit=settings.SIGNATURES_VERIFY_RATE_LIMIT,
        window=settings.SIGNATURES_VERIFY_RATE_WINDOW,
    ):
        raise RateLimited(extra={"retry_after": settings.SIGNATURES_VERIFY_RATE_WINDOW})
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.SIGNATURES_VERIFY_MAX_BYTES + _ENVELOPE:
        raise _too_large()


def read_upload(uploaded: UploadedFile | None) -> bytes:
    if uploaded is None:
        raise invalid("file", _("Choose a PDF file to check."))
    if uploaded.size is not None and uploaded.size > settings.SIGNATURES_VERIFY_MAX_BYTES:
        raise _too_large()
    data = uploaded.read(settings.SIGNATURES_VERIFY_MAX_BYTES + 1)
    if len(data) > settings.SIGNATURES_VERIFY_MAX_BYTES:
        raise _too_large()
    return data
