"""Public pages: verify a signed PDF; our authorities' CRLs and certificates."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from egov.lib.problems import Problem
from egov.signatures import ca
from egov.signatures.forms import VerifyForm
from egov.signatures.models import Authority
from egov.signatures.services import verify_pdf
from egov.signatures.uploads import check_request, read_upload


@login_not_required
@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    """Anyone may upload a PDF and see who signed it and whether it is still as signed."""
    report = None
    status = 200
    form = VerifyForm()
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        status = 422
        if form.is_valid():
            try:
                check_request(request)
                report = verify_pdf(read_upload(form.cleaned_data["file"]))
                status = 200
            except Problem as problem:
                form.add_error("file", str(problem.errors.get("file") or problem.detail))
                status = problem.status
    return render(
        request, "signatures/verify.html", {"form": form, "report": report}, status=status
    )


def _authority(slug: str) -> Authority:
    authority = Authority.objects.filter(slug=slug).first()
    if authority is None:
        raise Http404
    return authority


@login_not_required
@require_GET
def crl(request: HttpRequest, slug: str) -> HttpResponse:
    """The authority's current CRL (DER), the URL in our certificates' CRL distribution point."""
    authority = _authority(slug)
    if not authority.crl_der:
        raise Http404
    response = HttpResponse(bytes(authority.crl_der), content_type="application/pkix-crl")
    response["Cache-Control"] = "public, max-age=300"
    return response


@login_not_required
@require_GET
def ca_certificate(request: HttpRequest, slug: str) -> HttpResponse:
    """The authority's certificate (DER), the URL in our certificates' AIA caIssuers."""
    authority = _authority(slug)
    der = ca.from_pem(authority.certificate_pem).public_bytes(ca.serialization.Encoding.DER)
    response = HttpResponse(der, content_type="application/pkix-cert")
    response["Content-Disposition"] = f'attachment; filename="{slug}.crt"'
    return response
