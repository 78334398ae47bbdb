"""POST /api/v1/exchange/edxml: what a peer's package must pass, and what it leaves behind."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

import pytest

from egov.audit.models import AuditEvent
from egov.documents.models import Document
from egov.exchange import edxml, signing
from egov.exchange.codes import StatusCode
from egov.exchange.models import (
    Direction,
    Handling,
    Message,
    MessageKind,
    PeerStatus,
    Transmission,
)
from egov.exchange.samples import organization, sample_status
from egov.exchange.tests.helpers import B_ORGAN, document_from_b, signed_by

pytestmark = pytest.mark.django_db
URL = "/api/v1/exchange/edxml"


def _post(client, data: bytes, **params):  # type: ignore[no-untyped-def]
    query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    return client.post(URL + query, data, content_type="application/xml")


def _ack(response, material) -> edxml.StatusMessage:  # type: ignore[no-untyped-def]
    root = edxml.parse_xml(response.content, max_bytes=1_000_000)
    return edxml.read_status(signing.verify(root, material.certificate))


def _counts() -> tuple[int, int, int]:
    return Transmission.objects.count(), Message.objects.count(), AuditEvent.objects.count()


def test_a_signed_package_from_a_known_peer_is_registered_and_acknowledged(  # type: ignore[no-untyped-def]
    client, world, peer_b, material, other_material
) -> None:
    message = document_from_b(world)
    response = _post(client, signed_by(other_material, message))
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/xml")
    assert response["Edxml-Duplicate"] == "0"
    ack = _ack(response, material)  # signed with our key, verifiable by B
    assert ack.code == StatusCode.ARRIVED
    assert ack.response_for.document_id == message.document_id
    assert ack.response_for.organ_id == B_ORGAN
    assert ack.sender.organ_id == world.construction.organ_code
    assert ack.sender.organ_name == world.construction.name

    received = Transmission.objects.get()
    assert received.direction == Direction.INCOMING
    assert received.document_id == message.document_id
    assert received.local_organ_code == world.construction.organ_code
    assert received.remote_organ_code == B_ORGAN
    assert received.peer == peer_b
    assert received.subject == message.header.subject
    assert [e.to_value for e in received.events.all()] == [Handling.ARRIVED]
    assert received.status == Handling.ARRIVED
    # The documents app registered it as incoming.
    document = Document.objects.get(pk=received.local_document_id)
    assert document.edxml_document_id == message.document_id
    assert document.direction == "incoming"
    assert document.status == "arrived"  # the document clerk checks it before registering it
    assert document.register_number is None
    assert [a.name for a in document.attachments.all()] == ["Kế hoạch 58-KH-SXD.pdf"]
    package = Message.objects.get(direction=Direction.INCOMING)
    assert package.ack.status_code == StatusCode.ARRIVED
    assert package.ack.payload.encode() == response.content
    assert AuditEvent.objects.filter(verb="exchange.document_received").count() == 1


def test_the_same_package_twice_has_no_second_effect(client, world, peer_b, other_material) -> None:  # type: ignore[no-untyped-def]
    data = signed_by(other_material, document_from_b(world))
    first = _post(client, data)
    before = _counts()
    second = _post(client, data)
    assert second.status_code == 200
    assert second["Edxml-Duplicate"] == "1"
    assert second.content == first.content
    assert _counts() == before


def test_the_same_document_id_signed_again_has_no_second_effect(  # type: ignore[no-untyped-def]
    client, world, peer_b, other_material
) -> None:
    message = document_from_b(world)
    first = _post(client, signed_by(other_material, message))
    before = _counts()
    later_copy = dataclasses.replace(
        message,
        traces=(edxml.TraceHeader(B_ORGAN, dt.datetime(2026, 3, 6, 8, 0, tzinfo=edxml.VN_TZ)),),
    )
    second = _post(client, signed_by(other_material, later_copy))
    assert second.status_code == 200
    assert second.content == first.content
    assert _counts() == before


def test_a_package_for_one_named_organ_registers_only_that_organ(  # type: ignore[no-untyped-def]
    client, world, peer_b, material, other_material
) -> None:
    to = (
        organization(world.construction.organ_code, world.construction.name),
        organization(world.justice.organ_code, world.justice.name),
    )
    data = signed_by(other_material, document_from_b(world, to=to))
    response = _post(client, data, to=world.justice.organ_code)
    assert response.status_code == 200
    assert _ack(response, material).sender.organ_id == world.justice.organ_code
    assert list(Transmission.objects.values_list("local_organ_code", flat=True)) == [
        world.justice.organ_code
    ]
    # The copy for the other organ registers it too, and answers for that organ.
    again = _post(client, data, to=world.construction.organ_code)
    assert _ack(again, material).sender.organ_id == world.construction.organ_code
    assert Transmission.objects.count() == 2


def test_without_a_named_organ_every_local_recipient_gets_the_document(  # type: ignore[no-untyped-def]
    client, world, peer_b, other_material
) -> None:
    to = (
        organization(world.construction.organ_code, world.construction.name),
        organization("000.00.00.H93", "UBND tỉnh Hậu Giang cũ"),  # not hosted here
        organization(world.justice.organ_code, world.justice.name),
    )
    response = _post(client, signed_by(other_material, document_from_b(world, to=to)))
    assert response.status_code == 200
    assert set(Transmission.objects.values_list("local_organ_code", flat=True)) == {
        world.construction.organ_code,
        world.justice.organ_code,
    }


# --- refusals -------------------------------------------------------------------------------------
def _refused(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code
    assert body["detail"]
    return body  # type: ignore[no-any-return]


def test_an_unknown_sender_is_refused_and_nothing_is_written(  # type: ignore[no-untyped-def]
    client, world, other_material
) -> None:
    before = _counts()
    response = _post(client, signed_by(other_material, document_from_b(world)))
    body = _refused(response, 403, "unknown_sender")
    assert body["errors"][0]["field"] == "From.OrganId"
    assert _counts() == before


def test_a_suspended_peer_is_refused(client, world, peer_b, other_material) -> None:  # type: ignore[no-untyped-def]
    peer_b.status = PeerStatus.SUSPENDED
    peer_b.save()
    _refused(
        _post(client, signed_by(other_material, document_from_b(world))), 403, "unknown_sender"
    )


def test_a_peer_entry_without_subordinates_does_not_cover_them(  # type: ignore[no-untyped-def]
    client, world, peer_b, other_material
) -> None:
    peer_b.includes_subordinates = False
    peer_b.save()
    from egov.exchange.tests.helpers import b_organization

    message = document_from_b(world, sender=b_organization("000.00.05.H30"))
    _refused(_post(client, signed_by(other_material, message)), 403, "unknown_sender")


def test_a_package_signed_by_another_key_is_refused(client, world, peer_b, material) -> None:  # type: ignore[no-untyped-def]
    before = _counts()
    response = _post(client, signed_by(material, document_from_b(world)))  # not B's key
    _refused(response, 403, "bad_signature")
    assert _counts() == before


def test_an_unsigned_package_is_refused(client, world, peer_b) -> None:  # type: ignore[no-untyped-def]
    data = edxml.to_bytes(edxml.build_document(document_from_b(world)))
    _refused(_post(client, data), 403, "bad_signature")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<edXML", "invalid_edxml"),
        (b"<edXML xmlns='urn:not-edxml'/>", "wrong_namespace"),
        (
            b'<!DOCTYPE a [<!ENTITY a "aaaa">]><edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&a;</edXML>',
            "forbidden_xml",
        ),
    ],
)
def test_malformed_or_dangerous_xml_gets_a_clear_422(client, world, peer_b, data, code) -> None:  # type: ignore[no-untyped-def]
    before = _counts()
    body = _refused(_post(client, data), 422, code)
    assert body["errors"]
    assert _counts() == before


def test_an_empty_body_is_refused(client, db) -> None:  # type: ignore[no-untyped-def]
    _refused(_post(client, b""), 422, "invalid_input")


def test_an_oversized_package_gets_413_before_it_is_read(  # type: ignore[no-untyped-def]
    client, world, peer_b, other_material, settings
) -> None:
    data = signed_by(other_material, document_from_b(world))
    settings.EXCHANGE_MAX_PACKAGE_BYTES = len(data) - 1
    _refused(_post(client, data), 413, "package_too_large")


def test_a_signed_but_incomplete_package_names_the_missing_field(  # type: ignore[no-untyped-def]
    client, world, peer_b, other_material
) -> None:
    root = edxml.build_document(document_from_b(world))
    ns = "{http://www.mic.gov.vn/TBT/QCVN_102_2016}"
    subject = root.find(f".//{ns}MessageHeader/{ns}Subject")
    subject.getparent().remove(subject)
    body = _refused(_post(client, signing.sign(root, other_material)), 422, "invalid_edxml")
    assert [e["field"] for e in body["errors"]] == ["MessageHeader.Subject"]


def test_a_package_for_nobody_here_is_refused(client, world, peer_b, other_material) -> None:  # type: ignore[no-untyped-def]
    message = document_from_b(world, to=(organization("000.00.00.H93", "Nơi khác"),))
    body = _refused(_post(client, signed_by(other_material, message)), 422, "invalid_input")
    assert body["errors"][0]["field"] == "MessageHeader.To"
    assert Transmission.objects.count() == 0


def test_a_named_organ_must_be_a_recipient(client, world, peer_b, other_material) -> None:  # type: ignore[no-untyped-def]
    data = signed_by(other_material, document_from_b(world))
    body = _refused(_post(client, data, to=world.justice.organ_code), 422, "invalid_input")
    assert body["errors"][0]["field"] == "to"


def test_a_status_message_sent_to_the_document_endpoint_is_refused(  # type: ignore[no-untyped-def]
    client, world, peer_b, other_material
) -> None:
    status = sample_status(document_from_b(world))
    _refused(_post(client, signed_by(other_material, status)), 422, "wrong_package_kind")


def test_received_packages_are_kept_exactly_as_sent(client, world, peer_b, other_material) -> None:  # type: ignore[no-untyped-def]
    data = signed_by(other_material, document_from_b(world))
    _post(client, data)
    kept = Message.objects.get(direction=Direction.INCOMING, kind=MessageKind.DOCUMENT)
    assert kept.payload.encode("utf-8") == data
    assert kept.digest == hashlib.sha256(data).hexdigest()


def test_a_copy_without_a_named_organ_registers_the_organs_still_missing(  # type: ignore[no-untyped-def]
    client, world, peer_b, material, other_material
) -> None:
    to = (
        organization(world.construction.organ_code, world.construction.name),
        organization(world.justice.organ_code, world.justice.name),
    )
    data = signed_by(other_material, document_from_b(world, to=to))
    _post(client, data, to=world.justice.organ_code)
    response = _post(client, data)  # a copy for every local recipient
    assert response["Edxml-Duplicate"] == "0"
    assert _ack(response, material).sender.organ_id == world.construction.organ_code
    assert Transmission.objects.count() == 2
    again = _post(client, data)
    assert again["Edxml-Duplicate"] == "1"
    assert Transmission.objects.count() == 2
