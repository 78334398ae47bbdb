"""The HTTP API: every app's ``api.py`` router under /api/v1, errors as RFC 7807 problem+json.

An app exposes ``router`` (a ninja Router) and ``PREFIX`` (where to mount it) in its api.py,
and optionally ``EXTRA_ROUTERS``: ``(prefix, router)`` pairs for paths outside its prefix.
Every operation requires authentication (bearer token or session) unless it passes
``auth=None`` and is listed in ``PUBLIC_OPERATIONS`` (an invariant test checks both ways).
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from egov.accounts.auth import DEFAULT_AUTH
from egov.lib.problems import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
)

api = NinjaAPI(
    title="egov API",
    version="1",
    description=(
        "Public and integration API of the egov e-government platform. Authenticate with "
        "`Authorization: Bearer egov_…` (tokens are issued by administrators) or the browser "
        "session. Errors are RFC 7807 `application/problem+json` documents."
    ),
    auth=DEFAULT_AUTH,
    urls_namespace="api",
    docs_url="/docs",
)

# (method, path) of the operations anyone may call without logging in.
PUBLIC_OPERATIONS: set[tuple[str, str]] = set()


def public(method: str, path: str) -> None:
    """Declare an operation public; called by the app's api.py next to the operation."""
    PUBLIC_OPERATIONS.add((method.upper(), path))


def problem_response(request: HttpRequest, problem: Problem) -> HttpResponse:
    response = api.create_response(request, problem.as_dict(), status=problem.status)
    response["Content-Type"] = "application/problem+json"
    return response


_PYDANTIC_MESSAGES = {
    "missing": lambda: _("This field is required."),
    "int_parsing": lambda: _("Enter a whole number."),
    "int_type": lambda: _("Enter a whole number."),
    "float_parsing": lambda: _("Enter a number."),
    "bool_parsing": lambda: _("Enter true or false."),
    "date_parsing": lambda: _("Enter a valid date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": lambda: _("Enter a valid date (YYYY-MM-DD)."),
    "datetime_parsing": lambda: _("Enter a valid date and time (ISO 8601)."),
    "datetime_from_date_parsing": lambda: _("Enter a valid date and time (ISO 8601)."),
    "string_too_long": lambda: _("This value is too long."),
    "string_too_short": lambda: _("This value is too short."),
    "greater_than_equal": lambda: _("This value is too small."),
    "greater_than": lambda: _("This value is too small."),
    "less_than_equal": lambda: _("This value is too large."),
    "less_than": lambda: _("This value is too large."),
    "enum": lambda: _("Choose one of the allowed values."),
    "literal_error": lambda: _("Choose one of the allowed values."),
    "json_invalid": lambda: _("The request body is not valid JSON."),
    "uuid_parsing": lambda: _("Enter a valid identifier."),
    "value_error": lambda: _("This value is not valid."),
}


def _field_name(loc: list[Any]) -> str:
    # loc is like ["query", "days"] or ["body", "payload", "applicant", "name"].
    parts = [str(p) for p in loc if p not in ("query", "body", "path", "header", "payload", "form")]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def _on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, str] = {}
    for error in exc.errors:
        field = _field_name(list(error.get("loc", [])))
        kind = str(error.get("type", ""))
        ctx_error = (error.get("ctx") or {}).get("error")
        if kind == "value_error" and isinstance(ctx_error, DjangoValidationError):
            message = " ".join(ctx_error.messages)
        elif kind == "value_error" and ctx_error is not None:
            message = str(ctx_error)
        else:
            message = str(_PYDANTIC_MESSAGES.get(kind, _PYDANTIC_MESSAGES["value_error"])())
        errors.setdefault(field, message)
    detail = "; ".join(f"{field}: {message}" for field, message in errors.items())
    return problem_response(request, InvalidInput(detail, errors=errors))


@api.exception_handler(Problem)
def _on_problem(request: HttpRequest, exc: Problem) -> HttpResponse:
    return problem_response(request, exc)


@api.exception_handler(DjangoValidationError)
def _on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = {field: " ".join(msgs) for field, msgs in exc.message_dict.items()}
    else:
        errors = {"__all__": " ".join(exc.messages)}
    return problem_response(request, InvalidInput(next(iter(errors.values())), errors=errors))


@api.exception_handler(AuthenticationError)
def _on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    problem = Problem(_("Log in or send a valid bearer token."), code="unauthenticated")
    body = problem.as_dict() | {"status": 401, "title": _("Authentication required.")}
    response = api.create_response(request, body, status=401)
    response["Content-Type"] = "application/problem+json"
    response["WWW-Authenticate"] = 'Bearer realm="egov"'
    return response


@api.exception_handler(Http404)
def _on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(request, NotFound())


@api.exception_handler(DjangoPermissionDenied)
def _on_403(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
    return problem_response(request, PermissionDenied())


@api.exception_handler(HttpError)
def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    problem = Problem(str(exc.message), code=f"http_{exc.status_code}")
    body = problem.as_dict() | {"status": exc.status_code}
    response = api.create_response(request, body, status=exc.status_code)
    response["Content-Type"] = "application/problem+json"
    return response


def _mount_app_routers() -> None:
    for app in settings.INSTALLED_APPS:
        if not app.startswith("egov."):
            continue
        module_name = f"{app}.api"
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        api.add_router(module.PREFIX, module.router)
        # An app may serve a second path prefix (e.g. dossiers also serve /stats/dossiers).
        for prefix, extra in getattr(module, "EXTRA_ROUTERS", ()):
            api.add_router(prefix, extra)


_mount_app_routers()
