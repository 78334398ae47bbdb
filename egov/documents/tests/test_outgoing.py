"""Drafting, signing and distributing an outgoing document."""

from __future__ import annotations

import pytest

from egov.documents import actions
from egov.documents.actions import RecipientSpec
from egov.documents.models import (
    DeliveryChannel,
    DeliveryStatus,
    Direction,
    Document,
    RegisterKind,
    Status,
)
from egov.documents.seams import documents_to_exchange
from egov.documents.tests.factories import REMOTE_ORGAN, advance, draft, incoming_in, outgoing_in
from egov.lib.problems import Conflict, InvalidInput, PermissionDenied
from egov.notifications.models import Notification
from egov.org.models import Membership, Position, Role

pytestmark = pytest.mark.django_db


def test_a_draft_gets_the_agency_metadata_and_a_first_version(world) -> None:  # type: ignore[no-untyped-def]
    doc = draft(world)
    assert doc.direction == Direction.OUTGOING
    assert doc.status == Status.DRAFT
    assert doc.organ_id == "000.00.09.H58"
    assert doc.organ_name == "Sở Xây dựng tỉnh Tiền Giang"
    assert doc.type_name == "Kế hoạch"
    assert doc.drafting_unit == world.construction_unit
    assert doc.archive_copies == "VT, QLXD"
    assert doc.code_number == ""
    assert [v.number for v in doc.versions.all()] == [1]
    recipient = doc.recipients.get()
    assert (recipient.organ_id, recipient.channel) == (world.justice.organ_code, "local")
    assert recipient.organ_name == "Sở Tư pháp tỉnh Tiền Giang"


