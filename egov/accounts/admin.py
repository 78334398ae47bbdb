from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.accounts.actions import issue_api_token, revoke_api_token
from egov.accounts.models import ApiToken, BusinessMember, BusinessProfile, CitizenProfile, User
from egov.accounts.selectors import request_user
from egov.audit.admin import AuditedModelAdmin


@admin.register(User)
class UserAdmin(DjangoUserAdmin, AuditedModelAdmin):
    list_display = ["username", "full_name", "kind", "email", "phone", "is_active"]
    list_filter = ["kind", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "email", "phone"]
    ordering = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (gettext_lazy("Person"), {"fields": ("full_name", "kind", "email", "phone")}),
        (
            gettext_lazy("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (gettext_lazy("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "kind", "password1", "password2"),
            },
        ),
    )


@admin.register(CitizenProfile)
class CitizenProfileAdmin(AuditedModelAdmin):
    list_display = ["personal_id", "user", "date_of_birth", "sex"]
    search_fields = ["personal_id", "user__full_name"]
    raw_id_fields = ["user", "administrative_unit"]


class BusinessMemberInline(admin.TabularInline):
    model = BusinessMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(BusinessProfile)
class BusinessProfileAdmin(AuditedModelAdmin):
    list_display = ["tax_code", "name", "legal_representative"]
    search_fields = ["tax_code", "name"]
    raw_id_fields = ["administrative_unit"]
    inlines = [BusinessMemberInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    list_filter = ["revoked_at"]
    fields = ["name", "user", "expires_at"]
    raw_id_fields = ["user"]
    actions = ["revoke"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        token, plaintext = issue_api_token(
            acting_user=request_user(request),
            user=obj.user,
            name=obj.name,
            expires_at=obj.expires_at,
        )
        obj.pk = token.pk
        messages.warning(
            request,
            _("Copy the token now; it is shown only once: %(token)s") % {"token": plaintext},
        )

    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            revoke_api_token(acting_user=request_user(request), token_id=token.pk)
