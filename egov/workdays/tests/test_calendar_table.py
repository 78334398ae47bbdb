from __future__ import annotations

import datetime as dt

import pytest

from egov.audit.models import AuditEvent
from egov.lib.problems import InvalidInput, PermissionDenied
from egov.workdays.actions import import_calendar_csv, seed_calendar_year
from egov.workdays.models import CalendarDay, CalendarYear, DayKind
from egov.workdays.selectors import calendar_csv, get_calendar

pytestmark = pytest.mark.django_db


def test_seeding_a_year_takes_holidays_and_the_swapped_saturday_from_the_package() -> None:
    CalendarYear.objects.filter(year=2026).delete()
    added = seed_calendar_year(acting_user=None, year=2026)
    assert added >= 14
    assert CalendarDay.objects.get(date=dt.date(2026, 8, 22)).kind == DayKind.WORKDAY
    assert CalendarDay.objects.get(date=dt.date(2026, 2, 17)).kind == DayKind.HOLIDAY


def test_seeding_again_keeps_what_an_administrator_changed() -> None:
    day = CalendarDay.objects.get(date=dt.date(2026, 11, 24))
    day.name = "Ngày Văn hóa Việt Nam (đã sửa)"
    day.is_seeded = False
    day.save()
    assert seed_calendar_year(acting_user=None, year=2026) == 0
    assert CalendarDay.objects.get(date=dt.date(2026, 11, 24)).name.endswith("(đã sửa)")


def test_csv_export_and_import_round_trip() -> None:
    exported = calendar_csv(2026)
    assert exported.startswith("date,kind,name\n")
    assert "2026-08-22,workday," in exported
    count = import_calendar_csv(acting_user=None, year=2026, text=exported)
    assert count == CalendarDay.objects.filter(year_id=2026).count()
    assert calendar_csv(2026) == exported


def test_an_imported_extra_holiday_changes_due_dates() -> None:
    calendar = get_calendar()
    assert calendar.is_working_day(dt.date(2026, 3, 3))
    text = calendar_csv(2026) + "2026-03-03,holiday,Nghỉ đột xuất\n"
    import_calendar_csv(acting_user=None, year=2026, text=text)
    assert not get_calendar().is_working_day(dt.date(2026, 3, 3))


def test_a_bad_csv_imports_nothing_and_names_every_bad_line() -> None:
    before = calendar_csv(2026)
    text = (
        "date,kind,name\n2026-01-01,holiday,Tết\n2027-01-01,holiday,Sai năm\n"
        "2026-13-01,holiday,x\n2026-05-01,vacation,x\n"
    )
    with pytest.raises(InvalidInput) as raised:
        import_calendar_csv(acting_user=None, year=2026, text=text)
    assert set(raised.value.errors) == {"line 3", "line 4", "line 5"}
    assert calendar_csv(2026) == before


def test_a_csv_without_the_header_is_refused() -> None:
    with pytest.raises(InvalidInput) as raised:
        import_calendar_csv(acting_user=None, year=2026, text="2026-01-01,holiday,Tết\n")
    assert "file" in raised.value.errors


def test_only_system_administrators_change_the_calendar(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        seed_calendar_year(acting_user=world.clerk, year=2026)
    events = AuditEvent.objects.count()
    seed_calendar_year(acting_user=world.admin, year=2026)
    assert AuditEvent.objects.count() == events + 1


def test_a_year_outside_the_supported_range_is_refused() -> None:
    with pytest.raises(InvalidInput) as raised:
        seed_calendar_year(acting_user=None, year=1800)
    assert "year" in raised.value.errors
