from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from egov.dossiers.tests.factories import local, make_bundle, make_permit

# Monday 2 March 2026, 09:00 in Vietnam: an ordinary working week.
MONDAY_MORNING = local(2026, 3, 2, 9, 0)


@pytest.fixture
def at_monday_morning() -> Iterator[Any]:
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def permit(world: Any) -> Any:
    return make_permit(world)


@pytest.fixture
def bundle(world: Any) -> Any:
    return make_bundle(world)
