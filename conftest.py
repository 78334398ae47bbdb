"""Fixtures every test may use: the personas, a JSON API client, the calendar, the browser."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from egov.testing.browser import browser, page  # noqa: F401 (fixtures)
from egov.testing.world import World, build_world

pytest_plugins = ["egov.testing.action_coverage", "egov.testing.standins"]

CALENDAR_YEARS = range(2024, 2029)

# CI machines are shared: a property is judged on its examples, not on how fast a busy machine
# generated or ran them (speed lives in bench/).
hypothesis_settings.register_profile(
    "egov", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
hypothesis_settings.load_profile("egov")


def _seed_calendar() -> None:
    from egov.workdays.actions import seed_calendar_year
    from egov.workdays.models import CalendarYear

    for year in CALENDAR_YEARS:
        if not CalendarYear.objects.filter(year=year).exists():
            seed_calendar_year(acting_user=None, year=year)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The test database starts with the working-day calendar of 2024–2028."""
    with django_db_blocker.unblock():
        _seed_calendar()


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    from egov.procedures.selectors import forget_template
    from egov.workdays.selectors import forget_calendar

    forget_calendar()
    forget_template()
    yield
    forget_calendar()
    forget_template()


@pytest.fixture
def calendar(db: None) -> None:
    """The calendar years, re-seeded if a transactional test flushed them."""
    _seed_calendar()


@pytest.fixture
def world(db: None, calendar: None) -> World:
    return build_world()


class ApiClient:
    """The Django test client with JSON in and out, as an integrator would call us."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def login(self, user: Any) -> ApiClient:
        self.client.force_login(user)
        return self

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, HTTP_ACCEPT="application/json")

    def post(self, path: str, body: Any = None, **headers: Any) -> Any:
        return self.client.post(
            path, json.dumps(body or {}), content_type="application/json", **headers
        )


@pytest.fixture
def api(client: Client) -> ApiClient:
    return ApiClient(client)
