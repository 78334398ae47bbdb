"""Reads of the document store."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from egov.docstore.models import DocumentUse, StoredDocument
from egov.dossiers.workflow import FINAL


def documents_of(user: Any, kind: str | None = None) -> QuerySet[StoredDocument]:
    """The user's documents, each annotated ``in_use``: a dossier in progress holds it."""
    busy = DocumentUse.objects.filter(document=OuterRef("pk")).exclude(dossier__status__in=FINAL)
    documents = StoredDocument.objects.filter(owner=user).annotate(in_use=Exists(busy))
    return documents.filter(kind=kind) if kind else documents


def dossiers_holding(document: StoredDocument) -> list[str]:
    """Codes of the dossiers in progress that use the document."""
    return list(
        DocumentUse.objects.filter(document=document)
        .exclude(dossier__status__in=FINAL)
        .values_list("dossier__code", flat=True)
    )
