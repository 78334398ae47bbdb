"""PDFs the portal writes, in Vietnamese with embedded fonts (``egov.lib.pdf``):

- the online declaration (tờ khai): the applicant's answers, handed in with the dossier in
  place of the paper form the online form replaces;
- a notice of the recorded result, returned online when no result file was attached;
- the blank form of a procedure, to print and fill in by hand (service level 2).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from egov.lib.pdf import qr_drawing, style


def _styles() -> dict[str, Any]:
    return {
        "national": style("national", size=11, bold=True, align=TA_CENTER),
        "motto": style("motto", size=11, align=TA_CENTER),
        "title": style("title", size=14, bold=True, align=TA_CENTER, space_after=2),
        "subtitle": style("subtitle", size=11, italic=True, align=TA_CENTER),
        "section": style("section", size=11, bold=True, space_after=2),
        "label": style("label", size=10),
        "value": style("value", size=10, bold=True),
        "note": style("note", size=9, italic=True),
    }


def _table(rows: Iterable[tuple[str, str]], styles: Mapping[str, Any]) -> Table:
    table = Table(
        [
            [Paragraph(escape(label), styles["label"]), Paragraph(escape(value), styles["value"])]
            for label, value in rows
        ],
        colWidths=[65 * mm, 105 * mm],
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
    return table


def _render(story: list[Any], title: str) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
        author="egov",
    )
    document.build(story)
    return buffer.getvalue()


def _heading(styles: Mapping[str, Any], title: str, subtitle: str) -> list[Any]:
    return [
        Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", styles["national"]),
        Paragraph("Độc lập – Tự do – Hạnh phúc", styles["motto"]),
        Spacer(1, 6 * mm),
        Paragraph(escape(title), styles["title"]),
        Paragraph(escape(subtitle), styles["subtitle"]),
        Spacer(1, 5 * mm),
    ]


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%H:%M ngày %d/%m/%Y}"


def declaration_pdf(
    *,
    procedure_name: str,
    applicant: str,
    sections: list[tuple[str, list[tuple[str, str]]]],
    attachments: list[str],
    at: dt.datetime,
) -> bytes:
    """The answers of an online application, section by section."""
    styles = _styles()
    story = _heading(styles, "TỜ KHAI TRỰC TUYẾN", procedure_name)
    for heading, rows in sections:
        if heading:
            story.append(Paragraph(escape(heading), styles["section"]))
        if rows:
            story += [_table(rows, styles), Spacer(1, 4 * mm)]
    if attachments:
        story.append(Paragraph("Giấy tờ kèm theo", styles["section"]))
        story += [Paragraph("– " + escape(name), styles["label"]) for name in attachments]
        story.append(Spacer(1, 4 * mm))
    story.append(
        Paragraph(
            escape(
                f"Người khai: {applicant}. Nộp trực tuyến lúc {_local(at)} trên Cổng dịch vụ "
                "công; người khai đã xác thực tài khoản và cam đoan nội dung khai là đúng sự thật."
            ),
            styles["note"],
        )
    )
    return _render(story, "Tờ khai trực tuyến")


def result_notice_pdf(
    *,
    code: str,
    procedure_name: str,
    applicant: str,
    agency: str,
    number: str,
    summary: str,
    decided_at: dt.datetime | None,
) -> bytes:
    """What the deciding body recorded, for a result returned online without a file."""
    styles = _styles()
    link = f"{settings.SITE_URL}/my/dossiers/{code}/"
    rows = [
        ("Mã hồ sơ", code),
        ("Thủ tục", procedure_name),
        ("Người nộp", applicant),
        ("Cơ quan giải quyết", agency),
        ("Số, ký hiệu kết quả", number or "–"),
        ("Kết quả", summary),
    ]
    if decided_at is not None:
        rows.append(("Thời điểm có kết quả", _local(decided_at)))
    story = _heading(styles, "THÔNG BÁO KẾT QUẢ GIẢI QUYẾT HỒ SƠ", procedure_name)
    story += [
        _table(rows, styles),
        Spacer(1, 6 * mm),
        qr_drawing(link, 25 * mm),
        Paragraph(
            escape(
                "Thông báo do hệ thống lập tự động từ kết quả cơ quan giải quyết đã ghi nhận. "
                f"Tra cứu hồ sơ: {link}"
            ),
            styles["note"],
        ),
    ]
    return _render(story, f"Kết quả hồ sơ {code}")


def blank_form_pdf(*, procedure_name: str, code: str, fields: list[tuple[str, str, str]]) -> bytes:
    """A printable form: one line per field (section, label, note), to fill in by hand."""
    styles = _styles()
    story = _heading(styles, "TỜ KHAI", procedure_name)
    current = None
    rows: list[tuple[str, str]] = []
    for section, label, note in fields:
        if section and section != current:
            if rows:
                story += [_table(rows, styles), Spacer(1, 3 * mm)]
                rows = []
            story.append(Paragraph(escape(section), styles["section"]))
            current = section
        rows.append((label, note or "." * 60))
    if rows:
        story.append(_table(rows, styles))
    story += [
        Spacer(1, 8 * mm),
        Paragraph(
            escape(
                f"Mẫu tờ khai của thủ tục {code}, in từ Cổng dịch vụ công. Có thể nộp trực "
                "tuyến thay cho tờ khai giấy."
            ),
            styles["note"],
        ),
    ]
    return _render(story, f"Tờ khai {code}")
