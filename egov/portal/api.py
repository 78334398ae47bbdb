"""The portal's API: life events (public), online applications (drafts, attachments,
submission) for the applicant, and the result file for the deciding body."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from egov.accounts.selectors import request_user
from egov.api import public
from egov.lib.problems import InvalidInput, NotFound
from egov.portal import actions, selectors
from egov.portal.models import Application, LifeEvent

PREFIX = "/portal"
router = Router(tags=["portal"])


class LifeEventOut(Schema):
    slug: str
    name: str
    name_en: str
    description: str
    procedures: list[str] = Field(description="Codes of the procedures.")


def _event_out(event: LifeEvent) -> LifeEventOut:
    return LifeEventOut(
        slug=event.slug,
        name=event.name,
        name_en=event.name_en,
        description=event.description,
        procedures=[p.code for p in event.procedures.all() if p.is_active],
    )


@router.get("/life-events", response=list[LifeEventOut], auth=None, summary="Life events")
def list_life_events(request: HttpRequest) -> list[LifeEventOut]:
    """Moments of life and the procedures they usually need (feeds the service finder)."""
    return [_event_out(e) for e in LifeEvent.objects.prefetch_related("procedures")]


public("GET", "/portal/life-events")


@router.get("/life-events/{slug}", response=LifeEventOut, auth=None, summary="One life event")
def get_life_event(request: HttpRequest, slug: str) -> LifeEventOut:
    event = LifeEvent.objects.prefetch_related("procedures").filter(slug=slug).first()
    if event is None:
        raise NotFound()
    return _event_out(event)


public("GET", "/portal/life-events/{slug}")


class AttachmentOut(Schema):
    id: int
    slot: str
    document_id: int
    title: str


class ApplicationOut(Schema):
    id: uuid.UUID
    procedure: str
    business_tax_code: str | None
    status: str
    answers: dict[str, Any]
    return_method: str
    return_address: str
    attachments: list[AttachmentOut]
    slots: list[str] = Field(description="Where documents can be attached.")
    fee_amount: int
    fee_paid: bool
    dossier_code: str | None
    updated_at: dt.datetime


def _out(application: Application) -> ApplicationOut:
    from egov.portal.plan import plan_for

    plan = plan_for(application.procedure)
    return ApplicationOut(
        id=application.public_id,
        procedure=application.procedure.code,
        business_tax_code=application.business.tax_code if application.business else None,
        status=application.status,
        answers=application.form_data,
        return_method=application.return_method,
        return_address=application.return_address,
        attachments=[
            AttachmentOut(id=a.pk, slot=a.slot, document_id=a.document_id, title=a.document.title)
            for a in application.attachments.select_related("document")
        ],
        slots=[s.key for s in plan.slots],
        fee_amount=application.fee_amount,
        fee_paid=application.fee_paid_at is not None,
        dossier_code=application.dossier.code if application.dossier else None,
        updated_at=application.updated_at,
    )


def _mine(request: HttpRequest, application_id: uuid.UUID) -> Application:
    found = (
        Application.objects.select_related("procedure", "business", "dossier")
        .filter(public_id=application_id, applicant=request_user(request))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


class StartIn(Schema):
    procedure: str = Field(max_length=30)
    business_tax_code: str = Field("", max_length=14)


class SaveIn(Schema):
    answers: dict[str, Any] = Field(default_factory=dict)
    return_method: str | None = None
    return_address: str | None = Field(None, max_length=500)
    attach: dict[str, list[int]] = Field(
        default_factory=dict, description="Slot → ids of documents of my store to attach."
    )
    remove: list[int] = Field(default_factory=list, description="Ids of attachments to remove.")


class SubmittedOut(Schema):
    dossier_code: str


@router.get("/applications", response=list[ApplicationOut], summary="My drafts")
def list_applications(request: HttpRequest) -> list[ApplicationOut]:
    return [_out(a) for a in selectors.drafts_of(request_user(request))]


@router.post("/applications", response={201: ApplicationOut}, summary="Start an application")
def start(request: HttpRequest, payload: StartIn) -> Status[ApplicationOut]:
    application = actions.start_application(
        acting_user=request_user(request),
        procedure=payload.procedure,
        business_tax_code=payload.business_tax_code,
    )
    return Status(201, _out(application))


@router.get("/applications/{application_id}", response=ApplicationOut, summary="A draft")
def get_application(request: HttpRequest, application_id: uuid.UUID) -> ApplicationOut:
    return _out(_mine(request, application_id))


@router.put("/applications/{application_id}", response=ApplicationOut, summary="Save a draft")
def save(request: HttpRequest, application_id: uuid.UUID, payload: SaveIn) -> ApplicationOut:
    """Saves whatever is given (nothing is checked until submission) except a return method
    that is not offered: 422 naming it, with the rest saved."""
    found = _mine(request, application_id)
    result = actions.save_application(
        acting_user=request_user(request),
        application=found,
        answers=payload.answers,
        return_method=payload.return_method,
        return_address=payload.return_address,
        picks=payload.attach,
        removals=payload.remove,
    )
    if result.errors:
        raise InvalidInput(next(iter(result.errors.values())), errors=result.errors)
    return _out(result.application)


@router.post(
    "/applications/{application_id}/files",
    response={201: ApplicationOut},
    summary="Upload a document into a slot",
)
def upload(
    request: HttpRequest,
    application_id: uuid.UUID,
    file: File[UploadedFile],
    slot: Form[str],
) -> Status[ApplicationOut]:
    """The file is checked (PDF, JPEG or PNG by content; size), kept in my document store and
    attached; a refused file gives 422 naming the slot and leaves the draft as it was."""
    found = _mine(request, application_id)
    result = actions.save_application(
        acting_user=request_user(request),
        application=found,
        answers=found.form_data,
        uploads={slot: [file]},
    )
    if result.errors:
        raise InvalidInput(next(iter(result.errors.values())), errors=result.errors)
    return Status(201, _out(result.application))


@router.post(
    "/applications/{application_id}/submit",
    response={201: SubmittedOut},
    summary="Submit: the application becomes a dossier",
)
def submit(request: HttpRequest, application_id: uuid.UUID) -> Status[SubmittedOut]:
    """422 names every field or slot that is not right; 409 when already submitted."""
    dossier = actions.submit_application(
        acting_user=request_user(request), application=_mine(request, application_id)
    )
    return Status(201, SubmittedOut(dossier_code=dossier.code))


@router.delete("/applications/{application_id}", response={204: None}, summary="Delete a draft")
def discard(request: HttpRequest, application_id: uuid.UUID) -> Status[None]:
    actions.discard_application(
        acting_user=request_user(request), application=_mine(request, application_id)
    )
    return Status(204, None)


class ResultOut(Schema):
    dossier_code: str
    sha256: str
    size: int


@router.post("/dossiers/{code}/result", response={201: ResultOut}, summary="Attach the result file")
def attach_result(request: HttpRequest, code: str, file: File[UploadedFile]) -> Status[ResultOut]:
    """The deciding body or the desk attaches the result (a PDF) of a dossier returned online."""
    result = actions.attach_result_file(
        acting_user=request_user(request), dossier=code, content=file, filename=file.name or ""
    )
    return Status(201, ResultOut(dossier_code=code, sha256=result.sha256, size=result.size))
