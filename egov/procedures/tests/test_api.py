"""The public catalog API: search without diacritics, filters, pages, one procedure in full."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from egov.org.models import Agency, AgencyLevel, Level
from egov.procedures.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(world):  # type: ignore[no-untyped-def]
    permit = factories.full_procedure(
        world,
        application_form={
            "version": 1,
            "fields": [{"name": "floors", "type": "number", "label": "Số tầng", "integer": True}],
        },
    )
    civil = factories.sector("HT", "Hộ tịch")
    birth = factories.procedure(
        world,
        code="1.001193",
        name="Đăng ký khai sinh",
        sector=civil,
        level=Level.COMMUNE,
        agency=None,
        service_level=4,
        category="full_online",
        processing_days=1,
        applicant_types=["citizen"],
        result_online=True,
    )
    marriage = factories.procedure(
        world,
        code="1.000894",
        name="Đăng ký kết hôn",
        sector=civil,
        level=Level.COMMUNE,
        agency=None,
        service_level=3,
        processing_days=5,
        applicant_types=["citizen"],
    )
    records = factories.procedure(
        world,
        code="2.000488",
        name="Cấp Phiếu lý lịch tư pháp",
        sector=factories.sector("LLTP", "Lý lịch tư pháp"),
        agency=world.justice,
        service_level=4,
        category="full_online",
        processing_days=10,
        applicant_types=["citizen", "business"],
    )
    hidden = factories.procedure(
        world, code="9.999999", name="Giấy phép cũ đã bãi bỏ", is_active=False
    )
    return {
        "permit": permit,
        "birth": birth,
        "marriage": marriage,
        "records": records,
        "hidden": hidden,
    }


def _codes(api, **params) -> list[str]:  # type: ignore[no-untyped-def]
    response = api.get("/api/v1/procedures", **params)
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["results"]]


def test_anyone_can_list_active_procedures_by_code(api, catalog) -> None:  # type: ignore[no-untyped-def]
    assert _codes(api) == ["1.000894", "1.001193", "1.009972", "2.000488"]


def test_search_without_diacritics_finds_the_vietnamese_name(api, catalog) -> None:  # type: ignore[no-untyped-def]
    assert _codes(api, q="giay phep xay dung") == ["1.009972"]
    assert _codes(api, q="Giấy phép XÂY DỰNG") == ["1.009972"]
    assert _codes(api, q="dang ky") == ["1.000894", "1.001193"]
    assert _codes(api, q="đăng ký khai sinh") == ["1.001193"]


def test_search_needs_every_word(api, catalog) -> None:  # type: ignore[no-untyped-def]
    assert _codes(api, q="dang ky xay dung") == []


def test_search_matches_the_code_and_the_sector(api, catalog) -> None:  # type: ignore[no-untyped-def]
    assert _codes(api, q="1.0011") == ["1.001193"]
    assert _codes(api, q="2.000488") == ["2.000488"]
    assert _codes(api, q="ho tich") == ["1.000894", "1.001193"]


def test_inactive_procedures_are_not_found(api, catalog) -> None:  # type: ignore[no-untyped-def]
    assert _codes(api, q="bai bo") == []
    assert api.get("/api/v1/procedures/9.999999").status_code == 404


def test_filters_narrow_the_list(api, catalog, world) -> None:  # type: ignore[no-untyped-def]
    assert _codes(api, sector="HT") == ["1.000894", "1.001193"]
    assert _codes(api, level="province") == ["1.009972", "2.000488"]
    assert _codes(api, service_level=3) == ["1.000894"]
    assert _codes(api, category="full_online") == ["1.001193", "2.000488"]
    assert _codes(api, applicant_type="business") == ["1.009972", "2.000488"]
    assert _codes(api, applicant_type="citizen", level="province") == ["2.000488"]
    assert _codes(api, agency="000.00.05.H58") == ["2.000488"]
    assert _codes(api, agency="123.45.67.H99") == []
    assert _codes(api, sector="HT", q="ket hon") == ["1.000894"]


def test_the_agency_filter_includes_what_a_commune_implements(api, catalog) -> None:  # type: ignore[no-untyped-def]
    Agency.objects.create(
        organ_code="000.01.21.H58",
        name="UBND Phường 1",
        short_name="UBND",
        level=AgencyLevel.COMMUNE,
    )
    assert _codes(api, agency="000.01.21.H58") == ["1.000894", "1.001193"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"service_level": 5}, "service_level"),
        ({"level": "galaxy"}, "level"),
        ({"category": "offline"}, "category"),
        ({"applicant_type": "tourist"}, "applicant_type"),
        ({"page": 0}, "page"),
        ({"page_size": 500}, "page_size"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_filters_get_a_problem_naming_the_field(api, catalog, params, field) -> None:  # type: ignore[no-untyped-def]
    response = api.get("/api/v1/procedures", **params)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_results_come_in_pages(api, catalog) -> None:  # type: ignore[no-untyped-def]
    first = api.get("/api/v1/procedures", page_size=3).json()
    assert (first["count"], first["page"], first["page_size"]) == (4, 1, 3)
    assert len(first["results"]) == 3
    second = api.get("/api/v1/procedures", page_size=3, page=2).json()
    assert second["count"] == 4
    assert [item["code"] for item in second["results"]] == ["2.000488"]
    beyond = api.get("/api/v1/procedures", page_size=3, page=9).json()
    assert (beyond["count"], beyond["results"]) == (4, [])


def test_a_summary_says_what_kind_of_service_it_is(api, catalog) -> None:  # type: ignore[no-untyped-def]
    (birth,) = api.get("/api/v1/procedures", q="khai sinh").json()["results"]
    assert birth == {
        "code": "1.001193",
        "name": "Đăng ký khai sinh",
        "sector": {"code": "HT", "name": "Hộ tịch"},
        "level": "commune",
        "agency": None,
        "service_level": 4,
        "category": "full_online",
        "processing_days": 1,
        "applicant_types": ["citizen"],
        "result_online": True,
        "is_inter_agency": False,
    }


def test_the_list_takes_a_fixed_number_of_queries(api, catalog, world) -> None:  # type: ignore[no-untyped-def]
    for number in range(10):
        factories.procedure(world, code=f"3.{number:06d}", name=f"Thủ tục {number}")
    with CaptureQueriesContext(connection) as queries:
        assert len(_codes(api, page_size=5)) == 5
    assert len(queries) == 2  # the page and the count
    with CaptureQueriesContext(connection) as queries:
        assert len(_codes(api, q="1.00")) == 3
    assert len(queries) == 1  # a short first page is its own count


def test_one_procedure_has_everything_level_1_publishes(api, catalog, world) -> None:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/procedures/1.009972")
    assert response.status_code == 200
    assert len(queries) == 4  # procedure, fees, documents, steps with their agencies
    body = response.json()
    assert body["agency"] == {"organ_code": "000.00.09.H58", "name": world.construction.name}
    assert body["legal_basis"] == "Luật Xây dựng số 50/2014/QH13"
    assert body["fees"] == [
        {"name": "Lệ phí cấp giấy phép xây dựng", "kind": "charge", "amount": 150000, "note": ""}
    ]
    assert [d["name"] for d in body["documents"]] == [
        "Đơn đề nghị cấp giấy phép",
        "Bản vẽ thiết kế",
    ]
    assert body["documents"][1]["copies"] == 2
    assert body["documents"][0]["template_url"] is None
    steps = body["steps"]
    assert [(s["order"], s["kind"], s["is_lead"], s["parallel"]) for s in steps] == [
        (1, "receive", False, False),
        (2, "process", True, True),
        (2, "consult", False, True),
        (3, "approve", False, False),
        (4, "sign", False, False),
        (5, "return", False, False),
    ]
    assert steps[0]["agency"]["organ_code"] == "000.01.01.H58"
    assert steps[0]["unit_code"] == "TNTKQ"
    assert steps[2]["agency"]["organ_code"] == "000.00.05.H58"
    assert float(steps[1]["days"]) == 10
    assert body["application_form"]["fields"][0]["name"] == "floors"


def test_a_step_without_an_agency_is_done_by_the_receiving_agency(api, catalog) -> None:  # type: ignore[no-untyped-def]
    from egov.procedures.models import WorkflowStep

    WorkflowStep.objects.create(
        procedure=catalog["birth"],
        order=1,
        name="Tiếp nhận",
        kind="receive",
        role="one_stop_clerk",
        days=0,
        unit_code="MC",
    )
    (step,) = api.get("/api/v1/procedures/1.001193").json()["steps"]
    assert step["agency"] is None and step["unit_code"] == "MC"


def test_a_template_form_can_be_downloaded(api, catalog, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.base import ContentFile

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": "/media/"},
        },
    }
    document = catalog["permit"].documents.get(order=1)
    document.template.save("don-de-nghi.docx", ContentFile(b"template"), save=True)
    body = api.get("/api/v1/procedures/1.009972").json()
    assert body["documents"][0]["template_url"] == "/media/procedures/templates/don-de-nghi.docx"


def test_catalog_answers_may_be_cached_for_a_few_minutes(api, catalog) -> None:  # type: ignore[no-untyped-def]
    for path in ("/api/v1/procedures", "/api/v1/procedures/1.001193", "/api/v1/procedures/sectors"):
        assert api.get(path)["Cache-Control"] == "public, max-age=300", path


def test_an_unknown_code_is_a_problem_404(api, catalog) -> None:  # type: ignore[no-untyped-def]
    response = api.get("/api/v1/procedures/0.000000")
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_sectors_are_listed_with_their_active_procedures(api, catalog) -> None:  # type: ignore[no-untyped-def]
    factories.sector("DD", "Đất đai")
    response = api.get("/api/v1/procedures/sectors")
    assert response.status_code == 200
    counts = {s["code"]: s["procedure_count"] for s in response.json()}
    assert counts == {"HT": 2, "XD": 1, "LLTP": 1, "DD": 0}


def test_postgresql_answers_word_searches_from_a_trigram_index(catalog) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("the trigram index is PostgreSQL's")
    from egov.procedures.models import Procedure

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'procedure_search_trgm'")
        (definition,) = cursor.fetchone()
        assert "gin_trgm_ops" in definition
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Only a bitmap scan may answer now; for LIKE '%…%' that takes the trigram index.
        cursor.execute("SET LOCAL enable_indexscan = off")
        words = (
            Procedure.objects.filter(search_text__contains="khai")
            .filter(search_text__contains="sinh")
            .order_by()
        )
        sql, params = words.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "procedure_search_trgm" in plan, plan
