from __future__ import annotations

import datetime as dt

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from egov.accounts.selectors import request_user
from egov.docstore.access import access_stored_document
from egov.docstore.actions import delete_stored_document, store_document
from egov.docstore.models import StoredDocument
from egov.docstore.selectors import documents_of

PREFIX = "/docstore"
router = Router(tags=["document store"])


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    content_type: str
    size: int
    sha256: str
    source: str
    created_at: dt.datetime
    in_use: bool

    @staticmethod
    def of(document: StoredDocument, in_use: bool | None = None) -> DocumentOut:
        return DocumentOut(
            id=document.pk,
            kind=document.kind,
            title=document.title,
            content_type=document.content_type,
            size=document.size,
            sha256=document.sha256,
            source=document.source,
            created_at=document.created_at,
            in_use=bool(getattr(document, "in_use", False) if in_use is None else in_use),
        )


@router.get("/documents", response=list[DocumentOut], summary="My stored documents")
def list_documents(request: HttpRequest, kind: str | None = None) -> list[DocumentOut]:
    return [DocumentOut.of(d) for d in documents_of(request_user(request), kind)]


@router.post("/documents", response={201: DocumentOut}, summary="Keep a document")
def upload(
    request: HttpRequest, file: File[UploadedFile], title: Form[str] = ""
) -> Status[DocumentOut]:
    """PDF, JPEG or PNG (recognised by content), up to the size limit; the same file kept
    before comes back instead of a second copy."""
    document = store_document(
        acting_user=request_user(request), content=file, filename=file.name or "", title=title
    )
    return Status(201, DocumentOut.of(document, in_use=False))


@router.get("/documents/{document_id}/file", summary="The file", response={200: None})
def download(request: HttpRequest, document_id: int) -> FileResponse:
    document = access_stored_document(request_user(request), document_id)
    return FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        filename=document.download_name,
    )


@router.delete("/documents/{document_id}", response={204: None}, summary="Delete a document")
def remove(request: HttpRequest, document_id: int) -> Status[None]:
    """409 while a dossier in progress uses it; someone else's → 404."""
    user = request_user(request)
    access_stored_document(user, document_id)
    delete_stored_document(acting_user=user, document_id=document_id)
    return Status(204, None)
