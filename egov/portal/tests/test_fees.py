"""Fees of a level-4 procedure paid online through the VNPay stand-in: before submission or
after acceptance as the procedure says; the receipt lands in the document store; a failed
payment never loses the draft; a refused dossier is refunded."""

from __future__ import annotations

import pytest

from egov.docstore.models import StoredDocument
from egov.dossiers import actions as dossier_actions
from egov.dossiers.models import Dossier
from egov.lib.problems import Conflict, NotFound
from egov.payments.models import Payment, PaymentStatus, Refund
from egov.payments.payables import payable_type
from egov.payments.tests.conftest import pay_at_gateway, send_ipn
from egov.portal.models import Application, FeeTiming, OnlineService
from egov.portal.tests.conftest import FEE
from egov.portal.tests.helpers import complete, run_ready_tasks, start, url

pytestmark = pytest.mark.django_db


def _pay(client, application, gateway, action: str = "pay") -> Payment:  # type: ignore[no-untyped-def]
    from django.test import TestCase

    """The applicant presses "Pay" on our page and a button on the gateway's."""
    page = client.get(f"/payments/pay/application/{application.ref}/")
    assert page.status_code == 200
    assert "150.000" in page.content.decode()
    response = client.post(
        f"/payments/pay/application/{application.ref}/",
        {"amount": str(FEE), "currency": "VND", "idempotency_key": f"k-{Payment.objects.count()}"},
    )
    assert response.status_code == 302 and response["Location"].startswith(gateway.url)
    payment = Payment.objects.filter(payable_ref=application.ref).latest("created_at")
    paid = pay_at_gateway(gateway, payment, action)
    # What runs after the IPN's commit (keeping the receipt) runs here too.
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert send_ipn(client, paid.ipn_query)["RspCode"] == "00"
    payment.refresh_from_db()
    return payment


def test_fees_due_before_submission_are_paid_online_and_the_receipt_is_kept(
    client, world, service, vnpay_gateway
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    application = start(client, service)
    assert complete(client, application)["Location"] == url(application, "review/")
    review = client.get(url(application, "review/")).content.decode()
    assert "Nộp phí, lệ phí" in review
    assert "Nộp hồ sơ</button>" not in review
    # Submitting before paying is refused and changes nothing.
    client.post(url(application, "review/"))
    assert not Dossier.objects.exists()

    payment = _pay(client, application, vnpay_gateway)
    assert payment.status == PaymentStatus.SUCCEEDED
    application.refresh_from_db()
    assert application.fee_paid_at is not None
    assert application.payment_reference == payment.reference

    assert run_ready_tasks() == 1
    [receipt] = StoredDocument.objects.filter(owner=world.citizen, kind="receipt")
    assert receipt.source == payment.reference
    assert receipt.file.read().startswith(b"%PDF")

    response = client.post(url(application, "review/"))
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/my/dossiers/{dossier.code}/"
    page = client.get(response["Location"]).content.decode()
    assert "Đã nộp trực tuyến phí, lệ phí" in page


def test_a_failed_payment_keeps_the_draft_and_can_be_tried_again(
    client, world, service, vnpay_gateway
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    application = start(client, service)
    complete(client, application)
    answers = Application.objects.get(pk=application.pk).form_data
    failed = _pay(client, application, vnpay_gateway, action="cancel")
    assert failed.status == PaymentStatus.CANCELLED
    application.refresh_from_db()
    assert application.form_data == answers and application.fee_paid_at is None
    assert application.attachments.count() == 1
    assert "Nộp phí, lệ phí" in client.get(url(application, "review/")).content.decode()
    assert _pay(client, application, vnpay_gateway).status == PaymentStatus.SUCCEEDED


def test_a_dossier_refused_after_paying_is_refunded(client, world, service, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    application = start(client, service)
    complete(client, application)
    payment = _pay(client, application, vnpay_gateway)
    client.post(url(application, "review/"))
    dossier = Dossier.objects.get()
    dossier_actions.refuse_dossier(
        acting_user=world.clerk, dossier=dossier.code, reason="Không thuộc thẩm quyền"
    )
    refund = Refund.objects.get(payment=payment)
    assert refund.reason == "Hồ sơ bị từ chối tiếp nhận"


def test_fees_due_after_acceptance_are_paid_from_the_dossier_page(
    client, world, service, vnpay_gateway
) -> None:  # type: ignore[no-untyped-def]
    OnlineService.objects.create(procedure=service, fee_timing=FeeTiming.AFTER_ACCEPTANCE)
    client.force_login(world.citizen)
    application = start(client, service)
    complete(client, application)
    with pytest.raises(Conflict):
        payable_type("application").resolve(world.citizen, application.ref)
    response = client.post(url(application, "review/"))
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/my/dossiers/{dossier.code}/"
    assert "Nộp phí, lệ phí" not in client.get(response["Location"]).content.decode()

    dossier_actions.accept_dossier(acting_user=world.clerk, dossier=dossier.code)
    assert "Nộp phí, lệ phí" in client.get(response["Location"]).content.decode()
    application.refresh_from_db()
    assert _pay(client, application, vnpay_gateway).status == PaymentStatus.SUCCEEDED


def test_only_the_applicant_can_pay_and_nothing_is_due_without_fees(
    world, service, free_service
) -> None:  # type: ignore[no-untyped-def]
    from egov.portal.actions import start_application

    application = start_application(acting_user=world.citizen, procedure=service)
    with pytest.raises(NotFound):
        payable_type("application").resolve(world.citizen2, application.ref)
    with pytest.raises(NotFound):
        payable_type("application").resolve(world.citizen, "not-a-uuid")
    free = start_application(acting_user=world.citizen, procedure=free_service)
    with pytest.raises(Conflict):
        payable_type("application").resolve(world.citizen, free.ref)
    due = payable_type("application").resolve(world.citizen, application.ref)
    assert due.amount == FEE and due.beneficiary == world.construction.name
