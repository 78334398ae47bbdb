"""Small real PDFs for tests, made with reportlab and the project's Vietnamese fonts."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.platypus import Paragraph, SimpleDocTemplate

from egov.lib.pdf import style


def simple_pdf(text: str) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build([Paragraph(text, style("body"))])
    return buffer.getvalue()
