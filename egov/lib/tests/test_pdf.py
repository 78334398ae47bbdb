from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.lib.pagesizes import A5
from reportlab.platypus import Paragraph, SimpleDocTemplate

from egov.lib.pdf import qr_drawing, style


def test_vietnamese_text_survives_rendering_and_extraction() -> None:
    text = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả – Ủy ban nhân dân tỉnh Tiền Giang"
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A5)
    doc.build(
        [Paragraph(text, style("t", bold=True)), qr_drawing("https://egov.example/tra-cuu", 60)]
    )
    extracted = PdfReader(io.BytesIO(buffer.getvalue())).pages[0].extract_text()
    assert text in " ".join(extracted.split())
    assert b"NotoSerif" in buffer.getvalue() or b"DejaVuSerif" in buffer.getvalue()
