"""The electronic receipt: a Vietnamese PDF whose text says what was paid, by whom, how."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from egov.payments.models import Payment
from egov.payments.receipts import receipt_pdf
from egov.payments.tests.conftest import pay_at_gateway, send_ipn

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def test_the_receipt_says_what_was_paid_in_figures_and_words(
    client, world, notice, pending, vnpay_gateway
) -> None:  # type: ignore[no-untyped-def]
    send_ipn(client, pay_at_gateway(vnpay_gateway, pending).ipn_query)
    payment = Payment.objects.get()
    text = _text(receipt_pdf(payment))

    assert "BIÊN LAI THANH TOÁN ĐIỆN TỬ" in text
    assert f"Số: {payment.receipt_number}" in text
    assert "Nguyễn Văn An" in text
    assert "Phí cung cấp thông tin quy hoạch xây dựng" in text
    assert "Trung tâm Phục vụ hành chính công tỉnh Tiền Giang" in text
    assert "150.000 đồng" in text
    assert "Một trăm năm mươi nghìn đồng" in text
    assert vnpay_gateway.transactions()[payment.reference]["transaction_no"] in text
    assert payment.reference in text
    paid_at = timezone.localtime(payment.paid_at)
    assert f"{paid_at:%H:%M:%S} ngày {paid_at:%d/%m/%Y}" in text


def test_the_receipt_of_a_refunded_payment_says_so(
    client, world, notice, pending, vnpay_gateway
) -> None:  # type: ignore[no-untyped-def]
    from egov.payments.actions import refund_payment
    from egov.payments.services import process_refund

    send_ipn(client, pay_at_gateway(vnpay_gateway, pending).ipn_query)
    refund = refund_payment(acting_user=world.admin, reference=pending.reference, reason="x")
    process_refund(refund.pk)
    assert "Đã hoàn tiền" in _text(receipt_pdf(Payment.objects.get()))
