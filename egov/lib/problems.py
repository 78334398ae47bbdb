"""Domain errors that every layer understands.

Actions raise these; the API turns them into RFC 7807 problem+json responses and the web views
into messages next to the form. The ``detail`` is already translated (lazy strings are fine).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Message = str | Promise


class Problem(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    title: ClassVar[Message] = _("The request cannot be processed.")

    def __init__(
        self,
        detail: Message | None = None,
        *,
        code: str | None = None,
        errors: Mapping[str, Message] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        self.detail = detail if detail is not None else self.title
        self.instance_code = code or self.code
        # field name -> message; the API lists them, forms show them next to the field.
        self.errors: dict[str, Message] = dict(errors or {})
        self.extra: dict[str, Any] = dict(extra or {})
        super().__init__(str(self.detail))

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"https://egov.gov.vn/problems/{self.instance_code}",
            "title": str(self.title),
            "status": self.status,
            "detail": str(self.detail),
            "code": self.instance_code,
        }
        if self.errors:
            body["errors"] = [
                {"field": field, "message": str(message)} for field, message in self.errors.items()
            ]
        body.update(self.extra)
        return body


class InvalidInput(Problem):
    status = 422
    code = "invalid_input"
    title = _("Some fields are not valid.")


class NotFound(Problem):
    status = 404
    code = "not_found"
    title = _("Not found.")


class PermissionDenied(Problem):
    status = 403
    code = "permission_denied"
    title = _("You are not allowed to do this.")


class Conflict(Problem):
    status = 409
    code = "conflict"
    title = _("The request conflicts with the current state.")


class RateLimited(Problem):
    status = 429
    code = "rate_limited"
    title = _("Too many requests; please wait a moment and try again.")


def invalid(field: str, message: Message) -> InvalidInput:
    """Shorthand for the common case of one bad field."""
    return InvalidInput(message, errors={field: message})
