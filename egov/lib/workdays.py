"""Working-day arithmetic for legal deadlines (pure functions; the calendar is passed in).

Rules (DOMAIN.md §6):
- Saturday and Sunday are off, except make-up working days; public holidays are off.
- A dossier received after the cut-off (15:00) or on a day off counts as received on the next
  working day.
- A period starts the day after the event (Civil Code Art. 147), so N working days are counted
  from the day after the receipt day; a last day that is not a working day cannot happen here
  because only working days are counted.
- A deadline ends at 24:00 of its last day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_CUTOFF = dt.time(15, 0)
# Longest run of consecutive days off we accept before calling the calendar broken (Tết with
# weekends is at most 9 or 10 days).
_MAX_DAYS_OFF = 60


class CalendarMissing(ValueError):
    """The calendar has no table for this year, so working days cannot be known."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(f"the working-day calendar for {year} is not set up")


@dataclass(frozen=True)
class WorkCalendar:
    """Days off beyond the weekend, and weekend days that are working days.

    ``years``, when given, lists the years the tables cover; asking about any other year raises
    ``CalendarMissing`` instead of silently treating its holidays as working days.
    """

    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    makeup_days: frozenset[dt.date] = field(default_factory=frozenset)
    cutoff: dt.time = DEFAULT_CUTOFF
    tz: dt.tzinfo = VIETNAM
    years: frozenset[int] | None = None

    def is_working_day(self, day: dt.date) -> bool:
        if self.years is not None and day.year not in self.years:
            raise CalendarMissing(day.year)
        if day in self.makeup_days:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        candidate = day
        for _ in range(_MAX_DAYS_OFF):
            candidate += dt.timedelta(days=1)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {_MAX_DAYS_OFF} days after {day}")

    def working_day_on_or_after(self, day: dt.date) -> dt.date:
        return day if self.is_working_day(day) else self.next_working_day(day)

    def previous_working_day(self, day: dt.date) -> dt.date:
        """The last working day strictly before ``day``."""
        candidate = day
        for _ in range(_MAX_DAYS_OFF):
            candidate -= dt.timedelta(days=1)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {_MAX_DAYS_OFF} days before {day}")

    def local(self, instant: dt.datetime) -> dt.datetime:
        if instant.tzinfo is None:
            raise ValueError("working-day arithmetic needs timezone-aware datetimes")
        return instant.astimezone(self.tz)

    def receipt_day(self, received_at: dt.datetime) -> dt.date:
        """The working day a receipt counts on: after the cut-off or on a day off, the next one."""
        local = self.local(received_at)
        day = local.date()
        if not self.is_working_day(day):
            return self.next_working_day(day)
        if local.time() > self.cutoff:
            return self.next_working_day(day)
        return day

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The day on which ``days`` working days counted from the day after ``start`` end."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        for _ in range(days):
            day = self.next_working_day(day)
        return day

    def subtract_working_days(self, day: dt.date, days: int) -> dt.date:
        """The working day ``days`` working days before ``day`` (1 → the previous working day)."""
        if days < 0:
            raise ValueError("days must not be negative")
        for _ in range(days):
            day = self.previous_working_day(day)
        return day

    def due_date(self, received_at: dt.datetime, days: int) -> dt.date:
        """Due date of a period of ``days`` working days for a receipt at ``received_at``."""
        return self.add_working_days(self.receipt_day(received_at), days)

    def end_of_day(self, day: dt.date) -> dt.datetime:
        """24:00 of ``day`` in local time, i.e. the first instant of the following day."""
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=self.tz)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Number of working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def working_time(
        self,
        start: dt.datetime,
        end: dt.datetime,
        pauses: Iterable[tuple[dt.datetime, dt.datetime | None]] = (),
    ) -> dt.timedelta:
        """Time between two instants that falls on working days, minus the pauses.

        Pauses may overlap each other; an open pause (end None) runs until ``end``.
        """
        if end <= start:
            return dt.timedelta(0)
        intervals = _merge([(start, end)])
        cut = _merge(
            (max(p_start, start), min(p_end or end, end))
            for p_start, p_end in pauses
            if (p_end or end) > start and p_start < end
        )
        total = dt.timedelta(0)
        for seg_start, seg_end in _subtract(intervals, cut):
            total += self._working_part(seg_start, seg_end)
        return total

    def _working_part(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        total = dt.timedelta(0)
        local_start, local_end = self.local(start), self.local(end)
        day = local_start.date()
        while day <= local_end.date():
            if self.is_working_day(day):
                day_start = dt.datetime.combine(day, dt.time(0), tzinfo=self.tz)
                day_end = self.end_of_day(day)
                overlap = min(day_end, local_end) - max(day_start, local_start)
                if overlap > dt.timedelta(0):
                    total += overlap
            day += dt.timedelta(days=1)
        return total


def _merge(
    intervals: Iterable[tuple[dt.datetime, dt.datetime]],
) -> list[tuple[dt.datetime, dt.datetime]]:
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(
    intervals: list[tuple[dt.datetime, dt.datetime]],
    cuts: list[tuple[dt.datetime, dt.datetime]],
) -> list[tuple[dt.datetime, dt.datetime]]:
    result = []
    for start, end in intervals:
        cursor = start
        for cut_start, cut_end in cuts:
            if cut_end <= cursor or cut_start >= end:
                continue
            if cut_start > cursor:
                result.append((cursor, cut_start))
            cursor = max(cursor, cut_end)
        if cursor < end:
            result.append((cursor, end))
    return result


def timeliness(finished_on: dt.date, due_on: dt.date) -> str:
    """'early', 'on_time' or 'late' at day granularity, as Circular 01/2018 counts them."""
    if finished_on < due_on:
        return "early"
    if finished_on == due_on:
        return "on_time"
    return "late"
