"""The electronic receipt of a paid payment, as a PDF in Vietnamese (reportlab, embedded fonts)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from egov.lib.pdf import qr_drawing, style
from egov.payments.models import Payment, PaymentStatus
from egov.payments.words import amount_in_words, format_vnd

GATEWAY_NAMES = {"vnpay": "Cổng thanh toán VNPAY"}


def receipt_pdf(payment: Payment) -> bytes:
    """Render the receipt; the caller has checked that the payment was paid."""
    local = timezone.localtime
    title = style("title", family="Sans", size=14, bold=True, align=TA_CENTER, space_after=2)
    centered = style("centered", family="Sans", size=9, align=TA_CENTER)
    label = style("label", family="Sans", size=9)
    value = style("value", family="Sans", size=9, bold=True)
    note = style("note", family="Sans", size=8, italic=True)

    rows = [
        ("Đơn vị thụ hưởng", payment.beneficiary or "–"),
        ("Người nộp", payment.payer.get_full_name()),
        ("Nội dung", payment.description),
        ("Số tiền", format_vnd(payment.amount)),
        ("Bằng chữ", amount_in_words(payment.amount)),
        ("Hình thức", f"Thanh toán trực tuyến qua {GATEWAY_NAMES.get(payment.gateway, '')}"),
        ("Mã giao dịch tại cổng", payment.gateway_transaction_no or "–"),
        ("Ngân hàng", payment.bank_code or "–"),
        ("Mã thanh toán", payment.reference),
        ("Thời gian thanh toán", f"{local(payment.paid_at):%H:%M:%S ngày %d/%m/%Y}"),
    ]
    if payment.status == PaymentStatus.REFUNDED:
        rows.append(("Tình trạng", "Đã hoàn tiền"))
    table = Table(
        [[Paragraph(escape(k), label), Paragraph(escape(v), value)] for k, v in rows],
        colWidths=[38 * mm, 80 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, "#c8ced4"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    link = f"{settings.SITE_URL}/payments/{payment.reference}/"
    story = [
        Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", centered),
        Paragraph("Độc lập – Tự do – Hạnh phúc", centered),
        Spacer(1, 5 * mm),
        Paragraph("BIÊN LAI THANH TOÁN ĐIỆN TỬ", title),
        Paragraph(f"Số: {escape(payment.receipt_number or '')}", centered),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 4 * mm),
        qr_drawing(link, 22 * mm),
        Paragraph(
            "Biên lai được lập tự động khi cổng thanh toán xác nhận giao dịch. "
            f"Tra cứu: {escape(link)}",
            note,
        ),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A5,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"Biên lai {payment.receipt_number}",
        author=payment.beneficiary or "egov",
        lang="vi",
    )
    document.build(story)
    return buffer.getvalue()
