"""Reads of the citizen portal."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from egov.dossiers.models import Dossier, DossierEvent, ReturnMethod
from egov.dossiers.workflow import Status
from egov.org.models import Role
from egov.org.selectors import agency_ids_with_role
from egov.portal.models import Application, ApplicationStatus, LifeEvent
from egov.procedures.models import Procedure, RequiredDocument, WorkflowStep


def drafts_of(user: Any) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=user, status=ApplicationStatus.DRAFT)
        .select_related("procedure", "business")
        .order_by("-updated_at")
    )


def dossiers_of(user: Any) -> QuerySet[Dossier]:
    return (
        Dossier.objects.filter(applicant=user)
        .select_related("receiving_agency")
        .order_by("-registered_at", "-id")
    )


def life_events() -> QuerySet[LifeEvent]:
    return LifeEvent.objects.annotate(
        count=Count("procedures", filter=Q(procedures__is_active=True))
    ).order_by("order", "name")


def procedure_page(code: str) -> Procedure | None:
    """One active procedure with everything its page shows, in a fixed number of queries."""
    return (
        Procedure.objects.filter(code=code, is_active=True)
        .select_related("sector", "agency", "online_service")
        .prefetch_related(
            "fees",
            Prefetch("documents", queryset=RequiredDocument.objects.order_by("order", "id")),
            Prefetch(
                "steps",
                queryset=WorkflowStep.objects.select_related("agency").order_by(
                    "order", "-is_lead", "id"
                ),
            ),
            Prefetch("life_events", queryset=LifeEvent.objects.order_by("order")),
        )
        .first()
    )


def dossier_page(code: str) -> QuerySet[Dossier]:
    return Dossier.objects.filter(code=code).prefetch_related(
        "documents",
        "forms",
        Prefetch("events", queryset=DossierEvent.objects.order_by("at", "id")),
    )


def results_to_attach(user: Any) -> QuerySet[Dossier]:
    """Dossiers returned online whose result file the user's agencies could attach now."""
    agencies = agency_ids_with_role(
        user, Role.SPECIALIST, Role.UNIT_HEAD, Role.LEADER, Role.DOCUMENT_CLERK, Role.ONE_STOP_CLERK
    )
    return (
        Dossier.objects.filter(
            status__in=[Status.APPROVED, Status.RESULT_READY],
            return_method=ReturnMethod.ONLINE,
            result_file__isnull=True,
        )
        .filter(Q(deciding_agency_id__in=agencies) | Q(receiving_agency_id__in=agencies))
        .order_by("due_on", "registered_at")
    )
