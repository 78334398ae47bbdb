"""The database cost of the hot write paths, pinned so that it does not grow back: a desk
registration (``POST /api/v1/dossiers``) and an acceptance (``POST …/actions/accept``), called
with a bearer token as integrations and the benchmark do. The counts include authentication,
the idempotency check, the action (lock, history, audit) and the response."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egov.accounts.actions import issue_api_token
from egov.dossiers.models import Dossier, DossierEvent, DossierStep
from egov.dossiers.tests.factories import register
from egov.dossiers.workflow import Status

pytestmark = pytest.mark.django_db

# Queries per request (savepoints included). Lower them when the code gets cheaper; never raise
# them casually. PostgreSQL appends an audit event in two fewer statements than SQLite. Since
# these were first pinned: the applicant's notification reads its registered template (+1), a
# transition looks up the webhook subscriptions (+1) and the answer lists the issued forms with
# their PDF links (+1).
POSTGRES = connection.vendor == "postgresql"
REGISTRATION_QUERIES = 20 if POSTGRES else 22
ACCEPT_QUERIES = 23 if POSTGRES else 25


def _post(client: Client, token: str, path: str, body: Any, **headers: str) -> Any:
    return client.post(
        path,
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        **headers,
    )


def _measure(client: Client, token: str, path: str, body: Any, **headers: str) -> Any:
    with CaptureQueriesContext(connection) as queries:
        response = _post(client, token, path, body, **headers)
    return response, queries


def _explain(queries: Any) -> str:
    return "\n".join(f"{n}. {q['sql'][:300]}" for n, q in enumerate(queries.captured_queries, 1))


@pytest.fixture
def token(world: Any) -> str:
    return issue_api_token(acting_user=None, user=world.clerk, name="bench")[1]


def _registration(permit: Any) -> dict[str, Any]:
    return {
        "procedure": permit.code,
        "channel": "desk",
        "applicant": {
            "kind": "citizen",
            "name": "Nguyễn Văn An",
            "personal_id": "082090001234",
            "address": "12 Ấp Bắc, Phường 4, TP. Mỹ Tho",
            "phone": "0901234567",
        },
        "documents": [
            {"required_document": d.pk, "sets": 1} for d in permit.documents.filter(mandatory=True)
        ],
    }


def test_a_desk_registration_costs_a_fixed_number_of_queries(
    world: Any, permit: Any, token: str, client: Client
) -> None:
    body = _registration(permit)
    # The first request of a process warms its caches (catalog, calendar, token use).
    _post(client, token, "/api/v1/dossiers", body, HTTP_IDEMPOTENCY_KEY="warm-up")
    response, queries = _measure(
        client, token, "/api/v1/dossiers", body, HTTP_IDEMPOTENCY_KEY="second"
    )
    assert response.status_code == 201, response.content
    assert len(queries) == REGISTRATION_QUERIES, _explain(queries)
    code = response.json()["code"]
    dossier = Dossier.objects.get(code=code)
    assert DossierEvent.objects.filter(dossier=dossier).count() == 1
    # A repeat with the same key creates nothing and answers with the same dossier.
    again = _post(client, token, "/api/v1/dossiers", body, HTTP_IDEMPOTENCY_KEY="second")
    assert again.status_code == 200
    assert again.json()["code"] == code


def test_an_acceptance_costs_a_fixed_number_of_queries(
    world: Any, permit: Any, token: str, client: Client
) -> None:
    first, second = register(world, permit), register(world, permit)
    _post(client, token, f"/api/v1/dossiers/{first.code}/actions/accept", {})
    response, queries = _measure(
        client, token, f"/api/v1/dossiers/{second.code}/actions/accept", {}
    )
    assert response.status_code == 200, response.content
    assert len(queries) == ACCEPT_QUERIES, _explain(queries)
    assert response.json()["status"] == Status.IN_PROCESSING
    assert DossierStep.objects.filter(dossier__code=second.code).count() == 5
