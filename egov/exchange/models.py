"""Peers, transmissions with their status trail, the signed packages, and the delivery outbox.

A *transmission* is one document travelling between one local organ and one remote organ, in
either direction. Its handling status (01 arrived … 06 finished) and its business request
(revocation, update, replacement and the answer 15/16) are two state machines whose allowed moves
are the tables below; every move writes a ``TransmissionEvent``.
"""

from __future__ import annotations

from functools import cached_property

from cryptography import x509
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.exchange.codes import BusinessDocType, StatusCode
from egov.lib.identifiers import validate_organ_code


def validate_certificate_pem(value: str) -> None:
    from egov.exchange.signing import load_certificate

    try:
        load_certificate(value.strip())
    except ValueError as exc:
        raise ValidationError(
            _("Paste one X.509 certificate in PEM form (-----BEGIN CERTIFICATE----- …)."),
            code="certificate",
        ) from exc


def validate_certificate_bundle(value: str) -> None:
    from egov.exchange.trust import load_bundle

    if not value.strip():
        return
    try:
        load_bundle(value)
    except ValueError as exc:
        raise ValidationError(
            _("Paste one or more X.509 certificates in PEM form (-----BEGIN CERTIFICATE----- …)."),
            code="certificate",
        ) from exc


class PeerStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")


