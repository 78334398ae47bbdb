"""The exchange with the documents app: official documents leave as edXML packages, their
receivers' statuses come back to the recipient rows, and received packages become incoming
documents whose handling is reported to the sender."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django_tasks_db.models import DBTaskResult

from egov.documents import actions as documents
from egov.documents.actions import FileSpec, RecipientSpec
from egov.documents.models import DeliveryStatus, Document, DocumentRecipient, Status
from egov.documents.tests.factories import advance, draft
from egov.exchange import edxml, receiving, signing, transport
from egov.exchange.codes import BusinessDocType, StatusCode
from egov.exchange.documents import (
    message_from_document,
    report_progress,
    sweep_documents,
    sweep_incoming_progress,
)
from egov.exchange.models import (
    Direction,
    Endpoint,
    Handling,
    OutboxItem,
    RequestState,
    Transmission,
)
from egov.exchange.samples import SMALL_PDF, sample_status
from egov.exchange.tests.helpers import (
    B_NAME,
    B_ORGAN,
    StubPeer,
    acknowledging,
    b_organization,
    document_from_b,
    signed_by,
)
from egov.lib.problems import Conflict, InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def stub(peer_b, other_material) -> Iterator[StubPeer]:  # type: ignore[no-untyped-def]
    server = StubPeer(acknowledging(other_material))
    peer_b.endpoint_url = server.url
    peer_b.save()
    yield server
    server.close()


def _sent_document(world, django_capture_on_commit_callbacks, **overrides) -> Document:  # type: ignore[no-untyped-def]
    overrides.setdefault(
        "recipients",
        [RecipientSpec(world.justice.organ_code), RecipientSpec(B_ORGAN, B_NAME)],
    )
    doc = draft(world, file=FileSpec("ke-hoach.pdf", SMALL_PDF), **overrides)
    documents.add_attachment(
        acting_user=world.specialist,
        document=doc,
        file=FileSpec("Phụ lục danh mục công trình.pdf", SMALL_PDF),
        description="Phụ lục I",
    )
    with django_capture_on_commit_callbacks(execute=True):
        return advance(world, doc, Status.SENT)


def test_sending_an_official_document_queues_an_edxml_package_for_the_remote_recipient(  # type: ignore[no-untyped-def]
    world, peer_b, material, django_capture_on_commit_callbacks
) -> None:
    doc = _sent_document(world, django_capture_on_commit_callbacks)
    sent = Transmission.objects.get()
    assert sent.direction == Direction.OUTGOING
    assert sent.document_id == doc.edxml_document_id
    assert sent.remote_organ_code == B_ORGAN
    assert sent.local_document_id == str(doc.pk)
    remote = DocumentRecipient.objects.get(document=doc, organ_id=B_ORGAN)
    assert remote.status == DeliveryStatus.SENT

    item = OutboxItem.objects.get()
    root = edxml.parse_xml(item.message.payload.encode(), max_bytes=10_000_000)
    message = edxml.read_document(signing.verify(root, material.certificate))
    header = message.header
    assert header.code == edxml.Code(doc.code_number, doc.code_notation)
    assert header.subject == doc.subject
    assert header.document_type == edxml.DocumentType(10, "Kế hoạch")
    assert header.signer.full_name == doc.signer_full_name
    assert header.signer.position == "Giám đốc"
    assert [to.organ_id for to in header.to] == [world.justice.organ_code, B_ORGAN]
    assert [a.name for a in message.attachments] == [
        f"{doc.code_number}-{doc.code_notation}.pdf",
        "Phụ lục danh mục công trình.pdf",
    ]
    assert header.other_info.appendixes == ("Phụ lục danh mục công trình.pdf",)


def test_the_receivers_statuses_reach_the_recipient_row(  # type: ignore[no-untyped-def]
    client, world, stub, other_material, django_capture_on_commit_callbacks
) -> None:
    doc = _sent_document(world, django_capture_on_commit_callbacks)
    assert transport.process_outbox(concurrency=1) == 1
    remote = DocumentRecipient.objects.get(document=doc, organ_id=B_ORGAN)
    assert (remote.status, remote.status_code) == (DeliveryStatus.DELIVERED, "01")

    message = message_from_document(doc)
    status = sample_status(message, code=StatusCode.FINISHED, sender=b_organization())
    response = client.post(
        "/api/v1/exchange/status", signed_by(other_material, status), content_type="application/xml"
    )
    assert response.status_code == 200
    remote.refresh_from_db()
    assert remote.status_code == "06"


def test_a_remote_recipient_without_a_peer_waits_with_the_reason_until_one_is_added(  # type: ignore[no-untyped-def]
    world, db, other_material, django_capture_on_commit_callbacks
) -> None:
    doc = _sent_document(world, django_capture_on_commit_callbacks)
    remote = DocumentRecipient.objects.get(document=doc, organ_id=B_ORGAN)
    assert remote.status == DeliveryStatus.TO_SEND
    assert "peer" in remote.status_description
    assert Transmission.objects.count() == 0
    history = doc.history.count()
    assert sweep_documents() == 0
    assert doc.history.count() == history  # the reason is recorded once, not at every sweep

    from egov.exchange.actions import save_peer

    _key, cert = signing.material_to_pem(other_material)
    save_peer(
        acting_user=None,
        organ_code=B_ORGAN,
        name=B_NAME,
        endpoint_url="http://127.0.0.1:9",
        certificate=cert.decode(),
    )
    assert sweep_documents() == 1
    remote.refresh_from_db()
    assert remote.status == DeliveryStatus.SENT
    assert Transmission.objects.get().remote_organ_code == B_ORGAN


def test_a_failed_delivery_reaches_the_recipient_row(  # type: ignore[no-untyped-def]
    world, stub, django_capture_on_commit_callbacks
) -> None:
    stub.respond = lambda path, body: (422, b'{"detail": "Sai"}', "application/problem+json")
    doc = _sent_document(world, django_capture_on_commit_callbacks)
    transport.process_outbox(concurrency=1)
    remote = DocumentRecipient.objects.get(document=doc, organ_id=B_ORGAN)
    assert remote.status == DeliveryStatus.FAILED
    assert "HTTP 422" in remote.status_description


def test_the_sweep_sends_what_no_signal_handler_took(  # type: ignore[no-untyped-def]
    world, peer_b, django_capture_on_commit_callbacks
) -> None:
    doc = draft(world, recipients=[RecipientSpec(B_ORGAN, B_NAME)])
    with django_capture_on_commit_callbacks(execute=False):  # as if the process died
        doc = advance(world, doc, Status.SENT)
    assert DocumentRecipient.objects.get(document=doc).status == DeliveryStatus.TO_SEND
    assert sweep_documents() == 1
    assert sweep_documents() == 0
    assert Transmission.objects.get().document_id == doc.edxml_document_id


def test_revoking_an_official_document_asks_the_remote_receiver(  # type: ignore[no-untyped-def]
    world, stub, material, django_capture_on_commit_callbacks
) -> None:
    doc = _sent_document(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        documents.revoke_document(acting_user=world.leader, document=doc, reason="Ban hành nhầm")
    sent = Transmission.objects.get()
    assert sent.request_state == RequestState.PENDING
    assert sent.request_type == BusinessDocType.REVOKE
    item = OutboxItem.objects.filter(endpoint=Endpoint.EDXML).order_by("pk").last()
    root = edxml.parse_xml(item.message.payload.encode(), max_bytes=10_000_000)
    revocation = edxml.read_document(signing.verify(root, material.certificate))
    assert revocation.business.doc_type == BusinessDocType.REVOKE
    assert revocation.business.reason == "Ban hành nhầm"
    assert revocation.business.document_id == doc.edxml_document_id


# --- receiving ----------------------------------------------------------------------------
@pytest.fixture
def arrived(world, peer_b, other_material):  # type: ignore[no-untyped-def]
    """A document from B that arrived and waits for the document clerk's check."""
    receipt = receiving.receive_document(signed_by(other_material, document_from_b(world)))
    transmission = Transmission.objects.get(pk=receipt.transmission_ids[0])
    return transmission, Document.objects.get(pk=transmission.local_document_id)


