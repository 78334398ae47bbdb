"""Numbers come from the agency's register: leading zero, restart on 1 January, unique per
agency and year, gap-free, and the same under concurrency."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import IntegrityError, connection, connections, transaction
from django.test import override_settings

from egov.documents import actions
from egov.documents.models import Document, Register, RegisterKind, Status
from egov.documents.tests.factories import incoming, outgoing_in
from egov.lib.problems import Conflict, PermissionDenied
from egov.lib.workdays import VIETNAM

pytestmark = pytest.mark.django_db


def _at(*args: int) -> time_machine.travel:
    return time_machine.travel(dt.datetime(*args, tzinfo=VIETNAM), tick=False)


def test_the_first_documents_of_the_year_are_numbered_01_and_02(world) -> None:  # type: ignore[no-untyped-def]
    with _at(2026, 3, 5, 9, 0):
        first = outgoing_in(world, Status.ISSUED)
        second = outgoing_in(world, Status.ISSUED, doc_type="quyet_dinh", subject="Quyết định")
    assert first.number_notation == "01/KH-SXD"
    assert second.number_notation == "02/QĐ-SXD"
    assert first.issued_date == dt.date(2026, 3, 5)
    assert first.register == second.register
    assert first.register.year == 2026
    assert first.edxml_document_id == "000.00.09.H58,2026/03/05,01/KH-SXD"


def test_an_official_letter_takes_the_next_number_with_agency_and_unit_notation(world) -> None:  # type: ignore[no-untyped-def]
    outgoing_in(world, Status.ISSUED)
    letter = outgoing_in(world, Status.ISSUED, doc_type="cong_van", subject="V/v báo cáo")
    assert letter.number_notation == "02/SXD-QLXD"
    assert letter.type_name == "Công văn"


def test_numbering_restarts_on_the_first_of_january_in_vietnam_time(world) -> None:  # type: ignore[no-untyped-def]
    signed = [outgoing_in(world, Status.SIGNED, subject=f"Văn bản {i}") for i in range(3)]
    with _at(2026, 12, 31, 23, 50):  # 16:50 UTC: still 2026 in Vietnam
        actions.issue_document(acting_user=world.document_clerk, document=signed[0])
        last_of_2026 = actions.issue_document(acting_user=world.document_clerk, document=signed[1])
    with _at(2027, 1, 1, 0, 5):  # 17:05 UTC on 31/12: already 2027 in Vietnam
        first_of_2027 = actions.issue_document(acting_user=world.document_clerk, document=signed[2])
    assert last_of_2026.number_notation == "02/KH-SXD"
    assert last_of_2026.issued_date == dt.date(2026, 12, 31)
    assert first_of_2027.number_notation == "01/KH-SXD"
    assert first_of_2027.issued_date == dt.date(2027, 1, 1)
    assert first_of_2027.register.year == 2027
    assert first_of_2027.register != last_of_2026.register


def test_each_agency_numbers_its_own_documents(world) -> None:  # type: ignore[no-untyped-def]
    from egov.org.models import Membership, Role

    for user, role in [(world.outsider, Role.LEADER), (world.outsider, Role.DOCUMENT_CLERK)]:
        Membership.objects.create(user=user, agency=world.justice, unit=None, role=role)
    outgoing_in(world, Status.ISSUED)
    justice_doc = actions.create_draft(
        acting_user=world.outsider,
        agency=world.justice,
        doc_type="bao_cao",
        subject="Báo cáo công tác tư pháp",
    )
    actions.approve_document(
        acting_user=world.outsider,
        document=actions.submit_document(acting_user=world.outsider, document=justice_doc),
    )
    actions.sign_document(acting_user=world.outsider, document=justice_doc, position="Giám đốc")
    issued = actions.issue_document(acting_user=world.outsider, document=justice_doc)
    assert issued.number_notation == "01/BC-STP"


def test_copies_are_numbered_in_the_copies_register(world) -> None:  # type: ignore[no-untyped-def]
    outgoing_in(world, Status.ISSUED)
    copy = outgoing_in(world, Status.ISSUED, doc_type="ban_sao_y", subject="Sao y Quyết định")
    assert copy.number_notation == "01/SY-SXD"
    assert copy.register.kind == RegisterKind.COPIES


def test_arrival_numbers_have_their_own_register_and_restart_each_year(world) -> None:  # type: ignore[no-untyped-def]
    outgoing_in(world, Status.ISSUED)
    with _at(2026, 12, 31, 16, 0):
        late_2026 = [incoming(world, code_number=str(n)) for n in (1, 2)]
    with _at(2027, 1, 2, 8, 0):
        early_2027 = incoming(world, code_number="3")
    assert [d.arrival_number for d in late_2026] == [1, 2]
    assert late_2026[0].register.kind == RegisterKind.INCOMING
    assert early_2027.arrival_number == 1
    assert early_2027.arrival_date == dt.date(2027, 1, 2)


def test_the_database_refuses_a_number_given_twice_in_one_register(world) -> None:  # type: ignore[no-untyped-def]
    first = outgoing_in(world, Status.ISSUED)
    second = outgoing_in(world, Status.SIGNED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=second.pk).update(
            register=first.register, register_number=first.register_number
        )


def _failing_signer(pdf: bytes, **kwargs: object) -> bytes:
    raise RuntimeError("the token is not plugged in")


def test_a_failed_issue_gives_back_its_number(world) -> None:  # type: ignore[no-untyped-def]
    from egov.documents.tests.factories import pdf_file

    doc = outgoing_in(world, Status.SIGNED, file=pdf_file())
    with (
        override_settings(
            EGOV_DOCUMENT_SIGNER="egov.documents.tests.test_numbering._failing_signer"
        ),
        pytest.raises(RuntimeError),
    ):
        actions.issue_document(acting_user=world.document_clerk, document=doc)
    doc.refresh_from_db()
    assert doc.status == Status.SIGNED
    assert doc.code_number == ""
    issued = actions.issue_document(acting_user=world.document_clerk, document=doc)
    assert issued.code_number == "01"


def test_the_clerk_opens_a_register_once(world) -> None:  # type: ignore[no-untyped-def]
    register = actions.open_register(
        acting_user=world.document_clerk,
        agency=world.construction,
        year=2027,
        kind=RegisterKind.OUTGOING,
    )
    assert register.last_number == 0
    with pytest.raises(Conflict):
        actions.open_register(
            acting_user=world.document_clerk,
            agency=world.construction,
            year=2027,
            kind=RegisterKind.OUTGOING,
        )


def test_a_specialist_cannot_open_a_register(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        actions.open_register(
            acting_user=world.specialist,
            agency=world.construction,
            year=2027,
            kind=RegisterKind.INCOMING,
        )
    assert not Register.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_unique_gap_free_numbers(world) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("row locks across threads need PostgreSQL; SQLite serialises every writer")
    count = 8
    documents = [outgoing_in(world, Status.SIGNED, subject=f"Văn bản {i}") for i in range(count)]
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def issue(doc: Document) -> None:
        try:
            barrier.wait(timeout=10)
            actions.issue_document(acting_user=world.document_clerk, document=doc)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(doc,)) for doc in documents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    numbers = sorted(
        Document.objects.filter(pk__in=[d.pk for d in documents]).values_list(
            "register_number", flat=True
        )
    )
    assert numbers == list(range(1, count + 1))
    assert Register.objects.get(kind=RegisterKind.OUTGOING).last_number == count


@pytest.mark.django_db(transaction=True)
def test_two_clerks_issuing_the_same_document_at_once_one_wins_one_gets_a_conflict(world) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("row locks across threads need PostgreSQL; SQLite serialises every writer")
    from egov.org.models import Membership, Role

    Membership.objects.create(
        user=world.leader, agency=world.construction, role=Role.DOCUMENT_CLERK
    )
    doc = outgoing_in(world, Status.SIGNED)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def issue(user) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait(timeout=10)
            actions.issue_document(acting_user=user, document=doc)
            outcomes.append("issued")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=issue, args=(u,)) for u in (world.document_clerk, world.leader)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "issued"]
    assert Register.objects.get(kind=RegisterKind.OUTGOING).last_number == 1
