"""Form 06, the register of dossiers (Sổ theo dõi hồ sơ) of a receiving unit for a period.

Built from the ``Dossier`` rows the unit registered in the period (by receipt date in Vietnam
time), as a PDF (A4 landscape) or an XLSX workbook with the same columns. Who may open a unit's
register: its one-stop clerks and head, and the leaders (and agency-wide unit heads) of its
agency; anyone else gets the same 404 as for a unit that does not exist.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from egov.dossiers.forms import FORM_TITLES
from egov.dossiers.models import Dossier
from egov.dossiers.rendering import MARGIN, Page, build, national_header, vn_date
from egov.dossiers.workflow import Status
from egov.lib.pdf import centered, style
from egov.lib.problems import NotFound, invalid
from egov.lib.workdays import VIETNAM
from egov.org.models import Role, Unit
from egov.org.selectors import active_memberships

REGISTER_ROLES = (Role.ONE_STOP_CLERK, Role.UNIT_HEAD, Role.LEADER)
MAX_DAYS = 366
COLUMNS = (
    "STT",
    "Mã hồ sơ",
    "Người nộp",
    "Thủ tục",
    "Ngày nhận",
    "Hẹn trả",
    "Ngày trả",
    "Tình trạng",
)
WIDTHS = (0.04, 0.17, 0.14, 0.25, 0.1, 0.08, 0.1, 0.12)
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date


def register_units(user: Any) -> list[Unit]:
    """The receiving units whose register ``user`` may open."""
    unit_ids: set[int] = set()
    agency_ids: set[int] = set()
    for membership in active_memberships(user):
        if membership.role not in REGISTER_ROLES:
            continue
        if membership.unit_id is not None and membership.role != Role.LEADER:
            unit_ids.add(membership.unit_id)
        else:
            agency_ids.add(membership.agency_id)
    if not unit_ids and not agency_ids:
        return []
    return list(
        Unit.objects.filter(Q(pk__in=unit_ids) | Q(agency_id__in=agency_ids, is_one_stop_desk=True))
        .select_related("agency")
        .order_by("agency__name", "name")
    )


def access_register_unit(user: Any, unit_id: int) -> Unit:
    """The unit if ``user`` may open its register; NotFound otherwise."""
    for unit in register_units(user):
        if unit.pk == unit_id:
            return unit
    raise NotFound()


def check_period(start: dt.date, end: dt.date) -> Period:
    if end < start:
        raise invalid("to", _("The end of the period is before its start."))
    if (end - start).days >= MAX_DAYS:
        raise invalid("to", _("A register covers at most %(days)s days.") % {"days": MAX_DAYS})
    return Period(start, end)


def register_entries(unit: Unit, period: Period) -> QuerySet[Dossier]:
    """The dossiers the unit registered in the period, in the order they came in."""
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=VIETNAM)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=VIETNAM)
    return (
        Dossier.objects.filter(receiving_unit=unit, registered_at__gte=start, registered_at__lt=end)
        .only(
            "code",
            "applicant_name",
            "procedure_name",
            "registered_at",
            "due_on",
            "returned_at",
            "status",
        )
        .order_by("registered_at", "code")
    )


def register_rows(entries: QuerySet[Dossier]) -> list[list[str]]:
    """One row per dossier, in Vietnamese (the register is an official form)."""
    rows = []
    with translation.override("vi"):
        for number, dossier in enumerate(entries, start=1):
            rows.append(
                [
                    str(number),
                    dossier.code,
                    dossier.applicant_name,
                    dossier.procedure_name,
                    vn_date(timezone.localtime(dossier.registered_at).date()),
                    vn_date(dossier.due_on),
                    vn_date(timezone.localtime(dossier.returned_at).date())
                    if dossier.returned_at
                    else "",
                    str(Status(dossier.status).label),
                ]
            )
    return rows


def _period_line(period: Period) -> str:
    return f"Từ ngày {vn_date(period.start)} đến ngày {vn_date(period.end)}"


def register_pdf(unit: Unit, period: Period, rows: Sequence[Sequence[str]]) -> bytes:
    pagesize = landscape(A4)
    width = pagesize[0] - 2 * MARGIN
    page = Page(f"{FORM_TITLES['06']} – {unit.name}")
    national_header(
        page, {"receiving_agency": unit.agency.name, "receiving_unit": unit.name}, width
    )
    cell = style("c", size=8, leading=10)
    head = style("h", size=8, leading=10, bold=True, align=TA_CENTER)
    table = Table(
        [[Paragraph(text, head) for text in COLUMNS]]
        + [[Paragraph(escape(value), cell) for value in row] for row in rows],
        colWidths=[width * w for w in WIDTHS],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ]
        )
    )
    page.story += [
        Spacer(1, 5 * mm),
        Paragraph(f"<b>{FORM_TITLES['06'].upper()}</b>", centered("t", size=13, leading=17)),
        Paragraph(escape(_period_line(period)), centered("p", size=10, italic=True)),
        Paragraph(f"Số hồ sơ: {len(rows)}", centered("k", size=10)),
        Spacer(1, 4 * mm),
        table,
    ]
    return build(page, pagesize=pagesize, author=unit.agency.name).pdf


def register_xlsx(unit: Unit, period: Period, rows: Sequence[Sequence[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = "So theo doi ho so"
    sheet.append([FORM_TITLES["06"].upper()])
    sheet.append([f"{unit.name} – {unit.agency.name}"])
    sheet.append([_period_line(period)])
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([int(row[0]), *row[1:]])
    sheet["A1"].font = Font(bold=True, size=13)
    for column in sheet[4]:
        column.font = Font(bold=True)
        column.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, share in zip("ABCDEFGH", WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = max(6, round(share * 160))
    sheet.freeze_panes = "A5"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def register_file(unit: Unit, period: Period, file_format: str) -> tuple[bytes, str, str]:
    """The register as (content, content type, file name)."""
    rows = register_rows(register_entries(unit, period))
    name = f"so-theo-doi-{unit.code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{file_format}"
    if file_format == "xlsx":
        return register_xlsx(unit, period, rows), CONTENT_TYPES["xlsx"], name
    return register_pdf(unit, period, rows), CONTENT_TYPES["pdf"], name
