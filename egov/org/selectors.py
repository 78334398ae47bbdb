"""Reads about the organisation: who holds which role where."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from egov.org.models import AdministrativeUnit, Agency, Membership, Role, Unit

if TYPE_CHECKING:
    from egov.accounts.models import User

_CACHE_ATTR = "_egov_memberships"


def active_memberships(user: User | Any) -> list[Membership]:
    """The user's active memberships, fetched once per user object (i.e. once per request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, is_active=True, agency__is_active=True)
            .select_related("agency", "unit", "position")
            .order_by("agency__organ_code", "role")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user: User) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_system_admin(user: User | Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return any(m.role == Role.SYSTEM_ADMIN for m in active_memberships(user))


def is_staff_member(user: User | Any) -> bool:
    return bool(active_memberships(user))


def has_role(
    user: User | Any,
    *roles: str,
    agency: Agency | int | None = None,
    unit: Unit | int | None = None,
) -> bool:
    """Does the user hold one of ``roles`` in ``agency`` (and, for a unit, there or agency-wide)?"""
    agency_id = agency.pk if isinstance(agency, Agency) else agency
    unit_id = unit.pk if isinstance(unit, Unit) else unit
    for membership in active_memberships(user):
        if roles and membership.role not in roles:
            continue
        if agency_id is not None and membership.agency_id != agency_id:
            continue
        if unit_id is not None and membership.unit_id not in (None, unit_id):
            continue
        return True
    return False


def agency_ids_with_role(user: User | Any, *roles: str) -> set[int]:
    return {m.agency_id for m in active_memberships(user) if not roles or m.role in roles}


def unit_ids_with_role(user: User | Any, *roles: str) -> set[int]:
    return {
        m.unit_id
        for m in active_memberships(user)
        if m.unit_id is not None and (not roles or m.role in roles)
    }


def agencies() -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True).select_related("parent", "administrative_unit")


def administrative_units(
    *, on: dt.date | None = None, level: str | None = None, parent_id: int | None = None
) -> QuerySet[AdministrativeUnit]:
    units = AdministrativeUnit.objects.all()
    if on is not None:
        units = units.valid_on(on)
    if level:
        units = units.filter(level=level)
    if parent_id is not None:
        units = units.filter(parent_id=parent_id)
    return units.order_by("name")
