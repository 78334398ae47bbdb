"""The sender's changes after sending: update (BussinessDocType 2) and replacement (3)."""

from __future__ import annotations

import dataclasses

import pytest

from egov.exchange import actions, edxml, signing
from egov.exchange.codes import BusinessDocType
from egov.exchange.models import Endpoint, OutboxItem, RequestState, Transmission
from egov.exchange.samples import organization, sample_document
from egov.exchange.tests.helpers import B_ORGAN, b_organization
from egov.lib.problems import InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def original(world, peer_b) -> edxml.DocumentMessage:  # type: ignore[no-untyped-def]
    message = sample_document(
        sender=organization(world.construction.organ_code, world.construction.name),
        to=(b_organization(),),
    )
    actions.send_document(acting_user=world.document_clerk, message=message)
    return message


def _last_package(material) -> edxml.DocumentMessage:  # type: ignore[no-untyped-def]
    item = OutboxItem.objects.filter(endpoint=Endpoint.EDXML).order_by("pk").last()
    root = edxml.parse_xml(item.message.payload.encode(), max_bytes=10_000_000)
    return edxml.read_document(signing.verify(root, material.certificate))


def test_an_update_goes_to_the_receivers_with_the_same_document_id(  # type: ignore[no-untyped-def]
    world, original, material
) -> None:
    update = dataclasses.replace(
        original,
        header=dataclasses.replace(original.header, subject="Kế hoạch (sửa đổi lần 1)"),
        business=edxml.Business(
            doc_type=BusinessDocType.UPDATE,
            reason="Sửa trích yếu",
            document_id=original.document_id,
            document_info_changed=True,
        ),
    )
    (transmission,) = actions.send_update(acting_user=world.leader, message=update)
    assert transmission.request_state == RequestState.PENDING
    assert transmission.request_type == BusinessDocType.UPDATE
    package = _last_package(material)
    assert package.document_id == original.document_id
    assert package.header.subject == "Kế hoạch (sửa đổi lần 1)"
    assert package.business.document_info_changed is True
    assert OutboxItem.objects.filter(transmission=transmission).count() == 2


def test_an_update_needs_type_2_and_a_sent_document(world, original) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput):
        actions.send_update(acting_user=world.leader, message=original)
    stranger = dataclasses.replace(
        sample_document(
            sender=organization(world.construction.organ_code, world.construction.name),
            to=(b_organization(),),
            number="99",
        ),
    )
    stranger = dataclasses.replace(
        stranger,
        business=edxml.Business(
            doc_type=BusinessDocType.UPDATE, reason="x", document_id=stranger.document_id
        ),
    )
    with pytest.raises(NotFound):
        actions.send_update(acting_user=world.leader, message=stranger)


def test_an_outsider_cannot_update_another_agencys_document(world, original) -> None:  # type: ignore[no-untyped-def]
    update = dataclasses.replace(
        original,
        business=edxml.Business(
            doc_type=BusinessDocType.UPDATE, reason="x", document_id=original.document_id
        ),
    )
    with pytest.raises(PermissionDenied):
        actions.send_update(acting_user=world.outsider, message=update)


def test_a_replacement_is_a_new_document_that_asks_to_replace_the_old(  # type: ignore[no-untyped-def]
    world, original, material
) -> None:
    new_code = edxml.Code("59", original.header.code.notation)
    header = dataclasses.replace(
        original.header,
        code=new_code,
        document_id=edxml.document_id_for(
            original.header.sender.organ_id, original.header.promulgation.date, new_code
        ),
    )
    replacement = dataclasses.replace(
        original,
        header=header,
        business=edxml.Business(
            doc_type=BusinessDocType.REPLACE,
            reason="Thay thế văn bản số 58",
            replacements=(edxml.Replacement(original.document_id, (B_ORGAN,)),),
        ),
    )
    (new,) = actions.send_replacement(acting_user=world.document_clerk, message=replacement)
    assert new.document_id == header.document_id
    old = Transmission.objects.get(document_id=original.document_id)
    assert old.request_state == RequestState.PENDING
    assert old.request_type == BusinessDocType.REPLACE
    package = _last_package(material)
    assert package.business.replacements[0].document_id == original.document_id


def test_a_replacement_needs_type_3(world, original) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput):
        actions.send_replacement(acting_user=world.leader, message=original)


def test_a_revocation_needs_a_reason_and_an_agency_here(world, original) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as error:
        actions.request_revocation(
            acting_user=world.leader,
            document_id=original.document_id,
            sender_organ_code=world.construction.organ_code,
            reason="  ",
        )
    assert "reason" in error.value.errors
    with pytest.raises(InvalidInput):
        actions.request_revocation(
            acting_user=None,
            document_id=original.document_id,
            sender_organ_code="000.00.99.H58",
            reason="x",
        )


