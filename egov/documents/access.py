"""Object access for documents: a document of another agency looks exactly like a missing one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from egov.documents.models import Document
from egov.documents.selectors import document_detail
from egov.lib.problems import NotFound
from egov.org.selectors import has_role

if TYPE_CHECKING:
    from egov.accounts.models import User


def access_document(user: User | Any, pk: int | str) -> Document:
    """The document with ``pk`` if the user works in its agency; otherwise ``NotFound``."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    document = document_detail(key).first()
    if document is None:
        raise NotFound()
    if not has_role(user, agency=document.agency_id):
        raise NotFound()
    return document
