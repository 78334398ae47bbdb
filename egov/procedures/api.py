"""Public API of the procedure catalog: search without diacritics, one procedure in full."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from egov.api import public
from egov.lib.problems import NotFound
from egov.org.models import Agency, Level, Role
from egov.procedures.models import (
    ApplicantType,
    Category,
    FeeKind,
    OriginalOrCopy,
    Procedure,
    StepKind,
)
from egov.procedures.selectors import procedure_detail, search_procedures, sectors, workflow_of

PREFIX = "/procedures"
router = Router(tags=["procedures"])

MAX_PAGE_SIZE = 100
CACHE_SECONDS = 300
# What a search result shows; the long texts and the form definition stay in the database.
SUMMARY_COLUMNS = [
    "code",
    "name",
    "level",
    "service_level",
    "category",
    "processing_days",
    "applicant_types",
    "result_online",
    "is_inter_agency",
    "sector__code",
    "sector__name",
    "agency__organ_code",
    "agency__name",
]


class SectorOut(Schema):
    code: str
    name: str


class SectorWithCountOut(SectorOut):
    procedure_count: int = Field(description="Active procedures in the sector.")


class AgencyRef(Schema):
    organ_code: str
    name: str


class ProcedureSummaryOut(Schema):
    code: str = Field(description="National code (mã TTHC).")
    name: str
    sector: SectorOut
    level: Level
    agency: AgencyRef | None = Field(
        description="Implementing agency; null when every district or commune People's "
        "Committee implements the procedure."
    )
    service_level: int = Field(ge=1, le=4, description="Decree 43/2011 level 1–4.")
    category: Category = Field(description="Decree 42/2022: full_online or partial_online.")
    processing_days: int = Field(
        description="Statutory time in working days (0: within the day of receipt)."
    )
    applicant_types: list[ApplicantType]
    result_online: bool
    is_inter_agency: bool


class ProcedurePage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ProcedureSummaryOut]


class FeeOut(Schema):
    name: str
    kind: FeeKind
    amount: int = Field(description="In VND.")
    note: str


class DocumentOut(Schema):
    order: int
    name: str
    copies: int
    original_or_copy: OriginalOrCopy
    mandatory: bool
    template_url: str | None = Field(description="Downloadable template form (level 2).")
    note: str


class StepOut(Schema):
    order: int = Field(description="Steps with the same order run in parallel.")
    name: str
    kind: StepKind
    agency: AgencyRef | None = Field(
        description="The body responsible; null: the agency that received the dossier."
    )
    unit_code: str
    role: Role
    days: Decimal = Field(description="Time budget in working days.")
    is_lead: bool
    parallel: bool
    note: str


class ProcedureDetailOut(ProcedureSummaryOut):
    description: str
    conditions: str
    steps_text: str
    where: str
    legal_basis: str
    result_type: str
    fees: list[FeeOut]
    documents: list[DocumentOut]
    steps: list[StepOut]
    application_form: dict[str, Any] = Field(
        description="Form definition (fields, types, rules, conditions); see docs/apps/"
        "procedures.md. The server validates submissions against it."
    )


class SearchQuery(Schema):
    q: str = Field(
        "", max_length=200, description="Words of the name or code; no diacritics needed."
    )
    sector: str | None = Field(None, max_length=30, description="Sector code.")
    agency: str | None = Field(None, max_length=35, description="Organ code of an agency.")
    level: Level | None = None
    service_level: int | None = Field(None, ge=1, le=4)
    category: Category | None = None
    applicant_type: ApplicantType | None = None
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


def _cacheable(response: HttpResponse) -> None:
    # Public reference data: portals and the reverse proxy may keep it for a few minutes.
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"


def _agency(agency: Agency | None) -> AgencyRef | None:
    return AgencyRef(organ_code=agency.organ_code, name=agency.name) if agency else None


def _summary_fields(procedure: Procedure) -> dict[str, Any]:
    # Plain values: ninja validates the response once against the schema.
    return {
        "code": procedure.code,
        "name": procedure.name,
        "sector": {"code": procedure.sector.code, "name": procedure.sector.name},
        "level": procedure.level,
        "agency": (
            {"organ_code": procedure.agency.organ_code, "name": procedure.agency.name}
            if procedure.agency
            else None
        ),
        "service_level": procedure.service_level,
        "category": procedure.category,
        "processing_days": procedure.processing_days,
        "applicant_types": procedure.applicant_types,
        "result_online": procedure.result_online,
        "is_inter_agency": procedure.is_inter_agency,
    }


@router.get("", response=ProcedurePage, auth=None, summary="Search procedures")
def list_procedures(
    request: HttpRequest, response: HttpResponse, query: Query[SearchQuery]
) -> dict[str, Any]:
    """Active procedures, by national code. ``q`` matches name, code and sector without
    diacritics ("giay phep xay dung" finds "Giấy phép xây dựng"); every word must match.
    ``agency`` also returns the district or commune procedures that agency implements."""
    found = search_procedures(
        text=query.q,
        sector=query.sector,
        agency=query.agency,
        level=query.level,
        service_level=query.service_level,
        category=query.category,
        applicant_type=query.applicant_type,
    ).only(*SUMMARY_COLUMNS)
    _cacheable(response)
    start = (query.page - 1) * query.page_size
    page = list(found[start : start + query.page_size])
    # The first page often holds everything; counting again is then unnecessary.
    count = start + len(page) if len(page) < query.page_size and page else found.count()
    return {
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
        "results": [_summary_fields(p) for p in page],
    }


public("GET", "/procedures")


@router.get(
    "/sectors", response=list[SectorWithCountOut], auth=None, summary="Sectors of the catalog"
)
def list_sectors(request: HttpRequest, response: HttpResponse) -> list[SectorWithCountOut]:
    _cacheable(response)
    rows = sectors().annotate(
        procedure_count=Count("procedures", filter=Q(procedures__is_active=True))
    )
    return [
        SectorWithCountOut(code=s.code, name=s.name, procedure_count=s.procedure_count)
        for s in rows
    ]


public("GET", "/procedures/sectors")


@router.get(
    "/{code}", response=ProcedureDetailOut, auth=None, summary="One procedure with everything"
)
def get_procedure(request: HttpRequest, response: HttpResponse, code: str) -> ProcedureDetailOut:
    """Everything service level 1 publishes (documents, fees, time, legal basis, where, each
    step with the responsible body and its time limit) plus the application form definition."""
    procedure = procedure_detail(code)
    if procedure is None:
        raise NotFound()
    _cacheable(response)
    steps = []
    for group in workflow_of(procedure):
        for step in group:
            steps.append(
                StepOut(
                    order=step.order,
                    name=step.name,
                    kind=StepKind(step.kind),
                    agency=_agency(step.agency),
                    unit_code=step.unit_code,
                    role=Role(step.role),
                    days=step.days,
                    is_lead=step.is_lead,
                    parallel=group.is_parallel,
                    note=step.note,
                )
            )
    return ProcedureDetailOut(
        **_summary_fields(procedure),
        description=procedure.description,
        conditions=procedure.conditions,
        steps_text=procedure.steps_text,
        where=procedure.where,
        legal_basis=procedure.legal_basis,
        result_type=procedure.result_type,
        fees=[
            FeeOut(name=f.name, kind=FeeKind(f.kind), amount=f.amount, note=f.note)
            for f in procedure.fees.all()
        ],
        documents=[
            DocumentOut(
                order=d.order,
                name=d.name,
                copies=d.copies,
                original_or_copy=OriginalOrCopy(d.original_or_copy),
                mandatory=d.mandatory,
                template_url=default_storage.url(d.template.name) if d.template else None,
                note=d.note,
            )
            for d in procedure.documents.all()
        ],
        steps=steps,
        application_form=procedure.application_form or {},
    )


public("GET", "/procedures/{code}")
