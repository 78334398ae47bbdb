from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from egov.audit.admin import AuditedModelAdmin
from egov.portal.models import Application, DossierResult, LifeEvent, OnlineService


@admin.register(LifeEvent)
class LifeEventAdmin(AuditedModelAdmin):
    list_display = ["name", "slug", "order"]
    search_fields = ["name", "name_en", "slug"]
    filter_horizontal = ["procedures"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(OnlineService)
class OnlineServiceAdmin(AuditedModelAdmin):
    list_display = ["procedure", "fee_timing"]
    list_filter = ["fee_timing"]
    autocomplete_fields = ["procedure"]
    raw_id_fields = ["declaration_document"]


class _ReadOnly(admin.ModelAdmin):
    """Written by the applicants and the workflow, read here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(_ReadOnly):
    list_display = ["public_id", "procedure", "applicant", "status", "updated_at", "dossier"]
    list_filter = ["status"]
    search_fields = ["public_id", "procedure__code", "applicant__username", "dossier__code"]
    list_select_related = ["procedure", "applicant", "dossier"]


@admin.register(DossierResult)
class DossierResultAdmin(_ReadOnly):
    list_display = ["dossier", "original_name", "generated", "attached_at", "delivered_at"]
    list_select_related = ["dossier"]
