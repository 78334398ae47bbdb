"""The exchange pages and the administration of peers and deliveries."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from egov.exchange import actions, edxml, receiving, signing
from egov.exchange.codes import BusinessDocType
from egov.exchange.models import Handling, OutboxItem, OutboxState, Peer, RequestState, Transmission
from egov.exchange.samples import organization, sample_document
from egov.exchange.tests.helpers import B_ORGAN, b_organization, document_from_b, signed_by

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _record_only(settings) -> None:  # type: ignore[no-untyped-def]
    settings.EXCHANGE_DOCUMENTS_HANDLER = "egov.exchange.integration.RecordOnlyHandler"


@pytest.fixture
def received(world, peer_b, other_material) -> Transmission:  # type: ignore[no-untyped-def]
    receipt = receiving.receive_document(signed_by(other_material, document_from_b(world)))
    return Transmission.objects.get(pk=receipt.transmission_ids[0])


@pytest.fixture
def sent(world, peer_b) -> Transmission:  # type: ignore[no-untyped-def]
    message = sample_document(
        sender=organization(world.construction.organ_code, world.construction.name),
        to=(b_organization(),),
        number="72",
    )
    (transmission,) = actions.send_document(acting_user=world.document_clerk, message=message)
    return transmission


def test_the_list_page_shows_sent_and_received_documents(client, world, received, sent) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.document_clerk)
    response = client.get("/exchange/")
    assert response.status_code == 200
    html = response.content.decode()
    assert received.subject in html
    assert "58/UBND-KGVX" in html
    assert "72/KH-SXD" in html


def test_the_list_page_runs_a_fixed_number_of_queries(
    client, world, peer_b, other_material
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.document_clerk)
    client.get("/exchange/")  # warm the session and caches

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/exchange/").status_code == 200
        return len(queries)

    receiving.receive_document(signed_by(other_material, document_from_b(world, number="1")))
    few = count()
    for number in ("2", "3", "4"):
        receiving.receive_document(signed_by(other_material, document_from_b(world, number=number)))
    assert count() == few


def test_the_list_filters_by_direction(client, world, received, sent) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.document_clerk)
    html = client.get("/exchange/", {"direction": "outgoing"}).content.decode()
    assert "72/KH-SXD" in html
    assert "58/UBND-KGVX" not in html


def test_people_without_an_exchange_role_get_404(client, world, received) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    assert client.get("/exchange/").status_code == 404
    client.force_login(world.specialist)
    assert client.get("/exchange/").status_code == 404


def test_the_pages_need_a_login(client, received) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"/exchange/{received.pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_another_agencys_document_is_404_on_the_page(client, world, received) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.outsider)
    assert client.get(f"/exchange/{received.pk}/").status_code == 404
    assert client.post(f"/exchange/{received.pk}/status/", {"code": "03"}).status_code == 404
    assert Transmission.objects.get(pk=received.pk).status == Handling.ARRIVED


def test_the_clerk_reports_a_status_from_the_page(client, world, received) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.document_clerk)
    page = client.get(f"/exchange/{received.pk}/").content.decode()
    assert f'action="/exchange/{received.pk}/status/"' in page
    response = client.post(
        f"/exchange/{received.pk}/status/", {"code": "03", "description": "Đã vào sổ đến"}
    )
    assert response.status_code == 302
    assert Transmission.objects.get(pk=received.pk).status == Handling.ACCEPTED
    follow = client.get(response["Location"]).content.decode()
    assert "Đã vào sổ đến" in follow  # in the trail


def test_an_impossible_status_is_explained_on_the_form(client, world, received) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.document_clerk)
    client.post(f"/exchange/{received.pk}/status/", {"code": "06"})
    response = client.post(f"/exchange/{received.pk}/status/", {"code": "03"})
    # 06 is final: the form is gone, a repeated post is refused without a 500.
    assert response.status_code == 422
    assert Transmission.objects.get(pk=received.pk).status == Handling.FINISHED


def test_the_receiver_answers_a_revocation_on_the_page(
    client, world, received, other_material
) -> None:  # type: ignore[no-untyped-def]
    message = document_from_b(world)
    revocation = dataclasses.replace(
        message,
        business=edxml.Business(
            doc_type=BusinessDocType.REVOKE, reason="Ban hành nhầm", document_id=message.document_id
        ),
    )
    receiving.receive_document(signed_by(other_material, revocation))
    client.force_login(world.leader)
    page = client.get(f"/exchange/{received.pk}/").content.decode()
    assert "Ban hành nhầm" in page
    workspace = client.get("/ws/").content.decode()
    assert f"/exchange/{received.pk}/" in workspace  # the panel lists what waits for an answer
    response = client.post(f"/exchange/{received.pk}/decision/", {"agree": "1", "note": ""})
    assert response.status_code == 302
    received.refresh_from_db()
    assert received.request_state == RequestState.AGREED
    assert received.is_withdrawn


def test_the_sender_asks_for_a_revocation_on_the_page(client, world, sent) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.leader)
    empty = client.post(f"/exchange/{sent.pk}/revocation/", {"reason": ""})
    assert empty.status_code == 422
    assert 'class="field has-error"' in empty.content.decode()
    response = client.post(f"/exchange/{sent.pk}/revocation/", {"reason": "Sai số liệu"})
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.request_state == RequestState.PENDING


def test_forms_post_only_in_the_right_direction(client, world, received, sent) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.leader)
    assert client.post(f"/exchange/{sent.pk}/status/", {"code": "03"}).status_code == 404
    assert client.post(f"/exchange/{sent.pk}/decision/", {"agree": "1"}).status_code == 404
    assert client.post(f"/exchange/{received.pk}/revocation/", {"reason": "x"}).status_code == 404


# --- administration ---------------------------------------------------------------------
def test_an_administrator_adds_a_peer_and_a_bad_certificate_is_refused(  # type: ignore[no-untyped-def]
    admin_client, other_material
) -> None:
    _key, cert = signing.material_to_pem(other_material)
    fields = {
        "organ_code": "000.00.00.H93",
        "name": "UBND tỉnh Hậu Giang (cũ)",
        "endpoint_url": "https://egov.example.vn",
        "status": "active",
    }
    bad = admin_client.post("/admin/exchange/peer/add/", {**fields, "certificate": "not PEM"})
    assert bad.status_code == 200
    assert not Peer.objects.filter(organ_code="000.00.00.H93").exists()
    good = admin_client.post("/admin/exchange/peer/add/", {**fields, "certificate": cert.decode()})
    assert good.status_code == 302
    peer = Peer.objects.get(organ_code="000.00.00.H93")
    assert admin_client.get(f"/admin/exchange/peer/{peer.pk}/change/").status_code == 200
    from egov.audit.models import AuditEvent

    assert AuditEvent.objects.filter(verb="admin.add", object_id=str(peer.pk)).exists()


def test_administrators_see_failed_deliveries_with_their_error_and_retry_them(  # type: ignore[no-untyped-def]
    admin_client, world, sent
) -> None:
    item = OutboxItem.objects.get()
    OutboxItem.objects.filter(pk=item.pk).update(
        state=OutboxState.FAILED, last_error="HTTP 422: MessageHeader.Subject thiếu"
    )
    listing = admin_client.get("/admin/exchange/outboxitem/", {"state__exact": "failed"})
    assert "MessageHeader.Subject thiếu" in listing.content.decode()
    assert admin_client.get(f"/admin/exchange/outboxitem/{item.pk}/change/").status_code == 200
    response = admin_client.post(
        "/admin/exchange/outboxitem/",
        {"action": "retry", "_selected_action": [str(item.pk)]},
    )
    assert response.status_code == 302
    assert OutboxItem.objects.get(pk=item.pk).state == OutboxState.PENDING
    for page in ("transmission", "message"):
        assert admin_client.get(f"/admin/exchange/{page}/").status_code == 200


def test_the_peer_list_in_admin_shows_the_certificate_expiry(admin_client, peer_b) -> None:  # type: ignore[no-untyped-def]
    response = admin_client.get("/admin/exchange/peer/")
    assert response.status_code == 200
    assert B_ORGAN in response.content.decode()
