"""Printing and exporting the registers (Decree 30/2020, Appendix IV, forms I and VI).

The columns are the minimum the Decree lists, in its order and with its Vietnamese headings:
a register is an official record, printed in Vietnamese whatever the reader's language.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from egov.documents.models import Document, RegisterKind
from egov.lib.pdf import style
from egov.org.models import Agency

Cell = Callable[[Document], str]


def _date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value)
    return value.strftime("%d/%m/%Y")


def _type_and_subject(doc: Document) -> str:
    return f"{doc.type_name}: {doc.subject}"


def _signer(doc: Document) -> str:
    return " ".join(part for part in (doc.signer_position, doc.signer_full_name) if part)


def _recipients(doc: Document) -> str:
    names = [r.organ_name for r in doc.recipients.all()]
    return "; ".join([*names, *doc.to_places])


def _assigned(doc: Document) -> str:
    parts = [doc.assigned_unit.name if doc.assigned_unit else ""]
    if doc.assignee is not None:
        parts.append(doc.assignee.get_full_name())
    return " – ".join(p for p in parts if p)


def _notes(doc: Document) -> str:
    notes = [doc.description]
    if doc.status == "revoked":
        notes.append("Đã thu hồi")
    return "; ".join(n for n in notes if n)


@dataclass(frozen=True)
class Column:
    heading: str
    width: float  # share of the page width / Excel characters / 4
    value: Cell


OUTGOING_COLUMNS = [
    Column("Số, ký hiệu văn bản", 11, lambda d: d.number_notation),
    Column("Ngày tháng văn bản", 8, lambda d: _date(d.issued_date)),
    Column("Tên loại và trích yếu nội dung văn bản", 24, _type_and_subject),
    Column("Người ký", 11, _signer),
    Column("Nơi nhận văn bản", 16, _recipients),
    Column("Đơn vị, người nhận bản lưu", 9, lambda d: d.archive_copies),
    Column("Số lượng bản", 5, lambda d: str(d.issued_amount or "")),
    Column("Ngày chuyển", 7, lambda d: _date(d.sent_at)),
    Column("Ký nhận", 5, lambda d: ""),
    Column("Ghi chú", 8, _notes),
]
INCOMING_COLUMNS = [
    Column("Ngày đến", 7, lambda d: _date(d.arrival_date)),
    Column("Số đến", 5, lambda d: str(d.register_number or "")),
    Column("Tác giả", 14, lambda d: d.organ_name),
    Column("Số, ký hiệu văn bản", 11, lambda d: d.number_notation),
    Column("Ngày tháng văn bản", 8, lambda d: _date(d.issued_date)),
    Column("Tên loại và trích yếu nội dung văn bản", 24, _type_and_subject),
    Column("Đơn vị hoặc người nhận", 13, _assigned),
    Column("Ngày chuyển", 7, lambda d: _date(d.assigned_at)),
    Column("Ký nhận", 5, lambda d: ""),
    Column("Ghi chú", 8, _notes),
]
TITLES = {
    RegisterKind.OUTGOING: "SỔ ĐĂNG KÝ VĂN BẢN ĐI",
    RegisterKind.INCOMING: "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
    RegisterKind.COPIES: "SỔ ĐĂNG KÝ BẢN SAO VĂN BẢN",
}


def columns_for(kind: str) -> list[Column]:
    return INCOMING_COLUMNS if kind == RegisterKind.INCOMING else OUTGOING_COLUMNS


def rows(kind: str, documents: list[Document]) -> list[list[str]]:
    return [[column.value(doc) for column in columns_for(kind)] for doc in documents]


def _period(date_from: dt.date, date_to: dt.date) -> str:
    return f"Từ ngày {_date(date_from)} đến ngày {_date(date_to)}"


def export_pdf(
    agency: Agency, kind: str, date_from: dt.date, date_to: dt.date, documents: list[Document]
) -> bytes:
    buffer = io.BytesIO()
    page = landscape(A4)
    doc = SimpleDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=14 * mm,
        title=f"{TITLES[RegisterKind(kind)]} – {agency.name}",
        author=agency.name,
    )
    head = style("register-head", size=11, bold=True)
    title = style("register-title", size=15, bold=True, align=TA_CENTER, space_after=2)
    sub = style("register-sub", size=11, italic=True, align=TA_CENTER, space_after=8)
    th = style("register-th", family="Sans", size=8, bold=True, align=TA_CENTER, leading=10)
    td = style("register-td", family="Sans", size=8, leading=10)
    cols = columns_for(kind)
    total_width = page[0] - 24 * mm
    widths = [total_width * c.width / sum(c.width for c in cols) for c in cols]
    header = [Paragraph(c.heading, th) for c in cols]
    numbers = [Paragraph(f"({i})", th) for i in range(1, len(cols) + 1)]
    body = [[Paragraph(_escape(v), td) for v in row] for row in rows(kind, documents)]
    table = LongTable([header, numbers, *body], colWidths=widths, repeatRows=2)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 1), colors.HexColor("#eeeeee")),
            ]
        )
    )
    story = [
        Paragraph(_escape(agency.name.upper()), head),
        Spacer(1, 4 * mm),
        Paragraph(f"{TITLES[RegisterKind(kind)]}", title),
        Paragraph(_period(date_from, date_to), sub),
        table,
    ]
    if not documents:
        story.append(Paragraph("Không có văn bản nào trong thời gian này.", td))
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _page_number(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont("Sans", 8)
    canvas.drawRightString(doc.pagesize[0] - 12 * mm, 8 * mm, f"Trang {doc.page}")
    canvas.restoreState()


def export_xlsx(
    agency: Agency, kind: str, date_from: dt.date, date_to: dt.date, documents: list[Document]
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Văn bản đến" if kind == RegisterKind.INCOMING else "Văn bản đi"
    cols = columns_for(kind)
    sheet.append([agency.name.upper()])
    sheet.append([TITLES[RegisterKind(kind)]])
    sheet.append([_period(date_from, date_to)])
    sheet.append([c.heading for c in cols])
    sheet.append([f"({i})" for i in range(1, len(cols) + 1)])
    for row in rows(kind, documents):
        sheet.append(row)
    bold = Font(bold=True)
    sheet["A1"].font = bold
    sheet["A2"].font = Font(bold=True, size=14)
    for cell in sheet[4]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center")
    for index, column in enumerate(cols, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width * 2
    for row_cells in sheet.iter_rows(min_row=6):
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A6"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEADER_ROWS = 5  # rows above the first entry in the XLSX export
