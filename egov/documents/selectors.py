"""Reads about documents: lists and search, what waits for a person, register rows, reminders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Max, Prefetch, Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from egov.documents import search
from egov.documents.models import (
    DeliveryChannel,
    DeliveryStatus,
    Direction,
    Document,
    DocumentEvent,
    DocumentRecipient,
    RegisterKind,
    Status,
)
from egov.lib.workdays import CalendarMissing
from egov.org.models import Role
from egov.org.selectors import agency_ids_with_role, unit_ids_with_role

if TYPE_CHECKING:
    from egov.accounts.models import User

OPEN_INCOMING = (Status.REGISTERED, Status.ASSIGNED, Status.IN_PROGRESS)


def visible_documents(user: User | Any) -> QuerySet[Document]:
    """Documents of the agencies the user works in (outgoing and incoming)."""
    return Document.objects.filter(agency_id__in=agency_ids_with_role(user))


def _with_list_relations(queryset: QuerySet[Document]) -> QuerySet[Document]:
    return queryset.select_related("agency", "assignee", "assigned_unit", "drafting_unit")


@dataclass(frozen=True)
class DocumentFilter:
    q: str = ""
    direction: str = ""
    doc_type: str = ""
    status: str = ""
    agency_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def search_documents(user: User | Any, flt: DocumentFilter) -> QuerySet[Document]:
    """The user's documents matching the filter, newest first. Dates filter the document date
    of outgoing documents and the arrival date of incoming ones."""
    documents = visible_documents(user)
    if flt.agency_id is not None:
        documents = documents.filter(agency_id=flt.agency_id)
    if flt.direction:
        documents = documents.filter(direction=flt.direction)
    if flt.doc_type:
        documents = documents.filter(doc_type=flt.doc_type)
    if flt.status:
        documents = documents.filter(status=flt.status)
    if flt.date_from is not None:
        documents = documents.filter(
            Q(direction=Direction.OUTGOING, issued_date__gte=flt.date_from)
            | Q(direction=Direction.INCOMING, arrival_date__gte=flt.date_from)
        )
    if flt.date_to is not None:
        documents = documents.filter(
            Q(direction=Direction.OUTGOING, issued_date__lte=flt.date_to)
            | Q(direction=Direction.INCOMING, arrival_date__lte=flt.date_to)
        )
    if flt.q.strip():
        documents = search.filter_matching(documents, flt.q)
    return _with_list_relations(documents).order_by("-id")


# How a text search over a million documents stays fast on PostgreSQL: see search_page.
COMMON = 2000
RECENT_WINDOW = 30_000


def search_page(
    user: User | Any, flt: DocumentFilter, offset: int, limit: int
) -> tuple[list[Document], bool]:
    """One page of ``search_documents`` (newest first) and whether more follow.

    Over a million documents, the GIN index is fast for rare words and slow for common ones
    (long posting lists, then every match sorted by id). So on PostgreSQL, when the statistics
    say the words may match COMMON documents or more, the newest RECENT_WINDOW documents are
    walked in id order without the index first: common words fill the page within a few rows.
    Rare words, or a window that does not fill the page, go to the indexed query. Either way
    the page is the same: the newest matches first.
    """
    documents = search_documents(user, flt)
    end = offset + limit + 1
    bound = search.most_matches(flt.q) if flt.q.strip() and search.is_postgresql() else 0.0
    if bound >= COMMON:
        top = Document.objects.aggregate(top=Max("id"))["top"] or 0
        plain = search_documents(user, replace(flt, q=""))
        recent = search.filter_matching(
            plain.filter(id__gt=top - RECENT_WINDOW), flt.q, use_index=False
        )
        page = list(recent[offset:end])
        if len(page) == end - offset:
            return page[:limit], True
    page = list(documents[offset:end])
    return page[:limit], len(page) > limit


def waiting_for(user: User | Any) -> QuerySet[Document]:
    """Documents on which the user has the next step."""
    leader = agency_ids_with_role(user, Role.LEADER)
    clerk = agency_ids_with_role(user, Role.DOCUMENT_CLERK)
    head_units = unit_ids_with_role(user, Role.UNIT_HEAD)
    units = unit_ids_with_role(user)
    out, inc = Direction.OUTGOING, Direction.INCOMING
    condition = (
        Q(direction=out, status=Status.IN_REVIEW, drafting_unit_id__in=head_units)
        | Q(
            direction=out, status=Status.IN_REVIEW, drafting_unit__isnull=True, agency_id__in=leader
        )
        | Q(direction=out, status=Status.APPROVED, agency_id__in=leader)
        | Q(direction=out, status__in=(Status.SIGNED, Status.ISSUED), agency_id__in=clerk)
        | Q(direction=out, status__in=(Status.DRAFT, Status.RETURNED), created_by=user)
        | Q(direction=inc, status=Status.ARRIVED, agency_id__in=clerk)
        | Q(direction=inc, status=Status.REGISTERED, agency_id__in=leader)
        | Q(direction=inc, status__in=(Status.ASSIGNED, Status.IN_PROGRESS), assignee=user)
        | Q(
            direction=inc,
            status__in=(Status.ASSIGNED, Status.IN_PROGRESS),
            assignee__isnull=True,
            assigned_unit_id__in=units,
        )
    )
    return _with_list_relations(visible_documents(user).filter(condition)).order_by(
        "due_date", "-id"
    )


def document_detail(pk: int) -> QuerySet[Document]:
    return (
        Document.objects.filter(pk=pk)
        .select_related(
            "agency",
            "drafting_unit",
            "assigned_unit",
            "assignee",
            "assigned_by",
            "created_by",
            "signer",
            "issued_by",
            "register",
            "response_for",
            "source",
        )
        .prefetch_related(
            "versions",
            "attachments",
            Prefetch("recipients", queryset=DocumentRecipient.objects.select_related("incoming")),
            "markers",
            Prefetch("history", queryset=DocumentEvent.objects.select_related("actor")),
            "replies",
        )
    )


def document_file(doc: Document, kind: str, file_id: int) -> tuple[FieldFile, str] | None:
    """A stored file of ``doc`` and its download name: a draft ``version``, an ``attachment``,
    or the ``signed`` document (``file_id`` ignored)."""
    if kind == "version":
        version = doc.versions.filter(pk=file_id).first()
        if version is not None and version.file:
            return version.file, version.file_name or "van-ban.pdf"
    elif kind == "attachment":
        attachment = doc.attachments.filter(pk=file_id).first()
        if attachment is not None:
            return attachment.file, attachment.name
    elif kind == "signed" and doc.signed_file:
        return doc.signed_file, (doc.signed_file.name or "van-ban.pdf").rsplit("/", 1)[-1]
    return None


def register_documents(
    agency_id: int, kind: str, date_from: dt.date, date_to: dt.date
) -> QuerySet[Document]:
    """The entries of a register for a period, in register order."""
    documents = Document.objects.filter(
        agency_id=agency_id, register__kind=kind, register_number__isnull=False
    )
    if kind == RegisterKind.INCOMING:
        documents = documents.filter(arrival_date__range=(date_from, date_to))
    else:
        documents = documents.filter(issued_date__range=(date_from, date_to))
    return (
        documents.select_related("register", "assigned_unit", "assignee", "drafting_unit")
        .prefetch_related("recipients")
        .order_by("register__year", "register_number")
    )


def remote_deliveries(status: str = DeliveryStatus.TO_SEND) -> QuerySet[DocumentRecipient]:
    """Deliveries to other installations in ``status``: the exchange's to-do list."""
    return (
        DocumentRecipient.objects.filter(channel=DeliveryChannel.EDXML, status=status)
        .select_related("document", "document__agency")
        .order_by("id")
    )


