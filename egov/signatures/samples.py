"""A small Vietnamese PDF to sign in the demo, the benchmark and the tests."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from egov.lib.pdf import register_fonts

SAMPLE_TEXT = "Kế hoạch ứng dụng công nghệ thông tin tỉnh Tiền Giang"


def sample_pdf(text: str = SAMPLE_TEXT, pages: int = 1) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for page in range(pages):
        canvas.setFont("Serif", 13)
        canvas.drawString(85, 760, text)
        canvas.drawString(85, 740, f"Trang {page + 1}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
