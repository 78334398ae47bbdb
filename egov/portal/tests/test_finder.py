"""Finding a service without logging in: search without diacritics, by sector, agency and
life event; the procedure page with level 1 and 2 and how far it goes online."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from egov.portal import lifeevents
from egov.portal.actions import import_life_events
from egov.portal.models import LifeEvent
from egov.procedures.models import Procedure

pytestmark = pytest.mark.django_db


def test_the_finder_finds_procedures_without_diacritics(client, world, service) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/services/", {"q": "giay phep xay dung"}).content.decode()
    assert "Cấp giấy phép xây dựng công trình" in page
    assert "Tìm thấy 1 thủ tục" in page
    assert "Toàn trình" in page
    none = client.get("/services/", {"q": "khai sinh"}).content.decode()
    assert "Không tìm thấy thủ tục phù hợp" in none


def test_the_finder_filters_by_sector_agency_and_how_far_it_goes_online(
    client, world, service
) -> None:  # type: ignore[no-untyped-def]
    name = "Cấp giấy phép xây dựng công trình"
    assert name in client.get("/services/", {"sector": "XD"}).content.decode()
    assert name not in client.get("/services/", {"sector": "HT"}).content.decode()
    assert (
        name in client.get("/services/", {"agency": world.construction.organ_code}).content.decode()
    )
    assert (
        name not in client.get("/services/", {"agency": world.justice.organ_code}).content.decode()
    )
    assert name in client.get("/services/", {"online": "full"}).content.decode()
    service.category = "partial_online"
    service.service_level = 3
    service.save()
    assert name in client.get("/services/", {"online": "yes"}).content.decode()
    assert name not in client.get("/services/", {"online": "full"}).content.decode()


def test_life_events_lead_to_their_procedures(client, world, service) -> None:  # type: ignore[no-untyped-def]
    import_life_events(
        acting_user=None,
        items=[
            {
                "slug": "xay-nha",
                "name": "Xây nhà",
                "name_en": "Building a house",
                "procedures": [service.code],
            }
        ],
    )
    finder = client.get("/services/").content.decode()
    assert "/life-events/xay-nha/" in finder and "Xây nhà" in finder
    page = client.get("/life-events/xay-nha/").content.decode()
    assert "Cấp giấy phép xây dựng công trình" in page
    assert (
        "Cấp giấy phép xây dựng công trình"
        in client.get("/services/", {"event": "xay-nha"}).content.decode()
    )
    assert client.get("/life-events/khong-co/").status_code == 404


def test_the_procedure_page_has_everything_of_level_one(client, world, service) -> None:  # type: ignore[no-untyped-def]
    service.legal_basis = "Luật Xây dựng số 50/2014/QH13"
    service.where = "Trung tâm Phục vụ hành chính công tỉnh"
    service.save()
    response = client.get(f"/services/{service.code}/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Bản vẽ thiết kế",  # documents
        "10 ngày làm việc",  # time
        "150.000",  # fees
        "Luật Xây dựng số 50/2014/QH13",  # legal basis
        "Trung tâm Phục vụ hành chính công tỉnh",  # where
        "Phòng Quản lý xây dựng",  # who is responsible for a step
        "Sở Xây dựng tỉnh Tiền Giang",
        "Nộp trực tuyến khi nộp hồ sơ",  # fees paid online, when
        "Đăng nhập để nộp hồ sơ trực tuyến",
    ):
        assert text in page, text
    assert response["Cache-Control"] == "public, max-age=300"


def test_level_two_forms_are_downloadable(client, world, service) -> None:  # type: ignore[no-untyped-def]
    document = service.documents.get(name="Đơn đề nghị")
    document.template.save("mau-don.docx", ContentFile(b"PK\x03\x04 docx"), save=True)
    page = client.get(f"/services/{service.code}/").content.decode()
    link = f"/services/{service.code}/templates/{document.pk}/"
    assert link in page
    download = client.get(link)
    assert b"".join(download.streaming_content).startswith(b"PK")
    assert client.get(f"/services/{service.code}/templates/{document.pk + 99}/").status_code == 404
    blank = client.get(f"/services/{service.code}/form.pdf")
    assert blank["Content-Type"] == "application/pdf" and blank.content.startswith(b"%PDF")


def test_an_inactive_or_unknown_procedure_is_not_found(client, world, service) -> None:  # type: ignore[no-untyped-def]
    Procedure.objects.filter(pk=service.pk).update(is_active=False)
    assert client.get(f"/services/{service.code}/").status_code == 404
    assert client.get("/services/9.999999/").status_code == 404


def test_the_finder_reads_in_a_fixed_number_of_queries(
    client, world, service, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for number in range(5):
        Procedure.objects.create(
            code=f"T.10000{number}",
            name=f"Thủ tục thử {number}",
            sector=service.sector,
            level="province",
            agency=world.construction,
            processing_days=5,
        )
    with django_assert_max_num_queries(8):
        client.get("/services/", {"q": "thu tuc"})


def test_the_life_events_data_loads_once(world) -> None:  # type: ignore[no-untyped-def]
    from egov.audit.models import AuditEvent
    from egov.portal import demo

    items = lifeevents.read()
    assert {item["slug"] for item in items} >= {"sinh-con", "xay-nha", "khoi-nghiep"}
    demo.load()
    count = LifeEvent.objects.count()
    events = AuditEvent.objects.count()
    demo.load()
    assert LifeEvent.objects.count() == count == len(items)
    assert AuditEvent.objects.count() == events


def test_the_api_lists_life_events_publicly(client, world, service) -> None:  # type: ignore[no-untyped-def]
    import_life_events(
        acting_user=None,
        items=[{"slug": "xay-nha", "name": "Xây nhà", "procedures": [service.code]}],
    )
    body = client.get("/api/v1/portal/life-events").json()
    assert body[0]["slug"] == "xay-nha" and body[0]["procedures"] == [service.code]
    assert client.get("/api/v1/portal/life-events/xay-nha").json()["name"] == "Xây nhà"
    assert client.get("/api/v1/portal/life-events/nope").status_code == 404


def test_a_new_life_event_shows_in_the_finder_at_once(
    client, world, service, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    assert "/life-events/xay-nha/" not in client.get("/services/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        import_life_events(
            acting_user=None,
            items=[{"slug": "xay-nha", "name": "Xây nhà", "procedures": [service.code]}],
        )
    assert "/life-events/xay-nha/" in client.get("/services/").content.decode()