def recipient_by_document_id(document_id: str, organ_id: str) -> DocumentRecipient | None:
    return (
        DocumentRecipient.objects.filter(
            document__direction=Direction.OUTGOING,
            document__edxml_document_id=document_id,
            organ_id=organ_id,
        )
        .select_related("document")
        .first()
    )


def reminders_due(today: dt.date | None = None) -> tuple[list[int], list[int]]:
    """Open incoming documents to remind about: (due soon, overdue), each not yet reminded."""
    from egov.workdays.selectors import get_calendar

    today = today or timezone.localdate()
    try:
        horizon = get_calendar().add_working_days(today, settings.EGOV_DOCUMENT_REMINDER_DAYS)
    except CalendarMissing:
        horizon = today + dt.timedelta(days=settings.EGOV_DOCUMENT_REMINDER_DAYS)
    open_docs = Document.objects.filter(direction=Direction.INCOMING, status__in=OPEN_INCOMING)
    due_soon = open_docs.filter(
        due_date__gte=today, due_date__lte=horizon, reminded_soon_at__isnull=True
    )
    overdue = open_docs.filter(due_date__lt=today, reminded_late_at__isnull=True)
    return (
        list(due_soon.order_by("id").values_list("id", flat=True)),
        list(overdue.order_by("id").values_list("id", flat=True)),
    )
