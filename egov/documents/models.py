"""Official documents (văn bản đi / đến), their registers, versions, files, recipients and history.

One ``Document`` table holds both directions: an outgoing document is drafted, approved, signed,
issued and sent by its agency; an incoming one is registered, assigned, handled and completed
by the receiving agency. The Appendix VI metadata of Decree 30/2020 is stored in fields whose
edXML names are listed in ``EDXML_FIELDS``, so the exchange maps them one to one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.documents.types import (
    CODE_NOTATION_MAX,
    CODE_NUMBER_MAX,
    SUBJECT_MAX,
    TYPE_CHOICES,
    TYPES_BY_KEY,
    DocumentType,
    Priority,
    number_and_notation,
)


class Direction(models.TextChoices):
    OUTGOING = "outgoing", _("Outgoing")
    INCOMING = "incoming", _("Incoming")


class RegisterKind(models.TextChoices):
    OUTGOING = "outgoing", _("Outgoing documents register")
    INCOMING = "incoming", _("Incoming documents register")
    COPIES = "copies", _("Copies register")


class Register(models.Model):
    """A register (sổ đăng ký) of one agency for one year; it hands out the numbers.

    ``last_number`` is the counter: taking a number locks this row, so numbers are unique and
    gap-free, and a new year starts a new register at 01 (Decree 30/2020, Art. 15 and 22).
    """

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="registers"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=10, choices=RegisterKind.choices)
    last_number = models.PositiveIntegerField(_("last number given"), default=0)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)

    class Meta:
        verbose_name = _("register")
        verbose_name_plural = _("registers")
        ordering = ["agency", "-year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "kind"], name="document_register_per_agency_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} – {self.agency.short_name}"


class Status(models.TextChoices):
    # outgoing
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Waiting for approval")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved, waiting for signature")
    SIGNED = "signed", _("Signed, waiting to be issued")
    ISSUED = "issued", _("Issued, waiting to be sent")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")
    # incoming
    ARRIVED = "arrived", _("Arrived electronically, waiting for the clerk's check")
    REFUSED = "refused", _("Refused and returned to the sender")
    REGISTERED = "registered", _("Registered, waiting for assignment")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("Being handled")
    COMPLETED = "completed", _("Completed")
    # both
    REVOKED = "revoked", _("Revoked")


class Channel(models.TextChoices):
    """How an incoming document arrived."""

    ELECTRONIC = "electronic", _("Electronic")
    PAPER = "paper", _("Paper")


class SteeringType(models.IntegerChoices):
    NONE = 1, _("Not a directive")
    DIRECTIVE = 2, _("Directive")
    REPORT = 3, _("Report on a directive")


def _upload_to(instance: Any, filename: str) -> str:
    document = instance if isinstance(instance, Document) else instance.document
    return f"documents/{document.agency_id}/{timezone.now():%Y}/{uuid.uuid4().hex}/{filename}"


# edXML / Appendix VI name -> model field. Nested edXML elements are written with a slash.
EDXML_FIELDS: dict[str, str] = {
    "FileCode/OrganId": "file_organ_id",
    "FileCode/FileCatalog": "file_catalog",
    "FileCode/FileNotation": "file_notation",
    "DocOrdinal": "doc_ordinal",
    "TypeName": "type_name",
    "CodeNumber": "code_number",
    "CodeNotation": "code_notation",
    "IssuedDate": "issued_date",
    "OrganId": "organ_id",
    "OrganName": "organ_name",
    "Subject": "subject",
    "Content": "content",
    "Language": "language",
    "PageAmount": "page_amount",
    "Description": "description",
    "SignerInfo/Competence": "signer_competence",
    "SignerInfo/Position": "signer_position",
    "SignerInfo/FullName": "signer_full_name",
    "Priority": "priority",
    "IssuedAmount": "issued_amount",
    "DueDate": "due_date",
    "ToPlaces": "to_places",
    "SteeringType": "steering_type",
    "DocumentId": "edxml_document_id",
    # incoming only
    "ArrivalDate": "arrival_date",
    "ArrivalNumber": "register_number",
    "TraceHeaderList": "trace_header_list",
}


class Document(models.Model):
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="documents",
        help_text=_("The issuing agency of an outgoing document, the receiver of an incoming one."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    doc_type = models.CharField(_("type"), max_length=20, choices=TYPE_CHOICES)

    # Appendix VI metadata (edXML names in EDXML_FIELDS) ------------------------------------
    file_organ_id = models.CharField(_("file: organ code"), max_length=35, blank=True)
    file_catalog = models.PositiveSmallIntegerField(_("file: year"), null=True, blank=True)
    file_notation = models.CharField(_("file: number and notation"), max_length=20, blank=True)
    doc_ordinal = models.PositiveSmallIntegerField(_("order in the file"), null=True, blank=True)
    type_name = models.CharField(_("type name"), max_length=100)
    code_number = models.CharField(_("number"), max_length=CODE_NUMBER_MAX, blank=True)
    code_notation = models.CharField(_("notation"), max_length=CODE_NOTATION_MAX, blank=True)
    issued_date = models.DateField(_("document date"), null=True, blank=True)
    organ_id = models.CharField(_("issuer's organ code"), max_length=35, blank=True)
    organ_name = models.CharField(_("issuing agency"), max_length=200)
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX)
    content = models.TextField(_("summary"), blank=True)
    language = models.CharField(_("language"), max_length=30, default="Tiếng Việt")
    page_amount = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    description = models.CharField(_("notes"), max_length=500, blank=True)
    signer_competence = models.CharField(_("signing authority"), max_length=100, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=100, blank=True)
    signer_full_name = models.CharField(_("signer"), max_length=50, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    issued_amount = models.PositiveSmallIntegerField(_("copies issued"), null=True, blank=True)
    due_date = models.DateField(
        _("deadline"),
        null=True,
        blank=True,
        help_text=_("Outgoing: reply deadline. Incoming: handling deadline."),
    )
    to_places = models.JSONField(_("copies to (places)"), default=list, blank=True)
    steering_type = models.PositiveSmallIntegerField(
        _("steering type"), choices=SteeringType.choices, default=SteeringType.NONE
    )
    edxml_document_id = models.CharField(_("document ID (edXML)"), max_length=200, blank=True)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    trace_header_list = models.JSONField(_("trace headers"), default=list, blank=True)

    # Numbering: the register and the number it gave (outgoing number, or arrival number).
    register = models.ForeignKey(
        Register,
        verbose_name=_("register"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    register_number = models.PositiveIntegerField(_("number in the register"), null=True)
    refusal_reason = models.TextField(
        _("reason for refusing"),
        blank=True,
        help_text=_("Why the document clerk refused an electronic arrival (sent with status 02)."),
    )

    # Outgoing workflow ----------------------------------------------------------------------
    drafting_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("drafting unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drafted_documents",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    archive_copies = models.CharField(_("file copies kept by"), max_length=200, blank=True)
    response_for = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
    )
    response_for_refs = models.JSONField(_("in reply to (edXML)"), default=list, blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    is_digitally_signed = models.BooleanField(_("digitally signed"), default=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    is_seal_signed = models.BooleanField(_("organisation signature"), default=False)
    signed_file = models.FileField(_("signed file"), upload_to=_upload_to, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    # Incoming workflow ----------------------------------------------------------------------
    channel = models.CharField(
        _("arrived as"), max_length=10, choices=Channel.choices, default=Channel.ELECTRONIC
    )
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    source = models.ForeignKey(
        "self",
        verbose_name=_("outgoing original"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    assigned_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("assigned unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_documents",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_documents",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("passed on"), null=True, blank=True)
    started_at = models.DateTimeField(_("handling started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completion_note = models.TextField(_("result"), blank=True)
    reminded_soon_at = models.DateTimeField(null=True, blank=True)
    reminded_late_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    # Kept by save(): the searchable text (see egov.documents.search).
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "register_number"],
                condition=Q(register_number__isnull=False),
                name="document_number_unique_in_register",
            ),
            models.UniqueConstraint(
                fields=["agency", "edxml_document_id"],
                condition=Q(direction="incoming") & ~Q(edxml_document_id=""),
                name="document_incoming_once_per_agency",
            ),
            models.CheckConstraint(condition=Q(priority__lte=4), name="document_priority_0_to_4"),
        ]
        indexes = [
            models.Index(fields=["agency", "direction", "status"], name="document_box_idx"),
            models.Index(fields=["agency", "issued_date"], name="document_issued_idx"),
            models.Index(fields=["agency", "arrival_date"], name="document_arrival_idx"),
            models.Index(fields=["assignee", "status"], name="document_assignee_idx"),
            models.Index(fields=["edxml_document_id"], name="document_edxml_id_idx"),
        ]

    def __str__(self) -> str:
        if self.code_notation:
            return f"{self.number_notation} – {self.subject}"
        return self.subject

    def save(self, *args: Any, **kwargs: Any) -> None:
        from egov.documents.search import build_search_text

        self.search_text = build_search_text(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "updated_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("documents:detail", args=[self.pk])

    @property
    def type(self) -> DocumentType:
        return TYPES_BY_KEY[self.doc_type]

    @property
    def is_outgoing(self) -> bool:
        return self.direction == Direction.OUTGOING

    @property
    def number_notation(self) -> str:
        """``58/KH-UBND``; empty until the document has a notation."""
        return number_and_notation(self.code_number, self.code_notation)

    @property
    def arrival_number(self) -> int | None:
        return self.register_number if self.direction == Direction.INCOMING else None

    def is_late(self, today: dt.date | None = None) -> bool:
        if self.due_date is None or self.direction != Direction.INCOMING:
            return False
        if self.completed_at is not None:
            return timezone.localdate(self.completed_at) > self.due_date
        return (today or timezone.localdate()) > self.due_date

    def metadata(self) -> dict[str, Any]:
        """The Appendix VI / edXML metadata, nested under the edXML names."""
        out: dict[str, Any] = {}
        for name, field in EDXML_FIELDS.items():
            if self.direction == Direction.OUTGOING and name in (
                "ArrivalDate",
                "ArrivalNumber",
                "TraceHeaderList",
            ):
                continue
            value = getattr(self, field)
            if isinstance(value, dt.date):
                value = value.isoformat()
            head, _slash, tail = name.partition("/")
            if tail:
                out.setdefault(head, {})[tail] = value
            else:
                out[name] = value
        if self.direction == Direction.OUTGOING:
            out["To"] = [
                {"OrganId": r.organ_id, "OrganName": r.organ_name} for r in self.recipients.all()
            ]
        return out


class DocumentVersion(models.Model):
    """A draft as it stood after one edit; the newest is the current text."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX)
    content = models.TextField(_("summary"), blank=True)
    file = models.FileField(_("file"), upload_to=_upload_to, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    note = models.CharField(_("what changed"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"


class Attachment(models.Model):
    """A file that goes with the document (an appendix, a scan of a paper document)."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=_upload_to)
    name = models.CharField(_("name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("description"), max_length=255, blank=True)
    is_seal_signed = models.BooleanField(_("organisation signature"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["document", "id"]

    def __str__(self) -> str:
        return self.name


class DeliveryChannel(models.TextChoices):
    LOCAL = "local", _("This system (an agency of this installation)")
    EDXML = "edxml", _("Electronic exchange (edXML)")
    PAPER = "paper", _("Paper (post or by hand)")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Not sent yet")
    TO_SEND = "to_send", _("Waiting for the electronic exchange")
    SENT = "sent", _("Sent, not acknowledged yet")
    DELIVERED = "delivered", _("Delivered")
    REFUSED = "refused", _("Refused by the receiver")
    FAILED = "failed", _("Failed")


ELECTRONIC_CHANNELS = (DeliveryChannel.LOCAL, DeliveryChannel.EDXML)


class DocumentRecipient(models.Model):
    """One receiving agency of an outgoing document (edXML ``To``) and the delivery to it."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="recipients"
    )
    organ_id = models.CharField(_("organ code"), max_length=35)
    organ_name = models.CharField(_("agency"), max_length=200)
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("agency in this installation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=6, choices=DeliveryChannel.choices)
    status = models.CharField(
        _("delivery"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    # The receiver's last edXML status code (01 arrived … 06 finished, 13/15/16) and when.
    status_code = models.CharField(_("status code"), max_length=2, blank=True)
    status_description = models.CharField(_("status"), max_length=500, blank=True)
    status_at = models.DateTimeField(_("status time"), null=True, blank=True)
    incoming = models.ForeignKey(
        Document,
        verbose_name=_("incoming document created"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["document", "id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "organ_id"], name="document_recipient_once")
        ]
        indexes = [models.Index(fields=["channel", "status"], name="document_delivery_idx")]

    def __str__(self) -> str:
        return f"{self.organ_name} ({self.organ_id})"

    @property
    def is_electronic(self) -> bool:
        return self.channel in ELECTRONIC_CHANNELS


class MarkerKind(models.TextChoices):
    """edXML Bussiness/BussinessDocType 1–3 (0 is a new document)."""

    REVOKE = "revoke", _("Revoked by the sender")
    UPDATE = "update", _("Updated by the sender")
    REPLACE = "replace", _("Replaced by the sender")


MARKER_DOC_TYPES = {MarkerKind.REVOKE: 1, MarkerKind.UPDATE: 2, MarkerKind.REPLACE: 3}


class DocumentMarker(models.Model):
    """A revoke, update or replace notice about a document, as the exchange delivered it."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="markers"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=MarkerKind.choices)
    reason = models.TextField(_("reason"), blank=True)
    replacement_document_id = models.CharField(
        _("replacement document ID"), max_length=200, blank=True
    )
    receiver_changes = models.JSONField(_("receiver changes"), default=list, blank=True)
    staff_info = models.JSONField(_("sent by"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        verbose_name = _("revoke, update or replace notice")
        verbose_name_plural = _("revoke, update or replace notices")
        ordering = ["document", "received_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.document_id}"


class DocumentEvent(models.Model):
    """One step in a document's life: a transition (from → to) or an edit (status unchanged)."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="history"
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("document history entry")
        verbose_name_plural = _("document history")
        ordering = ["document", "at", "id"]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.action} {self.from_status}→{self.to_status}"