C_ORGAN = "000.00.00.H45"  # a third province, reached through its own peer entry


@pytest.fixture
def peer_c(other_material):  # type: ignore[no-untyped-def]
    from egov.exchange.models import Peer

    _key, cert = signing.material_to_pem(other_material)
    return Peer.objects.create(
        organ_code=C_ORGAN,
        name="Ủy ban nhân dân tỉnh Long An",
        endpoint_url="http://127.0.0.1:9",
        certificate=cert.decode(),
    )


def _packages(material, organ: str) -> list[edxml.DocumentMessage]:  # type: ignore[no-untyped-def]
    found = []
    for item in OutboxItem.objects.filter(
        endpoint=Endpoint.EDXML, recipient_organ_code=organ
    ).order_by("pk"):
        root = edxml.parse_xml(item.message.payload.encode(), max_bytes=10_000_000)
        found.append(edxml.read_document(signing.verify(root, material.certificate)))
    return found


def test_receivers_added_by_an_update_are_sent_the_document(  # type: ignore[no-untyped-def]
    world, original, peer_c, material
) -> None:
    (sent_to_b,) = Transmission.objects.filter(remote_organ_code=B_ORGAN)
    update = actions.update_of(sent_to_b, reason="Bổ sung nơi nhận", add=[C_ORGAN])

    result = actions.send_update(acting_user=world.leader, message=update)

    by_organ = {t.remote_organ_code: t for t in result}
    assert set(by_organ) == {B_ORGAN, C_ORGAN}
    assert by_organ[B_ORGAN].request_state == RequestState.PENDING  # B is asked to agree
    assert by_organ[C_ORGAN].request_state != RequestState.PENDING  # C simply gets it
    assert by_organ[C_ORGAN].document_id == original.document_id
    (to_b,) = _packages(material, B_ORGAN)[-1:]
    assert to_b.business.doc_type == BusinessDocType.UPDATE
    assert [(c.receiver_type, c.organ_id) for c in to_b.business.receiver_changes] == [(1, C_ORGAN)]
    (to_c,) = _packages(material, C_ORGAN)
    assert to_c.business.doc_type == BusinessDocType.NEW
    assert to_c.document_id == original.document_id
    assert C_ORGAN in [org.organ_id for org in to_c.header.to]
    assert [a.name for a in to_c.attachments] == [a.name for a in original.attachments]
    # B and C answered (15); a second update naming C again does not send it a new copy.
    Transmission.objects.update(request_state=RequestState.AGREED)
    again = actions.update_of(
        sent_to_b, reason="Sửa trích yếu", subject="Kế hoạch (sửa đổi)", add=[C_ORGAN]
    )
    actions.send_update(acting_user=world.leader, message=again)
    assert len(_packages(material, C_ORGAN)) == 2  # the update itself, not a second new copy
    assert _packages(material, C_ORGAN)[-1].business.doc_type == BusinessDocType.UPDATE


def test_an_added_receiver_without_a_peer_is_named_in_the_error(world, original) -> None:  # type: ignore[no-untyped-def]
    (sent_to_b,) = Transmission.objects.filter(remote_organ_code=B_ORGAN)
    update = actions.update_of(sent_to_b, reason="Bổ sung nơi nhận", add=["000.00.00.H99"])
    with pytest.raises(InvalidInput) as caught:
        actions.send_update(acting_user=world.leader, message=update)
    assert "ReceiverList" in next(iter(caught.value.errors))
    assert Transmission.objects.count() == 1


def test_an_update_through_the_api(world, original, peer_c, api) -> None:  # type: ignore[no-untyped-def]
    (sent_to_b,) = Transmission.objects.filter(remote_organ_code=B_ORGAN)
    url = f"/api/v1/exchange/transmissions/{sent_to_b.pk}/update"
    api.login(world.specialist)
    assert api.post(url, {"reason": "x", "add": [C_ORGAN]}).status_code == 404  # not theirs
    api.login(world.document_clerk)
    bad = api.post(url, {"reason": "Bổ sung", "add": ["not-an-organ"]})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "add"
    response = api.post(
        url, {"reason": "Bổ sung nơi nhận", "subject": "Kế hoạch (sửa đổi)", "add": [C_ORGAN]}
    )
    assert response.status_code == 200, response.content
    assert {t["remote_organ_code"] for t in response.json()} == {B_ORGAN, C_ORGAN}
