from django.contrib import admin

from egov.audit.admin import AuditedModelAdmin
from egov.org.models import AdministrativeUnit, Agency, Membership, Position, Unit


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "level", "structure", "parent", "valid_from", "valid_to"]
    list_filter = ["structure", "level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    list_display = ["organ_code", "name", "short_name", "level", "parent", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["organ_code", "name", "short_name"]
    raw_id_fields = ["parent", "administrative_unit"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "agency", "organ_code", "is_one_stop_desk"]
    list_filter = ["is_one_stop_desk"]
    search_fields = ["name", "code", "agency__name"]


@admin.register(Position)
class PositionAdmin(AuditedModelAdmin):
    list_display = ["name", "is_leadership", "rank"]


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ["user", "role", "agency", "unit", "position", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__full_name", "agency__name"]
    raw_id_fields = ["user"]
