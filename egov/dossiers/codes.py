"""Dossier codes: ``<receiving unit organ code>-YYMMDD-XXXX`` (Decree 61/2018, Circular 01/2018).

``YYMMDD`` is the receipt date in Vietnam time and ``XXXX`` a daily sequence per receiving unit.
The counter row is locked with ``select_for_update`` inside the registering transaction, so two
registrations at the same desk never get the same number, and a rolled-back registration gives
its number back. The lock is held until commit, so registration takes the number as its last
write before the audit event: registrations at one desk overlap everywhere else. A desk that
registers more than 9,999 dossiers a day gets five digits.
"""

from __future__ import annotations

import datetime as dt

from egov.dossiers.models import DailySequence
from egov.lib.workdays import VIETNAM
from egov.org.models import Unit


def receipt_date(at: dt.datetime) -> dt.date:
    return at.astimezone(VIETNAM).date()


def next_code(unit: Unit, at: dt.datetime) -> str:
    """Take the next number of ``unit`` for the day of ``at``; call inside a transaction."""
    organ_code = unit.effective_organ_code
    day = receipt_date(at)
    DailySequence.objects.bulk_create(
        [DailySequence(organ_code=organ_code, day=day, last=0)], ignore_conflicts=True
    )
    counter = DailySequence.objects.select_for_update().get(organ_code=organ_code, day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{organ_code}-{day:%y%m%d}-{counter.last:04d}"
