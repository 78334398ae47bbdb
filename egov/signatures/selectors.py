"""Reads about certificates: which one signs for whom, what we trust."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from egov.org.models import Role
from egov.org.selectors import agency_ids_with_role, is_system_admin
from egov.signatures.models import Certificate, CertificateKind, CertificateStatus

if TYPE_CHECKING:
    from egov.accounts.models import User
    from egov.org.models import Agency


def usable_certificate(
    *, kind: str, agency: Agency, user: User | None = None
) -> Certificate | None:
    """The newest active, currently valid certificate of this kind for the agency (and person)."""
    now = timezone.now()
    found = Certificate.objects.select_related("authority__parent", "agency").filter(
        kind=kind,
        agency=agency,
        status=CertificateStatus.ACTIVE,
        not_before__lte=now,
        not_after__gt=now,
    )
    if kind == CertificateKind.PERSON:
        found = found.filter(user=user)
    return found.order_by("-issued_at").first()


def visible_certificates(user: User | Any) -> QuerySet[Certificate]:
    """Certificates a user may see: their own, their agencies' seals for agency administrators
    and leaders, everything for system administrators."""
    found = Certificate.objects.select_related("agency", "user", "authority")
    if is_system_admin(user):
        return found
    managed = agency_ids_with_role(user, Role.AGENCY_ADMIN, Role.LEADER)
    return found.filter(Q(user=user) | Q(agency_id__in=managed))
