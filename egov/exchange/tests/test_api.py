"""The authenticated exchange API: lists, details, the receiver's answers, the sender's revocation,
the outbox for administrators; every object endpoint hides other agencies' records (404)."""

from __future__ import annotations

import pytest

from egov.exchange import actions, receiving
from egov.exchange.codes import BusinessDocType
from egov.exchange.models import Handling, OutboxItem, OutboxState, RequestState, Transmission
from egov.exchange.samples import organization, sample_document
from egov.exchange.tests.helpers import b_organization, document_from_b, signed_by

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
        number="71",
    )
    (transmission,) = actions.send_document(acting_user=world.document_clerk, message=message)
    return transmission


def test_the_list_shows_the_agencys_documents_in_both_directions(
    api, world, received, sent
) -> None:  # type: ignore[no-untyped-def]
    response = api.login(world.document_clerk).get("/api/v1/exchange/transmissions")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()} == {received.pk, sent.pk}
    incoming = api.get("/api/v1/exchange/transmissions", direction="incoming").json()
    assert [row["id"] for row in incoming] == [received.pk]
    assert incoming[0]["status"] == "01"
    assert incoming[0]["remote_organ_code"] == "000.00.00.H30"


def test_another_agencys_staff_see_nothing(api, world, received) -> None:  # type: ignore[no-untyped-def]
    api.login(world.outsider)
    assert api.get("/api/v1/exchange/transmissions").json() == []
    response = api.get(f"/api/v1/exchange/transmissions/{received.pk}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_missing_transmission_is_the_same_404(api, world) -> None:  # type: ignore[no-untyped-def]
    response = api.login(world.document_clerk).get("/api/v1/exchange/transmissions/999999")
    assert response.status_code == 404


def test_the_detail_carries_the_status_trail(api, world, received) -> None:  # type: ignore[no-untyped-def]
    body = api.login(world.leader).get(f"/api/v1/exchange/transmissions/{received.pk}").json()
    assert body["document_id"] == received.document_id
    assert [(e["from_value"], e["to_value"]) for e in body["events"]] == [("", "01")]


def test_the_clerk_reports_a_status_through_the_api(api, world, received) -> None:  # type: ignore[no-untyped-def]
    response = api.login(world.document_clerk).post(
        f"/api/v1/exchange/transmissions/{received.pk}/status",
        {"code": "03", "description": "Đã vào sổ"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "03"
    assert OutboxItem.objects.filter(endpoint="status").count() == 1


def test_a_status_report_by_another_agency_is_404(api, world, received) -> None:  # type: ignore[no-untyped-def]
    response = api.login(world.outsider).post(
        f"/api/v1/exchange/transmissions/{received.pk}/status", {"code": "03"}
    )
    assert response.status_code == 404
    assert Transmission.objects.get(pk=received.pk).status == Handling.ARRIVED


def test_an_impossible_status_is_409_and_a_bad_code_422(api, world, received) -> None:  # type: ignore[no-untyped-def]
    api.login(world.document_clerk)
    url = f"/api/v1/exchange/transmissions/{received.pk}/status"
    assert api.post(url, {"code": "06"}).status_code == 200
    conflict = api.post(url, {"code": "03"})
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "status_not_allowed"
    invalid = api.post(url, {"code": "99"})
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["field"] == "code"


def test_statuses_are_reported_on_received_documents_only(api, world, sent) -> None:  # type: ignore[no-untyped-def]
    response = api.login(world.document_clerk).post(
        f"/api/v1/exchange/transmissions/{sent.pk}/status", {"code": "03"}
    )
    assert response.status_code == 422


def test_the_receiver_answers_a_revocation_through_the_api(  # type: ignore[no-untyped-def]
    api, world, received, other_material
) -> None:
    import dataclasses

    from egov.exchange import edxml

    message = document_from_b(world)
    revocation = dataclasses.replace(
        message,
        business=edxml.Business(
            doc_type=BusinessDocType.REVOKE, reason="Nhầm", document_id=message.document_id
        ),
    )
    receiving.receive_document(signed_by(other_material, revocation))
    url = f"/api/v1/exchange/transmissions/{received.pk}/decision"
    assert api.login(world.outsider).post(url, {"agree": True}).status_code == 404
    response = api.login(world.leader).post(url, {"agree": False, "note": "Đã thực hiện"})
    assert response.status_code == 200
    assert response.json()["request_state"] == RequestState.REFUSED
    again = api.post(url, {"agree": True})
    assert again.status_code == 409


def test_the_sender_asks_for_a_revocation_through_the_api(api, world, sent) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/exchange/transmissions/{sent.pk}/revocation"
    assert api.login(world.outsider).post(url, {"reason": "x"}).status_code == 404
    missing_reason = api.login(world.leader).post(url, {"reason": ""})
    assert missing_reason.status_code == 422
    assert missing_reason.json()["errors"][0]["field"] == "reason"
    response = api.post(url, {"reason": "Sai số liệu"})
    assert response.status_code == 200
    assert response.json()["request_state"] == RequestState.PENDING
    assert response.json()["request_type"] == BusinessDocType.REVOKE


def test_only_administrators_see_and_retry_the_outbox(api, world, sent) -> None:  # type: ignore[no-untyped-def]
    item = OutboxItem.objects.get()
    assert api.login(world.document_clerk).get("/api/v1/exchange/outbox").status_code == 403
    assert api.post(f"/api/v1/exchange/outbox/{item.pk}/retry").status_code == 404
    rows = api.login(world.admin).get("/api/v1/exchange/outbox").json()
    assert [(r["id"], r["state"]) for r in rows] == [(item.pk, OutboxState.PENDING)]
    assert api.post(f"/api/v1/exchange/outbox/{item.pk}/retry").status_code == 409
    OutboxItem.objects.filter(pk=item.pk).update(state=OutboxState.FAILED)
    retried = api.post(f"/api/v1/exchange/outbox/{item.pk}/retry")
    assert retried.status_code == 200
    assert retried.json()["state"] == OutboxState.PENDING


def test_the_certificate_is_published_for_peers(client, world, material) -> None:  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives import serialization

    response = client.get("/api/v1/exchange/certificate", {"organ": world.construction.organ_code})
    assert response.status_code == 200
    assert response.content == material.certificate.public_bytes(serialization.Encoding.PEM)
    assert client.get("/api/v1/exchange/certificate", {"organ": "000.00.77.H58"}).status_code == 404


def test_without_a_signing_key_sending_answers_503(api, world, peer_b, settings) -> None:  # type: ignore[no-untyped-def]
    settings.EXCHANGE_SIGNING_KEY_FILE = ""
    settings.DEBUG = False
    from egov.lib.problems import Problem

    message = sample_document(
        sender=organization(world.construction.organ_code, world.construction.name),
        to=(b_organization(),),
    )
    with pytest.raises(Problem) as error:
        actions.send_document(acting_user=world.document_clerk, message=message)
    assert error.value.status == 503
    assert Transmission.objects.count() == 0
