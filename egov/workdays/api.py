from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from egov.api import public
from egov.lib.problems import NotFound, invalid
from egov.lib.workdays import CalendarMissing
from egov.workdays.models import DayKind
from egov.workdays.selectors import days_of_year, get_calendar, year_is_configured

PREFIX = "/calendar"
router = Router(tags=["calendar"])

MAX_DAYS = 365


class DueDateQuery(Schema):
    received_at: str = Field(
        description="When the dossier was received, ISO 8601 (e.g. 2026-02-13T10:00:00+07:00); "
        "without an offset it is Vietnam time."
    )
    days: int = Field(ge=0, le=MAX_DAYS, description="Statutory time in working days.")


class DueDateOut(Schema):
    received_at: dt.datetime
    counted_from: dt.date = Field(description="The working day the receipt counts on.")
    days: int
    due_date: dt.date
    due_at: dt.datetime = Field(description="24:00 of the due date (Civil Code Art. 148).")


def parse_instant(value: str, field: str) -> dt.datetime:
    try:
        instant = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise invalid(field, _("Enter a valid date and time (ISO 8601).")) from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=get_calendar().tz)
    return instant


def _missing_year(exc: CalendarMissing) -> NotFound:
    return NotFound(
        _("The working-day calendar for %(year)s has not been set up.") % {"year": exc.year},
        code="calendar_not_configured",
    )


@router.get("/due-date", response=DueDateOut, auth=None, summary="Due date in working days")
def due_date(request: HttpRequest, query: Query[DueDateQuery]) -> DueDateOut:
    """Add a number of working days to a receipt time: the 15:00 rule, weekends, holidays and
    make-up working days applied."""
    received_at = parse_instant(query.received_at, "received_at")
    calendar = get_calendar()
    try:
        counted_from = calendar.receipt_day(received_at)
        due = calendar.add_working_days(counted_from, query.days)
    except CalendarMissing as exc:
        raise _missing_year(exc) from exc
    return DueDateOut(
        received_at=received_at,
        counted_from=counted_from,
        days=query.days,
        due_date=due,
        due_at=calendar.end_of_day(due),
    )


public("GET", "/calendar/due-date")


class HolidaysQuery(Schema):
    year: int = Field(ge=1900, le=2200)


class CalendarDayOut(Schema):
    date: dt.date
    kind: DayKind
    name: str


class HolidaysOut(Schema):
    year: int
    days: list[CalendarDayOut]


@router.get("/holidays", response=HolidaysOut, auth=None, summary="Holidays and make-up days")
def holidays(request: HttpRequest, query: Query[HolidaysQuery]) -> HolidaysOut:
    """Days off beyond weekends (kind ``holiday``) and weekend days worked (kind ``workday``)."""
    if not year_is_configured(query.year):
        raise _missing_year(CalendarMissing(query.year))
    days = [
        CalendarDayOut(date=d.date, kind=DayKind(d.kind), name=d.name)
        for d in days_of_year(query.year)
    ]
    return HolidaysOut(year=query.year, days=days)


public("GET", "/calendar/holidays")
