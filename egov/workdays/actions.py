"""Writes to the calendar: seeding a year from the holidays package, importing a year's CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import TYPE_CHECKING

import holidays as holidays_package
from django.utils.translation import gettext as _

from egov.audit.actions import record_event
from egov.lib.actions import action
from egov.lib.problems import InvalidInput, PermissionDenied
from egov.org.selectors import is_system_admin
from egov.workdays.models import CalendarDay, CalendarYear, DayKind

if TYPE_CHECKING:
    from egov.accounts.models import User

CSV_HEADER = ["date", "kind", "name"]
# Stored data is Vietnamese, like the holiday names the package gives in language="vi".
MAKEUP_DAY_NAME = "Ngày làm việc bù"
MIN_YEAR, MAX_YEAR = 2000, 2100


def _check_admin(user: User | None) -> None:
    if user is not None and not is_system_admin(user):
        raise PermissionDenied()


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput(
            _("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            errors={
                "year": _("The year must be between %(min)s and %(max)s.")
                % {"min": MIN_YEAR, "max": MAX_YEAR}
            },
        )


def package_days(year: int) -> list[tuple[dt.date, str, str]]:
    """Holidays and make-up working days of ``year`` as the holidays package knows them."""
    calendar = holidays_package.country_holidays("VN", years=year, language="vi")
    days = [(day, DayKind.HOLIDAY.value, str(name)) for day, name in sorted(calendar.items())]
    for day in sorted(getattr(calendar, "weekend_workdays", ())):
        if day.year == year:
            days.append((day, DayKind.WORKDAY.value, MAKEUP_DAY_NAME))
    return days


@action
def seed_calendar_year(*, acting_user: User | None, year: int) -> int:
    """Set up ``year`` from the holidays package, keeping days an administrator has edited."""
    _check_admin(acting_user)
    _check_year(year)
    calendar_year, _created = CalendarYear.objects.get_or_create(
        year=year, defaults={"note": "holidays package"}
    )
    existing = set(CalendarDay.objects.filter(year=calendar_year).values_list("date", flat=True))
    new_days = [
        CalendarDay(year=calendar_year, date=day, kind=kind, name=name[:200], is_seeded=True)
        for day, kind, name in package_days(year)
        if day not in existing
    ]
    CalendarDay.objects.bulk_create(new_days)
    record_event(
        actor=acting_user,
        verb="workdays.seed_calendar_year",
        object_type="workdays.calendaryear",
        object_id=year,
        after={"added": len(new_days)},
    )
    return len(new_days)


def parse_calendar_csv(year: int, text: str) -> list[tuple[dt.date, str, str]]:
    """Rows ``date,kind,name``; every problem is reported with its line number."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows = list(reader)
    if not rows or [cell.strip().lower() for cell in rows[0]] != CSV_HEADER:
        raise InvalidInput(
            _("The first line must be the header: date,kind,name."),
            errors={"file": _("The first line must be the header: date,kind,name.")},
        )
    days: list[tuple[dt.date, str, str]] = []
    seen: set[dt.date] = set()
    errors: dict[str, str] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 3:
            errors[f"line {number}"] = _("Line %(line)s must have three columns.") % {
                "line": number
            }
            continue
        raw_date, kind, name = (cell.strip() for cell in row)
        try:
            day = dt.date.fromisoformat(raw_date)
        except ValueError:
            errors[f"line {number}"] = _("Line %(line)s: %(value)s is not a date (YYYY-MM-DD).") % {
                "line": number,
                "value": raw_date,
            }
            continue
        if day.year != year:
            errors[f"line {number}"] = _("Line %(line)s: the date is not in %(year)s.") % {
                "line": number,
                "year": year,
            }
        elif kind not in DayKind.values:
            errors[f"line {number}"] = _(
                "Line %(line)s: the kind must be 'holiday' or 'workday'."
            ) % {"line": number}
        elif not name:
            errors[f"line {number}"] = _("Line %(line)s: the name is missing.") % {"line": number}
        elif day in seen:
            errors[f"line {number}"] = _("Line %(line)s: the date appears twice.") % {
                "line": number
            }
        else:
            seen.add(day)
            days.append((day, kind, name[:200]))
    if errors:
        raise InvalidInput(_("The file has errors; nothing was imported."), errors=errors)
    return days


@action
def import_calendar_csv(*, acting_user: User | None, year: int, text: str) -> int:
    """Replace the days of ``year`` with the rows of a CSV export; all or nothing."""
    _check_admin(acting_user)
    _check_year(year)
    days = parse_calendar_csv(year, text)
    calendar_year, _created = CalendarYear.objects.get_or_create(year=year)
    before = list(
        CalendarDay.objects.filter(year=calendar_year).values_list("date", "kind", "name")
    )
    CalendarDay.objects.filter(year=calendar_year).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(year=calendar_year, date=day, kind=kind, name=name, is_seeded=False)
        for day, kind, name in days
    )
    record_event(
        actor=acting_user,
        verb="workdays.import_calendar_csv",
        object_type="workdays.calendaryear",
        object_id=year,
        before=[[str(d), k, n] for d, k, n in before],
        after=[[str(d), k, n] for d, k, n in days],
    )
    return len(days)