def test_an_official_letter_needs_a_drafting_unit(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as caught:
        draft(world, acting_user=world.leader, doc_type="cong_van")
    assert "drafting_unit" in caught.value.errors


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": "x" * 501}, "subject"),
        ({"doc_type": "thu_ngo"}, "doc_type"),
        ({"priority": 7}, "priority"),
        ({"recipients": [RecipientSpec("not-a-code")]}, "recipients.0"),
        ({"recipients": [RecipientSpec("000.00.09.H58")]}, "recipients.0"),
        ({"recipients": [RecipientSpec(REMOTE_ORGAN)]}, "recipients.0"),
    ],
)
def test_bad_draft_input_names_the_field_and_writes_nothing(world, overrides, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as caught:
        draft(world, **overrides)
    assert field in caught.value.errors
    assert not Document.objects.exists()


def test_someone_outside_the_agency_cannot_draft_for_it(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        draft(world, acting_user=world.outsider)


def test_editing_a_draft_makes_a_new_version_and_keeps_the_old_one(world) -> None:  # type: ignore[no-untyped-def]
    doc = draft(world)
    version = actions.update_draft(
        acting_user=world.specialist,
        document=doc,
        subject="Kế hoạch kiểm tra trật tự xây dựng năm 2026 (sửa đổi)",
        recipients=[RecipientSpec(REMOTE_ORGAN, "UBND tỉnh Hậu Giang")],
        note="Thêm nơi nhận",
    )
    doc.refresh_from_db()
    assert version.number == 2
    assert doc.subject.endswith("(sửa đổi)")
    assert [v.subject for v in doc.versions.order_by("number")] == [
        "Kế hoạch kiểm tra trật tự xây dựng năm 2026",
        "Kế hoạch kiểm tra trật tự xây dựng năm 2026 (sửa đổi)",
    ]
    assert doc.recipients.get().channel == DeliveryChannel.EDXML


def test_a_submitted_draft_can_no_longer_be_edited(world) -> None:  # type: ignore[no-untyped-def]
    doc = outgoing_in(world, Status.IN_REVIEW)
    with pytest.raises(Conflict):
        actions.update_draft(acting_user=world.specialist, document=doc, subject="Khác")


def test_a_returned_draft_is_edited_and_submitted_again(world) -> None:  # type: ignore[no-untyped-def]
    doc = outgoing_in(world, Status.RETURNED)
    actions.update_draft(acting_user=world.specialist, document=doc, content="Đã bổ sung số liệu")
    doc = actions.submit_document(acting_user=world.specialist, document=doc)
    assert doc.status == Status.IN_REVIEW
    assert [e.action for e in doc.history.all()] == ["create", "submit", "return", "edit", "submit"]


def test_returning_needs_a_reason(world) -> None:  # type: ignore[no-untyped-def]
    doc = outgoing_in(world, Status.IN_REVIEW)
    with pytest.raises(InvalidInput) as caught:
        actions.return_document(acting_user=world.unit_head, document=doc, reason="  ")
    assert "reason" in caught.value.errors


def test_submitting_tells_the_unit_head(world) -> None:  # type: ignore[no-untyped-def]
    outgoing_in(world, Status.IN_REVIEW)
    assert Notification.objects.filter(
        recipient=world.unit_head, event="documents.submitted"
    ).exists()


def test_a_deputy_signs_for_the_director_with_his_own_post(world) -> None:  # type: ignore[no-untyped-def]
    deputy_post = Position.objects.create(name="Phó Giám đốc", is_leadership=True)
    Membership.objects.filter(user=world.leader).update(position=deputy_post)
    doc = outgoing_in(world, Status.APPROVED)
    signed = actions.sign_document(
        acting_user=world.leader, document=doc, authority="KT.", on_behalf_of="Giám đốc"
    )
    assert signed.signer_competence == "KT. GIÁM ĐỐC"
    assert signed.signer_position == "Phó Giám đốc"
    assert signed.signer_full_name == "Võ Thị Giang"
    assert signed.signer == world.leader
    assert signed.is_digitally_signed is False  # no signer configured: the decision only
    assert signed.metadata()["SignerInfo"] == {
        "Competence": "KT. GIÁM ĐỐC",
        "Position": "Phó Giám đốc",
        "FullName": "Võ Thị Giang",
    }


def test_a_prefix_needs_the_title_signed_for(world) -> None:  # type: ignore[no-untyped-def]
    doc = outgoing_in(world, Status.APPROVED)
    with pytest.raises(InvalidInput) as caught:
        actions.sign_document(
            acting_user=world.leader, document=doc, authority="TM.", position="Chủ tịch"
        )
    assert "on_behalf_of" in caught.value.errors


def test_without_a_post_the_signer_must_give_one(world) -> None:  # type: ignore[no-untyped-def]
    doc = outgoing_in(world, Status.APPROVED)
    with pytest.raises(InvalidInput) as caught:
        actions.sign_document(acting_user=world.leader, document=doc)
    assert "position" in caught.value.errors


def test_a_unit_head_signs_only_by_order_or_by_authorisation(world) -> None:  # type: ignore[no-untyped-def]
    doc = outgoing_in(world, Status.APPROVED)
    with pytest.raises(InvalidInput) as caught:
        actions.sign_document(
            acting_user=world.unit_head,
            document=doc,
            authority="KT.",
            on_behalf_of="Giám đốc",
            position="Trưởng phòng",
        )
    assert "authority" in caught.value.errors
    signed = actions.sign_document(
        acting_user=world.unit_head,
        document=doc,
        authority="TL.",
        on_behalf_of="Giám đốc",
        position="Trưởng phòng Quản lý xây dựng",
    )
    assert signed.signer_competence == "TL. GIÁM ĐỐC"


def test_sending_delivers_at_once_inside_and_queues_for_the_exchange_outside(  # type: ignore[no-untyped-def]
    world, django_capture_on_commit_callbacks
) -> None:
    doc = draft(
        world,
        recipients=[
            RecipientSpec(world.justice.organ_code),
            RecipientSpec(REMOTE_ORGAN, "Ủy ban nhân dân tỉnh Hậu Giang"),
            RecipientSpec("000.00.00.H45", "Ủy ban nhân dân tỉnh Long An", paper=True),
        ],
        to_places=["Như trên", "Lưu: VT, QLXD"],
        due_date=None,
    )
    doc = advance(world, doc, Status.ISSUED)
    signalled: list[dict] = []

    def listener(sender, **kwargs):  # type: ignore[no-untyped-def]
        signalled.append(kwargs)

    documents_to_exchange.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            sent = actions.send_document(acting_user=world.document_clerk, document=doc)
    finally:
        documents_to_exchange.disconnect(listener)
    assert sent.status == Status.SENT
    assert sent.sent_at is not None
    by_code = {r.organ_id: r for r in sent.recipients.all()}
    local = by_code[world.justice.organ_code]
    assert local.status == DeliveryStatus.DELIVERED
    assert local.status_code == "01"
    incoming = local.incoming
    assert incoming.direction == Direction.INCOMING
    assert incoming.agency == world.justice
    assert incoming.status == Status.REGISTERED
    assert incoming.arrival_number == 1
    assert incoming.register.kind == RegisterKind.INCOMING
    assert incoming.number_notation == sent.number_notation
    assert incoming.organ_name == "Sở Xây dựng tỉnh Tiền Giang"
    assert incoming.edxml_document_id == sent.edxml_document_id
    assert incoming.source == sent
    assert incoming.to_places == ["Như trên", "Lưu: VT, QLXD"]
    assert by_code[REMOTE_ORGAN].status == DeliveryStatus.TO_SEND
    assert by_code["000.00.00.H45"].status == DeliveryStatus.SENT
    assert [(s["event"], [r.organ_id for r in s["recipients"]]) for s in signalled] == [
        ("send", [REMOTE_ORGAN])
    ]


def test_the_sender_follows_a_local_receivers_progress(world) -> None:  # type: ignore[no-untyped-def]
    Membership.objects.create(user=world.outsider, agency=world.justice, role=Role.LEADER)
    sent = outgoing_in(world, Status.SENT)
    recipient = sent.recipients.get()
    actions.assign_document(
        acting_user=world.outsider, document=recipient.incoming, assignee=world.outsider
    )
    recipient.refresh_from_db()
    assert recipient.status_code == "05"
    actions.complete_document(acting_user=world.outsider, document=recipient.incoming)
    recipient.refresh_from_db()
    assert recipient.status_code == "06"


def test_sending_without_recipients_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    doc = outgoing_in(world, Status.ISSUED, recipients=[])
    with pytest.raises(InvalidInput) as caught:
        actions.send_document(acting_user=world.document_clerk, document=doc)
    assert "recipients" in caught.value.errors
    doc.refresh_from_db()
    assert doc.status == Status.ISSUED


def test_revoking_withdraws_the_local_copies(world) -> None:  # type: ignore[no-untyped-def]
    sent = outgoing_in(world, Status.SENT)
    copy = sent.recipients.get().incoming
    revoked = actions.revoke_document(acting_user=world.leader, document=sent, reason="Sai số liệu")
    copy.refresh_from_db()
    assert revoked.status == Status.REVOKED
    assert copy.status == Status.REVOKED
    marker = copy.markers.get()
    assert (marker.kind, marker.reason) == ("revoke", "Sai số liệu")


def test_a_reply_is_linked_to_the_incoming_document_it_answers(world) -> None:  # type: ignore[no-untyped-def]
    question = incoming_in(world, Status.IN_PROGRESS)
    reply = draft(world, doc_type="cong_van", subject="V/v báo cáo", response_for=question)
    assert reply.response_for == question
    assert reply.response_for_refs == [
        {
            "OrganId": "000.00.00.H58",
            "Code": "1234/UBND-KT",
            "PromulgationDate": "2026-03-02",
            "DocumentId": "000.00.00.H58,2026/03/02,1234/UBND-KT",
        }
    ]
    done = actions.complete_document(
        acting_user=world.specialist, document=question, result="Đã trả lời", reply=reply
    )
    assert list(done.replies.all()) == [reply]


def test_a_reply_can_be_linked_later_but_only_to_an_incoming_document(world) -> None:  # type: ignore[no-untyped-def]
    question = incoming_in(world, Status.ASSIGNED)
    other = draft(world)
    reply = draft(world, subject="Trả lời")
    linked = actions.link_reply(acting_user=world.specialist, reply=reply, incoming=question)
    assert linked.response_for == question
    with pytest.raises(InvalidInput):
        actions.link_reply(acting_user=world.specialist, reply=reply, incoming=other)
    unlinked = actions.link_reply(acting_user=world.specialist, reply=reply, incoming=None)
    assert unlinked.response_for is None
    assert unlinked.response_for_refs == []


def test_the_metadata_uses_the_edxml_names(world) -> None:  # type: ignore[no-untyped-def]
    doc = outgoing_in(world, Status.ISSUED, page_amount=3, issued_amount=5, priority=1)
    metadata = doc.metadata()
    assert metadata["CodeNumber"] == "01"
    assert metadata["CodeNotation"] == "KH-SXD"
    assert metadata["TypeName"] == "Kế hoạch"
    assert metadata["OrganId"] == "000.00.09.H58"
    assert metadata["PageAmount"] == 3
    assert metadata["IssuedAmount"] == 5
    assert metadata["Priority"] == 1
    assert metadata["To"] == [
        {"OrganId": "000.00.05.H58", "OrganName": "Sở Tư pháp tỉnh Tiền Giang"}
    ]
    assert set(metadata["FileCode"]) == {"OrganId", "FileCatalog", "FileNotation"}
    assert "ArrivalNumber" not in metadata
