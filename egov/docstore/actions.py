"""Writes to the document store: keeping a document, and deleting what is no longer wanted."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from egov.audit.actions import record_event
from egov.docstore.models import DocumentKind, DocumentUse, StoredDocument
from egov.docstore.selectors import dossiers_holding
from egov.dossiers.files import check_scan
from egov.lib.actions import action
from egov.lib.problems import Conflict, NotFound, PermissionDenied, invalid

if TYPE_CHECKING:
    from egov.accounts.models import User
    from egov.dossiers.models import Dossier


def keep(
    *,
    owner: User,
    content: IO[bytes] | bytes,
    filename: str,
    title: str,
    kind: str,
    source: str = "",
    field: str = "file",
) -> StoredDocument:
    """Store a checked file for ``owner`` inside the caller's transaction (no audit event: the
    calling action writes it). The same content kept before is found, not stored twice."""
    scan = check_scan(content, filename, field=field)
    title = " ".join((title or "").split())[:255] or scan.name
    existing = StoredDocument.objects.filter(owner=owner, sha256=scan.sha256).first()
    if existing is not None:
        return existing
    document = StoredDocument(
        owner=owner,
        kind=kind,
        title=title,
        original_name=scan.name,
        content_type=scan.content_type,
        size=scan.size,
        sha256=scan.sha256,
        source=source[:100],
    )
    document.file.save(scan.name, scan.content, save=False)
    document.save()
    return document


def record_use(document: StoredDocument, dossier: Dossier) -> None:
    """Note that ``document`` was handed in with ``dossier`` (inside the caller's action)."""
    DocumentUse.objects.get_or_create(document=document, dossier=dossier)


@action
def store_document(
    *,
    acting_user: User,
    content: IO[bytes] | bytes,
    filename: str,
    title: str = "",
) -> StoredDocument:
    """The owner uploads a document to keep (PDF, JPEG or PNG, checked by its content)."""
    if not getattr(acting_user, "is_authenticated", False):
        raise PermissionDenied()
    if len(title or "") > 255:
        raise invalid("title", _("This value is too long."))
    document = keep(
        owner=acting_user,
        content=content,
        filename=filename,
        title=title,
        kind=DocumentKind.UPLOAD,
    )
    record_event(
        actor=acting_user,
        verb="docstore.store_document",
        obj=document,
        after={"sha256": document.sha256, "size": document.size},
    )
    return document


@action
def delete_stored_document(*, acting_user: User, document_id: int) -> None:
    """The owner deletes a document, unless a dossier in progress uses it."""
    document = StoredDocument.objects.select_for_update().filter(pk=document_id).first()
    if document is None or document.owner_id != acting_user.pk:
        raise NotFound()
    holding = dossiers_holding(document)
    if holding:
        raise Conflict(
            _(
                "This document is used by a dossier in progress (%(codes)s); it can be deleted "
                "once the dossier is finished."
            )
            % {"codes": ", ".join(holding)},
            code="document_in_use",
        )
    name, storage = document.file.name or "", document.file.storage
    record_event(
        actor=acting_user,
        verb="docstore.delete_stored_document",
        obj=document,
        before={"sha256": document.sha256, "kind": document.kind},
    )
    document.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