class Peer(models.Model):
    """Another installation, reached for one organ code (and, if asked, the organs below it)."""

    organ_code = models.CharField(
        _("organ code"), max_length=35, unique=True, validators=[validate_organ_code]
    )
    name = models.CharField(_("name"), max_length=255)
    endpoint_url = models.URLField(
        _("installation address"),
        help_text=_(
            "Base address of the other installation, e.g. https://egov.haugiang.gov.vn; "
            "/api/v1/exchange/edxml and /api/v1/exchange/status are added to it."
        ),
    )
    certificate = models.TextField(
        _("trusted certificate (PEM)"),
        blank=True,
        validators=[validate_certificate_pem],
        help_text=_(
            "Packages from this organ must be signed with this certificate's key (used when no "
            "certificate authorities are given)."
        ),
    )
    trusted_roots = models.TextField(
        _("trusted certificate authorities (PEM)"),
        blank=True,
        validators=[validate_certificate_bundle],
        help_text=_(
            "Root certificates of the authorities that issue this installation's seals. Packages "
            "must then be signed with a certificate issued to the sending organ under one of "
            "them, valid when signed and not revoked (the authority's CRL is checked)."
        ),
    )
    includes_subordinates = models.BooleanField(
        _("includes subordinate organs"),
        default=False,
        help_text=_("Also reach every organ whose code lies below this one at this address."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PeerStatus.choices, default=PeerStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("peer installation")
        verbose_name_plural = _("peer directory")
        ordering = ["organ_code"]

    def __str__(self) -> str:
        return f"{self.organ_code} – {self.name}"

    @property
    def edxml_url(self) -> str:
        return f"{self.endpoint_url.rstrip('/')}/api/v1/exchange/edxml"

    @property
    def status_url(self) -> str:
        return f"{self.endpoint_url.rstrip('/')}/api/v1/exchange/status"

    def clean(self) -> None:
        super().clean()
        if not self.certificate.strip() and not self.trusted_roots.strip():
            raise ValidationError(
                {
                    "certificate": _(
                        "Give the peer's certificate or the certificate authorities it trusts."
                    )
                }
            )

    @cached_property
    def trusted_certificate(self) -> x509.Certificate:
        from egov.exchange.signing import load_certificate

        return load_certificate(self.certificate.strip())

    @cached_property
    def trusted_root_certificates(self) -> list[x509.Certificate]:
        from egov.exchange.trust import load_bundle

        return load_bundle(self.trusted_roots)


class Direction(models.TextChoices):
    OUTGOING = "outgoing", _("sent")
    INCOMING = "incoming", _("received")


class Handling(models.TextChoices):
    """How far the receiver has got with the document (the edXML handling codes)."""

    QUEUED = "00", _("queued for sending")
    ARRIVED = "01", _("arrived")
    REFUSED = "02", _("refused")
    ACCEPTED = "03", _("accepted")
    WAITING = "04", _("waiting for assignment")
    PROCESSING = "05", _("assigned, being processed")
    FINISHED = "06", _("finished")


# The handling state machine. Statuses come over the network and may arrive out of order after
# retries, so a status the transmission has already passed is recorded as a late event without
# moving it back (see actions.apply_handling_status); anything else not listed here is refused.
HANDLING_TRANSITIONS: dict[str, frozenset[str]] = {
    Handling.QUEUED: frozenset(
        {
            Handling.ARRIVED,
            Handling.REFUSED,
            Handling.ACCEPTED,
            Handling.WAITING,
            Handling.PROCESSING,
            Handling.FINISHED,
        }
    ),
    Handling.ARRIVED: frozenset(
        {
            Handling.REFUSED,
            Handling.ACCEPTED,
            Handling.WAITING,
            Handling.PROCESSING,
            Handling.FINISHED,
        }
    ),
    Handling.ACCEPTED: frozenset({Handling.WAITING, Handling.PROCESSING, Handling.FINISHED}),
    Handling.WAITING: frozenset({Handling.PROCESSING, Handling.FINISHED}),
    Handling.PROCESSING: frozenset({Handling.FINISHED}),
    Handling.REFUSED: frozenset(),
    Handling.FINISHED: frozenset(),
}
# Order of progress: a status ranked below the current one is "late", not a move back.
HANDLING_RANK = {code: rank for rank, code in enumerate(Handling.values)}


class RequestState(models.TextChoices):
    """A revocation, update or replacement asked by the sender and the receiver's answer."""

    NONE = "none", _("none")
    PENDING = "pending", _("awaiting the receiver's answer")
    AGREED = "agreed", _("agreed")
    REFUSED = "refused", _("refused")


REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    RequestState.NONE: frozenset({RequestState.PENDING}),
    RequestState.PENDING: frozenset({RequestState.AGREED, RequestState.REFUSED}),
    RequestState.AGREED: frozenset({RequestState.PENDING}),  # an update after an update
    RequestState.REFUSED: frozenset({RequestState.PENDING}),  # the sender may ask again
}
# A revoked document stays revoked.
FINAL_REQUESTS = frozenset({BusinessDocType.REVOKE, BusinessDocType.REPLACE})


class Transmission(models.Model):
    """One document between one local organ and one remote organ, with its status trail."""

    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    document_id = models.CharField(_("DocumentId"), max_length=200)
    local_organ_code = models.CharField(_("our organ"), max_length=35)
    remote_organ_code = models.CharField(_("other organ"), max_length=35)
    remote_organ_name = models.CharField(_("other organ's name"), max_length=255, blank=True)
    peer = models.ForeignKey(
        Peer,
        verbose_name=_("peer installation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transmissions",
    )
    code = models.CharField(_("number and notation"), max_length=50)
    subject = models.CharField(_("subject"), max_length=500)
    promulgation_date = models.DateField(_("promulgation date"))
    document_type_name = models.CharField(_("document type"), max_length=100, blank=True)
    status = models.CharField(
        _("handling status"), max_length=2, choices=Handling.choices, default=Handling.QUEUED
    )
    request_type = models.PositiveSmallIntegerField(
        _("request"), choices=BusinessDocType.choices, null=True, blank=True
    )
    request_state = models.CharField(
        _("request state"), max_length=8, choices=RequestState.choices, default=RequestState.NONE
    )
    request_reason = models.TextField(_("reason for the request"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    replaced_by = models.CharField(_("replaced by (DocumentId)"), max_length=200, blank=True)
    response_for = models.ForeignKey(
        "self",
        verbose_name=_("answers"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responses",
    )
    response_for_document_id = models.CharField(_("answers DocumentId"), max_length=200, blank=True)
    # The matching record of the documents app (incoming or outgoing document), when there is one.
    local_document_id = models.CharField(_("local document"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("transmission")
        verbose_name_plural = _("transmissions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["direction", "document_id", "local_organ_code", "remote_organ_code"],
                name="exchange_one_transmission_per_document_and_pair",
            )
        ]
        indexes = [
            models.Index(fields=["local_organ_code", "direction", "status"]),
            models.Index(fields=["document_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.get_direction_display()} {self.remote_organ_code}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class EventKind(models.TextChoices):
    HANDLING = "handling", _("handling status")
    REQUEST = "request", _("request")


class TransmissionEvent(models.Model):
    """One move of a transmission's state machines: the status trail."""

    transmission = models.ForeignKey(
        Transmission,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("transmission"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=EventKind.choices)
    from_value = models.CharField(_("from"), max_length=10, blank=True)
    to_value = models.CharField(_("to"), max_length=10)
    status_code = models.CharField(
        _("edXML status code"), max_length=2, choices=StatusCode.choices, blank=True
    )
    late = models.BooleanField(
        _("arrived late"),
        default=False,
        help_text=_("Reported after a later status; recorded without moving the status back."),
    )
    description = models.TextField(_("description"), blank=True)
    staff = models.CharField(_("staff"), max_length=255, blank=True)
    department = models.CharField(_("department"), max_length=255, blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("transmission event")
        verbose_name_plural = _("transmission events")
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.transmission_id}: {self.from_value} → {self.to_value}"


class MessageKind(models.TextChoices):
    DOCUMENT = "document", _("document package")
    STATUS = "status", _("status message")


class Message(models.Model):
    """A signed edXML package exactly as sent or received: the delivery evidence."""

    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=8, choices=MessageKind.choices)
    document_id = models.CharField(_("DocumentId"), max_length=200, db_index=True)
    business_type = models.PositiveSmallIntegerField(
        _("business type"), choices=BusinessDocType.choices, null=True, blank=True
    )
    status_code = models.CharField(
        _("status code"), max_length=2, choices=StatusCode.choices, blank=True
    )
    sender_organ_code = models.CharField(_("from"), max_length=35)
    recipients = models.JSONField(_("to"), default=list)
    digest = models.CharField(_("SHA-256"), max_length=64)
    payload = models.TextField(_("signed package"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    # For a received package: the acknowledgement we answered with (sent in the HTTP response).
    ack = models.ForeignKey(
        "self",
        verbose_name=_("acknowledgement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    transmission = models.ForeignKey(
        Transmission,
        verbose_name=_("transmission"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("edXML package")
        verbose_name_plural = _("edXML packages")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["direction", "digest"])]

    def __str__(self) -> str:
        label = self.status_code or self.get_business_type_display()
        return f"{self.get_kind_display()} {label} {self.document_id}"


class OutboxState(models.TextChoices):
    PENDING = "pending", _("waiting to be delivered")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


OUTBOX_TRANSITIONS: dict[str, frozenset[str]] = {
    OutboxState.PENDING: frozenset({OutboxState.DELIVERED, OutboxState.FAILED}),
    OutboxState.FAILED: frozenset({OutboxState.PENDING}),  # an administrator retries
    OutboxState.DELIVERED: frozenset(),
}


class Endpoint(models.TextChoices):
    EDXML = "edxml", _("document package")
    STATUS = "status", _("status message")


class OutboxItem(models.Model):
    """A package to deliver to one peer, retried with exponential backoff until acknowledged."""

    message = models.ForeignKey(
        Message, verbose_name=_("package"), on_delete=models.PROTECT, related_name="deliveries"
    )
    transmission = models.ForeignKey(
        Transmission,
        verbose_name=_("transmission"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    peer = models.ForeignKey(
        Peer, verbose_name=_("peer installation"), on_delete=models.PROTECT, related_name="+"
    )
    recipient_organ_code = models.CharField(_("recipient organ"), max_length=35)
    endpoint = models.CharField(_("endpoint"), max_length=8, choices=Endpoint.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    leased_until = models.DateTimeField(_("being delivered until"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_http_status = models.PositiveSmallIntegerField(
        _("last HTTP status"), null=True, blank=True
    )
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("outbox item")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_endpoint_display()} → {self.recipient_organ_code} ({self.state})"

    @property
    def url(self) -> str:
        base = self.peer.edxml_url if self.endpoint == Endpoint.EDXML else self.peer.status_url
        if self.endpoint == Endpoint.EDXML:
            return f"{base}?to={self.recipient_organ_code}"
        return base


class DeliveryAttempt(models.Model):
    """One try at delivering an outbox item: the history administrators read."""

    item = models.ForeignKey(
        OutboxItem, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("item")
    )
    number = models.PositiveIntegerField(_("attempt"))
    at = models.DateTimeField(_("at"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=OutboxState.choices)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["item", "number"]

    def __str__(self) -> str:
        return f"{self.item_id} #{self.number}: {self.outcome}"
