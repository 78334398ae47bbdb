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