@pytest.fixture
def incoming(world, arrived):  # type: ignore[no-untyped-def]
    """... accepted and registered by the document clerk."""
    transmission, document = arrived
    document = documents.accept_arrival(acting_user=world.document_clerk, document=document)
    return transmission, document


def _reported(transmission: Transmission) -> list[str]:
    return list(
        OutboxItem.objects.filter(transmission=transmission, endpoint=Endpoint.STATUS)
        .order_by("pk")
        .values_list("message__status_code", flat=True)
    )


def test_an_arrival_waits_for_the_clerk_and_accepting_it_reports_accepted_and_waiting(  # type: ignore[no-untyped-def]
    world, peer_b, other_material, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        receipt = receiving.receive_document(signed_by(other_material, document_from_b(world)))
    transmission = Transmission.objects.get(pk=receipt.transmission_ids[0])
    document = Document.objects.get(pk=transmission.local_document_id)
    assert document.status == "arrived"
    assert document.register_number is None  # not in the register before the check
    assert report_progress(transmission.pk) == []  # 01 only: nothing decided yet
    assert not DBTaskResult.objects.filter(task_path__endswith="report_incoming_progress")

    with django_capture_on_commit_callbacks(execute=True):
        document = documents.accept_arrival(acting_user=world.document_clerk, document=document)
    assert document.status == "registered"
    assert document.register_number == 1
    assert _reported(transmission) == []  # the acceptance does not wait for the reports
    task = DBTaskResult.objects.get(task_path__endswith="report_incoming_progress")
    assert task.args_kwargs["args"] == [transmission.pk]
    assert report_progress(transmission.pk) == ["03", "04"]
    assert _reported(transmission) == ["03", "04"]
    assert report_progress(transmission.pk) == []  # nothing new to tell


def test_the_clerk_refuses_an_arrival_and_the_sender_gets_02_with_the_reason(  # type: ignore[no-untyped-def]
    world, arrived
) -> None:
    transmission, document = arrived
    with pytest.raises(InvalidInput):
        documents.refuse_arrival(acting_user=world.document_clerk, document=document, reason=" ")
    with pytest.raises(PermissionDenied):  # the leader does not check arrivals
        documents.refuse_arrival(acting_user=world.leader, document=document, reason="Sai")
    document = documents.refuse_arrival(
        acting_user=world.document_clerk, document=document, reason="Gửi nhầm cơ quan"
    )
    assert document.status == "refused"
    assert document.register_number is None
    assert report_progress(transmission.pk) == ["02"]
    transmission.refresh_from_db()
    assert transmission.status == Handling.REFUSED
    refusal = OutboxItem.objects.get(transmission=transmission, endpoint=Endpoint.STATUS)
    status = edxml.read_status(edxml.parse_xml(refusal.message.payload.encode(), max_bytes=10**7))
    assert status.code == "02"
    assert status.description == "Gửi nhầm cơ quan"
    # Refused is final: no acceptance afterwards.
    with pytest.raises(Conflict):
        documents.accept_arrival(acting_user=world.document_clerk, document=document)
    assert report_progress(transmission.pk) == []


def test_handling_the_incoming_document_is_reported_to_the_sender(  # type: ignore[no-untyped-def]
    world, incoming, django_capture_on_commit_callbacks
) -> None:
    transmission, document = incoming
    report_progress(transmission.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        document = documents.assign_document(
            acting_user=world.leader,
            document=document,
            unit=world.construction_unit,
            assignee=world.specialist,
        )
    assert callbacks  # a task for the worker
    assert report_progress(transmission.pk) == ["05"]
    document = documents.start_handling(acting_user=world.specialist, document=document)
    assert report_progress(transmission.pk) == []  # still 05
    documents.complete_document(acting_user=world.specialist, document=document, result="Xong")
    assert report_progress(transmission.pk) == ["06"]
    transmission.refresh_from_db()
    assert transmission.status == Handling.FINISHED
    assert _reported(transmission) == ["03", "04", "05", "06"]


def test_the_sweep_reports_what_no_task_did(world, incoming) -> None:  # type: ignore[no-untyped-def]
    transmission, document = incoming
    documents.assign_document(
        acting_user=world.leader, document=document, unit=world.construction_unit
    )
    assert sweep_incoming_progress() == 3  # 03, 04 and 05
    assert sweep_incoming_progress() == 0
    assert _reported(transmission) == ["03", "04", "05"]


def test_an_agreed_revocation_withdraws_the_incoming_document(  # type: ignore[no-untyped-def]
    world, incoming, other_material
) -> None:
    import dataclasses

    transmission, document = incoming
    message = document_from_b(world)
    revocation = dataclasses.replace(
        message,
        business=edxml.Business(
            doc_type=BusinessDocType.REVOKE,
            reason="Sai thẩm quyền",
            document_id=message.document_id,
        ),
    )
    receiving.receive_document(signed_by(other_material, revocation))
    document.refresh_from_db()
    assert document.status == Status.REGISTERED  # nothing happens before the answer
    from egov.exchange.actions import decide_request

    decide_request(acting_user=world.document_clerk, transmission_id=transmission.pk, agree=True)
    document.refresh_from_db()
    assert document.status == Status.REVOKED
    assert document.markers.get().reason == "Sai thẩm quyền"
    assert _reported(transmission) == ["15"]
    assert report_progress(transmission.pk) == []  # a withdrawn document reports nothing more


def test_a_refusal_reported_from_the_exchange_refuses_the_arrival_in_the_documents_app(  # type: ignore[no-untyped-def]
    world, arrived
) -> None:
    from egov.exchange import actions as exchange

    transmission, document = arrived
    with pytest.raises(PermissionDenied):  # the documents app: only its document clerk refuses
        exchange.report_status(
            acting_user=world.leader, transmission_id=transmission.pk, code="02", description="x"
        )
    exchange.report_status(
        acting_user=world.document_clerk,
        transmission_id=transmission.pk,
        code="02",
        description="Gửi nhầm cơ quan",
    )
    document.refresh_from_db()
    transmission.refresh_from_db()
    assert (document.status, document.refusal_reason) == ("refused", "Gửi nhầm cơ quan")
    assert transmission.status == Handling.REFUSED
    assert report_progress(transmission.pk) == []  # 02 went once, with the report
    assert _reported(transmission) == ["02"]
