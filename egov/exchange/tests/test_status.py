"""POST /api/v1/exchange/status: a peer reports on a document we sent."""

from __future__ import annotations

import dataclasses

import pytest

from egov.exchange import actions
from egov.exchange.codes import StatusCode
from egov.exchange.models import EventKind, Handling, Message, RequestState, Transmission
from egov.exchange.samples import organization, sample_document, sample_status
from egov.exchange.tests.helpers import b_organization, signed_by

pytestmark = pytest.mark.django_db
URL = "/api/v1/exchange/status"


@pytest.fixture
def sent(world, peer_b):  # type: ignore[no-untyped-def]
    message = sample_document(
        sender=organization(world.construction.organ_code, world.construction.name),
        to=(b_organization(),),
    )
    (transmission,) = actions.send_document(acting_user=world.document_clerk, message=message)
    return transmission, message


def _status(sent, code: str, **kwargs):  # type: ignore[no-untyped-def]
    _transmission, message = sent
    return dataclasses.replace(sample_status(message, code=code, sender=b_organization()), **kwargs)


def _post(client, data: bytes):  # type: ignore[no-untyped-def]
    return client.post(URL, data, content_type="application/xml")


def _report(client, other_material, sent, *codes: str) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [_post(client, signed_by(other_material, _status(sent, code))) for code in codes]


def test_statuses_move_the_transmission_and_build_its_trail(client, sent, other_material) -> None:  # type: ignore[no-untyped-def]
    responses = _report(client, other_material, sent, "01", "03", "04", "05", "06")
    assert [r.status_code for r in responses] == [200] * 5
    assert responses[-1].json() == {
        "accepted": True,
        "changed": True,
        "document_id": sent[0].document_id,
        "status": "06",
    }
    transmission = Transmission.objects.get()
    assert transmission.status == Handling.FINISHED
    trail = transmission.events.filter(kind=EventKind.HANDLING)
    assert [(e.from_value, e.to_value) for e in trail] == [
        ("", "00"),
        ("00", "01"),
        ("01", "03"),
        ("03", "04"),
        ("04", "05"),
        ("05", "06"),
    ]
    reported = trail.last()
    assert reported.staff == "Trần Văn Thư"
    assert reported.department == "Văn phòng"
    assert reported.reported_at is not None


def test_the_same_status_message_twice_changes_nothing(client, sent, other_material) -> None:  # type: ignore[no-untyped-def]
    data = signed_by(other_material, _status(sent, "03"))
    assert _post(client, data).json()["changed"] is True
    again = _post(client, data)
    assert again.status_code == 200
    assert again.json()["changed"] is False
    assert Message.objects.filter(status_code="03").count() == 1
    assert Transmission.objects.get().events.filter(to_value="03").count() == 1


def test_a_status_that_arrives_after_a_later_one_is_recorded_late(
    client, sent, other_material
) -> None:  # type: ignore[no-untyped-def]
    _report(client, other_material, sent, "05")
    response = _report(client, other_material, sent, "03")[0]
    assert response.status_code == 200
    assert response.json()["changed"] is False
    transmission = Transmission.objects.get()
    assert transmission.status == Handling.PROCESSING
    late = transmission.events.get(to_value="03")
    assert late.late is True
    assert late.from_value == "05"


@pytest.mark.parametrize(("first", "then"), [("02", "03"), ("03", "02"), ("06", "02")])
def test_a_contradicting_status_is_refused_with_409(
    client, sent, other_material, first, then
) -> None:  # type: ignore[no-untyped-def]
    _report(client, other_material, sent, first)
    response = _report(client, other_material, sent, then)[0]
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "status_not_allowed"
    assert Transmission.objects.get().status == first


def test_a_status_about_an_unknown_document_is_404(client, world, peer_b, other_material) -> None:  # type: ignore[no-untyped-def]
    stranger = sample_document(
        sender=organization(world.construction.organ_code, world.construction.name), number="99"
    )
    status = sample_status(stranger, code="03", sender=b_organization())
    response = _post(client, signed_by(other_material, status))
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_document"


def test_a_status_from_another_organ_than_the_recipient_is_404(
    client, sent, other_material
) -> None:  # type: ignore[no-untyped-def]
    other_organ = b_organization("000.00.05.H30")  # covered by B's peer entry, not the recipient
    response = _post(client, signed_by(other_material, _status(sent, "03", sender=other_organ)))
    assert response.status_code == 404


def test_a_status_signed_by_another_key_is_refused(client, sent, material) -> None:  # type: ignore[no-untyped-def]
    response = _post(client, signed_by(material, _status(sent, "03")))
    assert response.status_code == 403
    assert response.json()["code"] == "bad_signature"
    assert Transmission.objects.get().status == Handling.QUEUED


def test_a_document_package_sent_to_the_status_endpoint_is_refused(
    client, world, peer_b, other_material
) -> None:  # type: ignore[no-untyped-def]
    from egov.exchange.tests.helpers import document_from_b

    response = _post(client, signed_by(other_material, document_from_b(world)))
    assert response.status_code == 422
    assert response.json()["code"] == "wrong_package_kind"


def test_agreement_to_a_revocation_withdraws_the_document(
    client, world, sent, other_material
) -> None:  # type: ignore[no-untyped-def]
    transmission, _message = sent
    actions.request_revocation(
        acting_user=world.leader,
        document_id=transmission.document_id,
        sender_organ_code=world.construction.organ_code,
        reason="Ban hành nhầm",
    )
    transmission.refresh_from_db()
    assert transmission.request_state == RequestState.PENDING
    _report(client, other_material, sent, StatusCode.REVOKED, StatusCode.REQUEST_AGREED)
    transmission.refresh_from_db()
    assert transmission.request_state == RequestState.AGREED
    assert transmission.withdrawn_at is not None
    codes = list(
        transmission.events.filter(kind=EventKind.REQUEST).values_list("status_code", flat=True)
    )
    assert codes == ["", "13", "15"]


def test_refusal_of_a_revocation_keeps_the_document(client, world, sent, other_material) -> None:  # type: ignore[no-untyped-def]
    transmission, _message = sent
    actions.request_revocation(
        acting_user=world.leader,
        document_id=transmission.document_id,
        sender_organ_code=world.construction.organ_code,
        reason="Ban hành nhầm",
    )
    _report(client, other_material, sent, StatusCode.REQUEST_REFUSED)
    transmission.refresh_from_db()
    assert transmission.request_state == RequestState.REFUSED
    assert transmission.withdrawn_at is None


def test_an_answer_without_a_request_is_refused(client, sent, other_material) -> None:  # type: ignore[no-untyped-def]
    response = _report(client, other_material, sent, StatusCode.REQUEST_AGREED)[0]
    assert response.status_code == 409
    assert response.json()["code"] == "request_not_allowed"
