"""Dossier codes: ``<receiving unit organ code>-YYMMDD-XXXX`` (Decree 61/2018, Circular 01/2018).

``YYMMDD`` is the receipt date in Vietnam time and ``XXXX`` a daily sequence per receiving unit.
The counter row is created or incremented by one upsert inside the registering transaction and
stays locked until commit, so two registrations at the same desk never get the same number, and
a rolled-back registration gives its number back. Because the lock is held until commit,
registration takes the number as its last write before the audit event: registrations at one
desk overlap everywhere else. A desk that registers more than 9,999 dossiers a day gets five digits.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from egov.dossiers.models import DailySequence
from egov.lib.workdays import VIETNAM
from egov.org.models import Unit


def receipt_date(at: dt.datetime) -> dt.date:
    return at.astimezone(VIETNAM).date()


def next_code(unit: Unit, at: dt.datetime) -> str:
    """Take the next number of ``unit`` for the day of ``at``; call inside a transaction.

    One statement: the upsert creates the day's counter or increments it, and the row stays
    locked until commit (the update of an upsert locks like ``SELECT … FOR UPDATE``)."""
    organ_code = unit.effective_organ_code
    day = receipt_date(at)
    table = connection.ops.quote_name(DailySequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organ_code, day, last) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (organ_code, day) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [organ_code, day.isoformat()],
        )
        (number,) = cursor.fetchone()
    return f"{organ_code}-{day:%y%m%d}-{number:04d}"
