"""Who may see a dossier: its applicant, and the staff of every agency involved in it
(receiving, processing, consulted). Anyone else gets the same 404 as for a code that does not
exist."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from egov.dossiers.models import Dossier, DossierAgency
from egov.lib.problems import NotFound
from egov.org.selectors import agency_ids_with_role


def may_see(user: Any, dossier: Dossier) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if dossier.applicant_id is not None and dossier.applicant_id == user.pk:
        return True
    agencies = agency_ids_with_role(user)
    return (
        bool(agencies)
        and DossierAgency.objects.filter(dossier=dossier, agency_id__in=agencies).exists()
    )


def access_dossier(user: Any, code: str, queryset: QuerySet[Dossier] | None = None) -> Dossier:
    """The dossier with this code if the user may see it; NotFound otherwise."""
    queryset = queryset if queryset is not None else Dossier.objects.all()
    dossier = (
        queryset.select_related("receiving_agency", "receiving_unit", "procedure")
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise NotFound()
    if not may_see(user, dossier):
        raise NotFound()
    return dossier
