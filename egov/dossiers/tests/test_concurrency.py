"""Concurrency on PostgreSQL, with real threads and connections: dossier codes stay unique, and
of two clerks acting on one dossier at once exactly one wins and the other gets 409."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from egov.dossiers import actions
from egov.dossiers.models import Dossier, DossierEvent
from egov.dossiers.tests.factories import make_permit, register
from egov.lib.problems import Conflict
from egov.org.models import Membership, Role

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are PostgreSQL's; SQLite serialises"
    ),
]


def _race(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run the jobs in threads that start together; returns results or exceptions."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:  # collected for the assertions
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_registrations_at_one_desk_at_the_same_moment_get_distinct_codes(world: Any) -> None:
    permit = make_permit(world)
    results = _race([lambda: register(world, permit).code for _ in range(8)])
    assert all(isinstance(code, str) for code in results), results
    assert len(set(results)) == 8
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in results)
    assert numbers == list(range(1, 9))


def test_two_clerks_accepting_one_dossier_at_once_one_wins_the_other_gets_409(
    world: Any,
) -> None:
    permit = make_permit(world)
    second = world.outsider
    Membership.objects.create(
        user=second, agency=world.centre, unit=world.desk, role=Role.ONE_STOP_CLERK
    )
    dossier = register(world, permit)
    results = _race(
        [
            lambda: actions.accept_dossier(acting_user=world.clerk, dossier=dossier.code),
            lambda: actions.accept_dossier(acting_user=second, dossier=dossier.code),
        ]
    )
    winners = [r for r in results if isinstance(r, Dossier)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert (len(winners), len(losers)) == (1, 1), results
    assert losers[0].status == 409
    assert DossierEvent.objects.filter(dossier=dossier, action="accept").count() == 1
    assert dossier.forms.filter(number="01").count() == 1


def test_two_clerks_on_the_api_one_gets_200_the_other_409(world: Any, live_server: Any) -> None:
    import httpx

    permit = make_permit(world)
    second = world.outsider
    Membership.objects.create(
        user=second, agency=world.centre, unit=world.desk, role=Role.ONE_STOP_CLERK
    )
    dossier = register(world, permit)
    cookies = []
    for user in (world.clerk, second):
        from django.test import Client

        client = Client()
        client.force_login(user)
        cookies.append(client.cookies["sessionid"].value)
    url = f"{live_server.url}/api/v1/dossiers/{dossier.code}/actions/accept"

    def call(session: str) -> int:
        response = httpx.post(
            url,
            json={},
            cookies={"sessionid": session, "csrftoken": "x" * 32},
            headers={"X-CSRFToken": "x" * 32, "Referer": live_server.url},
            timeout=30,
        )
        return response.status_code

    statuses = _race([lambda c=c: call(c) for c in cookies])
    assert sorted(statuses) == [200, 409], statuses


def test_two_ratings_sent_at_once_one_is_kept_the_other_gets_409(world: Any) -> None:
    from egov.dossiers.models import DossierRating
    from egov.dossiers.tests.factories import dossier_in

    dossier = dossier_in("returned", world, make_permit(world))
    scores = {
        "time_taken": 2,
        "bodies_contacted": 2,
        "desk_contacts": 2,
        "published_info": 2,
        "staff_attitude": 2,
        "lawfulness": 2,
    }
    results = _race(
        [
            lambda: actions.rate_dossier(
                acting_user=world.citizen, dossier=dossier.code, scores=scores
            )
            for _ in range(2)
        ]
    )
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "DossierRating"], results
    assert DossierRating.objects.filter(dossier=dossier).count() == 1
