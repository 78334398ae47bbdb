from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

DUE = "/api/v1/calendar/due-date"
HOLIDAYS = "/api/v1/calendar/holidays"


def test_due_date_counts_working_days_across_tet(api) -> None:  # type: ignore[no-untyped-def]
    response = api.get(DUE, received_at="2026-02-13T10:00:00+07:00", days=1)
    assert response.status_code == 200
    body = response.json()
    assert body["due_date"] == "2026-02-23"
    assert body["counted_from"] == "2026-02-13"
    assert body["due_at"] == "2026-02-24T00:00:00+07:00"


def test_a_receipt_after_three_pm_counts_from_the_next_working_day(api) -> None:  # type: ignore[no-untyped-def]
    body = api.get(DUE, received_at="2026-08-21T15:30:00+07:00", days=1).json()
    # Friday afternoon counts on the make-up Saturday 22/8; one day later is Monday 24/8.
    assert body["counted_from"] == "2026-08-22"
    assert body["due_date"] == "2026-08-24"


def test_a_time_without_offset_is_vietnam_time(api) -> None:  # type: ignore[no-untyped-def]
    body = api.get(DUE, received_at="2026-03-02T16:00", days=1).json()
    assert body["due_date"] == "2026-03-04"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"received_at": "yesterday", "days": 3}, "received_at"),
        ({"received_at": "2026-02-30T10:00", "days": 3}, "received_at"),
        ({"received_at": "2026-03-02T10:00", "days": "three"}, "days"),
        ({"received_at": "2026-03-02T10:00", "days": -1}, "days"),
        ({"received_at": "2026-03-02T10:00", "days": 9999}, "days"),
        ({"days": 3}, "received_at"),
    ],
)
def test_bad_parameters_get_a_problem_naming_the_parameter(api, params, field) -> None:  # type: ignore[no-untyped-def]
    response = api.get(DUE, **params)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert [error["field"] for error in body["errors"]] == [field]
    assert body["errors"][0]["message"]


def test_errors_are_in_vietnamese_by_default_and_english_on_request(client) -> None:  # type: ignore[no-untyped-def]
    vi = client.get(DUE, {"received_at": "x", "days": 1}).json()
    en = client.get(DUE, {"received_at": "x", "days": 1}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert vi["errors"][0]["message"] != en["errors"][0]["message"]
    assert "ISO 8601" in en["errors"][0]["message"]
    assert "ngày" in vi["errors"][0]["message"].lower()


def test_a_due_date_beyond_the_configured_years_is_a_clear_404(api) -> None:  # type: ignore[no-untyped-def]
    response = api.get(DUE, received_at="2031-03-02T10:00", days=1)
    assert response.status_code == 404
    assert response.json()["code"] == "calendar_not_configured"
    assert "2031" in response.json()["detail"]


def test_holidays_lists_days_off_and_make_up_days(api) -> None:  # type: ignore[no-untyped-def]
    body = api.get(HOLIDAYS, year=2026).json()
    days = {day["date"]: day["kind"] for day in body["days"]}
    assert days["2026-02-17"] == "holiday"
    assert days["2026-08-22"] == "workday"
    assert days["2026-11-24"] == "holiday"
    assert body["year"] == 2026


@pytest.mark.parametrize(("year", "status"), [(2031, 404), (1800, 422), ("abc", 422)])
def test_holidays_of_an_unknown_or_impossible_year(api, year, status) -> None:  # type: ignore[no-untyped-def]
    response = api.get(HOLIDAYS, year=year)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
