"""The deadline engine: due instants of periods in working days, with pauses that stop the clock.

Built on ``egov.lib.workdays.WorkCalendar``, where a working day counts as a whole day (24:00 to
24:00) and the rest of the week does not count at all.

- The dossier's statutory period follows Decree 61/2018 and the Civil Code (DOMAIN.md §6): it
  counts from the day after the receipt day (the next working day after 15:00) and ends at 24:00
  of its last working day, so without pauses the due date equals
  ``WorkCalendar.due_date(received_at, days)``. Pauses for the applicant push it back by the
  working time they took.
- A step's budget (possibly a fraction of a day) counts from the moment the step reached its
  body; dossier pauses stop it too.
- A due instant belongs to the day it falls in; one that falls exactly on 24:00 belongs to the
  day that ends there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from egov.lib.workdays import WorkCalendar, timeliness

Pause = tuple[dt.datetime, dt.datetime | None]
DAY = dt.timedelta(days=1)
# A period can't run longer than this many calendar days (a broken calendar, or a bug).
_MAX_DAYS = 3660


def budget(days: int | Decimal | float) -> dt.timedelta:
    """Working days as working time (a working day counts 24 hours)."""
    return dt.timedelta(seconds=int(Decimal(days) * 86400))


def clock_start(calendar: WorkCalendar, received_at: dt.datetime) -> dt.datetime:
    """Where the statutory count starts: 24:00 of the (working) receipt day."""
    return calendar.end_of_day(calendar.receipt_day(received_at))


def _merged(pauses: Iterable[Pause]) -> list[tuple[dt.datetime, dt.datetime | None]]:
    ordered = sorted(pauses, key=lambda p: p[0])
    merged: list[tuple[dt.datetime, dt.datetime | None]] = []
    for start, end in ordered:
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None:
                break
            if start <= last_end:
                merged[-1] = (last_start, None if end is None else max(last_end, end))
                continue
        merged.append((start, end))
    return merged


def add_working_time(
    calendar: WorkCalendar,
    start: dt.datetime,
    amount: dt.timedelta,
    pauses: Iterable[Pause] = (),
) -> dt.datetime | None:
    """The instant at which ``amount`` of working time has passed since ``start``.

    Time on days off and inside pauses does not count. None while an open pause (no end yet)
    stops the clock before the amount is used up.
    """
    remaining = amount
    cursor = calendar.local(start)
    stops = _merged(pauses)
    for _ in range(_MAX_DAYS):
        day = cursor.date()
        day_end = calendar.end_of_day(day)
        if calendar.is_working_day(day):
            for free_start, free_end in _free_segments(cursor, day_end, stops):
                if free_start is None:
                    return None
                length = free_end - free_start
                if remaining <= length:
                    return free_start + remaining
                remaining -= length
        elif remaining <= dt.timedelta(0):
            return cursor
        cursor = day_end
    raise ValueError("the period does not end within ten years; is the calendar right?")


def _free_segments(
    start: dt.datetime,
    end: dt.datetime,
    stops: list[tuple[dt.datetime, dt.datetime | None]],
) -> list[tuple[dt.datetime | None, dt.datetime]]:
    """Pieces of [start, end) outside the pauses; (None, …) marks an open pause that never ends."""
    pieces: list[tuple[dt.datetime | None, dt.datetime]] = []
    cursor = start
    for stop_start, stop_end in stops:
        if stop_end is not None and stop_end <= cursor:
            continue
        if stop_start >= end:
            break
        if stop_start > cursor:
            pieces.append((cursor, stop_start))
        if stop_end is None:
            pieces.append((None, end))
            return pieces
        cursor = max(cursor, stop_end)
    if cursor < end or not pieces:
        pieces.append((cursor, max(cursor, end)))
    return pieces


def due_day(calendar: WorkCalendar, due_at: dt.datetime) -> dt.date:
    """The calendar day a due instant belongs to (24:00 belongs to the day it ends)."""
    return calendar.local(due_at - dt.timedelta(microseconds=1)).date()


def statutory_due(
    calendar: WorkCalendar,
    received_at: dt.datetime,
    days: int,
    pauses: Iterable[Pause] = (),
) -> dt.datetime | None:
    """Due instant of the dossier's period of ``days`` working days."""
    return add_working_time(calendar, clock_start(calendar, received_at), budget(days), pauses)


def step_due(
    calendar: WorkCalendar,
    received_at: dt.datetime,
    days: Decimal | int,
    pauses: Iterable[Pause] = (),
) -> dt.datetime | None:
    """Due instant of a step's budget, counted from the moment the step reached its body."""
    return add_working_time(calendar, received_at, budget(days), pauses)


def supplement_deadline(calendar: WorkCalendar, received_at: dt.datetime) -> dt.date:
    """Last day on which a body may return the dossier for a supplement (3 working days)."""
    return calendar.due_date(received_at, 3)


def reschedule_deadline(calendar: WorkCalendar, due_on: dt.date) -> dt.date:
    """Last day to apologise and set a new date: 1 working day before the due date."""
    return calendar.subtract_working_days(due_on, 1)


def judge(calendar: WorkCalendar, finished_at: dt.datetime, due_on: dt.date | None) -> str:
    """'early', 'on_time' or 'late' for something finished at ``finished_at``."""
    if due_on is None:
        return ""
    return timeliness(calendar.local(finished_at).date(), due_on)


def urgency(calendar: WorkCalendar, today: dt.date, due_on: dt.date | None, soon_days: int) -> str:
    """'late', 'soon' (due within ``soon_days`` working days) or 'ok'; '' without a due date."""
    if due_on is None:
        return ""
    if today > due_on:
        return "late"
    if calendar.working_days_between(today, due_on) <= soon_days:
        return "soon"
    return "ok"
