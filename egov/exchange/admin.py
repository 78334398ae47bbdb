"""Administration of the exchange: the peer directory (editable, audited) and read-only views of
transmissions, packages and the outbox, where failed deliveries show their error and can be
retried."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from egov.accounts.selectors import request_user
from egov.audit.admin import AuditedModelAdmin, ReadOnlyAdmin, ReadOnlyAdminMixin
from egov.exchange import actions
from egov.exchange.models import (
    DeliveryAttempt,
    Message,
    OutboxItem,
    OutboxState,
    Peer,
    Transmission,
    TransmissionEvent,
)
from egov.exchange.signing import certificate_summary
from egov.lib.problems import Problem


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0


@admin.register(Peer)
class PeerAdmin(AuditedModelAdmin):
    list_display = [
        "organ_code",
        "name",
        "endpoint_url",
        "includes_subordinates",
        "status",
        "expires",
    ]
    list_filter = ["status", "includes_subordinates"]
    search_fields = ["organ_code", "name", "endpoint_url"]
    readonly_fields = ["certificate_details", "created_at", "updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("certificate valid until"))
    def expires(self, peer: Peer) -> Any:
        try:
            return peer.trusted_certificate.not_valid_after_utc
        except ValueError:
            return "—"

    @admin.display(description=_("certificate"))
    def certificate_details(self, peer: Peer) -> str:
        if not peer.pk:
            return "—"
        try:
            summary = certificate_summary(peer.trusted_certificate)
        except ValueError:
            return "—"
        return format_html(
            "{}<br>{}: {}<br>{}: {} – {}",
            summary["subject"],
            _("issuer"),
            summary["issuer"],
            _("valid"),
            summary["not_before"],
            summary["not_after"],
        )


class EventInline(ReadOnlyInline):
    model = TransmissionEvent
    fields = (
        "recorded_at",
        "kind",
        "from_value",
        "to_value",
        "status_code",
        "late",
        "staff",
        "description",
    )
    readonly_fields = fields


@admin.register(Transmission)
class TransmissionAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "direction",
        "local_organ_code",
        "remote_organ_code",
        "status",
        "request_type",
        "request_state",
        "created_at",
    ]
    list_filter = ["direction", "status", "request_state"]
    search_fields = ["document_id", "code", "subject", "remote_organ_code"]
    date_hierarchy = "created_at"
    inlines = [EventInline]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "direction",
        "kind",
        "document_id",
        "business_type",
        "status_code",
        "sender_organ_code",
        "size",
    ]
    list_filter = ["direction", "kind", "status_code"]
    search_fields = ["document_id", "digest", "sender_organ_code"]
    date_hierarchy = "created_at"


class AttemptInline(ReadOnlyInline):
    model = DeliveryAttempt
    fields = ("number", "at", "outcome", "http_status", "duration_ms", "error")
    readonly_fields = fields


@admin.register(OutboxItem)
class OutboxItemAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "endpoint",
        "recipient_organ_code",
        "state",
        "attempts",
        "next_attempt_at",
        "short_error",
    ]
    list_filter = ["state", "endpoint", "peer"]
    search_fields = ["recipient_organ_code", "message__document_id", "last_error"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    inlines = [AttemptInline]

    @admin.display(description=_("last error"))
    def short_error(self, item: OutboxItem) -> str:
        return item.last_error[:120]

    @admin.action(description=_("Retry the selected failed deliveries now"))
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboxItem]) -> None:
        user = request_user(request)
        retried = 0
        for item in queryset.filter(state=OutboxState.FAILED):
            try:
                actions.retry_outbox_item(acting_user=user, item_id=item.pk)
            except Problem as problem:
                self.message_user(request, str(problem.detail), messages.ERROR)
                continue
            retried += 1
        self.message_user(
            request,
            _("%(count)s deliveries will be retried.") % {"count": retried},
            messages.SUCCESS,
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Viewing only, but the change list must allow the retry action.
        return obj is None and bool(request.user.is_superuser or request.user.is_staff)
