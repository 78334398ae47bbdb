"""The receiver's side: reporting how a received document is handled, and answering the sender's
revocation, update and replacement requests. Here without the documents app (the record-only
handler), so the clerk reports every status; test_documents.py covers the documents app."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from django.db import connection

from egov.exchange import actions, edxml, receiving, signing
from egov.exchange.codes import BusinessDocType, StatusCode
from egov.exchange.models import (
    Direction,
    Endpoint,
    EventKind,
    Handling,
    OutboxItem,
    RequestState,
    Transmission,
)
from egov.exchange.tests.helpers import B_ORGAN, document_from_b, signed_by
from egov.lib.problems import Conflict, InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _record_only(settings) -> None:  # type: ignore[no-untyped-def]
    settings.EXCHANGE_DOCUMENTS_HANDLER = "egov.exchange.integration.RecordOnlyHandler"


@pytest.fixture
def received(world, peer_b, other_material):  # type: ignore[no-untyped-def]
    """A document B sent to Sở Xây dựng, registered here."""
    message = document_from_b(world)
    receipt = receiving.receive_document(signed_by(other_material, message))
    return Transmission.objects.get(pk=receipt.transmission_ids[0]), message


def _status_sent(material) -> list[edxml.StatusMessage]:  # type: ignore[no-untyped-def]
    found = []
    for item in OutboxItem.objects.filter(endpoint=Endpoint.STATUS).order_by("pk"):
        root = edxml.parse_xml(item.message.payload.encode(), max_bytes=1_000_000)
        found.append(edxml.read_status(signing.verify(root, material.certificate)))
    return found


def test_reporting_progress_sends_signed_statuses_back(world, received, material) -> None:  # type: ignore[no-untyped-def]
    transmission, message = received
    for code in ("03", "04", "05", "06"):
        actions.report_status(
            acting_user=world.document_clerk, transmission_id=transmission.pk, code=code
        )
    transmission.refresh_from_db()
    assert transmission.status == Handling.FINISHED
    statuses = _status_sent(material)
    assert [s.code for s in statuses] == ["03", "04", "05", "06"]
    assert {s.response_for.document_id for s in statuses} == {message.document_id}
    assert {s.response_for.organ_id for s in statuses} == {B_ORGAN}
    assert statuses[0].staff.staff == "Đặng Thị Hoa"  # the document clerk
    items = OutboxItem.objects.filter(endpoint=Endpoint.STATUS)
    assert {i.url for i in items} == {"http://127.0.0.1:9/api/v1/exchange/status"}


def test_a_refusal_is_reported_with_its_reason(world, received, material) -> None:  # type: ignore[no-untyped-def]
    transmission, _message = received
    actions.report_status(
        acting_user=world.leader,
        transmission_id=transmission.pk,
        code="02",
        description="Không đúng thẩm quyền",
    )
    (status,) = _status_sent(material)
    assert (status.code, status.description) == ("02", "Không đúng thẩm quyền")


@pytest.mark.parametrize(("first", "then"), [("06", "03"), ("02", "03"), ("05", "04")])
def test_a_status_cannot_go_back(world, received, first, then) -> None:  # type: ignore[no-untyped-def]
    transmission, _message = received
    actions.report_status(
        acting_user=world.document_clerk, transmission_id=transmission.pk, code=first
    )
    with pytest.raises(Conflict):
        actions.report_status(
            acting_user=world.document_clerk, transmission_id=transmission.pk, code=then
        )


@pytest.mark.parametrize("code", ["00", "01", "13", "07"])
def test_only_codes_02_to_06_can_be_reported(world, received, code) -> None:  # type: ignore[no-untyped-def]
    transmission, _message = received
    with pytest.raises(InvalidInput):
        actions.report_status(
            acting_user=world.document_clerk, transmission_id=transmission.pk, code=code
        )


def test_only_staff_of_the_receiving_agency_report(world, received) -> None:  # type: ignore[no-untyped-def]
    transmission, _message = received
    with pytest.raises(PermissionDenied):
        actions.report_status(
            acting_user=world.outsider, transmission_id=transmission.pk, code="03"
        )
    with pytest.raises(PermissionDenied):
        actions.report_status(
            acting_user=world.specialist, transmission_id=transmission.pk, code="03"
        )


def test_statuses_are_reported_on_received_documents_only(world, peer_b) -> None:  # type: ignore[no-untyped-def]
    from egov.exchange.samples import organization, sample_document
    from egov.exchange.tests.helpers import b_organization

    (sent,) = actions.send_document(
        acting_user=world.document_clerk,
        message=sample_document(
            sender=organization(world.construction.organ_code, world.construction.name),
            to=(b_organization(),),
        ),
    )
    with pytest.raises(NotFound):
        actions.report_status(acting_user=world.document_clerk, transmission_id=sent.pk, code="03")


# --- requests from the sender --------------------------------------------------------------------
def _request(world, message, other_material, doc_type: int, **changes):  # type: ignore[no-untyped-def]
    receiver_changes = changes.pop("receiver_changes", ())
    business = edxml.Business(
        doc_type=doc_type,
        reason="Ban hành nhầm đối tượng",
        document_id=message.document_id if doc_type in (1, 2) else "",
        replacements=changes.pop("replacements", ()),
        receivers_changed=bool(receiver_changes),
        receiver_changes=receiver_changes,
    )
    header = dataclasses.replace(message.header, **changes.pop("header", {}))
    request = dataclasses.replace(message, header=header, business=business, **changes)
    return receiving.receive_document(signed_by(other_material, request))


def test_a_revocation_is_acknowledged_with_13_and_waits_for_an_answer(  # type: ignore[no-untyped-def]
    world, received, other_material, material
) -> None:
    transmission, message = received
    receipt = _request(world, message, other_material, BusinessDocType.REVOKE)
    ack = edxml.read_status(
        signing.verify(edxml.parse_xml(receipt.ack, max_bytes=1_000_000), material.certificate)
    )
    assert ack.code == StatusCode.REVOKED
    transmission.refresh_from_db()
    assert transmission.request_state == RequestState.PENDING
    assert transmission.request_type == BusinessDocType.REVOKE
    assert transmission.request_reason == "Ban hành nhầm đối tượng"
    # The same request again changes nothing and gets the same acknowledgement.
    again = _request(world, message, other_material, BusinessDocType.REVOKE)
    assert again.duplicate is True
    assert again.ack == receipt.ack


def test_agreeing_to_a_revocation_withdraws_the_document_and_answers_15(  # type: ignore[no-untyped-def]
    world, received, other_material, material
) -> None:
    transmission, message = received
    _request(world, message, other_material, BusinessDocType.REVOKE)
    actions.decide_request(acting_user=world.leader, transmission_id=transmission.pk, agree=True)
    transmission.refresh_from_db()
    assert transmission.request_state == RequestState.AGREED
    assert transmission.is_withdrawn
    (answer,) = _status_sent(material)
    assert answer.code == StatusCode.REQUEST_AGREED
    with pytest.raises(Conflict):  # a withdrawn document gets no further statuses
        actions.report_status(acting_user=world.leader, transmission_id=transmission.pk, code="03")


def test_refusing_a_revocation_answers_16_and_the_sender_may_ask_again(  # type: ignore[no-untyped-def]
    world, received, other_material, material
) -> None:
    transmission, message = received
    _request(world, message, other_material, BusinessDocType.REVOKE)
    actions.decide_request(
        acting_user=world.document_clerk,
        transmission_id=transmission.pk,
        agree=False,
        note="Đã xử lý",
    )
    transmission.refresh_from_db()
    assert transmission.request_state == RequestState.REFUSED
    assert not transmission.is_withdrawn
    assert [(s.code, s.description) for s in _status_sent(material)] == [("16", "Đã xử lý")]
    _request(world, message, other_material, BusinessDocType.REVOKE)
    transmission.refresh_from_db()
    assert transmission.request_state == RequestState.PENDING


def test_a_decision_needs_a_pending_request(world, received) -> None:  # type: ignore[no-untyped-def]
    transmission, _message = received
    with pytest.raises(Conflict):
        actions.decide_request(
            acting_user=world.leader, transmission_id=transmission.pk, agree=True
        )


def test_the_second_of_two_decisions_gets_409(world, received, other_material) -> None:  # type: ignore[no-untyped-def]
    transmission, message = received
    _request(world, message, other_material, BusinessDocType.REVOKE)
    actions.decide_request(acting_user=world.leader, transmission_id=transmission.pk, agree=True)
    with pytest.raises(Conflict):
        actions.decide_request(
            acting_user=world.document_clerk, transmission_id=transmission.pk, agree=False
        )


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks between threads need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_decisions_one_wins(world, peer_b, other_material) -> None:  # type: ignore[no-untyped-def]
    message = document_from_b(world)
    receipt = receiving.receive_document(signed_by(other_material, message))
    transmission = Transmission.objects.get(pk=receipt.transmission_ids[0])
    _request(world, message, other_material, BusinessDocType.REVOKE)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(user, agree: bool) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            actions.decide_request(acting_user=user, transmission_id=transmission.pk, agree=agree)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(world.leader, True)),
        threading.Thread(target=decide, args=(world.document_clerk, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert OutboxItem.objects.filter(endpoint=Endpoint.STATUS).count() == 1


def test_a_revocation_of_an_unknown_document_is_404(world, peer_b, other_material) -> None:  # type: ignore[no-untyped-def]
    message = document_from_b(world)
    with pytest.raises(NotFound):
        _request(world, message, other_material, BusinessDocType.REVOKE)


def test_an_agreed_update_changes_the_registered_document(world, received, other_material) -> None:  # type: ignore[no-untyped-def]
    transmission, message = received
    _request(
        world,
        message,
        other_material,
        BusinessDocType.UPDATE,
        header={"subject": "Kế hoạch (sửa đổi) ứng dụng công nghệ thông tin năm 2026"},
    )
    transmission.refresh_from_db()
    assert transmission.request_type == BusinessDocType.UPDATE
    assert transmission.subject == message.header.subject  # not before the receiver agrees
    actions.decide_request(acting_user=world.leader, transmission_id=transmission.pk, agree=True)
    transmission.refresh_from_db()
    assert transmission.subject.startswith("Kế hoạch (sửa đổi)")
    assert not transmission.is_withdrawn


def test_a_replacement_registers_the_new_document_and_asks_about_the_old(  # type: ignore[no-untyped-def]
    world, received, other_material
) -> None:
    old, message = received
    new_code = edxml.Code("59", message.header.code.notation)
    new_id = edxml.document_id_for(
        message.header.sender.organ_id, message.header.promulgation.date, new_code
    )
    receipt = _request(
        world,
        message,
        other_material,
        BusinessDocType.REPLACE,
        header={"code": new_code, "document_id": new_id},
        replacements=(edxml.Replacement(message.document_id, (world.construction.organ_code,)),),
    )
    new = Transmission.objects.get(pk=receipt.transmission_ids[0])
    assert new.document_id == new_id
    assert new.direction == Direction.INCOMING
    old.refresh_from_db()
    assert old.request_state == RequestState.PENDING
    assert old.request_type == BusinessDocType.REPLACE
    assert old.replaced_by == new_id
    actions.decide_request(acting_user=world.leader, transmission_id=old.pk, agree=True)
    old.refresh_from_db()
    assert old.is_withdrawn
    assert old.events.filter(kind=EventKind.REQUEST, to_value=RequestState.AGREED).exists()


def test_an_agreed_update_that_removes_this_receiver_withdraws_the_document(  # type: ignore[no-untyped-def]
    world, received, other_material, material
) -> None:
    transmission, message = received
    _request(
        world,
        message,
        other_material,
        BusinessDocType.UPDATE,
        receiver_changes=(edxml.ReceiverChange(0, world.construction.organ_code),),
    )
    transmission.refresh_from_db()
    assert transmission.request_state == RequestState.PENDING
    assert not transmission.is_withdrawn  # nothing happens before the receiver agrees
    actions.decide_request(acting_user=world.leader, transmission_id=transmission.pk, agree=True)
    transmission.refresh_from_db()
    assert transmission.is_withdrawn
    assert _status_sent(material)[-1].code == StatusCode.REQUEST_AGREED


def test_a_refused_update_or_replacement_leaves_the_document_as_it_was(  # type: ignore[no-untyped-def]
    world, received, other_material, material
) -> None:
    old, message = received
    _request(
        world,
        message,
        other_material,
        BusinessDocType.UPDATE,
        header={"subject": "Trích yếu đã sửa"},
        receiver_changes=(edxml.ReceiverChange(0, world.construction.organ_code),),
    )
    actions.decide_request(
        acting_user=world.leader, transmission_id=old.pk, agree=False, note="Không đồng ý"
    )
    old.refresh_from_db()
    assert (old.request_state, old.is_withdrawn, old.subject) == (
        RequestState.REFUSED,
        False,
        message.header.subject,
    )
    refusal = _status_sent(material)[-1]
    assert (refusal.code, refusal.description) == (StatusCode.REQUEST_REFUSED, "Không đồng ý")

    new_code = edxml.Code("59", message.header.code.notation)
    new_id = edxml.document_id_for(
        message.header.sender.organ_id, message.header.promulgation.date, new_code
    )
    _request(
        world,
        message,
        other_material,
        BusinessDocType.REPLACE,
        header={"code": new_code, "document_id": new_id},
        replacements=(edxml.Replacement(message.document_id, (world.construction.organ_code,)),),
    )
    old.refresh_from_db()
    assert (old.request_state, old.request_type) == (RequestState.PENDING, BusinessDocType.REPLACE)
    actions.decide_request(acting_user=world.leader, transmission_id=old.pk, agree=False)
    old.refresh_from_db()
    assert (old.request_state, old.is_withdrawn) == (RequestState.REFUSED, False)
    assert _status_sent(material)[-1].code == StatusCode.REQUEST_REFUSED
    # The replacement itself stays registered.
    assert Transmission.objects.filter(direction=Direction.INCOMING, document_id=new_id).exists()
