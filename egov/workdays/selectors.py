"""The working-day calendar as stored in the database, cached per process for a short while."""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
import time

from django.conf import settings
from django.db.models import QuerySet

from egov.lib.workdays import WorkCalendar
from egov.workdays.models import CalendarDay, CalendarYear, DayKind

# Other processes see an administrator's edit within this many seconds.
_TTL_SECONDS = 60.0
_lock = threading.Lock()
_cached: tuple[float, WorkCalendar] | None = None


def _cutoff() -> dt.time:
    hours, minutes = settings.EGOV_RECEIPT_CUTOFF.split(":")
    return dt.time(int(hours), int(minutes))


def _load() -> WorkCalendar:
    holidays: set[dt.date] = set()
    makeup: set[dt.date] = set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (holidays if kind == DayKind.HOLIDAY else makeup).add(day)
    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    return WorkCalendar(
        holidays=frozenset(holidays), makeup_days=frozenset(makeup), cutoff=_cutoff(), years=years
    )


def get_calendar() -> WorkCalendar:
    global _cached
    with _lock:
        if _cached is not None and time.monotonic() - _cached[0] < _TTL_SECONDS:
            return _cached[1]
    calendar = _load()
    with _lock:
        _cached = (time.monotonic(), calendar)
    return calendar


def forget_calendar() -> None:
    global _cached
    with _lock:
        _cached = None


def days_of_year(year: int) -> QuerySet[CalendarDay]:
    return CalendarDay.objects.filter(year_id=year).order_by("date")


def year_is_configured(year: int) -> bool:
    return CalendarYear.objects.filter(year=year).exists()


def calendar_csv(year: int) -> str:
    """The year's table as ``date,kind,name`` lines, the format ``import_calendar_csv`` reads."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["date", "kind", "name"])
    for day in days_of_year(year):
        writer.writerow([day.date.isoformat(), day.kind, day.name])
    return buffer.getvalue()
