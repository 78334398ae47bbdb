"""The public status lookup: page and API, open to anyone with the code, showing the masked name
and nothing else personal, rate-limited per client, and as costly for an unknown code as for a
known one."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egov.dossiers.tests.factories import dossier_in, register, walk_in
from egov.infra.models import RateLimitBucket
from egov.lib.workdays import VIETNAM
from egov.testing.world import World

# What the registration knows about the walk-in applicant and must never show publicly.
PERSONAL = ["Nguyễn Văn An", "082090001234", "0901234567", "an@example.vn", "12 Ấp Bắc"]


@pytest.fixture(autouse=True)
def _fresh_limits(db: None, settings: Any) -> None:
    RateLimitBucket.objects.all().delete()
    settings.DOSSIER_LOOKUP_RATE_LIMIT = 100
    settings.DOSSIER_LOOKUP_RATE_WINDOW = 60


def test_anyone_sees_the_status_of_a_dossier_by_its_code(world: World, permit: Any) -> None:
    dossier = dossier_in("returned", world, permit)
    response = Client().get(f"/api/v1/public/dossiers/{dossier.code}")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "code": dossier.code,
        "procedure_name": "Cấp giấy phép xây dựng công trình",
        "receiving_agency": world.centre.name,
        "status": "returned",
        "status_label": "Đã trả kết quả",
        "received_on": dossier.accepted_at.astimezone(VIETNAM).date().isoformat(),
        "appointment_on": dossier.due_on.isoformat(),
        "returned_on": dossier.returned_at.astimezone(VIETNAM).date().isoformat(),
        "applicant": "N. V. An",
    }


def test_the_api_speaks_english_when_asked(world: World, permit: Any) -> None:
    dossier = dossier_in("in_processing", world, permit)
    body = Client().get(f"/api/v1/public/dossiers/{dossier.code}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["status_label"] == "In processing"
    assert body["returned_on"] is None


@pytest.mark.parametrize("state", ["submitted", "in_processing", "returned"])
def test_nothing_personal_leaks_from_the_page_or_the_api(
    world: World, permit: Any, state: str
) -> None:
    dossier = dossier_in(state, world, permit)
    page = Client().get(f"/lookup/{dossier.code}/").content.decode()
    api = Client().get(f"/api/v1/public/dossiers/{dossier.code}").content.decode("unicode_escape")
    for text in (page, api):
        for secret in PERSONAL:
            assert secret not in text
    assert "N. V. An" in page


def test_the_page_shows_the_status_in_vietnamese(world: World, permit: Any) -> None:
    dossier = dossier_in("in_processing", world, permit)
    response = Client().get(f"/lookup/{dossier.code}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Đang xử lý" in page
    assert "Trung tâm Phục vụ hành chính công" in page
    assert dossier.due_on.strftime("%d/%m/%Y") in page
    assert response["Cache-Control"] == "no-store"


def test_the_form_sends_a_typed_code_to_its_own_page(world: World, permit: Any) -> None:
    dossier = register(world, permit)
    typed = "  " + dossier.code.lower() + " "
    response = Client().get("/lookup/", {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/lookup/{dossier.code}/"
    assert Client().get("/lookup/").status_code == 200
    assert 'href="/lookup/"' in Client().get("/").content.decode()  # found from the home page
    slashed = Client().get("/lookup/", {"code": "12/GPXD"})
    assert slashed.status_code == 404
    assert "Không có hồ sơ nào mang mã 12/GPXD" in slashed.content.decode()
    empty = Client().get("/lookup/", {"code": " "})
    assert empty.status_code == 422
    assert "Hãy nhập mã hồ sơ." in empty.content.decode()


def test_an_unknown_code_is_404_on_the_page_and_the_api(world: World) -> None:
    page = Client().get("/lookup/000.00.09.H58-260302-9999/")
    assert page.status_code == 404
    assert "Không có hồ sơ nào mang mã 000.00.09.H58-260302-9999" in page.content.decode()
    api = Client().get("/api/v1/public/dossiers/000.00.09.H58-260302-9999")
    assert api.status_code == 404
    assert api["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("path", ["/api/v1/public/dossiers/{code}", "/lookup/{code}/"])
def test_an_unknown_code_costs_the_same_queries_as_a_known_one(
    world: World, permit: Any, path: str
) -> None:
    dossier = dossier_in("returned", world, permit)
    client = Client()
    client.get(path.format(code=dossier.code))  # warm the caches of the first request
    with CaptureQueriesContext(connection) as known:
        assert client.get(path.format(code=dossier.code)).status_code == 200
    unknown_code = dossier.code[:-4] + "9999"
    with CaptureQueriesContext(connection) as unknown:
        assert client.get(path.format(code=unknown_code)).status_code == 404
    assert len(known.captured_queries) == len(unknown.captured_queries) == 2


def test_lookups_are_rate_limited_per_client(world: World, permit: Any, settings: Any) -> None:
    settings.DOSSIER_LOOKUP_RATE_LIMIT = 3
    dossier = register(world, permit)
    client = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [
        client.get(f"/api/v1/public/dossiers/{dossier.code}").status_code,
        client.get("/api/v1/public/dossiers/000.00.09.H58-260302-9999").status_code,
        client.get(f"/lookup/{dossier.code}/").status_code,
    ]
    assert statuses == [200, 404, 200]
    limited = client.get(f"/api/v1/public/dossiers/{dossier.code}")
    assert limited.status_code == 429
    assert limited["Content-Type"] == "application/problem+json"
    assert limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 60
    page = client.get(f"/lookup/{dossier.code}/")
    assert page.status_code == 429
    assert 1 <= int(page["Retry-After"]) <= 60
    assert dossier.code not in page.content.decode().split("<main", 1)[1]
    # Another client is not affected.
    other = Client(REMOTE_ADDR="203.0.113.8")
    assert other.get(f"/api/v1/public/dossiers/{dossier.code}").status_code == 200


def test_a_business_applicant_is_masked_too(world: World, permit: Any) -> None:
    dossier = register(
        world,
        permit,
        applicant=walk_in(kind="business", name="Công ty TNHH Xây dựng Mỹ Tho", personal_id="",
                          tax_code="0300588569"),
    )  # fmt: skip
    body = Client().get(f"/api/v1/public/dossiers/{dossier.code}").json()
    assert body["applicant"] == "C. t. T. X. d. M. Tho"
    assert "0300588569" not in str(body)
