"""The public status lookup (DOMAIN.md §4, issue 3 §4): anyone with a dossier code — printed on
form 01 and in its QR code — sees where the dossier stands, and nothing personal beyond the
applicant's masked name.

A code that does not exist costs the same work as one that does (one rate-limit statement, one
single-row query, no branch that touches the database), so response times do not tell whether
a guessed code is real. Lookups are limited per client address.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from egov.dossiers.models import Dossier
from egov.dossiers.workflow import Status
from egov.infra import ratelimit
from egov.lib.net import client_ip
from egov.lib.problems import RateLimited
from egov.lib.text import mask_name

# Longer input cannot be a code (they are at most 60 characters); it is cut, not refused, so
# that nothing about the input changes the work done.
_MAX_INPUT = 80

# Exactly the columns the public may see, plus the name that gets masked.
_COLUMNS = (
    "code",
    "procedure_name",
    "receiving_agency__name",
    "status",
    "accepted_at",
    "registered_at",
    "due_on",
    "returned_at",
    "applicant_name",
)


@dataclass(frozen=True)
class PublicStatus:
    code: str
    procedure_name: str
    receiving_agency: str
    status: str
    received_on: dt.date
    appointment_on: dt.date | None
    returned_on: dt.date | None
    applicant: str  # masked

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


def normalise_code(raw: str) -> str:
    """What people type or scan: surrounding spaces and lower case are forgiven."""
    return "".join((raw or "").split()).upper()[:_MAX_INPUT]


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value is not None else None


def public_status(code: str) -> PublicStatus | None:
    """The public view of the dossier with this code, or None: always exactly one query."""
    row = Dossier.objects.filter(code=normalise_code(code)).values_list(*_COLUMNS).first()
    if row is None:
        return None
    (
        found_code,
        procedure_name,
        agency,
        status,
        accepted_at,
        registered_at,
        due_on,
        returned_at,
        applicant_name,
    ) = row
    return PublicStatus(
        code=found_code,
        procedure_name=procedure_name,
        receiving_agency=agency,
        status=status,
        # Received: when the desk accepted it (form 01); before that, when it arrived.
        received_on=_local_date(accepted_at or registered_at),  # type: ignore[arg-type]
        appointment_on=due_on,
        returned_on=_local_date(returned_at),
        applicant=mask_name(applicant_name),
    )


def count_lookup(request: HttpRequest) -> None:
    """Count one lookup against the client's address; RateLimited (429) over the limit."""
    window = settings.DOSSIER_LOOKUP_RATE_WINDOW
    if not ratelimit.hit(
        f"dossiers:lookup:{client_ip(request)}",
        limit=settings.DOSSIER_LOOKUP_RATE_LIMIT,
        window=window,
    ):
        raise RateLimited(extra={"retry_after": window - int(time.time()) % window})
