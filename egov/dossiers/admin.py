"""Dossiers in Django admin: read-only (every change goes through the workflow's actions)."""

from __future__ import annotations

from django.contrib import admin

from egov.audit.admin import ReadOnlyAdminMixin
from egov.dossiers.models import Dossier, DossierEvent, DossierForm, DossierStep

STEP_FIELDS: tuple[str, ...] = (
    "order",
    "name",
    "agency",
    "unit",
    "status",
    "assignee",
    "received_at",
    "due_on",
    "completed_at",
    "timeliness",
)


EVENT_FIELDS: tuple[str, ...] = (
    "at",
    "action",
    "from_status",
    "to_status",
    "actor_name",
    "step",
    "due_on",
    "timeliness",
    "note",
)


FORM_FIELDS: tuple[str, ...] = ("number", "issued_at", "issued_by")


class StepInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DossierStep
    fields = STEP_FIELDS
    readonly_fields = STEP_FIELDS
    extra = 0


class EventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DossierEvent
    fields = EVENT_FIELDS
    readonly_fields = EVENT_FIELDS
    extra = 0


class FormInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DossierForm
    fields = FORM_FIELDS
    readonly_fields = FORM_FIELDS
    extra = 0


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "procedure_name",
        "applicant_name",
        "status",
        "channel",
        "registered_at",
        "due_on",
    ]
    list_filter = ["status", "channel", "receiving_agency"]
    search_fields = ["code", "applicant_name_folded", "applicant_personal_id", "procedure_code"]
    date_hierarchy = "registered_at"
    list_select_related = ["receiving_agency"]
    inlines = [StepInline, EventInline, FormInline]
    exclude = ["applicant_name_folded"]
