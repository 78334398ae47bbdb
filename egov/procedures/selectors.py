"""Reads of the procedure catalog."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from egov.lib.text import fold
from egov.org.models import Agency, AgencyLevel, Level, Unit
from egov.procedures.models import (
    ApplicantType,
    Procedure,
    RequiredDocument,
    Sector,
    WorkflowStep,
)


@dataclass(frozen=True)
class StepGroup:
    """Steps of one ``order``: one step, or parallel steps with their lead body first."""

    order: int
    steps: tuple[WorkflowStep, ...]

    def __iter__(self) -> Iterator[WorkflowStep]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def is_parallel(self) -> bool:
        return len(self.steps) > 1

    @property
    def lead(self) -> WorkflowStep:
        return next((step for step in self.steps if step.is_lead), self.steps[0])

    @property
    def days(self) -> Decimal:
        """The group's time budget: parallel steps run at once, so the longest one counts."""
        return max(step.days for step in self.steps)


def workflow_of(procedure: Procedure) -> list[StepGroup]:
    """The workflow template as groups in execution order (uses prefetched steps if present)."""
    groups: dict[int, list[WorkflowStep]] = {}
    for step in procedure.steps.all():
        groups.setdefault(step.order, []).append(step)
    return [
        StepGroup(order, tuple(sorted(steps, key=lambda s: (not s.is_lead, s.pk or 0))))
        for order, steps in sorted(groups.items())
    ]


@dataclass(frozen=True)
class ProcedureTemplate:
    """What registration and acceptance read from the catalog for one procedure: its workflow
    groups and its required documents (in their order)."""

    groups: tuple[StepGroup, ...]
    documents: tuple[RequiredDocument, ...]

    @property
    def mandatory_documents(self) -> list[RequiredDocument]:
        return [d for d in self.documents if d.mandatory]


# procedure id -> (its updated_at when read, the template). Every change of a workflow step or
# a required document touches the procedure's updated_at (see signals.py), and the dossier
# actions read the procedure row anyway, so a changed template is never served from here.
_templates: dict[int, tuple[object, ProcedureTemplate]] = {}


def procedure_template(procedure: Procedure) -> ProcedureTemplate:
    """The procedure's workflow and documents, read once per process and procedure version."""
    cached = _templates.get(procedure.pk)
    if cached is not None and cached[0] == procedure.updated_at:
        return cached[1]
    steps: dict[int, list[WorkflowStep]] = {}
    for step in WorkflowStep.objects.filter(procedure_id=procedure.pk):
        steps.setdefault(step.order, []).append(step)
    template = ProcedureTemplate(
        groups=tuple(
            StepGroup(order, tuple(sorted(group, key=lambda s: (not s.is_lead, s.pk or 0))))
            for order, group in sorted(steps.items())
        ),
        documents=tuple(
            RequiredDocument.objects.filter(procedure_id=procedure.pk).order_by("order", "id")
        ),
    )
    _templates[procedure.pk] = (procedure.updated_at, template)
    return template


def forget_template(procedure_id: int | None = None) -> None:
    """Drop one procedure's cached template (or all of them)."""
    if procedure_id is None:
        _templates.clear()
    else:
        _templates.pop(procedure_id, None)


def step_agency(step: WorkflowStep, receiving_agency: Agency) -> Agency:
    """The agency that acts in a step; an empty agency means the one that received the dossier."""
    return step.agency if step.agency_id is not None and step.agency else receiving_agency


def step_unit(step: WorkflowStep, receiving_agency: Agency) -> Unit | None:
    """The unit that acts in a step; None when the agency as a whole acts (or lacks the unit)."""
    if not step.unit_code:
        return None
    return Unit.objects.filter(
        agency=step_agency(step, receiving_agency), code=step.unit_code
    ).first()


def sectors() -> QuerySet[Sector]:
    return Sector.objects.order_by("name")


def procedures(*, include_inactive: bool = False) -> QuerySet[Procedure]:
    queryset = Procedure.objects.select_related("sector", "agency")
    return queryset if include_inactive else queryset.filter(is_active=True)


def procedure_detail(code: str, *, include_inactive: bool = False) -> Procedure | None:
    """One procedure with everything level 1 shows, in a fixed number of queries."""
    return (
        procedures(include_inactive=include_inactive)
        .prefetch_related(
            "fees",
            Prefetch("documents", queryset=RequiredDocument.objects.order_by("order", "id")),
            Prefetch(
                "steps",
                queryset=WorkflowStep.objects.select_related("agency").order_by(
                    "order", "-is_lead", "id"
                ),
            ),
        )
        .filter(code=code)
        .first()
    )


_AGENCY_LEVEL_TO_PROCEDURE_LEVEL = {
    AgencyLevel.DISTRICT: Level.DISTRICT,
    AgencyLevel.COMMUNE: Level.COMMUNE,
}


def procedures_of_agency(agency: Agency) -> QuerySet[Procedure]:
    """What an agency implements: its own procedures, and for a district or commune People's
    Committee also the procedures of its level that name no agency."""
    condition = Q(agency=agency)
    level = _AGENCY_LEVEL_TO_PROCEDURE_LEVEL.get(AgencyLevel(agency.level))
    if level is not None:
        condition |= Q(agency__isnull=True, level=level)
    return procedures().filter(condition)


def search_procedures(
    *,
    text: str = "",
    sector: str | None = None,
    agency: str | None = None,
    level: str | None = None,
    service_level: int | None = None,
    category: str | None = None,
    applicant_type: str | None = None,
) -> QuerySet[Procedure]:
    """Active procedures matching every given filter.

    ``text`` is folded (no diacritics, lower case) and each word must occur in the folded search
    column, which holds code, name and sector; so "giay phep xay dung" finds "Giấy phép xây
    dựng" and "1.0011" finds the codes starting with it. ``agency`` is an organ code and also
    finds the district/commune procedures such an agency implements.
    """
    queryset = procedures()
    for word in fold(text).split()[:10]:
        queryset = queryset.filter(search_text__contains=word)
    if sector:
        queryset = queryset.filter(sector__code=sector)
    if agency:
        found = Agency.objects.filter(organ_code=agency).first()
        if found is None:
            return queryset.none()
        queryset = queryset.filter(pk__in=procedures_of_agency(found).values("pk"))
    if level:
        queryset = queryset.filter(level=level)
    if service_level is not None:
        queryset = queryset.filter(service_level=service_level)
    if category:
        queryset = queryset.filter(category=category)
    if applicant_type:
        if applicant_type not in ApplicantType.values:
            return queryset.none()
        # A JSON list of fixed words: its text contains the quoted word exactly when it holds it.
        queryset = queryset.filter(applicant_types__icontains=f'"{applicant_type}"')
    return queryset.order_by("code")
