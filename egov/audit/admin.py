from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from egov.accounts.selectors import request_user
from egov.audit.actions import delete_in_admin, save_in_admin
from egov.audit.models import AuditEvent


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes go through audited actions."""

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        save_in_admin(
            acting_user=request_user(request),
            obj=obj,
            is_new=not change,
            changed_fields=list(getattr(form, "changed_data", [])),
        )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        delete_in_admin(acting_user=request_user(request), obj=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            delete_in_admin(acting_user=request_user(request), obj=obj)


class ReadOnlyAdminMixin:
    """Rows only actions write: shown in admin (a ModelAdmin or an inline), never added,
    changed or deleted there."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = [
        "seq",
        "created_at",
        "actor_label",
        "verb",
        "object_type",
        "object_id",
        "client_ip",
    ]
    list_filter = ["verb", "object_type"]
    search_fields = ["object_id", "actor_label", "verb"]
    date_hierarchy = "created_at"
