"""The public status lookup pages: /lookup/ (type a code) and /lookup/<code>/ (the QR code on
form 01 points here). No login; rate-limited per client; nothing personal but the masked name."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from egov.dossiers.lookup import count_lookup, normalise_code, public_status
from egov.lib.problems import RateLimited


def _no_store(response: HttpResponse) -> HttpResponse:
    # The state changes; a shared cache must not keep an old one (or a 429).
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """The form; a submitted code goes to its own address (the one the QR code holds)."""
    code = normalise_code(request.GET.get("code", ""))
    if code and "/" not in code:
        return redirect("lookup_detail", code=code)
    if code:  # no code has a slash, and the page address cannot hold one
        return _no_store(
            render(
                request,
                "dossiers/lookup.html",
                {"code": code, "not_found": True},
                status=404,
            )
        )
    empty = "code" in request.GET
    return _no_store(
        render(
            request,
            "dossiers/lookup.html",
            {"empty": empty, "code": ""},
            status=422 if empty else 200,
        )
    )


@login_not_required
@require_GET
def lookup_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        count_lookup(request)
    except RateLimited as problem:
        response = render(request, "dossiers/lookup.html", {"limited": True}, status=429)
        response["Retry-After"] = str(problem.extra["retry_after"])
        return _no_store(response)
    found = public_status(code)
    return _no_store(
        render(
            request,
            "dossiers/lookup.html",
            {"found": found, "code": normalise_code(code), "not_found": found is None},
            status=200 if found is not None else 404,
        )
    )
