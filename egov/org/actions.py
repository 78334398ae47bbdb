"""Writes to the organisation: agencies, units and who holds which role."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.forms.models import model_to_dict

from egov.audit.actions import record_event
from egov.lib.actions import action
from egov.lib.problems import Conflict, PermissionDenied
from egov.org.models import Agency, Membership, Position, Role, Unit
from egov.org.selectors import forget_memberships, has_role, is_system_admin

if TYPE_CHECKING:
    from egov.accounts.models import User


def _may_administer(user: User | None, agency: Agency) -> bool:
    # ``None`` is the system itself (demo loader, imports run by an operator).
    return user is None or is_system_admin(user) or has_role(user, Role.AGENCY_ADMIN, agency=agency)


@action
def save_agency(*, acting_user: User | None, organ_code: str, **fields: Any) -> Agency:
    """Create the agency with this organ code, or update its fields."""
    agency = Agency.objects.select_for_update().filter(organ_code=organ_code).first()
    if agency is not None and not _may_administer(acting_user, agency):
        raise PermissionDenied()
    if agency is None and not (acting_user is None or is_system_admin(acting_user)):
        raise PermissionDenied()
    before = model_to_dict(agency) if agency else None
    if agency is None:
        agency = Agency(organ_code=organ_code)
    for name, value in fields.items():
        setattr(agency, name, value)
    agency.full_clean()
    agency.save()
    record_event(
        actor=acting_user,
        verb="org.save_agency",
        obj=agency,
        agency=agency,
        before=before,
        after=model_to_dict(agency),
    )
    return agency


@action
def save_unit(*, acting_user: User | None, agency: Agency, code: str, **fields: Any) -> Unit:
    if not _may_administer(acting_user, agency):
        raise PermissionDenied()
    unit = Unit.objects.select_for_update().filter(agency=agency, code=code).first()
    before = model_to_dict(unit) if unit else None
    if unit is None:
        unit = Unit(agency=agency, code=code)
    for name, value in fields.items():
        setattr(unit, name, value)
    unit.full_clean()
    unit.save()
    record_event(
        actor=acting_user,
        verb="org.save_unit",
        obj=unit,
        agency=agency,
        before=before,
        after=model_to_dict(unit),
    )
    return unit


@action
def grant_role(
    *,
    acting_user: User | None,
    user: User,
    agency: Agency,
    role: str,
    unit: Unit | None = None,
    position: Position | None = None,
) -> Membership:
    """Give ``user`` a role in an agency (or one of its units); granting it again reactivates it."""
    if role not in Role.values:
        raise Conflict(code="unknown_role")
    if role == Role.SYSTEM_ADMIN and not (acting_user is None or is_system_admin(acting_user)):
        raise PermissionDenied()
    if not _may_administer(acting_user, agency):
        raise PermissionDenied()
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user,
        agency=agency,
        unit=unit,
        role=role,
        defaults={"position": position, "is_active": True},
    )
    if not created:
        membership.is_active = True
        membership.position = position or membership.position
        membership.save(update_fields=["is_active", "position"])
    membership.full_clean()
    forget_memberships(user)
    record_event(
        actor=acting_user,
        verb="org.grant_role",
        obj=membership,
        agency=agency,
        after={"user": user.pk, "role": role, "unit": unit.pk if unit else None},
    )
    return membership


@action
def revoke_role(*, acting_user: User | None, membership: Membership) -> Membership:
    given = membership
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not _may_administer(acting_user, membership.agency):
        raise PermissionDenied()
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    forget_memberships(given.user)
    record_event(
        actor=acting_user,
        verb="org.revoke_role",
        obj=membership,
        agency=membership.agency,
        before={"is_active": True},
        after={"is_active": False},
    )
    return membership


@action
def import_administrative_units(
    *, acting_user: User | None, province_codes: list[int] | None = None
) -> tuple[int, int]:
    """Load both structures (three-level before 1/7/2025, two-level after); idempotent."""
    from egov.org import admin_units

    if acting_user is not None and not is_system_admin(acting_user):
        raise PermissionDenied()
    records = admin_units.pre2025_records(province_codes) + admin_units.current_records(
        province_codes
    )
    created, updated = admin_units.upsert(records)
    record_event(
        actor=acting_user,
        verb="org.import_administrative_units",
        object_type="org.administrativeunit",
        after={"provinces": province_codes, "created": created, "updated": updated},
    )
    return created, updated
