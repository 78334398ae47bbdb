from __future__ import annotations

from django.contrib import admin

from egov.audit.admin import ReadOnlyAdmin
from egov.docstore.models import StoredDocument


@admin.register(StoredDocument)
class StoredDocumentAdmin(ReadOnlyAdmin):
    """What citizens keep is theirs: administrators may look, not change or delete."""

    list_display = ["title", "owner", "kind", "size", "created_at"]
    list_filter = ["kind"]
    search_fields = ["owner__username", "sha256", "source"]
    list_select_related = ["owner"]
