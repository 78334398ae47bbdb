"""Object access for organisation records; a forbidden object looks exactly like a missing one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from egov.lib.problems import NotFound
from egov.org.models import Agency, Role
from egov.org.selectors import has_role, is_system_admin

if TYPE_CHECKING:
    from egov.accounts.models import User


def access_agency_for_admin(user: User | Any, organ_code: str) -> Agency:
    """An agency the user administers (agency administrator there, or system administrator)."""
    agency = Agency.objects.filter(organ_code=organ_code).first()
    if agency is None:
        raise NotFound()
    if is_system_admin(user):
        return agency
    if not has_role(user, Role.AGENCY_ADMIN, agency=agency):
        raise NotFound()
    return agency
