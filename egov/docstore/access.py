"""Only the owner reaches a stored document; anyone else gets the same 404 as for none."""

from __future__ import annotations

from typing import Any

from egov.docstore.models import StoredDocument
from egov.lib.problems import NotFound


def access_stored_document(user: Any, document_id: int | str) -> StoredDocument:
    try:
        pk = int(document_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    document = StoredDocument.objects.filter(pk=pk).first()
    if document is None:
        raise NotFound()
    if not getattr(user, "is_authenticated", False) or document.owner_id != user.pk:
        raise NotFound()
    return document
