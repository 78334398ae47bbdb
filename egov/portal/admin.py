from __future__ import annotations

from django.contrib import admin

from egov.audit.admin import AuditedModelAdmin, ReadOnlyAdmin
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


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "procedure", "applicant", "status", "updated_at", "dossier"]
    list_filter = ["status"]
    search_fields = ["public_id", "procedure__code", "applicant__username", "dossier__code"]
    list_select_related = ["procedure", "applicant", "dossier"]


@admin.register(DossierResult)
class DossierResultAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "original_name", "generated", "attached_at", "delivered_at"]
    list_select_related = ["dossier"]
