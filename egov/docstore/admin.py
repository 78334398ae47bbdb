from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from egov.docstore.models import StoredDocument


@admin.register(StoredDocument)
class StoredDocumentAdmin(admin.ModelAdmin):
    """What citizens keep is theirs: administrators may look, not change or delete."""

    list_display = ["title", "owner", "kind", "size", "created_at"]
    list_filter = ["kind"]
    search_fields = ["owner__username", "sha256", "source"]
    list_select_related = ["owner"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
