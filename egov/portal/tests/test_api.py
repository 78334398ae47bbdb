"""The online application through the API: start, save, upload into a slot, submit; every bad
field named; someone else's application not found."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov.dossiers.models import Dossier
from egov.portal.tests.conftest import GOOD_ANSWERS, PDF

pytestmark = pytest.mark.django_db


def _start(api, procedure) -> dict:  # type: ignore[no-untyped-def]
    response = api.post("/api/v1/portal/applications", {"procedure": procedure.code})
    assert response.status_code == 201
    return dict(response.json())


def test_an_application_is_written_and_submitted_through_the_api(api, world, free_service) -> None:  # type: ignore[no-untyped-def]
    api.login(world.citizen)
    created = _start(api, free_service)
    assert created["answers"]["applicant_id"] == "082090001234"
    assert "field:design" in created["slots"]
    base = f"/api/v1/portal/applications/{created['id']}"

    saved = api.client.put(
        base,
        {"answers": {**GOOD_ANSWERS, "commitment": True}, "return_method": "online"},
        content_type="application/json",
    )
    assert saved.status_code == 200
    refused = api.post(f"{base}/submit")
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} == {"field:design"}

    bad = api.client.post(
        f"{base}/files", {"slot": "field:design", "file": SimpleUploadedFile("a.pdf", b"nope")}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "field:design"
    good = api.client.post(
        f"{base}/files", {"slot": "field:design", "file": SimpleUploadedFile("a.pdf", PDF)}
    )
    assert good.status_code == 201 and len(good.json()["attachments"]) == 1

    submitted = api.post(f"{base}/submit")
    assert submitted.status_code == 201
    assert Dossier.objects.get().code == submitted.json()["dossier_code"]
    again = api.post(f"{base}/submit")
    assert again.status_code == 409


def test_a_bad_return_method_is_named_and_the_rest_is_saved(api, world, free_service) -> None:  # type: ignore[no-untyped-def]
    api.login(world.citizen)
    created = _start(api, free_service)
    base = f"/api/v1/portal/applications/{created['id']}"
    response = api.client.put(
        base,
        {"answers": {"floors": "2"}, "return_method": "pigeon"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "return_method"
    assert api.get(base).json()["answers"]["floors"] == "2"


def test_a_procedure_that_is_not_online_is_a_conflict(api, world, free_service) -> None:  # type: ignore[no-untyped-def]
    free_service.service_level = 2
    free_service.category = "partial_online"
    free_service.result_online = False
    free_service.save()
    api.login(world.citizen)
    response = api.post("/api/v1/portal/applications", {"procedure": free_service.code})
    assert response.status_code == 409


def test_someone_elses_application_is_not_found(api, world, free_service) -> None:  # type: ignore[no-untyped-def]
    api.login(world.citizen)
    created = _start(api, free_service)
    base = f"/api/v1/portal/applications/{created['id']}"
    api.login(world.citizen2)
    assert api.get(base).status_code == 404
    assert api.client.put(base, {"answers": {}}, content_type="application/json").status_code == 404
    assert api.post(f"{base}/submit").status_code == 404
    assert api.client.delete(base).status_code == 404
    assert api.get("/api/v1/portal/applications").json() == []
    api.login(world.citizen)
    assert api.client.delete(base).status_code == 204
