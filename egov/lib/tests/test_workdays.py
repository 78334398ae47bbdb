"""Working-day arithmetic against the real Vietnamese calendar (from the holidays package) and
against invariants that must hold for any calendar."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from egov.lib.workdays import VIETNAM, CalendarMissing, WorkCalendar, timeliness


def vietnam_calendar(*years: int) -> WorkCalendar:
    package = holidays.country_holidays("VN", years=list(years))
    makeup = frozenset(d for d in package.weekend_workdays if d.year in years)
    return WorkCalendar(holidays=frozenset(package), makeup_days=makeup, years=frozenset(years))


VN = vietnam_calendar(2025, 2026, 2027, 2028)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=VIETNAM)


# received (Vietnam time), working days, due date — worked out by hand from the published
# 2026/2027 calendars, not from the code.
CASES = [
    # an ordinary week: counting starts the day after receipt
    ("2026-03-02 10:00", 1, "2026-03-03"),
    ("2026-03-02 10:00", 5, "2026-03-09"),
    # the 15:00 cut-off: at 15:00 it is still today, after it counts from tomorrow
    ("2026-03-02 15:00", 1, "2026-03-03"),
    ("2026-03-02 15:01", 1, "2026-03-04"),
    # received on a Saturday: counts as received on Monday
    ("2026-03-07 09:00", 1, "2026-03-10"),
    # Tết 2026: Mon 16 – Fri 20 February off
    ("2026-02-13 10:00", 1, "2026-02-23"),
    ("2026-02-12 10:00", 2, "2026-02-23"),
    ("2026-02-17 10:00", 1, "2026-02-24"),
    # Hùng Kings 2026 falls on Sunday 26/4, observed Monday 27/4; then 30/4 and 1/5
    ("2026-04-24 10:00", 1, "2026-04-28"),
    ("2026-04-24 10:00", 2, "2026-04-29"),
    ("2026-04-24 10:00", 3, "2026-05-04"),
    # 2/9 with its adjacent day (1/9), and Monday 31/8 off in exchange for Saturday 22/8
    ("2026-08-21 10:00", 1, "2026-08-22"),
    ("2026-08-21 16:00", 1, "2026-08-24"),
    ("2026-08-28 10:00", 1, "2026-09-03"),
    # Vietnamese Culture Day, 24/11 from 2026
    ("2026-11-23 10:00", 1, "2026-11-25"),
    # Tết 2027: Thu 4 – Wed 10 February off
    ("2027-02-03 10:00", 1, "2027-02-11"),
    ("2027-02-03 16:00", 1, "2027-02-12"),
    # zero days: the receipt day itself
    ("2026-03-02 10:00", 0, "2026-03-02"),
]


@pytest.mark.parametrize(("received", "days", "due"), CASES)
def test_due_date_follows_the_vietnamese_calendar(received: str, days: int, due: str) -> None:
    assert VN.due_date(at(received), days) == dt.date.fromisoformat(due)


def test_the_swapped_saturday_is_a_working_day_and_the_monday_is_not() -> None:
    assert VN.is_working_day(dt.date(2026, 8, 22))
    assert not VN.is_working_day(dt.date(2026, 8, 31))


def test_a_year_without_a_table_is_refused_not_guessed() -> None:
    with pytest.raises(CalendarMissing) as raised:
        VN.is_working_day(dt.date(2031, 1, 2))
    assert raised.value.year == 2031


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        VN.receipt_day(dt.datetime(2026, 3, 2, 10, 0))


def test_utc_input_is_read_in_vietnam_time() -> None:
    # 08:30 UTC is 15:30 in Vietnam: after the cut-off.
    received = dt.datetime(2026, 3, 2, 8, 30, tzinfo=dt.UTC)
    assert VN.receipt_day(received) == dt.date(2026, 3, 3)


def test_subtracting_working_days_skips_holidays() -> None:
    # one working day before Monday 23/2/2026 is Friday 13/2 (Tết in between)
    assert VN.subtract_working_days(dt.date(2026, 2, 23), 1) == dt.date(2026, 2, 13)


def test_working_time_counts_only_working_days_and_skips_pauses() -> None:
    start, end = at("2026-02-13 12:00"), at("2026-02-23 12:00")
    # Friday 12:00–24:00 and Monday 00:00–12:00
    assert VN.working_time(start, end) == dt.timedelta(hours=24)
    pause = (at("2026-02-23 00:00"), at("2026-02-23 06:00"))
    assert VN.working_time(start, end, [pause]) == dt.timedelta(hours=18)
    open_pause = (at("2026-02-13 18:00"), None)
    assert VN.working_time(start, end, [open_pause]) == dt.timedelta(hours=6)


def test_timeliness_is_counted_by_day() -> None:
    due = dt.date(2026, 3, 10)
    assert timeliness(dt.date(2026, 3, 9), due) == "early"
    assert timeliness(due, due) == "on_time"
    assert timeliness(dt.date(2026, 3, 11), due) == "late"


instants = st.datetimes(
    min_value=dt.datetime(2025, 1, 1),
    max_value=dt.datetime(2027, 12, 1),
    timezones=st.just(VIETNAM),
)
day_counts = st.integers(min_value=0, max_value=60)


@given(instants, day_counts)
def test_due_date_is_a_working_day_exactly_n_working_days_after_receipt(
    received: dt.datetime, days: int
) -> None:
    start = VN.receipt_day(received)
    due = VN.add_working_days(start, days)
    assert VN.is_working_day(start)
    assert VN.is_working_day(due)
    assert VN.working_days_between(start, due) == days
    if days:
        assert due > start


@given(instants, day_counts, day_counts)
def test_adding_working_days_composes(received: dt.datetime, first: int, second: int) -> None:
    start = VN.receipt_day(received)
    assert VN.add_working_days(VN.add_working_days(start, first), second) == VN.add_working_days(
        start, first + second
    )


@given(instants, instants, day_counts)
def test_a_later_receipt_never_gets_an_earlier_due_date(
    a: dt.datetime, b: dt.datetime, days: int
) -> None:
    assume(a <= b)
    assert VN.due_date(a, days) <= VN.due_date(b, days)


@given(instants, day_counts)
def test_subtract_undoes_add(received: dt.datetime, days: int) -> None:
    start = VN.receipt_day(received)
    assert VN.subtract_working_days(VN.add_working_days(start, days), days) == start


@given(
    instants,
    st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=40)),
    st.lists(
        st.tuples(
            instants, st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=5))
        ),
        max_size=4,
    ),
)
def test_working_time_is_bounded_and_pauses_only_reduce_it(
    start: dt.datetime, length: dt.timedelta, pauses: list[tuple[dt.datetime, dt.timedelta]]
) -> None:
    end = start + length
    without = VN.working_time(start, end)
    with_pauses = VN.working_time(start, end, [(p, p + d) for p, d in pauses])
    assert dt.timedelta(0) <= with_pauses <= without <= length
