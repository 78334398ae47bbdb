"""Concurrency on PostgreSQL, with real threads and connections: a draft submitted twice at once
becomes one dossier (the other gets 409); a code typed twice at once makes one account."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from egov.accounts.actions import start_registration, verify_registration
from egov.accounts.models import User
from egov.dossiers.models import Dossier
from egov.dossiers.tests.test_concurrency import _race
from egov.lib.problems import Conflict
from egov.portal import actions
from egov.portal.tests.conftest import GOOD_ANSWERS
from egov.portal.tests.helpers import pdf

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are PostgreSQL's; SQLite serialises"
    ),
]


def test_a_draft_submitted_twice_at_once_becomes_one_dossier(world: Any, free_service: Any) -> None:
    application = actions.start_application(acting_user=world.citizen, procedure=free_service)
    actions.save_application(
        acting_user=world.citizen,
        application=application,
        answers={**application.form_data, **GOOD_ANSWERS},
        return_method="online",
        uploads={"field:design": [pdf()]},
    )
    results = _race(
        [
            lambda: actions.submit_application(acting_user=world.citizen, application=application),
            lambda: actions.submit_application(acting_user=world.citizen, application=application),
        ]
    )
    winners = [r for r in results if isinstance(r, Dossier)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert (len(winners), len(losers)) == (1, 1), results
    assert Dossier.objects.count() == 1


def test_a_code_typed_twice_at_once_makes_one_account(world: Any) -> None:
    from egov.accounts.tests.helpers import code_in
    from egov.notifications.models import OutboxMessage

    row = start_registration(
        acting_user=None,
        full_name="Trần Văn Cường",
        kind="citizen",
        address="cuong@example.vn",
        password="Cay-xoai-2026",
        client_ip="203.113.1.1",
    )
    code = code_in(OutboxMessage.objects.get(address="cuong@example.vn").body)
    results = _race(
        [
            lambda: verify_registration(acting_user=None, token=row.token, code=code)
            for _ in range(2)
        ]
    )
    assert sorted(r.ok for r in results) == [False, True], results
    assert User.objects.filter(email="cuong@example.vn").count() == 1
