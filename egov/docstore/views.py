"""Pages of the personal document store: the list with an upload form, a file, deleting one."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from egov.accounts.selectors import request_user
from egov.docstore.access import access_stored_document
from egov.docstore.actions import delete_stored_document, store_document
from egov.docstore.forms import UploadForm
from egov.docstore.models import StoredDocument
from egov.docstore.selectors import documents_of, dossiers_holding
from egov.lib.problems import InvalidInput, NotFound, Problem


def _document(request: HttpRequest, document_id: int) -> StoredDocument:
    try:
        return access_stored_document(request_user(request), document_id)
    except NotFound:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
def document_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                store_document(
                    acting_user=user,
                    content=upload,
                    filename=upload.name,
                    title=form.cleaned_data["title"],
                )
            except InvalidInput as problem:
                form.add_error("file" if "file" in problem.errors else None, str(problem.detail))
            else:
                messages.success(request, _("The document is kept in your store."))
                return redirect("docstore:list")
    return render(
        request,
        "docstore/list.html",
        {"documents": documents_of(user), "form": form},
        status=status,
    )


def document_file(request: HttpRequest, document_id: int) -> FileResponse:
    document = _document(request, document_id)
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=False,
        filename=document.download_name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, document_id: int) -> HttpResponse:
    document = _document(request, document_id)
    if request.method == "POST":
        try:
            delete_stored_document(acting_user=request_user(request), document_id=document.pk)
        except Problem as problem:
            messages.error(request, str(problem.detail))
        else:
            messages.success(request, _("The document has been deleted from your store."))
        return redirect("docstore:list")
    return render(
        request,
        "docstore/delete.html",
        {"document": document, "holding": dossiers_holding(document)},
    )
